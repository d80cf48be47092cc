/** `amigov config check`: the scheduled expiry check of config/ami_publishers.json. */
import type { Command } from 'commander';
import { cliIo } from '../io.js';
import { CONFIG_FLAG_HELP } from '../../config/names.js';
import { EXIT, UserError } from '../errors.js';
import type { ExpiryReport } from '../../policy/expiry.js';
import { plural } from '../../util/format.js';
import { parseAsOf } from '../../util/dates.js';
import { terminalSafe, terminalSafeLines } from '../../util/sanitize.js';
import type { WaiverExpiryReport } from '../../waivers/check.js';
import { DEFAULT_WAIVERS_PATH } from '../../waivers/names.js';

/** Every line printed: config strings are the config author's (or a pull request's) text, so nothing in them may drive the terminal. */
function out(text = ''): void {
  cliIo.stdout.write(terminalSafeLines(text) + '\n');
}

function render(r: ExpiryReport): void {
  out(`Config: ${terminalSafe(r.configPath)} (valid)`);
  out(`Expiry check as of ${r.asOf}, warning window ${plural(r.warnDays, 'day')}`);
  out(`Approved providers as of ${r.asOf}: ${r.approvedProviders.length} (${r.approvedProviders.join(', ') || 'none'})`);
  if (r.exceptions.length === 0) out('No exceptions in the config.');
  for (const e of r.exceptions) {
    const who = terminalSafe(`${e.accountId} (${e.reason}, ${e.ticket}, approved by ${e.approvedBy})`);
    if (e.status === 'expired') out(`✗ EXPIRED   ${who}: expired ${e.expiryDate}, ${plural(-e.daysLeft, 'day')} ago`);
    else if (e.status === 'expiring') out(`! EXPIRING  ${who}: ${e.daysLeft === 0 ? 'last valid day is today' : `expires ${e.expiryDate}, in ${plural(e.daysLeft, 'day')}`}`);
    else out(`✓ active    ${who}: expires ${e.expiryDate}, in ${plural(e.daysLeft, 'day')}`);
  }
  if (r.status === 'expired') {
    out();
    out('FAILED: remove the expired exceptions from exception_accounts (or renew them with a new approval), then regenerate: amigov policy generate');
  } else if (r.status === 'warning') {
    out();
    out('WARNING: exceptions expire soon. Ask their owners to migrate or to request a renewal before the date.');
  } else {
    out('✓ OK');
  }
}

function renderWaivers(w: WaiverExpiryReport | undefined): void {
  out();
  if (!w) return out(`No waivers file (${DEFAULT_WAIVERS_PATH}).`);
  out(`Waivers: ${terminalSafe(w.file)} (valid), ${plural(w.waivers.length, 'waiver')}`);
  for (const e of w.waivers) {
    const who = terminalSafe(`${e.id} (${e.reason}, ${e.ticket}, approved by ${e.approvedBy})`);
    if (e.status === 'expired') out(`✗ EXPIRED   ${who}: expired ${e.expiryDate}, ${plural(-e.daysLeft, 'day')} ago; its findings count again`);
    else if (e.status === 'expiring') out(`! EXPIRING  ${who}: ${e.daysLeft === 0 ? 'last valid day is today' : `expires ${e.expiryDate}, in ${plural(e.daysLeft, 'day')}`}`);
    else out(`✓ active    ${who}: expires ${e.expiryDate}, in ${plural(e.daysLeft, 'day')}`);
  }
  if (w.status === 'expired') out('FAILED: remove the expired waivers from the waivers file (or renew them with a new approval)');
  else if (w.status === 'warning') out('WARNING: waivers expire soon; their findings will count again.');
}

export function register(program: Command): void {
  const config = program
    .command('config')
    .summary('validate the publisher config and check exception expiry')
    .description('check config/ami_publishers.json');
  config
    .command('check')
    .description('validate the config and check exception expiry: warn within --warn-days, fail (exit 1) on expired ones, exit 2 on an invalid config')
    .option('--config <path>', CONFIG_FLAG_HELP)
    .option('--warn-days <n>', 'warn about exceptions expiring within this many days (default: policy_config.expiry_warning_days)')
    .option('--as-of <date>', 'check as of this date, YYYY-MM-DD (default: today, UTC)')
    .option('--waivers <path>', `waivers file to check too (default: ${DEFAULT_WAIVERS_PATH} when it exists)`)
    .option('--json', 'print a machine-readable report')
    .addHelpText('after', '\nExit codes: 0 no exception or waiver has expired (expiring ones warn), 1 an exception or a waiver has expired, 2 invalid config, invalid waivers or usage.')
    .action(async (opts: { config?: string; warnDays?: string; asOf?: string; json?: boolean; waivers?: string }) => {
      const asOf = parseAsOf(opts.asOf);
      let warnDays: number | undefined;
      if (opts.warnDays !== undefined) {
        if (!/^\d+$/.test(opts.warnDays)) throw new UserError(`--warn-days ${JSON.stringify(opts.warnDays)} is not a whole number of days`, { hint: 'Example: --warn-days 14' });
        warnDays = Number(opts.warnDays);
      }
      // The config, waivers and expiry code (zod) load once the flags are checked, never for --help (issue #18).
      const { ConfigError, loadConfig } = await import('../../config/load.js');
      const { configPathFrom } = await import('../../config/discover.js');
      const { checkExpiry } = await import('../../policy/expiry.js');
      const { loadWaivers } = await import('../../waivers/load.js');
      const { checkWaiverExpiry } = await import('../../waivers/check.js');
      const configPath = configPathFrom(opts.config);
      let cfg;
      try {
        cfg = loadConfig(configPath);
      } catch (err) {
        if (opts.json && err instanceof ConfigError) {
          out(JSON.stringify({ schemaVersion: 1, kind: 'amigov.config-check', asOf, configPath, status: 'invalid', problems: err.problems }, null, 2));
          process.exitCode = EXIT.USAGE;
          return;
        }
        throw err;
      }
      let loaded;
      try {
        loaded = loadWaivers(opts.waivers, cfg);
      } catch (err) {
        if (opts.json && err instanceof ConfigError) {
          out(JSON.stringify({ schemaVersion: 1, kind: 'amigov.config-check', asOf, configPath, waiversPath: err.file, status: 'invalid', problems: err.problems }, null, 2));
          process.exitCode = EXIT.USAGE;
          return;
        }
        throw err;
      }
      const report = checkExpiry(cfg, { asOf, warnDays, configPath });
      const waivers = loaded ? checkWaiverExpiry(loaded, { asOf, warnDays: warnDays ?? cfg.policy_config.expiry_warning_days }) : undefined;
      if (opts.json) out(JSON.stringify(waivers ? { ...report, waivers } : report, null, 2));
      else {
        render(report);
        renderWaivers(waivers);
      }
      process.exitCode = report.status === 'expired' || waivers?.status === 'expired' ? EXIT.FINDINGS : EXIT.OK;
    });
}
