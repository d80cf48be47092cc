/** Shared plumbing for the sandbox tests: real SDK v3 clients pointed at a sandbox over HTTP. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { RunningSandbox } from '../../src/sandbox/index.ts';

export interface ClientOptions {
  region?: string;
  credentials?: AwsCredentialIdentity;
  maxAttempts?: number;
}

function config(sb: RunningSandbox, o: ClientOptions) {
  return {
    endpoint: sb.endpoint,
    region: o.region ?? 'us-east-1',
    credentials: o.credentials ?? sb.credentials,
    maxAttempts: o.maxAttempts ?? 3,
  };
}

export const ec2 = (sb: RunningSandbox, o: ClientOptions = {}) => new EC2Client(config(sb, o));
export const sts = (sb: RunningSandbox, o: ClientOptions = {}) => new STSClient(config(sb, o));
export const orgs = (sb: RunningSandbox, o: ClientOptions = {}) => new OrganizationsClient(config(sb, o));

/** Credentials of OrganizationAccountAccessRole in an account, assumed with the caller's base keys. */
export async function assume(sb: RunningSandbox, accountId: string, roleName = 'OrganizationAccountAccessRole'): Promise<AwsCredentialIdentity> {
  const out = await sts(sb).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`, RoleSessionName: 'amigov-test' }));
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

export type SdkError = Error & { $metadata?: { httpStatusCode?: number }; [k: string]: unknown };

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
