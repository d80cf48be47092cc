/**
 * Which AMIs of an account x region are AWS Backup recovery points (issue #12), so that ami-in-workload-account
 * recognises them instead of calling them side-loaded. AWS Backup names no marker tag for the AMIs it makes
 * (Developer Guide, "Copying tags onto backups": "When an Amazon EC2 backup creates an image recovery point and a set
 * of snapshots, [AWS] Backup copies tags to the resulting AMI": the protected resource's tags, not a marker); what
 * identifies them is the recovery point itself.
 *
 * - ListBackupVaults (`GET /backup-vaults/`), every page: "Returns a list of recovery point storage containers along
 *   with information about them." MaxResults: "Valid Range: Minimum value of 1. Maximum value of 1000."
 * - per vault, ListRecoveryPointsByBackupVault (`GET /backup-vaults/backupVaultName/recovery-points/`) with
 *   resourceType EC2 ("EC2 for Amazon Elastic Compute Cloud"), every page. Not ListRecoveryPointsByResource: it takes
 *   one protected resource's ARN (a call per instance, and instances already gone are not asked about).
 * - the image id: "Working with backups" (Amazon EC2 instance | Amazon EC2 backup | image/ami-0ecdf967356c809c7):
 *   "The unique ID is at the end of the recovery point's Amazon Resource Name (ARN)."
 *
 * Optional: a scan role without the permissions, or an endpoint without AWS Backup, degrades this collector only (the
 * AMIs are then judged without it), never the account x region. A vault that fails mid-way keeps what was listed.
 */
import { paginateListBackupVaults, paginateListRecoveryPointsByBackupVault, type BackupClient } from '@aws-sdk/client-backup';
import type { BackupRecoveryPoint } from '../../model/inventory.js';
import { classifyError } from '../../aws/errors.js';
import { degradedReason } from './region-settings.js';
import { sendOptions, type RegionContext } from './types.js';

/** The largest page both list actions take (ListBackupVaults: "Maximum value of 1000"). */
export const BACKUP_PAGE = 1000;

/** "The unique ID is at the end of the recovery point's Amazon Resource Name (ARN)": the ami- id there, if any. */
export function imageIdFromRecoveryPointArn(arn: string): string | undefined {
  return /(?:^|[/:])(ami-[0-9a-f]{8,17})$/.exec(arn)?.[1];
}

export interface BackupRecoveryPointsValue {
  recoveryPoints: BackupRecoveryPoint[];
  degradedReason?: string;
}

export async function collectBackupRecoveryPoints(ctx: RegionContext): Promise<BackupRecoveryPointsValue> {
  const recoveryPoints: BackupRecoveryPoint[] = [];
  if (!ctx.backup) return { recoveryPoints, degradedReason: 'no AWS Backup client for this scan' };
  const client: BackupClient = ctx.backup();
  let action = 'ListBackupVaults';
  try {
    const vaults: string[] = [];
    for await (const page of paginateListBackupVaults({ client, pageSize: BACKUP_PAGE, stopOnSameToken: true }, {}, sendOptions(ctx))) {
      for (const v of page.BackupVaultList ?? []) if (v.BackupVaultName) vaults.push(v.BackupVaultName);
    }
    action = 'ListRecoveryPointsByBackupVault';
    for (const vault of [...new Set(vaults)].sort()) {
      const pages = paginateListRecoveryPointsByBackupVault(
        { client, pageSize: BACKUP_PAGE, stopOnSameToken: true },
        { BackupVaultName: vault, ByResourceType: 'EC2' },
        sendOptions(ctx),
      );
      for await (const page of pages) {
        for (const rp of page.RecoveryPoints ?? []) {
          if (!rp.RecoveryPointArn || (rp.ResourceType !== undefined && rp.ResourceType !== 'EC2')) continue;
          const imageId = imageIdFromRecoveryPointArn(rp.RecoveryPointArn);
          if (!imageId) continue;
          const point: BackupRecoveryPoint = {
            accountId: ctx.accountId,
            region: ctx.region,
            imageId,
            recoveryPointArn: rp.RecoveryPointArn,
            backupVaultName: rp.BackupVaultName ?? vault,
          };
          if (rp.Status) point.status = rp.Status;
          if (rp.CreationDate) point.creationDate = rp.CreationDate.toISOString();
          if (rp.ResourceArn) point.resourceArn = rp.ResourceArn;
          recoveryPoints.push(point);
        }
      }
    }
    return { recoveryPoints: sorted(recoveryPoints) };
  } catch (err) {
    if (classifyError(err) === 'aborted') throw err;
    return { recoveryPoints: sorted(recoveryPoints), degradedReason: degradedReason(action, `backup:${action}`, err) };
  }
}

function sorted(points: BackupRecoveryPoint[]): BackupRecoveryPoint[] {
  return points.sort((a, b) => a.imageId.localeCompare(b.imageId) || a.backupVaultName.localeCompare(b.backupVaultName) || a.recoveryPointArn.localeCompare(b.recoveryPointArn));
}
