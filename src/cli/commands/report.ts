/**
 * `amigov report`: renders the reports again from a saved run folder (findings.json, plus
 * inventory.json and remediation.sh when present). No AWS calls.
 */
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { compareWithPrevious, parseFormats, readRun, writeReports, REPORT_FORMATS } from '../../report/index.js';

interface ReportOptions {
  run: string;
  format: string;
  compare?: string;
  out?: string;
}

/** `print` receives each written path; tests pass their own. */
export function register(program: Command, print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): void {
  program
    .command('report')
    .summary('render the reports of a saved run again, optionally compared with an earlier run')
    .description('Render the HTML/XLSX/CSV/JSON reports again from a saved run folder (no AWS calls).')
    .requiredOption('--run <dir>', 'run folder holding findings.json (inventory.json and remediation.sh are used when present)')
    .option('--format <list>', `comma-separated formats: ${REPORT_FORMATS.join(', ')} (or "all")`, REPORT_FORMATS.join(','))
    .option('--compare <dir|latest>', 'compare with an earlier run: its folder, or "latest" for the newest earlier run beside --run')
    .option('--out <dir>', 'folder to write the reports into (default: the run folder)')
    .addHelpText(
      'after',
      `
Examples:
  amigov report --run reports/2026-11-23T10-15-00Z-3f9c
  amigov report --run reports/2026-11-30T10-15-00Z-9a1b --compare latest --format html,xlsx
  amigov report --run reports/<run> --compare reports/<earlier-run> --out /tmp/weekly`,
    )
    .action(async (opts: ReportOptions) => {
      const formats = parseFormats(opts.format);
      const run = readRun(opts.run);
      const doc = opts.compare ? compareWithPrevious(run.doc, opts.compare, { reportsDir: dirname(run.dir), currentRunDir: run.dir }) : run.doc;
      const written = await writeReports({
        doc,
        formats,
        outDir: resolve(opts.out ?? run.dir),
        ...(run.inventory ? { inventory: run.inventory } : {}),
        ...(run.remediationScript !== undefined ? { remediationScript: run.remediationScript } : {}),
      });
      for (const path of written) print(path);
    });
}
