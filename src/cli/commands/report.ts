/**
 * `amigov report`: renders the reports again from a saved run folder (findings.json, plus
 * inventory.json and remediation.sh when present) into a new folder. No AWS calls.
 */
import { dirname, resolve } from 'node:path';
import { cliIo } from '../io.js';
import type { Command } from 'commander';
import { REPORT_FORMATS } from '../../report/formats.js';
import { addHistoryOption } from '../compliance-flags.js';

interface ReportOptions {
  run: string;
  format: string;
  compare?: string;
  out?: string;
  history?: string | false;
}

/** `print` receives each written path, `warn` notes for stderr; tests pass their own. */
export function register(
  program: Command,
  print: (line: string) => void = (line) => cliIo.stdout.write(`${line}\n`),
  warn: (line: string) => void = (line) => cliIo.stderr.write(`amigov: ${line}\n`),
): void {
  const cmd = program
    .command('report')
    .summary('render the reports of a saved run again, optionally compared with an earlier run')
    .description('Render the HTML/XLSX/CSV/JSON reports again from a saved run folder (no AWS calls).')
    .requiredOption('--run <dir>', 'run folder holding findings.json (inventory.json and remediation.sh are used when present)')
    .option('--format <list>', `comma-separated formats: ${REPORT_FORMATS.join(', ')} (or "all")`, REPORT_FORMATS.join(','))
    .option('--compare <dir|latest>', 'compare with an earlier run: its folder, or "latest" for the newest earlier scan run beside --run (none: the run is the baseline)')
    .option('--out <dir>', 'a new or empty folder to write the reports into (default: reports/<new-run-id>-report/; never the run folder)');
  addHistoryOption(cmd)
    .addHelpText(
      'after',
      `
Writes a new folder (the run folder's files are never overwritten); its findings.json names the run it
was rendered from (evaluation.derivedFrom), and --compare latest never picks such a folder.

Examples:
  amigov report --run reports/2026-11-23T10-15-00Z-3f9c
  amigov report --run reports/2026-11-30T10-15-00Z-9a1b --compare latest --format html,xlsx
  amigov report --run reports/<run> --compare reports/<earlier-run> --out /tmp/weekly`,
    )
    .action(async (opts: ReportOptions) => {
      // The writers load exceljs and Handlebars: only when the command runs (README, Layout).
      const { asffImportNote, parseFormats, readRun, writeReports } = await import('../../report/index.js');
      const { shown } = await import('../../pipeline/console.js');
      const { compareWithTarget, resolveCompareTarget } = await import('../../report/compare.js');
      const { derivedOutDir, withDerivedFrom } = await import('../../report/load.js');
      const { historyDirFor } = await import('../../pipeline/compliance.js');
      const { withHistory } = await import('../../history/apply.js');
      const formats = parseFormats(opts.format);
      const run = readRun(opts.run);
      const outDir = resolve(derivedOutDir('report', opts.out));
      const target = opts.compare ? resolveCompareTarget(opts.compare, { reportsDir: dirname(run.dir), currentRunId: run.doc.run.runId, currentRunDir: run.dir }) : undefined;
      if (target?.kind === 'baseline') warn(target.message);
      const compared = target ? compareWithTarget(run.doc, target) : run.doc;
      let doc = withDerivedFrom(compared, { command: 'report', runId: run.doc.run.runId, runDir: run.dir });
      const historyDir = historyDirFor(opts.history, run.dir);
      // The SLAs the run was judged with are in its findings.json already (history.slaDays).
      if (historyDir !== undefined) doc = withHistory(doc, { dir: historyDir, exclude: [outDir], sla: run.doc.history?.slaDays ?? {} }).doc;
      const written = await writeReports({
        doc,
        formats,
        outDir,
        ...(run.inventory ? { inventory: run.inventory } : {}),
        ...(run.remediationScript !== undefined ? { remediationScript: run.remediationScript } : {}),
      });
      for (const path of written) print(path);
      // As the scan does: the BatchImportFindings commands of findings.asff.json (amigov never runs them).
      const note = asffImportNote(doc, written, shown);
      if (note) for (const line of note.replace(/\n$/, '').split('\n')) print(line);
    });
}
