/**
 * What follows a scan: judge the inventory, compare with an earlier run, and write findings.json,
 * remediation.sh and the reports into the run folder. `amigov scan` and `amigov demo` share it;
 * `amigov evaluate` and `amigov report` are its two halves run on saved files.
 */
import type { FindingsDocument, RunOutcome } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import type { PublisherConfig } from '../config/schema.js';
import { evaluateRun, type EvaluateOptions } from '../evaluate/evaluate.js';
import { writeFindingsOutputs } from '../evaluate/io.js';
import { writeReports, type ReportFormat } from '../report/index.js';
import { compareWithTarget, type CompareTarget } from '../report/compare.js';
import { toolVersion } from '../util/paths.js';
import { applyCompliance, type ComplianceInputs } from './compliance.js';
import { mark } from '../util/timings.js';

export interface FinishRunInput {
  inventory: Inventory;
  inventoryPath: string;
  config: PublisherConfig;
  asOf: string;
  runDir: string;
  formats: readonly ReportFormat[];
  /**
   * The weekly comparison's previous run, resolved (and its findings.json checked) before the scan by
   * resolveCompareTarget; `baseline` when there is no earlier run.
   */
  compare?: CompareTarget;
  evaluate?: EvaluateOptions;
  /** Waivers and history (checkCompliance, before the scan): applied after the comparison. */
  compliance?: ComplianceInputs;
  /** The run's exit code and its reasons, recorded in findings.json (amigov scan and demo). */
  outcome?: (doc: FindingsDocument) => RunOutcome;
}

export interface FinishRunResult {
  doc: FindingsDocument;
  /** Every file written: findings.json, remediation.sh, then the reports. */
  written: string[];
  /** Warnings of the compliance steps (an index that could not be written). */
  warnings?: string[];
}

export async function finishRun(input: FinishRunInput): Promise<FinishRunResult> {
  let doc = evaluateRun({
    inventory: input.inventory,
    config: input.config,
    asOf: input.asOf,
    options: { source: 'scan', inventoryPath: input.inventoryPath, ...input.evaluate },
  });
  if (input.compare) doc = compareWithTarget(doc, input.compare);
  let warnings: string[] = [];
  if (input.compliance) ({ doc, warnings } = applyCompliance(doc, input.compliance, input.inventory));
  if (input.outcome) doc = { ...doc, outcome: input.outcome(doc) };
  mark('evaluateEnd');
  const outputs = writeFindingsOutputs(doc, input.runDir, { toolVersion: toolVersion() });
  mark('findingsWritten');
  const written = [outputs.findings, ...(outputs.script ? [outputs.script] : [])];
  const remediationScript = outputs.scriptView;
  // findings.json is already written (with the comparison); the json format would only write it again.
  const formats = input.formats.filter((f) => f !== 'json');
  written.push(
    ...(await writeReports({
      doc,
      inventory: input.inventory,
      outDir: input.runDir,
      formats,
      ...(remediationScript !== undefined ? { remediationScript } : {}),
    })),
  );
  mark('reportsWritten');
  return { doc, written, warnings };
}
