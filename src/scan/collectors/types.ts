/**
 * Collectors: each gathers one kind of data and declares the IAM actions it calls (Cloud Custodian's
 * approach). The scan role's policy (docs/iam/amigov-scan-role-policy.json) is the union of the
 * declarations of the collectors that run with the scan role; a test keeps the file and the
 * declarations equal, and fails when a collector declares nothing.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { BackupClient } from '@aws-sdk/client-backup';

export interface CollectorMeta {
  id: string;
  title: string;
  /**
   * Where it runs: 'caller' with the base credentials of the person or pipeline running amigov
   * (Organizations discovery, AssumeRole); 'account' once per scanned account and 'account-region' once
   * per account x region, both with the scan role.
   */
  scope: 'caller' | 'account' | 'account-region';
  /** Optional collectors degrade to "unknown" (or a fallback) instead of failing the account x region. */
  optional: boolean;
  /** IAM actions it calls, e.g. "ec2:DescribeImages". */
  permissions: string[];
}

export interface RegionContext {
  accountId: string;
  region: string;
  client: EC2Client;
  /** The account x region's Auto Scaling client, built on first use (launch-paths collector). */
  autoScaling?: () => AutoScalingClient;
  /** The account x region's AWS Backup client, built on first use (backup-recovery-points collector). */
  backup?: () => BackupClient;
  abortSignal?: AbortSignal;
  /** --deep: also read who each owned image is shared with (one call per image). */
  deep?: boolean;
}

/** Second argument of client.send / paginators. */
export function sendOptions(ctx: { abortSignal?: AbortSignal }): { abortSignal?: AbortSignal } {
  return ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {};
}
