/**
 * The weekly comparison: this run's findings against an earlier run's, matched by finding id (a hash
 * of rule, account, region and resource, stable across runs).
 *
 * A finding of the previous run that is absent now is `resolved` only when this run judged the same
 * rule for the same account x region with complete data for everything that rule reads (its
 * `meta.reads`). Otherwise nobody knows whether it was fixed: it is `not-rechecked`, carried forward
 * with the previous run's data and a reason, counted apart and never mixed into resolved (a narrower
 * or partial scan must not look like progress). The rules, in order (docs/reports.md):
 * 1. the rule ran this time (--rules) and did not throw;
 * 2. the finding is not hidden by this run's --severity-threshold;
 * 3. every collector the rule reads that the previous run collected as a whole was collected this time
 *    (launch-permissions needs --deep; organization needs Organizations);
 * 4. its account x region is in this run's scope and `ok`, and none of the rule's collectors degraded there.
 * A finding not tied to one account x region (empty region, or a region neither run has coverage for:
 * the `error` finding of a rule that threw, account- or organization-wide findings) is re-checked when
 * 4 holds for every account x region the previous run scanned `ok` (of its account, or of the whole
 * organization when it has no account).
 */
import { readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChangeCounts, Comparison, Finding, FindingsDocument, NotRechecked, Severity } from '../model/findings.js';
import type { CoverageEntry } from '../model/inventory.js';
import { UserError } from '../errors.js';
import { RULES } from '../rules/index.js';
import { atOrAbove } from '../rules/engine.js';
import { findingsPathOf, readFindingsDocument } from './load.js';
import { RUN_FILES } from '../model/run-files.js';

const zero = (): ChangeCounts => ({ new: 0, persisting: 0, resolved: 0, notRechecked: 0 });

const READS = new Map(RULES.map((r) => [r.meta.id, r.meta.reads]));
/** A rule this amigov does not know (another version, an injected rule set): assume it reads everything. */
const ALL_READS = [...new Set(RULES.flatMap((r) => r.meta.reads))];
const readsOf = (ruleId: string): readonly string[] => READS.get(ruleId) ?? ALL_READS;

const key = (accountId: string, region: string) => `${accountId}|${region}`;

/** Collectors a run may leave out as a whole, with why: launch permissions without --deep, the organization with --no-organizations. */
function runLevelGaps(doc: FindingsDocument): Map<string, string> {
  const gaps = new Map<string, string>();
  const deep = doc.evaluation?.deep ?? doc.run.parameters['deep'] === true;
  if (!deep) gaps.set('launch-permissions', 'launch-permissions (who an AMI is shared with) was not read: this run was not --deep');
  if (!doc.run.organization) gaps.set('organization', 'the organization (OUs, organization id) was not read: this run used --no-organizations or found no organization');
  // A targeted scan (scan --rules) records the collectors it ran; the others' data was not gathered at all.
  const ran = doc.run.collectors;
  if (ran) {
    const have = new Set(ran);
    for (const c of ALL_READS) if (!have.has(c) && !gaps.has(c)) gaps.set(c, `${c} was not collected: this run was a targeted scan (--rules) that did not need it`);
  }
  return gaps;
}

/** Decides, for a finding of `previous` that `current` does not have, whether current re-checked it. */
function recheckJudge(current: FindingsDocument, previous: FindingsDocument): (f: Finding) => NotRechecked | undefined {
  const ev = current.evaluation;
  const rulesRun = new Set(ev?.rulesRun ?? current.rules.map((r) => r.id));
  const ruleErrors = new Map((ev?.ruleErrors ?? []).map((e) => [e.ruleId, e.message]));
  const threshold: Severity | undefined = ev?.severityThreshold ?? undefined;
  const dropped = ev?.belowThresholdIds ? new Set(ev.belowThresholdIds) : undefined;
  const currentGaps = runLevelGaps(current);
  const previousGaps = runLevelGaps(previous);
  const coverage = new Map(current.coverage.entries.map((e) => [key(e.accountId, e.region), e]));
  const scannedAccounts = new Set(current.coverage.entries.map((e) => e.accountId));
  const regions = new Set([...current.coverage.entries, ...previous.coverage.entries].map((e) => e.region));
  const previousOk = previous.coverage.entries.filter((e) => e.status === 'ok');
  // An account the scan could not prepare (AssumeRole or DescribeRegions failed, or the scan was interrupted
  // first) never learnt its regions: it has one entry, with that failure, per region other accounts have enabled,
  // and none for a region only it had enabled. Without --regions, such a missing region shares that failure.
  const regionsLimited = Array.isArray(current.run.parameters['regions']);
  const prepared = new Set(current.coverage.entries.filter((e) => e.status === 'ok' || e.status === 'skipped').map((e) => e.accountId));
  const unprepared = new Map<string, CoverageEntry>();
  if (!regionsLimited) for (const e of current.coverage.entries) if (!prepared.has(e.accountId) && !unprepared.has(e.accountId)) unprepared.set(e.accountId, e);

  /** Rule 4 for one account x region. */
  const unit = (accountId: string, region: string, reads: readonly string[]): NotRechecked | undefined => {
    const e: CoverageEntry | undefined = coverage.get(key(accountId, region)) ?? unprepared.get(accountId);
    if (!e) {
      return scannedAccounts.has(accountId)
        ? { code: 'region-not-scanned', reason: `${region} was not scanned in account ${accountId} this run (--regions)` }
        : { code: 'account-not-scanned', reason: `account ${accountId} was not in this run's scope (--accounts, --exclude-accounts, --ou)` };
    }
    const why = e.reason ?? e.errorCode ?? 'no reason recorded';
    if (e.status === 'skipped') return { code: 'region-skipped', reason: `${accountId} ${region} was skipped this run: ${why}` };
    if (e.status === 'access-denied') return { code: 'access-denied', reason: `${accountId} ${region} was access-denied: ${why}` };
    if (e.status === 'error') {
      return e.errorCode === 'Interrupted'
        ? { code: 'interrupted', reason: `${accountId} ${region} was not finished: the scan was interrupted` }
        : { code: 'error', reason: `${accountId} ${region} failed: ${why}` };
    }
    const degraded = reads.find((c) => e.degraded?.[c] !== undefined);
    if (degraded) return { code: 'collector-degraded', reason: `${degraded} degraded in ${accountId} ${region}: ${e.degraded![degraded]}` };
    return undefined;
  };

  return (f) => {
    if (!rulesRun.has(f.ruleId)) return { code: 'rule-not-run', reason: `rule ${f.ruleId} was not run this time (--rules)` };
    const failed = ruleErrors.get(f.ruleId);
    if (failed !== undefined) return { code: 'rule-failed', reason: `rule ${f.ruleId} failed this run: ${failed}` };
    if (threshold && f.status !== 'error') {
      // Exact when the run recorded what its threshold dropped; otherwise judged by the severity it had.
      const hidden = dropped ? dropped.has(f.id) : !atOrAbove(f.severity, threshold);
      if (hidden) return { code: 'below-severity-threshold', reason: `below this run's --severity-threshold ${threshold}` };
    }
    const reads = readsOf(f.ruleId);
    for (const c of reads) {
      const gap = currentGaps.get(c);
      if (gap && !previousGaps.has(c)) return { code: 'collector-not-run', reason: gap };
    }
    if (f.region && regions.has(f.region) && f.accountId) return unit(f.accountId, f.region, reads);
    // Not tied to one account x region: every unit of its scope that was scanned last time must be re-checked.
    const scope = previousOk.filter((e) => !f.accountId || e.accountId === f.accountId);
    if (f.accountId && scope.length === 0 && !scannedAccounts.has(f.accountId)) {
      return { code: 'account-not-scanned', reason: `account-wide finding: account ${f.accountId} was not in this run's scope` };
    }
    for (const e of scope) {
      const r = unit(e.accountId, e.region, reads);
      if (r) return { code: r.code, reason: `${f.accountId ? 'account-wide' : 'organization-wide'} finding: ${r.reason}` };
    }
    return undefined;
  };
}

export function compareRuns(current: FindingsDocument, previous: FindingsDocument, previousDir: string): FindingsDocument {
  // A waived finding is still there (accepted, not fixed): present on either side, never new again nor resolved.
  const previousFindings = [...previous.findings, ...(previous.waivers?.waived ?? [])];
  const previousIds = new Set(previousFindings.map((f) => f.id));
  const currentIds = new Set([...current.findings, ...(current.waivers?.waived ?? [])].map((f) => f.id));
  const byRule: Record<string, ChangeCounts> = {};
  const byAccount: Record<string, ChangeCounts> = {};
  const counts = zero();
  const bump = (f: Finding, change: keyof ChangeCounts) => {
    counts[change]++;
    (byRule[f.ruleId] ??= zero())[change]++;
    (byAccount[f.accountId] ??= zero())[change]++;
  };

  const findings = current.findings.map((f): Finding => {
    const change = previousIds.has(f.id) ? 'persisting' : 'new';
    bump(f, change);
    return { ...f, change };
  });

  const judge = recheckJudge(current, previous);
  const resolved: Finding[] = [];
  const notRechecked: Finding[] = [];
  const notRecheckedByReason: Comparison['notRecheckedByReason'] = {};
  const seen = new Set<string>();
  for (const f of previousFindings) {
    if (currentIds.has(f.id) || seen.has(f.id)) continue;
    seen.add(f.id);
    const { change: _change, notRechecked: _why, waiver: _waiver, history: _history, ...data } = f;
    const why = judge(f);
    if (why) {
      notRechecked.push({ ...data, change: 'not-rechecked', notRechecked: why });
      notRecheckedByReason[why.code] = (notRecheckedByReason[why.code] ?? 0) + 1;
      bump(f, 'notRechecked');
    } else {
      resolved.push({ ...data, change: 'resolved' });
      bump(f, 'resolved');
    }
  }

  // Waived findings are counted apart, never in `counts` (a waiver accepts a finding; it needs no action this week).
  const waivedNow = current.waivers?.waived ?? [];
  const waivedNew = waivedNow.filter((f) => !previousIds.has(f.id)).length;
  const comparison: Comparison = {
    previousRunId: previous.run.runId,
    previousRunDir: previousDir,
    counts,
    byRule,
    byAccount,
    resolved,
    notRechecked,
    notRecheckedByReason,
    ...(current.waivers ? { waived: { new: waivedNew, persisting: waivedNow.length - waivedNew } } : {}),
  };
  return { ...current, findings, comparison };
}

/**
 * The waived findings' change, counted apart from the comparison's counts: e.g. "1 new and 2 persisting waived
 * (counted apart)"; undefined when this run waived nothing (or the document predates the count).
 */
export function waivedChangeText(c: Pick<Comparison, 'waived'> | null | undefined): string | undefined {
  const w = c?.waived;
  if (!w || w.new + w.persisting === 0) return undefined;
  return `${w.new} new and ${w.persisting} persisting waived (counted apart)`;
}

/**
 * The not-re-checked findings of a comparison, also from documents written by earlier amigov versions
 * (their `notRescanned` list: findings whose account x region was not scanned successfully).
 */
export function notRecheckedOf(c: Comparison | undefined): Finding[] {
  if (!c) return [];
  if (c.notRechecked) return c.notRechecked;
  return (c.notRescanned ?? []).map((f) => ({
    ...f,
    change: 'not-rechecked' as const,
    notRechecked: { code: 'error' as const, reason: 'its account x region was not scanned successfully (recorded by an earlier amigov version)' },
  }));
}

/** The first sortable timestamp in a run folder name (run ids start with one), else the whole name. */
function sortKey(name: string): string {
  return /\d{4}-\d{2}-\d{2}T\d{2}[-:]?\d{2}[-:]?\d{2}/.exec(name)?.[0] ?? name;
}

/**
 * A folder written by `amigov scan`: it holds inventory.json beside findings.json. Folders written by
 * `amigov evaluate` or `amigov report` (previews, re-renders) hold no inventory and are never "latest".
 */
function isScanRun(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.findings)) && existsSync(join(dir, RUN_FILES.inventory));
}

/**
 * The folder of the run to compare with. `latest`: the newest scan run folder in reportsDir, older than
 * the current run (run folders are named by run id, which sorts by time). Anything else is a run folder
 * path, which may be any folder holding a findings.json. Throws a UserError when there is none.
 */
export function resolvePreviousRun(reportsDir: string, spec: 'latest' | string, currentRunId?: string, currentRunDir?: string): string {
  if (spec !== 'latest') {
    if (currentRunDir && resolve(spec) === resolve(currentRunDir)) {
      throw new UserError(`--compare ${spec} is the folder of this run itself; pass an earlier run folder`, { hint: 'e.g. --compare latest, or --compare reports/<earlier-run-id>' });
    }
    findingsPathOf(spec, '--compare folder');
    return resolve(spec);
  }
  const newest = latestScanRun(reportsDir, currentRunId, currentRunDir);
  if (!newest) {
    throw new UserError(`--compare latest: no earlier scan run with a ${RUN_FILES.findings} in ${reportsDir}`, { hint: 'Pass the previous run folder instead: --compare reports/<run-id>' });
  }
  return newest;
}

function latestScanRun(reportsDir: string, currentRunId?: string, currentRunDir?: string): string | undefined {
  if (!existsSync(reportsDir)) return undefined;
  const currentKey = currentRunId ? sortKey(currentRunId) : undefined;
  const current = currentRunDir ? resolve(currentRunDir) : undefined;
  const candidates = readdirSync(reportsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((name) => name !== currentRunId && resolve(reportsDir, name) !== current)
    .filter((name) => currentKey === undefined || sortKey(name) < currentKey || (sortKey(name) === currentKey && name < (currentRunId ?? '')))
    .filter((name) => isScanRun(join(reportsDir, name)))
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : a.localeCompare(b)));
  const newest = candidates.at(-1);
  return newest === undefined ? undefined : resolve(reportsDir, newest);
}

/** What `--compare` resolved to: an earlier run (its findings.json read and checked), or none: this run is the baseline. */
export type CompareTarget = { kind: 'run'; dir: string; runId: string } | { kind: 'baseline'; message: string };

export const BASELINE_MESSAGE = 'no earlier run to compare with: this run is the baseline';

/**
 * Resolves `--compare DIR|latest` before anything is scanned or written, and reads and validates the
 * previous findings.json (so a bad folder costs nothing). `latest` with no earlier scan run (first run,
 * or no reports folder yet) is the baseline, not an error; an explicit folder must be a readable run.
 */
export function resolveCompareTarget(spec: 'latest' | string, where: { reportsDir: string; currentRunId?: string; currentRunDir?: string }): CompareTarget {
  let dir: string;
  if (spec === 'latest') {
    const found = latestScanRun(where.reportsDir, where.currentRunId, where.currentRunDir);
    if (!found) return { kind: 'baseline', message: `${BASELINE_MESSAGE} (no earlier scan run in ${where.reportsDir})` };
    dir = found;
  } else {
    dir = resolvePreviousRun(where.reportsDir, spec, where.currentRunId, where.currentRunDir);
  }
  const previous = readFindingsDocument(findingsPathOf(dir, '--compare folder'));
  return { kind: 'run', dir, runId: previous.run.runId };
}

/** Compares doc with the previous run of a resolved target (reading its findings.json); the baseline leaves doc as it is. */
export function compareWithTarget(doc: FindingsDocument, target: CompareTarget): FindingsDocument {
  if (target.kind === 'baseline') return doc;
  return compareRuns(doc, readFindingsDocument(findingsPathOf(target.dir, '--compare folder')), target.dir);
}

/**
 * `--compare DIR|latest` in one call: resolves the previous run (latest = newest earlier scan run
 * folder in reportsDir), reads its findings.json and compares. No earlier run: doc unchanged.
 */
export function compareWithPrevious(doc: FindingsDocument, spec: 'latest' | string, where: { reportsDir: string; currentRunDir?: string }): FindingsDocument {
  return compareWithTarget(doc, resolveCompareTarget(spec, { ...where, currentRunId: doc.run.runId }));
}
