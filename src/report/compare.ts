/**
 * The weekly comparison: this run's findings against an earlier run's, matched by finding id (a hash
 * of rule, account, region and resource, stable across runs).
 *
 * A finding of the previous run that is absent now is `resolved` only when its account x region was
 * scanned successfully this time. When that account x region failed or was skipped, nobody knows
 * whether it was fixed: it goes to `notRescanned`, never to resolved (a partial scan must not look
 * like progress).
 */
import { readdirSync, existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Comparison, Finding, FindingsDocument } from '../model/findings.js';
import { UserError } from '../cli/errors.js';
import { FILES, findingsPathOf, readFindingsDocument } from './load.js';

type Counts = { new: number; persisting: number; resolved: number };
const zero = (): Counts => ({ new: 0, persisting: 0, resolved: 0 });

/** true when the current run scanned the finding's account x region successfully. */
function rescannedBy(current: FindingsDocument): (f: Finding) => boolean {
  const ok = new Set<string>();
  const okAccounts = new Set<string>();
  const regions = new Set<string>();
  for (const e of current.coverage.entries) {
    regions.add(e.region);
    if (e.status === 'ok') {
      ok.add(`${e.accountId}|${e.region}`);
      okAccounts.add(e.accountId);
    }
  }
  // Findings whose "region" is not a scanned region (an account-wide or organization-wide finding)
  // count as rechecked when the account had at least one region scanned successfully.
  return (f) => ok.has(`${f.accountId}|${f.region}`) || (!regions.has(f.region) && okAccounts.has(f.accountId));
}

export function compareRuns(current: FindingsDocument, previous: FindingsDocument, previousDir: string): FindingsDocument {
  const previousIds = new Set(previous.findings.map((f) => f.id));
  const currentIds = new Set(current.findings.map((f) => f.id));
  const byRule: Record<string, Counts> = {};
  const byAccount: Record<string, Counts> = {};
  const counts = zero();
  const bump = (f: Finding, change: keyof Counts) => {
    counts[change]++;
    (byRule[f.ruleId] ??= zero())[change]++;
    (byAccount[f.accountId] ??= zero())[change]++;
  };

  const findings = current.findings.map((f): Finding => {
    const change = previousIds.has(f.id) ? 'persisting' : 'new';
    bump(f, change);
    return { ...f, change };
  });

  const rescanned = rescannedBy(current);
  const resolved: Finding[] = [];
  const notRescanned: Finding[] = [];
  const seen = new Set<string>();
  for (const f of previous.findings) {
    if (currentIds.has(f.id) || seen.has(f.id)) continue;
    seen.add(f.id);
    if (rescanned(f)) {
      resolved.push({ ...f, change: 'resolved' });
      bump(f, 'resolved');
    } else {
      const { change: _drop, ...rest } = f;
      notRescanned.push(rest);
    }
  }

  const comparison: Comparison = {
    previousRunId: previous.run.runId,
    previousRunDir: previousDir,
    counts,
    byRule,
    byAccount,
    resolved,
    notRescanned,
  };
  return { ...current, findings, comparison };
}

/** The first sortable timestamp in a run folder name (run ids start with one), else the whole name. */
function sortKey(name: string): string {
  return /\d{4}-\d{2}-\d{2}T\d{2}[-:]?\d{2}[-:]?\d{2}/.exec(name)?.[0] ?? name;
}

/**
 * The folder of the run to compare with. `latest`: the newest run folder in reportsDir, older than the
 * current run, that holds a findings.json (run folders are named by run id, which sorts by time).
 * Anything else is a run folder path.
 */
export function resolvePreviousRun(reportsDir: string, spec: 'latest' | string, currentRunId?: string, currentRunDir?: string): string {
  if (spec !== 'latest') {
    findingsPathOf(spec, '--compare folder');
    if (currentRunDir && resolve(spec) === resolve(currentRunDir)) {
      throw new UserError(`--compare ${spec} is the run being reported; pass an earlier run folder`);
    }
    return resolve(spec);
  }
  if (!existsSync(reportsDir)) {
    throw new UserError(`--compare latest: the reports folder ${reportsDir} does not exist`, undefined, 'Pass the previous run folder instead: --compare reports/<run-id>');
  }
  const currentKey = currentRunId ? sortKey(currentRunId) : undefined;
  const current = currentRunDir ? resolve(currentRunDir) : undefined;
  const candidates = readdirSync(reportsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((name) => name !== currentRunId && resolve(reportsDir, name) !== current)
    .filter((name) => currentKey === undefined || sortKey(name) < currentKey || (sortKey(name) === currentKey && name < (currentRunId ?? '')))
    .filter((name) => existsSync(join(reportsDir, name, FILES.findings)))
    .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : a.localeCompare(b)));
  const newest = candidates.at(-1);
  if (!newest) {
    throw new UserError(
      `--compare latest: no earlier run with a ${FILES.findings} in ${reportsDir}`,
      undefined,
      `This looks like the first run${currentRunId ? ` (${basename(currentRunId)})` : ''}; run again without --compare, or pass a run folder.`,
    );
  }
  return resolve(reportsDir, newest);
}

/**
 * `--compare DIR|latest` in one call, for `amigov scan` and `amigov report`: finds the previous run
 * (latest = newest earlier run folder in reportsDir), reads its findings.json and compares.
 */
export function compareWithPrevious(doc: FindingsDocument, spec: 'latest' | string, where: { reportsDir: string; currentRunDir?: string }): FindingsDocument {
  const previousDir = resolvePreviousRun(where.reportsDir, spec, doc.run.runId, where.currentRunDir);
  const previous = readFindingsDocument(findingsPathOf(previousDir, '--compare folder'));
  return compareRuns(doc, previous, previousDir);
}
