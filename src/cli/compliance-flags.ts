/** --history and --waivers, shared by `amigov scan`, `amigov evaluate` and `amigov demo` (report takes --history). */
import type { Command } from 'commander';
import { DEFAULT_WAIVERS_PATH } from '../waivers/names.js';

export function addHistoryOption(cmd: Command): Command {
  return cmd
    .option('--history <dir>', 'history folder: first seen, age, SLA and trend from the earlier runs in it (default: reports/ when the run folder is in reports/)')
    .option('--no-history', 'no history, age, SLA or trend');
}

export function addComplianceOptions(cmd: Command): Command {
  return addHistoryOption(cmd)
    .option('--waivers <path>', `waivers to apply (default: ${DEFAULT_WAIVERS_PATH} when it exists)`)
    .option('--no-waivers', 'apply no waivers');
}
