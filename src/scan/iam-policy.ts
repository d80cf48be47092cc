/**
 * The IAM policies amigov needs, generated from the permissions each collector declares:
 * - the scan role (assumed in every account, and the caller's own account when scanned with the base
 *   credentials): docs/iam/amigov-scan-role-policy.json, read-only;
 * - the caller (management account or delegated administrator): Organizations discovery and
 *   sts:AssumeRole into the scan role: docs/iam/amigov-caller-policy.json; also the read-only Organizations
 *   policy calls of `amigov policy diff --from-organization`.
 */
import { COLLECTORS } from './collectors/index.js';
import { POLICY_DIFF_ORGANIZATION_PERMISSIONS } from './collectors/metas.js';
import type { CollectorMeta } from './collectors/types.js';
import { DEFAULT_ROLE_NAME } from './options.js';

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string | string[] }[];
}

function union(collectors: readonly CollectorMeta[]): string[] {
  return [...new Set(collectors.flatMap((c) => c.permissions))].sort();
}

export function scanRolePermissions(collectors: readonly CollectorMeta[] = COLLECTORS): string[] {
  return union(collectors.filter((c) => c.scope !== 'caller'));
}

export function scanRolePolicy(collectors: readonly CollectorMeta[] = COLLECTORS): IamPolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'AmigovScanReadOnly', Effect: 'Allow', Action: scanRolePermissions(collectors), Resource: '*' }],
  };
}

export function callerPolicy(roleName: string = DEFAULT_ROLE_NAME, collectors: readonly CollectorMeta[] = COLLECTORS): IamPolicyDocument {
  const caller = collectors.filter((c) => c.scope === 'caller');
  const assume = union(caller.filter((c) => c.permissions.some((p) => p.startsWith('sts:'))));
  const others = union(caller).filter((p) => !assume.includes(p));
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AmigovDiscoverOrganization', Effect: 'Allow', Action: others, Resource: '*' },
      // `amigov policy diff --from-organization`: the organization's EC2 declarative policies, read-only.
      { Sid: 'AmigovReadDeclarativePolicies', Effect: 'Allow', Action: [...POLICY_DIFF_ORGANIZATION_PERMISSIONS], Resource: '*' },
      { Sid: 'AmigovAssumeScanRole', Effect: 'Allow', Action: assume, Resource: `arn:*:iam::*:role/${roleName}` },
      // The caller's own account is scanned with these base credentials (unless --assume-role-in-caller-account).
      { Sid: 'AmigovScanOwnAccount', Effect: 'Allow', Action: scanRolePermissions(collectors), Resource: '*' },
    ],
  };
}

export function policyJson(doc: IamPolicyDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
