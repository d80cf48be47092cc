/**
 * Reads the organization's EC2 declarative policies for `amigov policy diff --from-organization` (read-only):
 * - ListRoots: the root's PolicyTypes say whether DECLARATIVE_POLICY_EC2 is ENABLED;
 * - ListPolicies with Filter DECLARATIVE_POLICY_EC2 ("Retrieves the list of all policies in an organization of a
 *   specified type"), every page: "Always check the NextToken response parameter for a null value when calling a
 *   List* operation. These operations can occasionally return an empty set of results even when there are more
 *   results available";
 * - DescribePolicy for each one's Content (the policy's JSON text);
 * - ListTargetsForPolicy ("Lists all the roots, organizational units (OUs), and accounts that the specified policy
 *   is attached to"), every page.
 * "This operation can be called only from the organization's management account or by a member account that is a
 * delegated administrator."
 */
import {
  DescribePolicyCommand,
  ListRootsCommand,
  paginateListPolicies,
  paginateListTargetsForPolicy,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { OrgPolicyRecord } from '../policy/org-diff.js';

export interface OrgDeclarativePolicies {
  policyTypeEnabled?: boolean;
  policies: OrgPolicyRecord[];
}

export async function readOrgDeclarativePolicies(client: OrganizationsClient): Promise<OrgDeclarativePolicies> {
  const roots = await client.send(new ListRootsCommand({}));
  const types = roots.Roots?.[0]?.PolicyTypes;
  const policyTypeEnabled = types ? types.some((t) => t.Type === 'DECLARATIVE_POLICY_EC2' && t.Status === 'ENABLED') : undefined;
  const summaries = [];
  for await (const page of paginateListPolicies({ client }, { Filter: 'DECLARATIVE_POLICY_EC2' })) summaries.push(...(page.Policies ?? []));
  const policies: OrgPolicyRecord[] = [];
  for (const s of summaries) {
    if (!s.Id) continue;
    const d = await client.send(new DescribePolicyCommand({ PolicyId: s.Id }));
    const targets = [];
    for await (const page of paginateListTargetsForPolicy({ client }, { PolicyId: s.Id })) {
      for (const t of page.Targets ?? []) if (t.TargetId) targets.push({ id: t.TargetId, type: t.Type ?? 'UNKNOWN', ...(t.Name ? { name: t.Name } : {}) });
    }
    policies.push({ id: s.Id, name: s.Name ?? s.Id, awsManaged: s.AwsManaged ?? false, content: d.Policy?.Content ?? '', targets });
  }
  return { policyTypeEnabled, policies };
}
