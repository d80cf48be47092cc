/**
 * Organization discovery with the caller's credentials: DescribeOrganization, then a walk of the OU
 * tree from each root (ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent; MaxResults
 * 1-20 for these, NextToken pagination), which yields every account together with its OU path in
 * one call per OU, where ListParents would cost one call per account per level.
 */
import {
  DescribeOrganizationCommand,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import type { CollectorMeta } from './collectors/types.js';
import { ORGANIZATION } from './collectors/metas.js';

export interface OrgAccount {
  accountId: string;
  name: string;
  email?: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE (Account.State when given, else the older Account.Status). */
  status: string;
  ouPath: string[];
  ouIds: string[];
}

export interface OrgDiscovery {
  organization: { id: string; managementAccountId: string };
  accounts: OrgAccount[];
  /** Every OU and root id seen, with its path, for --ou validation. */
  ous: Map<string, string[]>;
}

interface Node {
  id: string;
  path: string[];
  ids: string[];
}

/** Organizations allows a few requests per second per account; a small fan-out keeps the walk fast without throttling. */
const TREE_WALK_CONCURRENCY = 4;
const PAGE = 20;

function accountStatus(a: Account): string {
  // Account.Status is deprecated in favour of State (which adds PENDING_ACTIVATION and CLOSED).
  return String(a.State ?? a.Status ?? 'UNKNOWN').toUpperCase();
}

/** `concurrency` (the scan's --concurrency) can lower the walk's fan-out below TREE_WALK_CONCURRENCY, never raise it. */
export async function discoverOrganization(client: OrganizationsClient, abortSignal?: AbortSignal, concurrency = TREE_WALK_CONCURRENCY): Promise<OrgDiscovery> {
  const opts = abortSignal ? { abortSignal } : {};
  const org = await client.send(new DescribeOrganizationCommand({}), opts);
  const organization = { id: org.Organization?.Id ?? 'unknown', managementAccountId: org.Organization?.MasterAccountId ?? 'unknown' };

  const roots: Node[] = [];
  for await (const page of paginateListRoots({ client, pageSize: PAGE, stopOnSameToken: true }, {}, opts)) {
    for (const r of page.Roots ?? []) if (r.Id) roots.push({ id: r.Id, path: [r.Name ?? 'Root'], ids: [r.Id] });
  }

  const accounts = new Map<string, OrgAccount>();
  const ous = new Map<string, string[]>();
  const limit = pLimit(Math.max(1, Math.min(TREE_WALK_CONCURRENCY, concurrency)));

  const visit = async (node: Node): Promise<void> => {
    ous.set(node.id, node.path);
    const [children] = await Promise.all([
      limit(async () => {
        const out: Node[] = [];
        for await (const page of paginateListOrganizationalUnitsForParent({ client, pageSize: PAGE, stopOnSameToken: true }, { ParentId: node.id }, opts)) {
          for (const ou of page.OrganizationalUnits ?? []) {
            if (ou.Id) out.push({ id: ou.Id, path: [...node.path, ou.Name ?? ou.Id], ids: [...node.ids, ou.Id] });
          }
        }
        return out;
      }),
      limit(async () => {
        for await (const page of paginateListAccountsForParent({ client, pageSize: PAGE, stopOnSameToken: true }, { ParentId: node.id }, opts)) {
          for (const a of page.Accounts ?? []) {
            if (!a.Id) continue;
            accounts.set(a.Id, {
              accountId: a.Id,
              name: a.Name ?? a.Id,
              ...(a.Email ? { email: a.Email } : {}),
              status: accountStatus(a),
              ouPath: node.path,
              ouIds: node.ids,
            });
          }
        }
      }),
    ]);
    await Promise.all(children.map(visit));
  };
  await Promise.all(roots.map(visit));

  return { organization, accounts: [...accounts.values()].sort((a, b) => a.accountId.localeCompare(b.accountId)), ous };
}
