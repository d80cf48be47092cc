/**
 * `--output json`: the run's machine-readable summary (report/run-summary.ts, the data of summary.md) as one
 * JSON document on stdout, for pipelines; the human text of the command goes to stderr instead.
 */
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { RUN_FILES } from '../model/run-files.js';
import { readFindingsDocument } from '../report/load.js';
import { runSummary } from '../report/run-summary.js';

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Checks --output before anything runs (a typo costs nothing). */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  const v = (value ?? 'text').trim().toLowerCase();
  if ((OUTPUT_FORMATS as readonly string[]).includes(v)) return v as OutputFormat;
  throw new UserError(`--output: ${JSON.stringify(value)} is not an output format`, { kind: 'usage', hint: `Use ${OUTPUT_FORMATS.join(' or ')}.` });
}

/** Prints the summary of the run whose findings.json is in runDir. */
export function printRunSummaryJson(runDir: string, out: NodeJS.WritableStream): void {
  const doc = readFindingsDocument(join(runDir, RUN_FILES.findings));
  out.write(JSON.stringify({ ...runSummary(doc), runDir }, null, 2) + '\n');
}
