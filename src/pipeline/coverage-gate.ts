/**
 * The coverage gate and the run's outcome: which gaps of a finished scan are accepted, and the exit code of
 * the whole run with every condition that holds (precedence: ./exit-codes.ts).
 */
import type { Inventory } from '../model/inventory.js';
import type { FindingsDocument, RunOutcome, Severity } from '../model/findings.js';
import { assessCoverage, meetsMinCoverage, type CoverageSummary } from '../model/coverage.js';
import { EXIT, type ExitCode } from '../errors.js';
import { plural } from '../util/format.js';
import { exitCodeFor } from './exit-codes.js';
import { findingsAtOrAbove } from './evaluation-request.js';
import type { CoveragePolicy } from './scan-plan.js';

/** A coverage gap that sets exit code 3: what it is, in words a CI log can show. */
export interface CoverageProblem {
  kind: 'empty' | 'partial';
  message: string;
}

export interface CoverageVerdict {
  summary: CoverageSummary;
  /** Gaps not accepted by the policy: each one makes the exit code 3. */
  problems: CoverageProblem[];
  /** Gaps the policy accepted, and the coverage measured against --min-coverage. */
  notes: string[];
}

const pct = (s: CoverageSummary) => `${((100 * s.counts.ok) / Math.max(s.attempted, 1)).toFixed(1)}% (${s.counts.ok} of ${plural(s.attempted, 'account x region')})`;

/** Which coverage gaps of a finished inventory are accepted, and which make the scan exit 3. */
export function judgeCoverage(inv: Inventory, policy: CoveragePolicy): CoverageVerdict {
  const summary = assessCoverage(inv.coverage, inv.accounts);
  const problems: CoverageProblem[] = [];
  const notes: string[] = [];
  if (summary.empty) {
    const scope = `${plural(inv.accounts.filter((a) => a.access !== 'none').length, 'account')} selected, ${plural(inv.coverage.length, 'account x region')}`;
    if (policy.allowEmpty) notes.push(`Nothing was scanned (${scope}); accepted by --allow-empty.`);
    else {
      problems.push({
        kind: 'empty',
        message:
          `Nothing was scanned: no account x region was judged (${scope}). An empty scan is not a clean pass: exit code ${EXIT.PARTIAL} ` +
          '(check --accounts, --exclude-accounts, --ou and --regions, or pass --allow-empty to accept it).',
      });
    }
  } else if (summary.accountsWithoutScannedRegion.length) {
    const n = summary.accountsWithoutScannedRegion.length;
    if (policy.allowEmpty) notes.push(`No region scanned in ${plural(n, 'account')}; accepted by --allow-empty.`);
    else problems.push({ kind: 'partial', message: `No region scanned in ${plural(n, 'account')}: exit code ${EXIT.PARTIAL} unless --allow-empty.` });
  }
  if (summary.failed > 0) {
    const gap = `${plural(summary.failed, 'account x region')} could not be scanned`;
    if (policy.partial === 'fail') {
      problems.push({ kind: 'partial', message: `Partial scan: ${gap}: exit code ${EXIT.PARTIAL} (pass --allow-partial, or --min-coverage PCT to accept a known gap).` });
    } else if (policy.partial === 'allow') {
      notes.push(`Partial scan accepted by --allow-partial: ${gap}; coverage ${pct(summary)}.`);
    }
  }
  if (typeof policy.partial === 'object' && !summary.empty) {
    const min = policy.partial.minPercent;
    if (meetsMinCoverage(summary, min)) notes.push(`Coverage ${pct(summary)} meets --min-coverage ${min}%.`);
    else problems.push({ kind: 'partial', message: `Coverage ${pct(summary)} is below --min-coverage ${min}%: exit code ${EXIT.PARTIAL}.` });
  }
  return { summary, problems, notes };
}

/** Exit code of the scan alone (before findings are judged): interrupted 130, a gap not accepted 3, else 0. */
export function scanExitCode(inv: Inventory, verdict: CoverageVerdict): ExitCode {
  return exitCodeFor({ interrupted: inv.run.interrupted === true, partial: verdict.problems.length > 0 });
}

/**
 * The run's exit code and every condition behind it, strongest first, with the one-line summary the
 * console and findings.json show: a partial scan (3) never hides the findings --fail-on would fail on (1).
 */
export function runOutcome(inv: Inventory, verdict: CoverageVerdict, doc: FindingsDocument, failOn?: Severity): RunOutcome {
  const conditions: RunOutcome['conditions'] = [];
  if (inv.run.interrupted) conditions.push({ kind: 'interrupted', exitCode: EXIT.INTERRUPTED, message: 'the scan was interrupted (Ctrl-C); what was gathered is judged and written' });
  for (const p of verdict.problems) conditions.push({ kind: p.kind, exitCode: EXIT.PARTIAL, message: p.message });
  const hits = failOn ? findingsAtOrAbove(doc, failOn) : 0;
  if (failOn && hits > 0) conditions.push({ kind: 'findings', exitCode: EXIT.FINDINGS, message: `${plural(hits, 'finding')} at or above ${failOn} (--fail-on ${failOn})` });
  const exitCode = exitCodeFor({ interrupted: inv.run.interrupted === true, partial: verdict.problems.length > 0, findings: hits > 0 });
  const label = (c: RunOutcome['conditions'][number]) =>
    c.kind === 'interrupted' ? 'interrupted' : c.kind === 'empty' ? 'nothing was scanned' : c.kind === 'partial' ? 'partial scan' : `${plural(hits, 'finding')} at or above ${failOn}, --fail-on ${failOn}`;
  const also = (c: RunOutcome['conditions'][number]) =>
    c.kind === 'findings' ? `${plural(hits, 'finding')} at or above ${failOn} (--fail-on ${failOn} would exit ${EXIT.FINDINGS})` : `${label(c)} (would exit ${c.exitCode})`;
  // One entry per exit code: the first condition of each code speaks for it.
  const byCode = conditions.filter((c, i) => conditions.findIndex((d) => d.exitCode === c.exitCode) === i);
  const [first, ...rest] = byCode;
  const summary = first
    ? `Exit code ${first.exitCode} (${label(first)})${rest.map((c) => `; also ${also(c)}`).join('')}`
    : `Exit code ${EXIT.OK}${failOn ? ` (nothing at or above --fail-on ${failOn})` : ''}`;
  return { exitCode, summary, conditions };
}
