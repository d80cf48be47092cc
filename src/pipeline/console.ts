/** What a run prints: the scan summary, the findings summary and the comparison, as plain text lines. */
import { relative } from 'node:path';
import type { Inventory } from '../model/inventory.js';
import { SEVERITIES, type FindingsDocument } from '../model/findings.js';
import { EXIT, type ExitCode } from '../errors.js';
import { plural } from '../util/format.js';
import { terminalSafe } from '../util/sanitize.js';
import { waivedChangeText, type CompareTarget } from '../report/compare.js';
import { judgeCoverage, type CoverageVerdict } from './coverage-gate.js';

/** Reasons quote endpoints' messages: keep them on one line of bounded length, without control or bidi characters. */
function oneLine(s: string, max = 400): string {
  const flat = terminalSafe(s.trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatScanSummary(inv: Inventory, inventoryPath: string, exitCode: ExitCode, verdict: CoverageVerdict = judgeCoverage(inv, { partial: 'fail', allowEmpty: false })): string {
  const count = (s: string) => inv.coverage.filter((c) => c.status === s).length;
  const degraded = inv.coverage.filter((c) => c.degraded && Object.keys(c.degraded).length);
  const unresolved = inv.images.filter((i) => !i.found).length;
  const lines = [
    `Scan ${inv.run.runId}${inv.run.interrupted ? ' (INTERRUPTED)' : ''}: ${inv.stats.accountsTotal} accounts, ${inv.coverage.length} account x regions`,
    `  ok ${count('ok')}  skipped ${count('skipped')}  access-denied ${count('access-denied')}  error ${count('error')}`,
    `  ${inv.instances.length} instances, ${inv.images.length} images (${unresolved} unresolved), ${inv.launchTemplates.length} launch templates`,
    `  ${inv.stats.apiCallsTotal} API calls, ${inv.stats.retries} retries, ${inv.stats.throttled} throttled, ${(inv.stats.durationMs / 1000).toFixed(1)} s`,
  ];
  if (degraded.length) {
    const byCollector = new Map<string, number>();
    for (const c of degraded) for (const k of Object.keys(c.degraded!)) byCollector.set(k, (byCollector.get(k) ?? 0) + 1);
    lines.push(`  degraded (optional data unknown): ${[...byCollector].map(([k, n]) => `${k} in ${n}`).join(', ')}`);
  }
  const failed = inv.coverage.filter((c) => c.status === 'access-denied' || c.status === 'error');
  if (failed.length) {
    // One line per account and reason: a missing role fails every region the same way.
    const groups = new Map<string, { accountId: string; status: string; reason: string; regions: string[] }>();
    for (const c of failed) {
      const reason = c.reason ?? c.errorCode ?? '';
      const k = `${c.accountId}\0${c.status}\0${reason}`;
      const g = groups.get(k) ?? { accountId: c.accountId, status: c.status, reason, regions: [] };
      g.regions.push(c.region);
      groups.set(k, g);
    }
    lines.push('Not scanned:');
    const list = [...groups.values()];
    for (const g of list.slice(0, 20)) {
      const where = g.regions.length > 3 ? `${g.regions.length} regions` : g.regions.join(',');
      lines.push(`  ${g.accountId} ${where}: ${g.status}: ${oneLine(g.reason)}`);
    }
    if (list.length > 20) lines.push(`  ... and ${list.length - 20} more (see coverage in the inventory)`);
  }
  const without = verdict.summary.accountsWithoutScannedRegion;
  if (without.length && !verdict.summary.empty) {
    // Accounts that were reached but had nothing to scan: a reader must see them, they are not "clean".
    lines.push(`No region scanned in ${plural(without.length, 'account')}:`);
    const names = new Map(inv.accounts.map((a) => [a.accountId, a.name]));
    for (const id of without.slice(0, 20)) {
      const skipped = inv.coverage.filter((c) => c.accountId === id && c.status === 'skipped').map((c) => c.region);
      const why = skipped.length === 0 ? 'no region listed by ec2:DescribeRegions' : `${skipped.length > 3 ? plural(skipped.length, 'region') : skipped.join(',')} skipped (not enabled in this account)`;
      lines.push(`  ${id}${names.get(id) && names.get(id) !== id ? ` (${oneLine(names.get(id)!, 64)})` : ''}: ${why}`);
    }
    if (without.length > 20) lines.push(`  ... and ${without.length - 20} more (see coverage in the inventory)`);
  }
  lines.push(`Inventory: ${inventoryPath}`);
  for (const p of verdict.problems) lines.push(p.message);
  for (const n of verdict.notes) lines.push(n);
  if (exitCode === EXIT.INTERRUPTED) lines.push(`Interrupted: the inventory holds what was gathered; exit code ${EXIT.INTERRUPTED}.`);
  return lines.join('\n') + '\n';
}

/** One line per rule run, then totals, the enforcement impact and the coverage. */
export function formatFindingsSummary(doc: FindingsDocument): string {
  const lines: string[] = [];
  const width = Math.max(4, ...doc.rules.map((r) => r.id.length));
  lines.push(`${'Rule'.padEnd(width)}  Findings  Cannot verify  Severity`);
  for (const r of doc.rules) {
    const mine = doc.findings.filter((f) => f.ruleId === r.id);
    const unverified = mine.filter((f) => f.status === 'cannot-verify').length;
    const errored = mine.some((f) => f.status === 'error');
    lines.push(
      `${r.id.padEnd(width)}  ${String(mine.length - unverified).padStart(8)}  ${String(unverified).padStart(13)}  ${r.severity}${errored ? '  (RULE FAILED)' : ''}`,
    );
  }
  const sev = SEVERITIES.filter((s) => doc.counts.bySeverity[s]).map((s) => `${s} ${doc.counts.bySeverity[s]}`);
  lines.push(`Total: ${plural(doc.counts.total, 'finding')}${sev.length ? ` (${sev.join(', ')})` : ''}`);
  const i = doc.impact;
  lines.push(
    `Once enforced: ${plural(i.instancesAffected, 'instance')} and ${i.launchTemplatesAffected} launch template${i.launchTemplatesAffected === 1 ? '' : 's'} ` +
      `in ${plural(i.accountsAffected, 'account')} can no longer launch their AMI` +
      (i.instancesCannotVerify || i.launchTemplatesCannotVerify ? ` (${i.instancesCannotVerify ?? 0} instances, ${i.launchTemplatesCannotVerify ?? 0} launch templates cannot be verified)` : ''),
  );
  const c = doc.coverage.counts;
  const failed = c['access-denied'] + c.error;
  const without = doc.coverage.accountsWithoutScannedRegion?.length ?? 0;
  const gaps = doc.coverage.complete
    ? []
    : (doc.coverage.empty ?? c.ok === 0)
      ? ['NOTHING WAS SCANNED: no account x region was judged']
      : [
          ...(failed ? [`INCOMPLETE: ${failed} account x region(s) were not scanned and are not judged`] : []),
          ...(without ? [`INCOMPLETE: ${without} account(s) had no region scanned`] : []),
        ];
  lines.push(`Coverage: ${c.ok} ok, ${c.skipped} skipped, ${c['access-denied']} access denied, ${c.error} error${gaps.map((g) => ` - ${g}`).join('')}`);
  return lines.join('\n');
}

/** The comparison in a line or two: counts, and why findings were not re-checked; or that this run is the baseline. */
export function formatComparison(doc: FindingsDocument, target: CompareTarget): string {
  if (target.kind === 'baseline' || !doc.comparison) return `Comparison: ${target.kind === 'baseline' ? target.message : 'none'}\n`;
  const { counts: c, previousRunId, notRecheckedByReason } = doc.comparison;
  const waived = waivedChangeText(doc.comparison);
  let text = `Since run ${previousRunId}: ${c.new} new, ${c.persisting} persisting, ${c.resolved} resolved, ${c.notRechecked} not re-checked${waived ? `; ${waived}` : ''}\n`;
  if (c.notRechecked > 0) {
    const why = Object.entries(notRecheckedByReason)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0) || a[0].localeCompare(b[0]))
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    text += `  not re-checked (${why}): findings of that run this run did not judge again with complete data; neither resolved nor current (see "Not re-checked" in the report)\n`;
  }
  return text;
}

/** Output paths shown relative to the working directory when inside it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}
