/**
 * Every report of a run, from one findings document: report.html, report.xlsx, findings.csv, rollout.csv,
 * findings.json, findings.jsonl, and the exports other tools ingest: findings.ocsf.json (OCSF),
 * findings.asff.json (AWS Security Finding Format) and summary.md. Each format is its own module with the same shape, (doc, meta, target) => written,
 * and every file is written atomically (a reader never sees half a report).
 */
import { join } from 'node:path';
import type { FindingsDocument } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import { toolVersion } from '../util/paths.js';
import { writeCsv } from './csv.js';
import { writeRolloutCsv } from './rollout-csv.js';
import { writeHtml } from './html.js';
import { writeJson } from './json.js';
import { writeJsonl } from './jsonl.js';
import { RUN_FILES } from '../model/run-files.js';
import type { RemediationScriptView, ReportMeta } from './meta.js';
import { writeXlsx } from './xlsx.js';
import { writeOcsf } from './ocsf.js';
import { writeAsff } from './asff.js';
import { writeSummaryMarkdown } from './run-summary.js';
import { REPORT_FORMATS, type ReportFormat } from './formats.js';

export { REPORT_FORMATS, parseFormats, type ReportFormat } from './formats.js';

type Writer = (doc: FindingsDocument, meta: ReportMeta, target: string) => Promise<void>;

const WRITERS: Record<ReportFormat, { file: string; write: Writer }> = {
  json: { file: RUN_FILES.findings, write: writeJson },
  jsonl: { file: RUN_FILES.jsonl, write: writeJsonl },
  csv: { file: RUN_FILES.csv, write: writeCsv },
  rollout: { file: RUN_FILES.rollout, write: writeRolloutCsv },
  html: { file: RUN_FILES.html, write: writeHtml },
  xlsx: { file: RUN_FILES.xlsx, write: writeXlsx },
  ocsf: { file: RUN_FILES.ocsf, write: writeOcsf },
  asff: { file: RUN_FILES.asff, write: writeAsff },
  summary: { file: RUN_FILES.summary, write: writeSummaryMarkdown },
};

/** The file name each format writes into the output folder. */
export function reportFileName(format: ReportFormat): string {
  return WRITERS[format].file;
}

export interface WriteReportsOptions {
  doc: FindingsDocument;
  inventory?: Inventory;
  outDir: string;
  formats: readonly ReportFormat[];
  /** The run's remediation.sh (its size, and its text when short enough for the HTML report to show whole). */
  remediationScript?: RemediationScriptView;
  /** Rendering time (ISO 8601); defaults to now. Tests pin it. */
  generatedAt?: string;
}

/** Writes the requested reports into outDir; returns the written paths in the order of REPORT_FORMATS. */
export async function writeReports(opts: WriteReportsOptions): Promise<string[]> {
  const meta: ReportMeta = {
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    toolVersion: toolVersion(),
    ...(opts.inventory ? { inventory: opts.inventory } : {}),
    ...(opts.remediationScript !== undefined ? { remediationScript: opts.remediationScript } : {}),
  };
  const written: string[] = [];
  for (const format of REPORT_FORMATS) {
    if (!opts.formats.includes(format)) continue;
    const { file, write } = WRITERS[format];
    const target = join(opts.outDir, file);
    await write(opts.doc, meta, target);
    written.push(target);
  }
  return written;
}

export { compareRuns, compareWithPrevious, resolvePreviousRun } from './compare.js';
export { readRun, readFindingsDocument, readInventory } from './load.js';
export { RUN_FILES } from '../model/run-files.js';
export { asffImportNote, formatAsffImport } from './asff.js';
export { runSummary, renderSummaryMarkdown, type RunSummary } from './run-summary.js';
export type { ReportMeta, RemediationScriptView } from './meta.js';
