/**
 * Owners: which team a finding belongs to, from its account's tags in AWS Organizations and the config's
 * owners.tag_keys (first key the account carries wins). Pure: no AWS call, used by evaluate().
 */
import type { Finding } from '../model/findings.js';
import type { AccountRecord } from '../model/inventory.js';
import { tagRecord, tagValue } from '../util/tags.js';

export interface AccountOwner {
  owner?: string;
  ownerTags?: Record<string, string>;
}

/** The owner of one account: the first of `keys` it carries with a non-empty value, and every one of them it carries. */
export function accountOwner(account: Pick<AccountRecord, 'tags'> | undefined, keys: readonly string[] | undefined): AccountOwner {
  if (!account?.tags || !keys?.length) return {};
  const present = keys.flatMap((k) => {
    const v = tagValue(account.tags, k);
    return v !== undefined && v.trim() !== '' ? [[k, v] as const] : [];
  });
  if (present.length === 0) return {};
  return { owner: present[0]![1], ownerTags: tagRecord(present) };
}

/**
 * Stamps each finding with its account's owner and OU path, in place (findings of accounts the inventory does
 * not list are left as they are), and returns the same array. In place because the findings are the engine's
 * fresh objects, and a copy of each would double them in memory at 1,000 accounts. One owner per account.
 */
export function withOwners(findings: Finding[], accounts: readonly AccountRecord[], keys: readonly string[] | undefined): Finding[] {
  const owners = new Map(accounts.map((a) => [a.accountId, { account: a, ...accountOwner(a, keys) }]));
  for (const f of findings) {
    const o = owners.get(f.accountId);
    if (!o) continue;
    if (o.owner !== undefined) {
      f.owner = o.owner;
      f.ownerTags = o.ownerTags!;
    }
    f.ouPath = o.account.ouPath;
  }
  return findings;
}
