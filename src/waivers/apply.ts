/**
 * Applying waivers to a findings document. A finding an active waiver matches moves from `findings` to
 * `waivers.waived` (with the waiver on it): it is no longer counted, not by --fail-on either, and remediation.sh
 * has no commands for it. A waiver is valid through the end of its expiry date, UTC (as exceptions are); once it
 * has expired, its findings stay in `findings`, count again, and carry the waiver with status `expired`
 * ("waiver expired on DATE"). A waiver that matched nothing this run is stale, unless it matches a finding of the
 * previous run that this run did not re-check (that finding may still be there).
 */
import type { Comparison, Finding, FindingWaiver, FindingsDocument, WaiverEntry } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import { countFindings } from '../evaluate/evaluate.js';
import { daysBetween } from '../util/dates.js';
import type { Waiver } from './schema.js';
import type { LoadedWaivers } from './load.js';

/** A `*` / `?` pattern as an anchored regular expression; every other character is literal. */
export function globRegExp(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

type Matcher = (f: Finding) => boolean;

function matcher(w: Waiver, ouIdsOf: (accountId: string) => readonly string[]): Matcher {
  if (w.finding_id !== undefined) return (f) => f.id === w.finding_id;
  const any = (list: string[] | undefined) => (list ? list.map(globRegExp) : undefined);
  const accounts = any(w.accounts);
  const ous = any(w.ous);
  const resources = any(w.resources);
  const images = any(w.images);
  return (f) =>
    f.ruleId === w.rule &&
    (!accounts || accounts.some((r) => r.test(f.accountId))) &&
    (!ous || ouIdsOf(f.accountId).some((id) => ous.some((r) => r.test(id)))) &&
    (!resources || resources.some((r) => r.test(f.resourceId))) &&
    (!images || (f.imageId !== undefined && images.some((r) => r.test(f.imageId!))));
}

function findingWaiver(w: Waiver, status: FindingWaiver['status']): FindingWaiver {
  return {
    id: w.id,
    status,
    reason: w.reason,
    ticket: w.ticket,
    approvedBy: w.approved_by,
    approvedDate: w.approved_date,
    expiryDate: w.expiry_date,
    note: status === 'active' ? `waived until ${w.expiry_date} (${w.id}, ${w.ticket})` : `waiver expired on ${w.expiry_date} (${w.id}, ${w.ticket})`,
  };
}

export interface ApplyWaiversOptions {
  /** The judging date (the run's --as-of). */
  asOf: string;
  /** Waivers expiring within this many days are `expiring` (policy_config.expiry_warning_days). */
  warnDays: number;
  /** For OU patterns: the inventory's accounts (their OU ids, root first). */
  inventory?: Pick<Inventory, 'accounts'>;
}

/**
 * A comparison made before the waivers were applied (the scan compares, then applies them): the waived findings
 * leave its new / persisting counts (overall, per rule, per account) and are counted apart in `waived`, as
 * compareRuns counts them when the document it compares already carries its waivers.
 */
function withoutWaived(c: Comparison, waived: Finding[]): Comparison {
  const apartNow = waived.filter((f) => f.change === 'new' || f.change === 'persisting');
  if (apartNow.length === 0) return { ...c, waived: { new: c.waived?.new ?? 0, persisting: c.waived?.persisting ?? 0 } };
  const counts = { ...c.counts };
  const byRule = Object.fromEntries(Object.entries(c.byRule ?? {}).map(([k, v]) => [k, { ...v }]));
  const byAccount = Object.fromEntries(Object.entries(c.byAccount ?? {}).map(([k, v]) => [k, { ...v }]));
  const apart = { new: c.waived?.new ?? 0, persisting: c.waived?.persisting ?? 0 };
  for (const f of apartNow) {
    const change = f.change as 'new' | 'persisting';
    counts[change]--;
    if (byRule[f.ruleId]) byRule[f.ruleId]![change]--;
    if (byAccount[f.accountId]) byAccount[f.accountId]![change]--;
    apart[change]++;
  }
  return { ...c, counts, byRule, byAccount, waived: apart };
}

/** The document with the waivers applied (counts recomputed over the findings that still count). */
export function applyWaivers(doc: FindingsDocument, loaded: LoadedWaivers, opts: ApplyWaiversOptions): FindingsDocument {
  const ouIds = new Map((opts.inventory?.accounts ?? []).map((a) => [a.accountId, a.ouIds ?? []]));
  const ouIdsOf = (id: string) => ouIds.get(id) ?? [];
  const rules = loaded.waivers.map((w) => {
    const daysLeft = daysBetween(opts.asOf, w.expiry_date);
    return { w, daysLeft, active: daysLeft >= 0, match: matcher(w, ouIdsOf), matched: 0 };
  });
  const findings: Finding[] = [];
  const waived: Finding[] = [];
  let expiredFindings = 0;
  for (const f of doc.findings) {
    // An error finding (a rule that threw) is never waived: it stands for findings nobody has seen.
    const hits = f.status === 'error' ? [] : rules.filter((r) => r.match(f));
    for (const h of hits) h.matched++;
    const active = hits.find((h) => h.active);
    if (active) {
      waived.push({ ...f, waiver: findingWaiver(active.w, 'active') });
      continue;
    }
    const expired = hits[0];
    if (expired) {
      expiredFindings++;
      findings.push({ ...f, waiver: findingWaiver(expired.w, 'expired') });
    } else findings.push(f);
  }
  const carried = doc.comparison?.notRechecked ?? [];
  const entries: WaiverEntry[] = rules.map((r) => ({
    id: r.w.id,
    status: !r.active ? 'expired' : r.daysLeft <= opts.warnDays ? 'expiring' : 'active',
    expiryDate: r.w.expiry_date,
    daysLeft: r.daysLeft,
    matched: r.matched,
    stale: r.matched === 0 && !carried.some((f) => r.match(f)),
    reason: r.w.reason,
    ticket: r.w.ticket,
    approvedBy: r.w.approved_by,
  }));
  return {
    ...doc,
    findings,
    counts: countFindings(findings),
    ...(doc.comparison ? { comparison: withoutWaived(doc.comparison, waived) } : {}),
    waivers: {
      file: loaded.file,
      asOf: opts.asOf,
      waived,
      entries,
      counts: {
        waived: waived.length,
        expired: entries.filter((e) => e.status === 'expired').length,
        stale: entries.filter((e) => e.stale).length,
        expiredFindings,
      },
    },
  };
}
