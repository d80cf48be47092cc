/**
 * Applying planned changes through the SDK: the same credential handling as the scan (the SDK's default chain or
 * --profile for the base credentials, one AssumeRole per account into the remediation role, the base credentials
 * in the caller's own account unless --assume-role-in-caller-account), a DryRun of every change, the change,
 * and a verification that describes the resource again.
 */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DisableImageBlockPublicAccessCommand,
  EnableImageBlockPublicAccessCommand,
  GetImageBlockPublicAccessStateCommand,
  ModifyImageAttributeCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { configuredRegion, makeEc2Client, makeStsClient, type AwsSettings, type CredentialsOption } from '../aws/clients.js';
import { assumedRoleProvider, normaliseRolePath, partitionOf, roleArn, sessionNameFor } from '../aws/credentials.js';
import { classifyError, errorCode, errorMessage } from '../aws/errors.js';
import { ApiMetrics } from '../aws/metrics.js';
import { UserError } from '../errors.js';
import { granteeOf, type ChangeAction, type PlannedChange } from './plan.js';

/**
 * The IAM actions `amigov remediate` calls with the remediation role: the changes (and their undo), and the
 * describes that verify them. docs/iam/amigov-remediation-role-policy.json grants exactly these (a test keeps them equal).
 */
export const REMEDIATION_PERMISSIONS = [
  'ec2:ModifyImageAttribute',
  'ec2:EnableImageBlockPublicAccess',
  'ec2:DisableImageBlockPublicAccess',
  'ec2:DescribeImages',
  'ec2:DescribeImageAttribute',
  'ec2:GetImageBlockPublicAccessState',
] as const;

export interface RemediateSettings {
  profile?: string;
  endpointUrl?: string;
  region?: string;
  roleName: string;
  rolePath: string;
  externalId?: string;
  sessionDurationSeconds: number;
  assumeRoleInCallerAccount: boolean;
  maxAttempts: number;
  requestTimeoutMs: number;
  /** Names the STS session (amigov-<id>), so CloudTrail shows which remediation made a change. */
  sessionId: string;
}

export interface AccountAccess {
  /** The principal the account's calls are made as (a role session ARN, or the caller's own ARN). */
  principal: string;
  credentials?: CredentialsOption;
  /** AssumeRole failed: every change in the account fails with this. */
  error?: { code: string; message: string };
}

export interface RemediationSession {
  caller: { accountId: string; arn: string };
  partition: string;
  /** The remediation role's ARN in an account. */
  roleArnIn(accountId: string): string;
  access(accountId: string): Promise<AccountAccess>;
  ec2(accountId: string, region: string): Promise<EC2Client>;
}

/** Who runs amigov (GetCallerIdentity), and per-account credentials on demand (one AssumeRole each, cached). */
export async function openSession(s: RemediateSettings): Promise<RemediationSession> {
  const metrics = new ApiMetrics();
  const settings: AwsSettings = {
    ...(s.profile ? { profile: s.profile } : {}),
    ...(s.endpointUrl ? { endpointUrl: s.endpointUrl } : {}),
    maxAttempts: s.maxAttempts,
    requestTimeoutMs: s.requestTimeoutMs,
  };
  const home = s.region ?? (await configuredRegion(settings)) ?? 'us-east-1';
  const sts: STSClient = makeStsClient(settings, home, undefined, metrics);
  let caller: { accountId: string; arn: string };
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    caller = { accountId: id.Account ?? '', arn: id.Arn ?? '' };
  } catch (err) {
    throw new UserError(`cannot identify the caller (sts:GetCallerIdentity in ${home} failed: ${errorCode(err)}: ${errorMessage(err)})`, {
      kind: 'fatal',
      hint: 'Set credentials the AWS SDK can find (AWS_PROFILE / --profile, AWS_ACCESS_KEY_ID, SSO login), and check --endpoint-url.',
    });
  }
  const base = sts.config.credentials as CredentialsOption;
  const partition = partitionOf(caller.arn);
  const rolePath = normaliseRolePath(s.rolePath);
  const sessionName = sessionNameFor(s.sessionId);
  const spec = (accountId: string) => ({
    accountId,
    roleName: s.roleName,
    rolePath,
    ...(s.externalId ? { externalId: s.externalId } : {}),
    sessionName,
    durationSeconds: s.sessionDurationSeconds,
    partition,
  });
  const cache = new Map<string, Promise<AccountAccess>>();
  const access = (accountId: string): Promise<AccountAccess> => {
    let p = cache.get(accountId);
    if (!p) {
      p = (async (): Promise<AccountAccess> => {
        if (accountId === caller.accountId && !s.assumeRoleInCallerAccount) return { principal: caller.arn, credentials: base };
        const provider = assumedRoleProvider(sts, spec(accountId));
        try {
          await provider();
          return { principal: `arn:${partition}:sts::${accountId}:assumed-role/${s.roleName}/${sessionName}`, credentials: provider };
        } catch (err) {
          return { principal: roleArn(spec(accountId)), error: { code: errorCode(err), message: `AssumeRole into ${roleArn(spec(accountId))} failed: ${errorMessage(err)}` } };
        }
      })();
      cache.set(accountId, p);
    }
    return p;
  };
  return {
    caller,
    partition,
    roleArnIn: (accountId) => roleArn(spec(accountId)),
    access,
    async ec2(accountId, region) {
      const a = await access(accountId);
      return makeEc2Client(settings, region, a.credentials, metrics);
    },
  };
}

/** One call of a change (DryRun or not). */
function send(client: EC2Client, a: ChangeAction, dryRun: boolean): Promise<unknown> {
  const DryRun = dryRun;
  switch (a.op) {
    // "To make an AMI private": aws ec2 modify-image-attribute --image-id ami-... --launch-permission "Remove=[{Group=all}]"
    case 'remove-public-launch-permission':
      return client.send(new ModifyImageAttributeCommand({ ImageId: a.imageId, LaunchPermission: { Remove: [{ Group: 'all' }] }, DryRun }));
    case 'add-public-launch-permission':
      return client.send(new ModifyImageAttributeCommand({ ImageId: a.imageId, LaunchPermission: { Add: [{ Group: 'all' }] }, DryRun }));
    case 'remove-launch-permissions':
      return client.send(new ModifyImageAttributeCommand({ ImageId: a.imageId, LaunchPermission: { Remove: a.grantees.map(granteeOf) }, DryRun }));
    case 'add-launch-permissions':
      return client.send(new ModifyImageAttributeCommand({ ImageId: a.imageId, LaunchPermission: { Add: a.grantees.map(granteeOf) }, DryRun }));
    // EnableImageBlockPublicAccess: "Specify block-new-sharing to enable block public access for AMIs at the account level in the specified Region."
    case 'enable-image-block-public-access':
      return client.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing', DryRun }));
    case 'disable-image-block-public-access':
      return client.send(new DisableImageBlockPublicAccessCommand({ DryRun }));
  }
}

export interface DryRunVerdict {
  ok: boolean;
  /** Why it would fail, for a person (AWS's code and message, and what it means). */
  reason?: string;
  code?: string;
}

/** What an UnauthorizedOperation means here: an SCP's explicit deny, or a missing IAM permission. */
function explainDenial(message: string, action: string): string {
  if (/service control polic/i.test(message)) {
    return `denied by a service control policy (SCP) for ${action}: exempt the remediation role in the SCP (amigov policy generate does, by aws:PrincipalArn) or remediate from a publisher account`;
  }
  return `the role is not allowed ${action}: add it to the remediation role's policy (docs/iam/amigov-remediation-role-policy.json)`;
}

const apiAction = (a: ChangeAction) =>
  a.op === 'enable-image-block-public-access' ? 'ec2:EnableImageBlockPublicAccess' : a.op === 'disable-image-block-public-access' ? 'ec2:DisableImageBlockPublicAccess' : 'ec2:ModifyImageAttribute';

/**
 * EC2 DryRun: "Checks whether you have the required permissions for the action, without actually making the
 * request, and provides an error response. If you have the required permissions, the error response is
 * DryRunOperation. Otherwise, it is UnauthorizedOperation." Parameter errors (a missing image, a setting
 * managed by a declarative policy) come back as their own errors. A DryRun that succeeds outright means the
 * endpoint ignored DryRun: the change may have been made, so that is a fatal error, never "would succeed".
 */
export async function dryRunChange(session: RemediationSession, c: PlannedChange): Promise<DryRunVerdict> {
  const access = await session.access(c.accountId);
  if (access.error) return { ok: false, code: access.error.code, reason: access.error.message };
  const client = await session.ec2(c.accountId, c.region);
  try {
    await send(client, c.action, true);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'DryRunOperation') return { ok: true };
    const message = errorMessage(err);
    if (code === 'UnauthorizedOperation' || classifyError(err) === 'access-denied') return { ok: false, code, reason: `${code}: ${explainDenial(message, apiAction(c.action))} (${message})` };
    return { ok: false, code, reason: `${code}: ${message}` };
  }
  throw new UserError(`the endpoint answered a DryRun of ${apiAction(c.action)} in ${c.accountId} ${c.region} with success instead of DryRunOperation: it ignores DryRun, so amigov stops`, {
    kind: 'fatal',
    hint: 'Check --endpoint-url: amigov remediate needs an endpoint that answers DryRun as EC2 documents.',
  });
}

export interface ApplyOutcome {
  result: 'applied' | 'failed';
  /** yes: described again and found changed; pending: the setting takes effect later (AWS: up to 10 minutes); no: not changed. */
  verified?: 'yes' | 'no' | 'pending';
  verifyDetail?: string;
  error?: { code: string; message: string };
}

/** Describes the resource again: is the change in effect? */
async function verify(client: EC2Client, a: ChangeAction): Promise<Pick<ApplyOutcome, 'verified' | 'verifyDetail'>> {
  switch (a.op) {
    case 'remove-public-launch-permission':
    case 'add-public-launch-permission': {
      const out = await client.send(new DescribeImagesCommand({ ImageIds: [a.imageId] }));
      const pub = out.Images?.[0]?.Public;
      const want = a.op === 'add-public-launch-permission';
      return { verified: pub === want ? 'yes' : 'no', verifyDetail: `DescribeImages: Public=${String(pub)}` };
    }
    case 'remove-launch-permissions':
    case 'add-launch-permissions': {
      const out = await client.send(new DescribeImageAttributeCommand({ ImageId: a.imageId, Attribute: 'launchPermission' }));
      const has = new Set((out.LaunchPermissions ?? []).flatMap((p) => [p.UserId, p.OrganizationArn, p.OrganizationalUnitArn].filter((v): v is string => !!v)));
      const ok = a.op === 'add-launch-permissions' ? a.grantees.every((g) => has.has(g)) : a.grantees.every((g) => !has.has(g));
      return { verified: ok ? 'yes' : 'no', verifyDetail: `DescribeImageAttribute launchPermission: ${[...has].join(', ') || 'none'}` };
    }
    case 'enable-image-block-public-access':
    case 'disable-image-block-public-access': {
      const out = await client.send(new GetImageBlockPublicAccessStateCommand({}));
      const want = a.op === 'enable-image-block-public-access' ? 'block-new-sharing' : 'unblocked';
      const state = out.ImageBlockPublicAccessState;
      // EnableImageBlockPublicAccess: "The API can take up to 10 minutes to configure this setting. During this time, if
      // you run GetImageBlockPublicAccessState, the response will be unblocked." (and the reverse for Disable).
      return { verified: state === want ? 'yes' : 'pending', verifyDetail: `GetImageBlockPublicAccessState: ${state ?? 'unknown'}${state === want ? '' : ' (AWS: the setting can take up to 10 minutes)'}` };
    }
  }
}

/** Applies one change, then verifies it. Never throws for an AWS error: the outcome says what happened. */
export async function applyChange(session: RemediationSession, c: PlannedChange): Promise<ApplyOutcome> {
  const access = await session.access(c.accountId);
  if (access.error) return { result: 'failed', error: access.error };
  const client = await session.ec2(c.accountId, c.region);
  try {
    await send(client, c.action, false);
  } catch (err) {
    return { result: 'failed', error: { code: errorCode(err), message: errorMessage(err) } };
  }
  try {
    return { result: 'applied', ...(await verify(client, c.action)) };
  } catch (err) {
    return { result: 'applied', verified: 'no', verifyDetail: `could not describe it again: ${errorCode(err)}: ${errorMessage(err)}` };
  }
}
