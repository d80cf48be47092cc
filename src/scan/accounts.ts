/**
 * Which accounts to scan and how to reach each: Organizations discovery filtered by --ou, --accounts
 * and --exclude-accounts (or the --accounts list alone with --no-organizations), ACTIVE accounts only.
 */
import type { AccountRecord } from '../model/inventory.js';
import { UserError } from '../errors.js';
import type { CollectorMeta } from './collectors/types.js';
import type { OrgDiscovery } from './organization.js';
import { ASSUME_ROLE } from './collectors/metas.js';

export interface AccountSelection {
  accounts?: string[];
  excludeAccounts?: string[];
  ous?: string[];
}

export interface PlannedAccount {
  record: AccountRecord;
  /** ACTIVE and selected: scanned. Others are listed in the inventory but not scanned. */
  scan: boolean;
}

/** Applies the filters to the organization's accounts. Unknown OU or account ids are usage errors. */
export function selectFromOrganization(org: OrgDiscovery, sel: AccountSelection, callerAccountId: string, assumeInCaller: boolean): PlannedAccount[] {
  for (const ou of sel.ous ?? []) {
    if (!org.ous.has(ou)) {
      throw new UserError(
        `--ou: ${ou} is not an OU or root of organization ${org.organization.id}`, { hint: `Known roots and OUs: ${[...org.ous.keys()].slice(0, 20).join(', ')}${org.ous.size > 20 ? ', ...' : ''}` },
      );
    }
  }
  const known = new Set(org.accounts.map((a) => a.accountId));
  const notInOrg = (sel.accounts ?? []).filter((a) => !known.has(a));
  if (notInOrg.length) {
    throw new UserError(
      `--accounts: ${notInOrg.join(', ')} ${notInOrg.length === 1 ? 'is' : 'are'} not in organization ${org.organization.id}`, { hint: 'Check the ids, or scan accounts outside the organization with --no-organizations --accounts ...' },
    );
  }
  const wanted = sel.accounts ? new Set(sel.accounts) : undefined;
  const excluded = new Set(sel.excludeAccounts ?? []);
  return org.accounts
    .filter((a) => !wanted || wanted.has(a.accountId))
    .filter((a) => !excluded.has(a.accountId))
    .filter((a) => !sel.ous?.length || a.ouIds.some((id) => sel.ous!.includes(id)))
    .map((a) => {
      const scan = a.status === 'ACTIVE';
      return {
        scan,
        record: {
          accountId: a.accountId,
          name: a.name,
          ...(a.email ? { email: a.email } : {}),
          status: a.status,
          ouPath: a.ouPath,
          ouIds: a.ouIds,
          access: !scan ? 'none' : a.accountId === callerAccountId && !assumeInCaller ? 'caller' : 'assumed-role',
        },
      };
    });
}

/** --no-organizations: the listed accounts, with no names or OUs (nothing can tell us them). */
export function selectWithoutOrganization(sel: AccountSelection, callerAccountId: string, assumeInCaller: boolean): PlannedAccount[] {
  const excluded = new Set(sel.excludeAccounts ?? []);
  return [...new Set(sel.accounts ?? [])]
    .filter((a) => !excluded.has(a))
    .sort()
    .map((accountId) => ({
      scan: true,
      record: {
        accountId,
        name: accountId,
        ouPath: [],
        ouIds: [],
        access: accountId === callerAccountId && !assumeInCaller ? 'caller' : 'assumed-role',
      },
    }));
}
