/**
 * The judging flags `amigov scan`, `amigov evaluate` and `amigov demo` share: which rules run, severities,
 * how remediation commands authenticate, and when findings fail the run.
 */
import { Option, type Command } from 'commander';
import { SEVERITIES } from '../model/findings.js';
import { RULE_IDS } from '../rules/ids.js';

function severityOption(flags: string, description: string): Option {
  return new Option(flags, description).choices(SEVERITIES as unknown as string[]);
}

/** Adds --rules, --severity-threshold, --severity-override, --profile-template, --fail-on and --horizon. */
export function addEvaluationOptions(cmd: Command): Command {
  return cmd
    .option('--rules <ids>', `comma-separated rule ids to run (default: all): ${RULE_IDS.join(', ')}`)
    .addOption(severityOption('--severity-threshold <level>', 'keep only findings at or above this severity'))
    .option('--severity-override <rule=level>', "set a rule's severity (repeatable)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--profile-template <template>', "commands carry --profile built from this, e.g. '{accountName}-admin' ({accountId}, {accountName})")
    .addOption(severityOption('--fail-on <level>', 'exit 1 when findings at or above this severity exist (default: never)'))
    .option('--horizon <days>', 'days ahead the blast radius timeline looks for exception expiries (default 90)');
}
