/** Every command amigov has, in the order --help lists them. Each module registers one command (and its subcommands). */
import type { Command } from 'commander';
import { register as scan } from './scan.js';
import { register as evaluate } from './evaluate.js';
import { register as remediate } from './remediate.js';
import { register as report } from './report.js';
import { register as policy } from './policy.js';
import { register as config } from './config.js';
import { register as sandbox } from './sandbox.js';
import { register as demo } from './demo.js';
import { register as bench } from './bench.js';
import { register as init } from './init.js';
import { register as iam } from './iam.js';

export const COMMANDS: ((program: Command) => void)[] = [init, scan, evaluate, report, remediate, policy, config, iam, sandbox, demo, bench];
