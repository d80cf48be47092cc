/**
 * STS: GetCallerIdentity and AssumeRole. AssumeRole hands out credentials bound to the role's account when the
 * fixture gives that account the role and the role trusts the caller; otherwise it answers AccessDenied in the
 * exact words AWS uses, which is what a scanner records as "role missing or not trusted".
 */
import type { CredentialStore, Principal } from './auth.js';
import { ApiError } from './errors.js';
import type { QueryParams, XmlValue } from './protocol/query.js';
import type { SandboxState } from './state.js';

export interface StsContext {
  state: SandboxState;
  credentials: CredentialStore;
  principal: Principal;
  now: number;
}

export type StsHandler = (ctx: StsContext, params: QueryParams) => Record<string, XmlValue>;

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[\x21-\x7e]+\/)?)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

function validation(message: string): ApiError {
  return new ApiError('ValidationError', message, 400);
}

export const getCallerIdentity: StsHandler = (ctx) => ({
  UserId: ctx.principal.userId,
  Account: ctx.principal.accountId,
  Arn: ctx.principal.arn,
});

export const assumeRole: StsHandler = (ctx, params) => {
  const roleArn = params.str('RoleArn');
  const sessionName = params.str('RoleSessionName');
  if (!roleArn) throw validation("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!sessionName) throw validation("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  if (roleArn.length < 20 || roleArn.length > 2048) {
    throw validation(`1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
  }
  if (!SESSION_NAME.test(sessionName)) {
    throw validation(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  }
  const duration = params.int('DurationSeconds') ?? 3600;
  if (duration < 900) {
    throw validation(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`);
  }
  if (duration > 43200) {
    throw validation(`1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`);
  }
  const externalId = params.str('ExternalId');
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    throw validation(`1 validation error detected: Value '${externalId}' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*`);
  }
  const m = ROLE_ARN.exec(roleArn);
  if (!m) throw validation(`${roleArn} is invalid`);
  const [, accountId, rawPath, roleName] = m as unknown as [string, string, string | undefined, string];
  const path = rawPath ?? '/';

  const denied = new ApiError(
    'AccessDenied',
    `User: ${ctx.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
  const account = ctx.state.accounts.get(accountId);
  const role = account?.roles.find((r) => r.name === roleName && (r.path ?? '/') === path);
  if (!account || !role || (account.status ?? 'ACTIVE') !== 'ACTIVE') throw denied;
  const trusted = role.trustedAccountIds ?? [ctx.state.fixture.caller.accountId];
  if (!trusted.includes(ctx.principal.accountId)) throw denied;
  if (role.externalId !== undefined && role.externalId !== externalId) throw denied;

  const maxSession = role.maxSessionDuration ?? 3600;
  if (ctx.principal.kind === 'assumed-role' && duration > 3600) {
    throw validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (duration > maxSession) throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');

  const expiresAt = ctx.now + duration * 1000;
  const session = ctx.credentials.issueRoleSession(accountId, roleArn, roleName, sessionName, expiresAt);
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Date(expiresAt).toISOString(),
    },
    AssumedRoleUser: { AssumedRoleId: session.userId, Arn: session.arn },
    PackedPolicySize: params.has('Policy') ? 6 : undefined,
  };
};

export const STS_ACTIONS: Record<string, StsHandler> = {
  GetCallerIdentity: getCallerIdentity,
  AssumeRole: assumeRole,
};
