/**
 * The short summary of a run, for people and for machines: summary.md (Slack, email, $GITHUB_STEP_SUMMARY) and
 * `amigov scan --output json` (one JSON document on stdout). Both come from runSummary(), so they always agree.
 * Every string from AWS (account names, owner tags) is data: escaped for Markdown, never markup.
 */
import { SEVERITIES, type FindingsDocument, type Severity } from '../model/findings.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { singleLine } from '../util/sanitize.js';
import { plural } from '../util/format.js';
import { notRecheckedOf, waivedChangeText } from './compare.js';
import { NO_OWNER, ownerGroups, ownersTracked } from './owners.js';
import { accountNames } from './rows.js';
import { runFacts } from './summary.js';
import type { ReportMeta } from './meta.js';

export const SUMMARY_KIND = 'amigov.summary' as const;
const TOP = 5;

export interface RunSummary {
  schemaVersion: 1;
  kind: typeof SUMMARY_KIND;
  runId: string;
  asOf: string;
  organizationId: string | null;
  headline: string;
  /** The run's exit code and why (scan and demo record it; absent for documents of evaluate/report). */
  outcome: { exitCode: number; summary: string } | null;
  coverage: { complete: boolean; percent: number | null; accountRegions: number; notScanned: number; gap: string };
  counts: { total: number; bySeverity: Record<Severity, number>; byRule: Record<string, number> };
  /** Since the previous run (null: not compared, or the baseline). */
  change: { previousRunId: string; new: number; persisting: number; resolved: number; notRechecked: number; waived?: { new: number; persisting: number } } | null;
  impact: { instancesAffected: number; accountsAffected: number; launchTemplatesAffected: number };
  topAccounts: { accountId: string; name: string; owner: string | null; total: number; bySeverity: Record<Severity, number> }[];
  /** null when the run tracked no owners (the config names no owner tag keys). */
  topOwners: { owner: string; hasOwner: boolean; total: number; bySeverity: Record<Severity, number>; accounts: number }[] | null;
}

const zero = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

export function runSummary(doc: FindingsDocument): RunSummary {
  const facts = runFacts(doc);
  const names = accountNames(doc);
  const byAccount = new Map<string, Record<Severity, number>>();
  for (const f of doc.findings) (byAccount.get(f.accountId) ?? byAccount.set(f.accountId, zero()).get(f.accountId)!)[f.severity]++;
  const total = (r: Record<Severity, number>) => SEVERITIES.reduce((n, s) => n + r[s], 0);
  const owners = new Map(doc.accounts.map((a) => [a.accountId, a.owner]));
  const topAccounts = [...byAccount]
    .sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]))
    .slice(0, TOP)
    .map(([accountId, bySeverity]) => ({ accountId, name: names.get(accountId) ?? '', owner: owners.get(accountId) ?? null, total: total(bySeverity), bySeverity }));
  const cmp = doc.comparison;
  const sev = SEVERITIES.filter((s) => doc.counts.bySeverity[s] > 0).map((s) => `${doc.counts.bySeverity[s]} ${s}`);
  const where = plural(new Set(doc.findings.map((f) => f.accountId)).size, 'account');
  const headline =
    (facts.coverage.complete ? '' : facts.coverage.empty ? 'NOTHING SCANNED: ' : 'PARTIAL SCAN: ') +
    (doc.counts.total === 0 ? 'no findings' : `${plural(doc.counts.total, 'finding')} (${sev.join(', ')}) in ${where}`) +
    (cmp ? `; since the last run ${cmp.counts.new} new, ${cmp.counts.resolved} resolved` : '');
  return {
    schemaVersion: 1,
    kind: SUMMARY_KIND,
    runId: doc.run.runId,
    asOf: doc.run.asOf,
    organizationId: doc.run.organization?.id ?? null,
    headline,
    outcome: doc.outcome ? { exitCode: doc.outcome.exitCode, summary: doc.outcome.summary } : null,
    coverage: {
      complete: facts.coverage.complete,
      percent: doc.coverage.percent ?? null,
      accountRegions: facts.coverage.total,
      notScanned: facts.coverage.failed,
      gap: facts.coverage.gap,
    },
    counts: { total: doc.counts.total, bySeverity: { ...zero(), ...doc.counts.bySeverity }, byRule: doc.counts.byRule },
    change: cmp ? { previousRunId: cmp.previousRunId, new: cmp.counts.new, persisting: cmp.counts.persisting, resolved: cmp.counts.resolved, notRechecked: notRecheckedOf(cmp).length, ...(cmp.waived ? { waived: cmp.waived } : {}) } : null,
    impact: { instancesAffected: doc.impact.instancesAffected, accountsAffected: doc.impact.accountsAffected, launchTemplatesAffected: doc.impact.launchTemplatesAffected },
    topAccounts,
    topOwners: ownersTracked(doc)
      ? ownerGroups(doc)
          .filter((g) => g.total > 0)
          .slice(0, TOP)
          .map((g) => ({ owner: g.owner, hasOwner: g.hasOwner, total: g.total, bySeverity: g.bySeverity, accounts: g.accounts.length }))
      : null,
  };
}

/**
 * Text from AWS as inert Markdown: one line, HTML's special characters as entities (GitHub renders inline
 * HTML), and every character Markdown gives a meaning inside a line (emphasis, code, links, images, table
 * cells, strike-through, @mentions) backslash-escaped (CommonMark: any ASCII punctuation may be escaped).
 * amigov's own text (headline, counts) is written as is.
 */
export function mdText(s: string): string {
  return singleLine(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#!|~@]/g, (c) => `\\${c}`);
}

const sevCells = (r: Record<Severity, number>) => SEVERITIES.map((s) => (r[s] ? String(r[s]) : '')).join(' | ');

export function renderSummaryMarkdown(doc: FindingsDocument): string {
  const s = runSummary(doc);
  const lines: string[] = [];
  lines.push(`## amigov: ${s.headline}`, '');
  lines.push(`Run \`${s.runId}\`, allowlist as of ${s.asOf}${s.organizationId ? `, organization \`${s.organizationId}\`` : ''}.`);
  if (s.outcome) lines.push(`${s.outcome.summary}.`);
  if (!s.coverage.complete) lines.push('', `> **Partial scan:** ${s.coverage.gap}. Findings cover only what was scanned: what failed is unknown, not compliant.`);
  lines.push('', '| Severity | Findings |', '|---|---:|');
  for (const sev of SEVERITIES) lines.push(`| ${sev} | ${s.counts.bySeverity[sev]} |`);
  lines.push(`| **total** | **${s.counts.total}** |`);
  lines.push('', '### Change since the last run', '');
  if (s.change) {
    const waived = waivedChangeText(s.change);
    lines.push(`Compared with run \`${s.change.previousRunId}\`: **${s.change.new} new**, ${s.change.persisting} persisting, **${s.change.resolved} resolved**` + (s.change.notRechecked ? `, ${s.change.notRechecked} not re-checked (neither resolved nor current)` : '') + (waived ? `; ${waived}` : '') + '.');
  } else {
    lines.push('Not compared with an earlier run: the first run of the weekly job is its baseline (`--compare latest` compares the next ones).');
  }
  lines.push('', `If Allowed AMIs were enabled today: ${plural(s.impact.instancesAffected, 'instance')} in ${plural(s.impact.accountsAffected, 'account')} and ${plural(s.impact.launchTemplatesAffected, 'launch template')} affected.`);
  if (s.topAccounts.length) {
    lines.push('', '### Top accounts', '', `| Account | Owner | ${SEVERITIES.join(' | ')} | Total |`, `|---|---|${SEVERITIES.map(() => '---:|').join('')}---:|`);
    for (const a of s.topAccounts) lines.push(`| ${a.name ? `${mdText(a.name)} ` : ''}\`${a.accountId}\` | ${a.owner !== null ? mdText(a.owner) : ''} | ${sevCells(a.bySeverity)} | ${a.total} |`);
  }
  if (s.topOwners?.length) {
    lines.push('', '### Top owners', '', `| Owner | Accounts | ${SEVERITIES.join(' | ')} | Total |`, `|---|---:|${SEVERITIES.map(() => '---:|').join('')}---:|`);
    for (const o of s.topOwners) lines.push(`| ${o.hasOwner ? mdText(o.owner) : `_${mdText(NO_OWNER)}_`} | ${o.accounts} | ${sevCells(o.bySeverity)} | ${o.total} |`);
  }
  lines.push('', 'Details: report.html, report.xlsx, findings.csv, findings.json in the run folder.');
  return lines.join('\n') + '\n';
}

export async function writeSummaryMarkdown(doc: FindingsDocument, _meta: ReportMeta, target: string): Promise<void> {
  writeFileAtomic(target, renderSummaryMarkdown(doc));
}
