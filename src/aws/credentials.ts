/**
 * Per-account credentials: one STS AssumeRole per account, shared by all of that account's regional
 * clients, refreshed before it expires so long scans never sign with stale keys.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export type CredentialProvider = () => Promise<TemporaryCredentials>;

export interface AssumeRoleSpec {
  accountId: string;
  roleName: string;
  /** IAM path, "/" by default; must begin and end with "/". */
  rolePath: string;
  externalId?: string;
  sessionName: string;
  durationSeconds: number;
  /** aws, aws-cn, aws-us-gov: from the caller's ARN. */
  partition: string;
}

export function roleArn(spec: Pick<AssumeRoleSpec, 'partition' | 'accountId' | 'rolePath' | 'roleName'>): string {
  return `arn:${spec.partition}:iam::${spec.accountId}:role${spec.rolePath}${spec.roleName}`;
}

/** The partition of an ARN (arn:aws-us-gov:...), "aws" when unknown. */
export function partitionOf(arn: string | undefined): string {
  const p = arn?.split(':')[1];
  return p && /^aws(-[a-z-]+)?$/.test(p) ? p : 'aws';
}

/**
 * STS RoleSessionName: 2-64 characters of [\w+=,.@-]. The run id is made of those already; anything
 * else is replaced, and the name is cut to 64 so a long run id never makes AssumeRole fail validation.
 */
export function sessionNameFor(runId: string): string {
  const name = `amigov-${runId}`.replace(/[^\w+=,.@-]/g, '-');
  return name.slice(0, 64);
}

/** Normalises an IAM path: "/", "/team/" (adds the slashes a user may leave out). */
export function normaliseRolePath(path: string | undefined): string {
  if (!path || path === '/') return '/';
  let p = path.trim();
  if (!p.startsWith('/')) p = `/${p}`;
  if (!p.endsWith('/')) p = `${p}/`;
  return p;
}

export interface AssumedRoleProviderOptions {
  abortSignal?: AbortSignal;
  now?: () => number;
}

/**
 * A provider that assumes the role on first use, caches the credentials, and assumes it again once
 * they come within a margin of expiry (10 minutes, or half the session for short sessions). The SDK's
 * own identity cache refreshes 5 minutes before expiry, so the margin here must be larger than that:
 * otherwise the SDK would ask again and get the same nearly-expired keys. Concurrent callers share
 * one in-flight AssumeRole.
 */
export function assumedRoleProvider(sts: STSClient, spec: AssumeRoleSpec, opts: AssumedRoleProviderOptions = {}): CredentialProvider {
  const now = opts.now ?? Date.now;
  const marginMs = Math.min(600_000, (spec.durationSeconds * 1000) / 2);
  let cached: TemporaryCredentials | undefined;
  let inflight: Promise<TemporaryCredentials> | undefined;

  const fresh = (c: TemporaryCredentials | undefined): c is TemporaryCredentials =>
    !!c && (!c.expiration || c.expiration.getTime() - now() > marginMs);

  const assume = async (): Promise<TemporaryCredentials> => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn(spec),
        RoleSessionName: spec.sessionName,
        DurationSeconds: spec.durationSeconds,
        ...(spec.externalId ? { ExternalId: spec.externalId } : {}),
      }),
      opts.abortSignal ? { abortSignal: opts.abortSignal } : {},
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw Object.assign(new Error(`AssumeRole into ${roleArn(spec)} returned no credentials`), { name: 'InvalidAssumeRoleResponse' });
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  };

  return async () => {
    if (fresh(cached)) return cached;
    inflight ??= assume().then(
      (c) => {
        cached = c;
        inflight = undefined;
        return c;
      },
      (err) => {
        inflight = undefined;
        throw err;
      },
    );
    return inflight;
  };
}
