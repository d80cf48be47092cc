/**
 * `amigov evaluate`: re-judges a saved inventory against the current config (no AWS calls), so a config
 * change is previewed in seconds. Thin: gathers inputs, calls the evaluation core, prints, sets the exit code.
 */
import { dirname, resolve } from 'node:path';
import { cliIo } from '../io.js';
import { plural } from '../../util/format.js';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { loadConfig } from '../../config/load.js';
import { CONFIG_FLAG_HELP, configPathFrom } from '../../config/discover.js';
import { parseAsOf } from '../../util/dates.js';
import { toolVersion } from '../../util/paths.js';
import { SEVERITIES, type FindingsDocument } from '../../model/findings.js';
import { evaluateRun } from '../../evaluate/evaluate.js';
import { readInventory, writeFindingsOutputs } from '../../evaluate/io.js';
import { addEvaluationOptions, findingsExitCode, toEvaluateOptions, warnRuleErrors, type EvaluationFlags } from '../evaluation-flags.js';
import { derivedOutDir, withDerivedFrom } from '../../report/load.js';

interface EvaluateFlags extends EvaluationFlags {
  inventory: string;
  config?: string;
  asOf?: string;
  out?: string;
  roleName?: string;
  script: boolean;
}

/** One line per rule run, then totals, the enforcement impact and the coverage. */
export function formatSummary(doc: FindingsDocument): string {
  const lines: string[] = [];
  const width = Math.max(4, ...doc.rules.map((r) => r.id.length));
  lines.push(`${'Rule'.padEnd(width)}  Findings  Cannot verify  Severity`);
  for (const r of doc.rules) {
    const mine = doc.findings.filter((f) => f.ruleId === r.id);
    const unverified = mine.filter((f) => f.status === 'cannot-verify').length;
    const errored = mine.some((f) => f.status === 'error');
    lines.push(
      `${r.id.padEnd(width)}  ${String(mine.length - unverified).padStart(8)}  ${String(unverified).padStart(13)}  ${r.severity}${errored ? '  (RULE FAILED)' : ''}`,
    );
  }
  const sev = SEVERITIES.filter((s) => doc.counts.bySeverity[s]).map((s) => `${s} ${doc.counts.bySeverity[s]}`);
  lines.push(`Total: ${plural(doc.counts.total, 'finding')}${sev.length ? ` (${sev.join(', ')})` : ''}`);
  const i = doc.impact;
  lines.push(
    `Once enforced: ${plural(i.instancesAffected, 'instance')} and ${i.launchTemplatesAffected} launch template${i.launchTemplatesAffected === 1 ? '' : 's'} ` +
      `in ${plural(i.accountsAffected, 'account')} can no longer launch their AMI` +
      (i.instancesCannotVerify || i.launchTemplatesCannotVerify ? ` (${i.instancesCannotVerify ?? 0} instances, ${i.launchTemplatesCannotVerify ?? 0} launch templates cannot be verified)` : ''),
  );
  const c = doc.coverage.counts;
  const failed = c['access-denied'] + c.error;
  const without = doc.coverage.accountsWithoutScannedRegion?.length ?? 0;
  const gaps = doc.coverage.complete
    ? []
    : (doc.coverage.empty ?? c.ok === 0)
      ? ['NOTHING WAS SCANNED: no account x region was judged']
      : [
          ...(failed ? [`INCOMPLETE: ${failed} account x region(s) were not scanned and are not judged`] : []),
          ...(without ? [`INCOMPLETE: ${without} account(s) had no region scanned`] : []),
        ];
  lines.push(`Coverage: ${c.ok} ok, ${c.skipped} skipped, ${c['access-denied']} access denied, ${c.error} error${gaps.map((g) => ` - ${g}`).join('')}`);
  return lines.join('\n');
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
  addEvaluationOptions(cmd)
    .addHelpText(
      'after',
      `
Writes a new folder: the scan's own files are never overwritten. Its findings.json names the run it was
derived from (evaluation.derivedFrom), and scan/report --compare latest never picks such a folder.

Exit codes: 0 written, 1 findings at or above --fail-on, 2 usage or configuration error.

Examples:
  amigov evaluate --inventory reports/<run>/inventory.json
  amigov evaluate --inventory reports/<run>/inventory.json --as-of 2026-03-01 --fail-on high
  amigov evaluate --inventory inv.json --rules unapproved-publisher,expired-exception --out /tmp/preview`,
    )
    .action((flags: EvaluateFlags) => {
      const asOf = parseAsOf(flags.asOf);
      const judging = toEvaluateOptions(flags);
      const configPath = configPathFrom(flags.config);
      const config = loadConfig(configPath);
      const inventory = readInventory(flags.inventory);
      const outDir = derivedOutDir('evaluate', flags.out);
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
      const doc = withDerivedFrom(judged, { command: 'evaluate', runId: inventory.run.runId, runDir: dirname(resolve(flags.inventory)) });
      const written = writeFindingsOutputs(doc, outDir, { toolVersion: toolVersion(), noScript: !flags.script });

      cliIo.stdout.write(`Evaluated ${flags.inventory} (run ${doc.run.runId}) against ${configPath} as of ${asOf}\n\n`);
      cliIo.stdout.write(formatSummary(doc) + '\n\n');
      cliIo.stdout.write(`Wrote ${written.findings}${written.script ? ` and ${written.script} (dry run by default; --apply to change)` : ''}\n`);
      warnRuleErrors(doc);
      process.exitCode = findingsExitCode(doc, flags.failOn);
    });
}
