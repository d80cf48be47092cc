/**
 * Findings grouped by owner (the account's owner tag, see evaluate/owners.ts), for every report: the HTML
 * "By owner" table, the XLSX Summary's Owner rows, summary.md and the --output json summary.
 */
import { SEVERITIES, type Finding, type FindingsDocument, type Severity } from '../model/findings.js';

/** The label of findings whose account carries none of the owner tag keys. */
export const NO_OWNER = '(no owner tag)';

export interface OwnerGroup {
  /** The owner tag's value, or NO_OWNER. */
  owner: string;
  hasOwner: boolean;
  total: number;
  bySeverity: Record<Severity, number>;
  /** Account ids with findings of this owner, sorted. */
  accounts: string[];
  /** After a comparison: this run's new findings and the previous run's resolved ones of this owner. */
  new?: number;
  resolved?: number;
}

/** true when the run tracked owners: the config named owner tag keys, or some finding carries an owner. */
export function ownersTracked(doc: FindingsDocument): boolean {
  return (doc.allowlist.ownerTagKeys?.length ?? 0) > 0 || doc.findings.some((f) => f.owner !== undefined);
}

/** The current findings by owner, most findings first (ties: more severe first, then by name); NO_OWNER last among equals. */
export function ownerGroups(doc: FindingsDocument): OwnerGroup[] {
  const groups = new Map<string, OwnerGroup & { accountSet: Set<string> }>();
  const group = (f: Finding) => {
    const key = f.owner ?? NO_OWNER;
    let g = groups.get(key);
    if (!g) {
      g = {
        owner: key,
        hasOwner: f.owner !== undefined,
        total: 0,
        bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
        accounts: [],
        accountSet: new Set(),
        ...(doc.comparison ? { new: 0, resolved: 0 } : {}),
      };
      groups.set(key, g);
    }
    return g;
  };
  for (const f of doc.findings) {
    const g = group(f);
    g.total++;
    g.bySeverity[f.severity]++;
    g.accountSet.add(f.accountId);
    if (doc.comparison && (f.change ?? 'new') === 'new') g.new!++;
  }
  for (const f of doc.comparison?.resolved ?? []) group(f).resolved!++;
  const rank = (g: OwnerGroup) => SEVERITIES.findIndex((s) => g.bySeverity[s] > 0);
  return [...groups.values()]
    .map(({ accountSet, ...g }) => ({ ...g, accounts: [...accountSet].sort() }))
    .sort((a, b) => b.total - a.total || rank(a) - rank(b) || Number(b.hasOwner) - Number(a.hasOwner) || a.owner.localeCompare(b.owner));
}
