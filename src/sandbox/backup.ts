/**
 * AWS Backup over its real protocol, REST-JSON (the SDK's AwsRestJsonProtocol): the action is the method and path,
 * its inputs are the path and query string, the answer a JSON body; timestamps are epoch seconds ("CreationDate":
 * number, "accurate to milliseconds. For example, the value 1516925490.087 represents Friday, January 26, 2018
 * 12:11:30.087 AM."); an error is the status, the `x-amzn-ErrorType` header naming the code, and a JSON body with
 * the error shape's members (Code, Message: the SDK reads the code from the header first, then the body's code or
 * __type). Two read-only actions, what amigov calls:
 *
 * - ListBackupVaults: `GET /backup-vaults/?maxResults=MaxResults&nextToken=NextToken&shared=ByShared&vaultType=ByVaultType`,
 *   answering `{"BackupVaultList": [{"BackupVaultArn", "BackupVaultName", "CreationDate", "NumberOfRecoveryPoints",
 *   ...}], "NextToken"}`. MaxResults: "Valid Range: Minimum value of 1. Maximum value of 1000."
 * - ListRecoveryPointsByBackupVault: `GET /backup-vaults/backupVaultName/recovery-points/?...&maxResults=MaxResults
 *   &nextToken=NextToken&resourceType=ByResourceType`, answering `{"NextToken", "RecoveryPoints": [...]}`
 *   (RecoveryPointByBackupVault: RecoveryPointArn, BackupVaultName, BackupVaultArn, ResourceArn, ResourceType,
 *   Status, CreationDate, ...). backupVaultName: "Pattern: ^[a-zA-Z0-9\-\_]{2,50}$ Required: Yes".
 *
 * An EC2 recovery point's ARN ends in its image ("Working with backups": Amazon EC2 backup, image/ami-...; "The
 * unique ID is at the end of the recovery point's Amazon Resource Name (ARN)"); the sandbox writes the EC2 image
 * ARN, arn:aws:ec2:REGION::image/ami-... Errors from the API reference: InvalidParameterValueException ("Indicates
 * that something is wrong with a parameter's value. For example, the value is out of range.", 400),
 * ResourceNotFoundException ("A resource that is required for the action doesn't exist.", 400). The default page
 * size without maxResults is not documented: the sandbox answers up to 1000. AWS Backup's request quotas are not
 * modelled (no throttling).
 */
import { ApiError } from './errors.js';
import type { Principal } from './auth.js';
import type { SandboxState } from './state.js';
import type { FixtureBackupVault } from './fixture-types.js';
import { decodeToken, encodeToken } from './ec2/common.js';

export const BACKUP_CONTENT_TYPE = 'application/json';

export interface BackupContext {
  state: SandboxState;
  principal: Principal;
  accountId: string;
  region: string;
}

export interface BackupRequest {
  action: string;
  /** Path parameters, decoded. */
  vaultName?: string;
  query: URLSearchParams;
}

export type BackupHandler = (ctx: BackupContext, req: BackupRequest) => Record<string, unknown>;

const VAULT_NAME = /^[a-zA-Z0-9\-_]{2,50}$/;
const MAX_RESULTS = 1000;

/** The action a REST-JSON request names by its method and path (trailing slash optional, as the SDK omits it). */
export function routeBackup(method: string, url: string): BackupRequest | undefined {
  const u = new URL(url, 'http://sandbox');
  const parts = u.pathname.replace(/\/+$/, '').split('/').slice(1);
  if (method !== 'GET' || parts[0] !== 'backup-vaults') return undefined;
  if (parts.length === 1) return { action: 'ListBackupVaults', query: u.searchParams };
  if (parts.length === 3 && parts[2] === 'recovery-points') {
    let vaultName: string;
    try {
      vaultName = decodeURIComponent(parts[1]!);
    } catch {
      vaultName = parts[1]!;
    }
    return { action: 'ListRecoveryPointsByBackupVault', vaultName, query: u.searchParams };
  }
  return undefined;
}

/** The error body: the error shape's members Code and Message (the code is also in the x-amzn-ErrorType header). */
export function backupErrorBody(err: ApiError): string {
  return JSON.stringify({ Code: err.code, Message: err.message, ...err.extra });
}

const invalid = (message: string) => new ApiError('InvalidParameterValueException', message, 400);

function page<T>(action: string, all: T[], query: URLSearchParams): { items: T[]; NextToken?: string } {
  const raw = query.get('maxResults');
  const max = raw === null ? MAX_RESULTS : Number(raw);
  if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) invalidRange(raw);
  const token = query.get('nextToken');
  let start = 0;
  if (token) {
    try {
      start = decodeToken(action, token);
    } catch {
      throw invalid('Invalid NextToken');
    }
  }
  const end = Math.min(all.length, start + max);
  return end < all.length ? { items: all.slice(start, end), NextToken: encodeToken(action, end) } : { items: all.slice(start, end) };
}

function invalidRange(raw: string | null): never {
  throw invalid(`Invalid MaxResults value ${JSON.stringify(raw)}: it must be between 1 and ${MAX_RESULTS}`);
}

const epochSeconds = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso) / 1000);
const vaultArn = (ctx: BackupContext, name: string) => `arn:aws:backup:${ctx.region}:${ctx.accountId}:backup-vault:${name}`;

function vaultsOf(ctx: BackupContext): FixtureBackupVault[] {
  return (ctx.state.fixture.backupVaults ?? []).filter((v) => v.accountId === ctx.accountId && v.region === ctx.region);
}

export const listBackupVaults: BackupHandler = (ctx, req) => {
  const vaults = vaultsOf(ctx);
  const { items, NextToken } = page('ListBackupVaults', vaults, req.query);
  return {
    BackupVaultList: items.map((v) => ({
      BackupVaultName: v.name,
      BackupVaultArn: vaultArn(ctx, v.name),
      CreationDate: epochSeconds(v.creationDate ?? '2024-01-01T00:00:00Z'),
      NumberOfRecoveryPoints: (v.recoveryPoints ?? []).length,
    })),
    ...(NextToken ? { NextToken } : {}),
  };
};

export const listRecoveryPointsByBackupVault: BackupHandler = (ctx, req) => {
  const name = req.vaultName ?? '';
  if (!VAULT_NAME.test(name)) throw invalid(`Invalid backup vault name ${JSON.stringify(name)}: it must match ^[a-zA-Z0-9\\-\\_]{2,50}$`);
  const vault = vaultsOf(ctx).find((v) => v.name === name);
  if (!vault) throw new ApiError('ResourceNotFoundException', `Backup vault ${name} does not exist in this account and Region.`, 400);
  const type = req.query.get('resourceType');
  // Every fixture recovery point is an EC2 one (an AMI): another resource type lists none.
  const points = type === null || type === 'EC2' ? (vault.recoveryPoints ?? []) : [];
  const { items, NextToken } = page(`ListRecoveryPointsByBackupVault|${name}`, points, req.query);
  return {
    RecoveryPoints: items.map((rp) => ({
      RecoveryPointArn: `arn:aws:ec2:${ctx.region}::image/${rp.imageId}`,
      BackupVaultName: vault.name,
      BackupVaultArn: vaultArn(ctx, vault.name),
      ...(rp.resourceArn ? { ResourceArn: rp.resourceArn } : {}),
      ResourceType: 'EC2',
      Status: rp.status ?? 'COMPLETED',
      CreationDate: epochSeconds(rp.creationDate),
    })),
    ...(NextToken ? { NextToken } : {}),
  };
};

export const BACKUP_ACTIONS: Record<string, BackupHandler> = {
  ListBackupVaults: listBackupVaults,
  ListRecoveryPointsByBackupVault: listRecoveryPointsByBackupVault,
};
