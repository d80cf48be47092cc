/**
 * `amigov remediate`: the flags and help. The work is src/remediation/remediate.ts, imported when the command
 * runs, so `amigov --help` stays light.
 */
import type { Command } from 'commander';
import { cliIo } from '../io.js';

export function register(program: Command): void {
  program
    .command('remediate')
    .summary("apply a run's remediation plan (make public AMIs private, enable image block public access): planned, dry-run, confirmed, logged, reversible")
    .description(
      "Apply a run's remediation plan through the AWS SDK: prints every change (account, region, resource, the AWS CLI equivalent), " +
        'runs EC2 DryRun for each and says which would fail and why, asks you to type "yes" (or --yes), applies, verifies each change by ' +
        'describing the resource again, and appends every attempt with its undo to <run>/remediation-log.jsonl (undo: --undo).',
    )
    .option('--run <dir>', 'the run folder (reports/<run-id>) whose findings to remediate')
    .option('--rules <ids>', 'only findings of these rules (public-ami, image-block-public-access-off; default both)')
    .option('--accounts <ids>', 'only these accounts (comma-separated 12-digit ids)')
    .option('--regions <regions>', 'only these regions (comma-separated)')
    .option('--finding <id...>', 'only these findings (finding ids, comma-separated or repeated)')
    .option('--undo', 'undo every change the run\'s remediation log applied and has not undone yet (newest first)')
    .option('--dry-run', 'print the plan and the dry runs; change nothing')
    .option('-y, --yes', 'apply without asking (automation); without a terminal and without --yes amigov refuses')
    .option('--config <path>', 'publisher config (remediation_role_name, and the SCP the plan is checked against)', 'config/ami_publishers.json')
    .option('--profile <name>', 'AWS shared config profile for the base credentials (default: the SDK default chain)')
    .option('--region <region>', 'region of the STS calls (default: AWS_REGION, the profile region, or us-east-1)')
    .option('--endpoint-url <url>', 'send every AWS call to this endpoint (the sandbox)')
    .option('--role-name <name>', 'role to assume in each account (default: policy_config.remediation_role_name, amigov-remediation); not the read-only scan role')
    .option('--role-path <path>', 'IAM path of that role', '/')
    .option('--external-id <id>', "external id the role's trust policy requires")
    .option('--session-duration <seconds>', 'AssumeRole session length, 900-43200', '3600')
    .option('--assume-role-in-caller-account', "assume the role in the caller's own account too, instead of using the base credentials there")
    .option('--max-attempts <n>', 'attempts per API call', '8')
    .option('--timeout <seconds>', 'timeout of each API call attempt', '30')
    .addHelpText(
      'after',
      `
Every flag, the run folder and the config are checked before the first AWS call (exit 2 on a mistake).
Nothing changes without the confirmation: on a terminal you type "yes"; without one, --yes is required.

Exit codes:
  0    every planned change applied and verified (or nothing to change)
  2    bad flag, unreadable run folder, no terminal and no --yes, or not confirmed: nothing changed
  3    partial: some change would fail its dry run, failed, or could not be verified (see the log)
  4    no usable credentials

Examples:
  amigov remediate --run reports/<run-id> --rules public-ami --dry-run
  amigov remediate --run reports/<run-id> --rules public-ami --accounts 111111111111
  amigov remediate --run reports/<run-id> --finding 0123456789abcdef --yes
  amigov remediate --run reports/<run-id> --undo
The remediation role's policy: docs/iam/amigov-remediation-role-policy.json. Procedure: docs/runbook.md.`,
    )
    .action(async (cli: import('../../remediation/remediate.js').RemediateCliOptions) => {
      const { runRemediate } = await import('../../remediation/remediate.js');
      const stdin = cliIo.stdin;
      process.exitCode = await runRemediate(cli, {
        stdout: cliIo.stdout,
        stderr: cliIo.stderr,
        interactive: stdin.isTTY === true,
        ask: async (question) => {
          const { createInterface } = await import('node:readline/promises');
          const rl = createInterface({ input: stdin, output: cliIo.stderr });
          try {
            return await rl.question(question);
          } finally {
            rl.close();
          }
        },
      });
    });
}
