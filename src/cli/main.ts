#!/usr/bin/env node
/**
 * amigov's command line: the only place that parses argv, prints and sets exit codes.
 * Each command lives in src/cli/commands/<name>.ts and registers itself on the program.
 */
// First imports: Node's compile cache for what loads after them (compile-cache.ts), and the notice on Node < 22
// before commander or the AWS SDK is evaluated.
import './compile-cache.js';
import { invokedAsCli } from './node-version.js';
import { cliIo } from './io.js';
import { Command, CommanderError } from 'commander';
import { PACKAGE_ROOT, toolVersion } from '../util/paths.js';
import { join } from 'node:path';
import { EXIT, UserError } from './errors.js';
import { precedenceLine } from '../pipeline/exit-codes.js';
import { COMMANDS } from './commands/index.js';
import { terminalSafeLines } from '../util/sanitize.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('amigov')
    .description(
      'Govern which machine images (AMIs) an AWS Organization may use.\n\n' +
        'Scans every account and region of the organization (read-only), checks each instance\'s AMI ' +
        'against the approved publishers in config/ami_publishers.json, and writes HTML, XLSX, CSV ' +
        'and JSON remediation reports. Generates and validates the EC2 declarative policy and the ' +
        'SCP from the same config.',
    )
    .version(toolVersion(), '-V, --version')
    .option('--debug', 'print stack traces and SDK details on errors')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      `
Exit codes:
  0  success (scan complete, validation passed)
  1  findings at or above --fail-on threshold, or validation / expiry check failed
  2  usage or configuration error (bad flag, config or output folder): nothing was called or written
  3  partial scan: some account x region not scanned, or nothing scanned at all
     (accept a gap with --allow-partial, --min-coverage PCT or --allow-empty)
  4  fatal error (no usable or expired credentials, organization unreachable, internal error)
  130 interrupted (Ctrl-C): what was gathered is still written
  ${precedenceLine()}

Examples:
  amigov demo                                   # full scan of the bundled sandbox organization
  amigov init --ci github                       # starter config and pipeline in this folder
  amigov iam --trusted 123456789012 --out iam   # the read-only scan role: StackSet, CloudFormation, Terraform
  amigov scan --role-name amigov-scan --format html,xlsx
  amigov evaluate --inventory reports/<run>/inventory.json --as-of 2026-12-01
  amigov policy generate --mode audit_mode && amigov policy validate
  amigov config check --warn-days 14

Docs: ${join(PACKAGE_ROOT, 'docs')} (start with getting-started.md) and README.md.`,
    );
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs a command's action and turns its outcome into an exit code; the one place errors are printed. */
export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  // Subcommands copy the exit override only when created after it is set, so set it on every level:
  // otherwise a usage error in a subcommand calls process.exit(1) instead of returning exit code 2.
  const overrideExits = (c: Command): void => {
    c.exitOverride();
    // Help, version and commander's usage errors go through cliIo too (src/cli/io.ts).
    c.configureOutput({ writeOut: (s) => void cliIo.stdout.write(s), writeErr: (s) => void cliIo.stderr.write(s) });
    c.commands.forEach(overrideExits);
  };
  overrideExits(program);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    return reportError(err, debug);
  }
}

export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof CommanderError) {
    // help and version are "errors" to commander; usage errors were already printed by it.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
    return EXIT.USAGE;
  }
  // Messages quote config values and endpoints' error messages: nothing in them may drive the terminal.
  const print = (text: string) => cliIo.stderr.write(terminalSafeLines(text) + '\n');
  if (err instanceof UserError) {
    print(`amigov: error: ${err.message}`);
    if (err.hint) print(`  ${err.hint}`);
    if (debug && err.stack) print(err.stack);
    return err.exitCode;
  }
  const e = err as Error;
  print(`amigov: internal error: ${e?.message ?? String(err)}`);
  print(debug && e?.stack ? e.stack : '  This is a bug in amigov. Run again with --debug for the stack trace and please report it.');
  return EXIT.FATAL;
}

// Run when executed directly (bin or `node dist/cli/main.js`), not when imported by tests.
if (invokedAsCli()) {
  main().then(
    (code) => process.exit(code),
    (err) => process.exit(reportError(err, process.argv.includes('--debug'))),
  );
}
