/**
 * `amigov evaluate`: re-judges a saved inventory against the current config (no AWS calls), so a config
 * change is previewed in seconds. Thin: gathers inputs, calls the evaluation core, prints, sets the exit code.
 */
import { dirname, resolve } from 'node:path';
import { cliIo } from '../io.js';
import { plural } from '../../util/format.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { CONFIG_FLAG_HELP } from '../../config/names.js';
import { parseAsOf } from '../../util/dates.js';
import { toolVersion } from '../../util/paths.js';
import { SEVERITIES, type FindingsDocument } from '../../model/findings.js';
import { addEvaluationOptions } from '../evaluation-flags.js';
import { addComplianceOptions } from '../compliance-flags.js';
import type { EvaluationFlags } from '../../pipeline/evaluation-request.js';
import type { ComplianceFlags } from '../../pipeline/compliance.js';

interface EvaluateFlags extends EvaluationFlags, ComplianceFlags {
  inventory: string;
  config?: string;
  asOf?: string;
  out?: string;
  roleName?: string;
  script: boolean;
}


export function register(program: Command): void {
  const cmd = program
    .command('evaluate')
    .summary('re-judge a saved inventory against the current config (no AWS calls)')
    .description('Re-evaluate a saved inventory against the current config (no AWS calls) and write findings.json and remediation.sh into a new folder')
    .requiredOption('--inventory <file>', 'inventory.json of a previous scan')
    .option('--config <path>', CONFIG_FLAG_HELP)
    .option('--as-of <date>', 'judge exceptions as of this date, YYYY-MM-DD UTC (default: today)')
    .option('--out <dir>', 'a new or empty folder for findings.json and remediation.sh (default: reports/<new-run-id>-evaluate/; never a scan run folder)')
    .option('--role-name <name>', 'role remediation.sh assumes in each account (default: the scan\'s role)')
    .option('--no-script', 'do not write remediation.sh');
  addComplianceOptions(addEvaluationOptions(cmd))
    .addHelpText(
      'after',
      `
Writes a new folder: the scan's own files are never overwritten. Its findings.json names the run it was
derived from (evaluation.derivedFrom), and scan/report --compare latest never picks such a folder.

Exit codes: 0 written, 1 findings at or above --fail-on, 2 usage or configuration error.

Examples:
  amigov evaluate --inventory reports/<run>/inventory.json
  amigov evaluate --inventory reports/<run>/inventory.json --as-of 2026-03-01 --fail-on high
  amigov evaluate --inventory inv.json --rules unapproved-publisher,expired-exception --out /tmp/preview
  amigov evaluate --inventory reports/<run>/inventory.json --waivers config/waivers.json   # preview a waiver`,
    )
    .action(async (flags: EvaluateFlags) => {
      // Loaded when the command runs, not when it is registered (README, Layout).
      const { evaluateRun } = await import('../../evaluate/evaluate.js');
      const { readInventory, writeFindingsOutputs } = await import('../../evaluate/io.js');
      const { findingsExitCode, toEvaluateOptions, warnRuleErrors } = await import('../../pipeline/evaluation-request.js');
      const { formatFindingsSummary } = await import('../../pipeline/console.js');
      const { derivedOutDir, withDerivedFrom } = await import('../../report/load.js');
      const { applyCompliance, checkCompliance, formatCompliance } = await import('../../pipeline/compliance.js');
      const { loadConfig } = await import('../../config/load.js');
      const { configPathFrom } = await import('../../config/discover.js');
      const asOf = parseAsOf(flags.asOf);
      const judging = toEvaluateOptions(flags);
      const configPath = configPathFrom(flags.config);
      const config = loadConfig(configPath);
      const inventory = readInventory(flags.inventory);
      const outDir = derivedOutDir('evaluate', flags.out);
      const compliance = checkCompliance(flags, config, outDir);
      const judged = evaluateRun({
        inventory,
        config,
        asOf,
        options: {
          source: 'evaluate',
          inventoryPath: flags.inventory,
          configPath,
          ...judging,
          ...(flags.roleName !== undefined ? { roleName: flags.roleName } : {}),
        },
      });
      const derived = withDerivedFrom(judged, { command: 'evaluate', runId: inventory.run.runId, runDir: dirname(resolve(flags.inventory)) });
      const { doc, warnings } = applyCompliance(derived, compliance, inventory);
      const written = writeFindingsOutputs(doc, outDir, { toolVersion: toolVersion(), noScript: !flags.script });

      cliIo.stdout.write(`Evaluated ${flags.inventory} (run ${doc.run.runId}) against ${configPath} as of ${asOf}\n\n`);
      cliIo.stdout.write(formatFindingsSummary(doc) + '\n');
      cliIo.stdout.write(formatCompliance(doc) + '\n');
      for (const w of warnings) cliIo.stderr.write(`amigov: warning: ${w}\n`);
      cliIo.stdout.write(`Wrote ${written.findings}${written.script ? ` and ${written.script} (dry run by default; --apply to change)` : ''}\n`);
      warnRuleErrors(doc, cliIo.stderr);
      process.exitCode = findingsExitCode(doc, flags.failOn, cliIo.stderr);
    });
}
