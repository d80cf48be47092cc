/**
 * Facts every report's summary shows, computed once from the findings document: coverage totals,
 * per-severity and per-rule counts, and the audit-phase headline in words.
 */
import { SEVERITIES, type FindingsDocument, type Severity } from '../model/findings.js';
import type { ReportMeta } from './meta.js';
import { accountNames } from './rows.js';

export interface RuleCount {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  docs: string;
  count: number;
}

export interface RunFacts {
  accounts: number;
  regions: string[];
  coverage: {
    total: number;
    ok: number;
    failed: number;
    skipped: number;
    complete: boolean;
    /** No account x region was judged. */
    empty: boolean;
    /** Selected accounts with no scanned region (every region skipped, or none listed). */
    withoutRegion: string[];
    /** One sentence for a warning: what the gap is ("" when complete). */
    gap: string;
  };
  severities: { severity: Severity; count: number }[];
  /** Every rule that ran, then any rule id seen only in findings; most findings first. */
  rules: RuleCount[];
  impact: { headline: string; detail: string };
  accountName(accountId: string): string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function runFacts(doc: FindingsDocument, _meta?: ReportMeta): RunFacts {
  const names = accountNames(doc);
  const entries = doc.coverage.entries;
  const counts = doc.coverage.counts;
  const ok = counts.ok ?? entries.filter((e) => e.status === 'ok').length;
  const skipped = counts.skipped ?? 0;
  const failed = (counts['access-denied'] ?? 0) + (counts.error ?? 0);
  const accountIds = new Set([...doc.accounts.map((a) => a.accountId), ...entries.map((e) => e.accountId)]);
  // Documents written before these fields existed: an empty coverage is still "nothing was scanned".
  const empty = doc.coverage.empty ?? ok === 0;
  const withoutRegion = doc.coverage.accountsWithoutScannedRegion ?? [];
  const gap = doc.coverage.complete
    ? ''
    : empty
      ? 'Nothing was scanned: no account x region was judged'
      : [
          failed ? `${failed.toLocaleString('en-US')} of ${entries.length.toLocaleString('en-US')} account x region pairs were not scanned` : '',
          withoutRegion.length ? `${plural(withoutRegion.length, 'account')} had no region scanned` : '',
        ]
          .filter(Boolean)
          .join('; ');

  const known = new Map(doc.rules.map((r) => [r.id, r]));
  const ruleIds = new Set([...doc.rules.map((r) => r.id), ...Object.keys(doc.counts.byRule)]);
  const rules: RuleCount[] = [...ruleIds].map((id) => {
    const meta = known.get(id);
    const sample = meta ? undefined : doc.findings.find((f) => f.ruleId === id);
    return {
      id,
      title: meta?.title ?? sample?.title ?? id,
      severity: meta?.severity ?? sample?.severity ?? 'info',
      description: meta?.description ?? '',
      docs: meta?.docs ?? '',
      count: doc.counts.byRule[id] ?? 0,
    };
  });
  const sevRank = (s: Severity) => SEVERITIES.indexOf(s);
  rules.sort((a, b) => b.count - a.count || sevRank(a.severity) - sevRank(b.severity) || a.id.localeCompare(b.id));

  const { instancesAffected: n, accountsAffected: m, launchTemplatesAffected: k } = doc.impact;
  const impact =
    doc.allowlist.enforcementMode === 'enabled'
      ? {
          headline: 'Instances running on AMIs that Allowed AMIs now blocks',
          detail: `${plural(n, 'instance')} in ${plural(m, 'account')} run on AMIs from publishers outside the allowlist: they keep running, but cannot be relaunched or scaled out from those AMIs. ${plural(k, 'launch template')} would fail to launch.`,
        }
      : {
          headline: 'Instances affected if Allowed AMIs were enabled today',
          detail: `If Allowed AMIs were switched from audit mode to enabled today, ${plural(n, 'instance')} in ${plural(m, 'account')} could no longer be relaunched or scaled out from their AMIs, and ${plural(k, 'launch template')} would fail to launch.`,
        };

  return {
    accounts: accountIds.size,
    regions: [...new Set(entries.map((e) => e.region))].sort(),
    coverage: { total: entries.length, ok, failed, skipped, complete: doc.coverage.complete, empty, withoutRegion, gap },
    severities: SEVERITIES.map((severity) => ({ severity, count: doc.counts.bySeverity[severity] ?? 0 })),
    rules,
    impact,
    accountName: (id) => names.get(id) ?? '',
  };
}
