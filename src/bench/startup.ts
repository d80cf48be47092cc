/**
 * Start-up cost of the commands that must answer at once (issue #18, target 1): `--help`, `--version`,
 * `config check` and `policy generate`, each run as its own CLI process several times, one after another. The
 * figure is the median of the runs: the process's whole CPU time and peak RSS, written by src/bench/usage-preload.ts
 * when it exits. From source (tsx) the figures include compiling TypeScript: measure the built dist/.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { childExecArgv, RUNNING_FROM_SOURCE } from './children.js';
import type { ProcessUsage } from './protocol.js';

/** Issue #18: at most 0.35 s of CPU and 80 MB each. */
export const STARTUP_TARGET = { cpuMs: 350, maxRssBytes: 80 * 2 ** 20 } as const;
export const STARTUP_RUNS = 5;

export interface StartupResult {
  command: string;
  runs: number;
  /** medians over the runs */
  cpuMs: number;
  maxRssBytes: number;
  /** exit codes seen (anything but 0 means the figure measured an error path) */
  exitCodes: number[];
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export async function measureStartup(o: { configPath: string; asOf: string; runs?: number }): Promise<StartupResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-bench-startup-'));
  const main = fileURLToPath(new URL(`../cli/main.${RUNNING_FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));
  const preload = new URL(`./usage-preload.${RUNNING_FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url).href;
  const commands: { command: string; args: string[] }[] = [
    { command: 'amigov --help', args: ['--help'] },
    { command: 'amigov --version', args: ['--version'] },
    { command: 'amigov config check', args: ['config', 'check', '--config', o.configPath, '--as-of', o.asOf] },
    { command: 'amigov policy generate', args: ['policy', 'generate', '--config', o.configPath, '--as-of', o.asOf, '--out', join(dir, 'dist')] },
  ];
  try {
    const results: StartupResult[] = [];
    for (const c of commands) {
      const usages: ProcessUsage[] = [];
      const exitCodes: number[] = [];
      for (let i = 0; i < (o.runs ?? STARTUP_RUNS); i++) {
        const file = join(dir, 'usage.json');
        rmSync(file, { force: true });
        let code = 0;
        try {
          await promisify(execFile)(process.execPath, [...childExecArgv(), '--import', preload, main, ...c.args], {
            env: { ...process.env, NODE_OPTIONS: '', AMIGOV_BENCH_USAGE: file },
          });
        } catch (err) {
          code = typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1;
        }
        exitCodes.push(code);
        usages.push(JSON.parse(readFileSync(file, 'utf8')) as ProcessUsage);
      }
      results.push({
        command: c.command,
        runs: usages.length,
        cpuMs: median(usages.map((u) => u.cpuMs)),
        maxRssBytes: median(usages.map((u) => u.maxRssBytes)),
        exitCodes: [...new Set(exitCodes)],
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
