/**
 * The scan pipeline: a checked plan -> scanOrganization -> inventory.json (atomically) -> the coverage gate;
 * then, for the whole job, judging, findings.json, remediation.sh, the reports and the comparison. The CLI's
 * `scan` and `demo` commands call it; io is injected, so tests run it in-process.
 */
import type { Inventory } from '../model/inventory.js';
import { asffImportNote } from '../report/index.js';
import { UserError, type ExitCode } from '../errors.js';
import { writeJsonStreamAtomic } from '../util/json-stream.js';
import { mark } from '../util/timings.js';
import type { PublisherConfig } from '../config/schema.js';
import { scanOrganization, ScanStoppedError } from '../scan/scanner.js';
import { finishRun } from './finish-run.js';
import { checkCompliance, formatCompliance } from './compliance.js';
import { checkScanInvocation, type ScanCliOptions, type ScanPlan } from './scan-plan.js';
import { judgeCoverage, runOutcome, scanExitCode, type CoverageVerdict } from './coverage-gate.js';
import { formatComparison, formatFindingsSummary, formatScanSummary, shown } from './console.js';
import { progressReporter } from './progress.js';
import { findingsExitCode, warnRuleErrors } from './evaluation-request.js';

export interface ScanIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Abort to interrupt (the command wires SIGINT to it). */
  signal?: AbortSignal;
}

export interface ScanRun {
  inventory: Inventory;
  runDir: string;
  inventoryPath: string;
  /** 0 complete (or a gap accepted), 3 partial or empty, 130 interrupted. */
  exitCode: ExitCode;
  /** The publisher config the scan resolved its allowlist from. */
  config: PublisherConfig;
  /** What the coverage gate decided. */
  coverage: CoverageVerdict;
}

/**
 * The scan command's core: gathers, writes reports/<run-id>/inventory.json (or --out DIR), prints the summary.
 * `plan` is checkScanInvocation(cli), run by the caller before anything else, or here.
 */
export async function runScan(cli: ScanCliOptions, io: ScanIo, plan: ScanPlan = checkScanInvocation(cli)): Promise<ScanRun> {
  const { options, allowlist, runDir, inventoryPath, config } = plan;
  const progress = progressReporter(io.stderr, cli.quiet === true);
  let inventory: Inventory;
  mark('scanStart');
  try {
    inventory = await scanOrganization(
      { ...options, allowlist, ...(io.signal ? { signal: io.signal } : {}) },
      { onProgress: (p) => progress.update(p), onWarning: (m) => progress.warn(m) },
    );
  } catch (err) {
    if (!(err instanceof ScanStoppedError)) throw err;
    // The scan stopped (credentials expired): keep what was gathered, then fail with the scanner's advice.
    writeJsonStreamAtomic(inventoryPath, err.inventory);
    throw new UserError(err.message, { kind: err.kind, hint: `${err.hint ? `${err.hint} ` : ''}What was gathered before it stopped: ${shown(inventoryPath)}` });
  } finally {
    progress.stop();
  }
  mark('scanEnd');
  writeJsonStreamAtomic(inventoryPath, inventory);
  mark('inventoryWritten');
  const coverage = judgeCoverage(inventory, plan.coverage);
  const exitCode = scanExitCode(inventory, coverage);
  io.stdout.write(formatScanSummary(inventory, shown(inventoryPath), exitCode, coverage));
  return { inventory, runDir, inventoryPath, exitCode, config, coverage };
}

/**
 * The whole job: scan, then judge the inventory and write findings.json, remediation.sh and the reports
 * into the run folder. A partial or interrupted scan is still judged and reported (its gaps are shown);
 * the exit code follows ./exit-codes.ts: interrupted 130 > partial 3 > findings at --fail-on 1 > 0,
 * and findings.json and the console name every condition that holds, not only the winning one.
 */
export async function runScanAndReport(cli: ScanCliOptions, io: ScanIo): Promise<ScanRun & { written: string[] }> {
  // Every flag, the config, the output folder and the --compare target are checked before any AWS call:
  // a typo costs nothing, and the first run of the weekly job (no earlier run) is the baseline.
  const plan = checkScanInvocation(cli);
  const compliance = checkCompliance(cli, plan.config, plan.runDir);
  const compare = plan.compare;
  const run = await runScan(cli, io, plan);
  const { doc, written, warnings } = await finishRun({
    inventory: run.inventory,
    inventoryPath: run.inventoryPath,
    config: run.config,
    asOf: run.inventory.run.asOf,
    runDir: run.runDir,
    formats: plan.formats,
    ...(compare ? { compare } : {}),
    evaluate: plan.evaluate,
    compliance,
    outcome: (judged) => runOutcome(run.inventory, run.coverage, judged, plan.failOn),
  });
  io.stdout.write('\n' + formatFindingsSummary(doc) + '\n');
  if (compare) io.stdout.write(formatComparison(doc, compare));
  io.stdout.write(formatCompliance(doc));
  for (const w of warnings ?? []) io.stderr.write(`amigov: warning: ${w}\n`);
  warnRuleErrors(doc, io.stderr);
  io.stdout.write('\nWrote:\n' + written.map((p) => `  ${shown(p)}\n`).join(''));
  io.stdout.write(asffImportNote(doc, written, shown));
  findingsExitCode(doc, cli.failOn, io.stderr);
  const outcome = doc.outcome ?? runOutcome(run.inventory, run.coverage, doc, plan.failOn);
  io.stdout.write(`\n${outcome.summary}\n`);
  return { ...run, exitCode: outcome.exitCode as ExitCode, written };
}
