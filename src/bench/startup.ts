/**
 * Start-up cost of the commands that must answer at once (issue #18, target 1): `--help`, `--version`,
 * `config check` and `policy generate`, each run as its own CLI process several times, one after another: the
 * package's bin (dist/cli/main.js) as a user runs it. The figures are the process's whole CPU time and peak RSS,
 * written by src/bench/usage-preload.ts when it exits.
 *
 * Node's compile cache is what a user gets: src/cli/compile-cache.ts turns it on in the default directory,
 * os.tmpdir()/node-compile-cache. Each command runs with a fresh, empty temp directory of its own (TMPDIR), so its
 * first run compiles from source with a cold cache and writes it, and the runs after it read it. The first run is reported on its own; the target is judged on the median of the warm runs.
 * From source (tsx) the figures include compiling TypeScript: measure the built dist/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/paths.js';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { childExecArgv, RUNNING_FROM_SOURCE } from './children.js';
import type { ProcessUsage } from './protocol.js';

/** Issue #18: at most 0.35 s of CPU and 80 MB each. */
export const STARTUP_TARGET = { cpuMs: 350, maxRssBytes: 80 * 2 ** 20 } as const;
export const STARTUP_RUNS = 5;

export interface StartupResult {
  command: string;
  /** warm runs (after the first) */
  runs: number;
  /** medians over the warm runs */
  cpuMs: number;
  maxRssBytes: number;
  /** the first run, with a cold compile cache (absent in reports written before the cache was measured) */
  first?: { cpuMs: number; maxRssBytes: number };
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
  // What `amigov` runs: package.json's bin (dist/cli/main.js); from source, src/cli/main.ts.
  const bin = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { bin: { amigov: string } }).bin.amigov;
  const main = RUNNING_FROM_SOURCE ? fileURLToPath(new URL('../cli/main.ts', import.meta.url)) : join(PACKAGE_ROOT, bin);
  const preload = new URL(`./usage-preload.${RUNNING_FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url).href;
  const commands: { command: string; args: string[] }[] = [
    { command: 'amigov --help', args: ['--help'] },
    { command: 'amigov --version', args: ['--version'] },
    { command: 'amigov config check', args: ['config', 'check', '--config', o.configPath, '--as-of', o.asOf] },
    { command: 'amigov policy generate', args: ['policy', 'generate', '--config', o.configPath, '--as-of', o.asOf, '--out', join(dir, 'dist')] },
  ];
  try {
    const results: StartupResult[] = [];
    for (const [k, c] of commands.entries()) {
      const usages: ProcessUsage[] = [];
      const exitCodes: number[] = [];
      // A fresh, empty temp directory per command, so an empty compile cache: its first run is cold, the rest warm.
      const temp = join(dir, `tmp-${k}`);
      mkdirSync(temp);
      const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', TMPDIR: temp, TMP: temp, TEMP: temp };
      // The cache where the CLI puts it: NODE_COMPILE_CACHE would also cache what main.js imports statically.
      delete env.NODE_COMPILE_CACHE;
      for (let i = 0; i < 1 + (o.runs ?? STARTUP_RUNS); i++) {
        const file = join(dir, 'usage.json');
        rmSync(file, { force: true });
        let code = 0;
        try {
          await promisify(execFile)(process.execPath, [...childExecArgv(), '--import', preload, main, ...c.args], {
            env: { ...env, AMIGOV_BENCH_USAGE: file },
          });
        } catch (err) {
          code = typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1;
        }
        exitCodes.push(code);
        usages.push(JSON.parse(readFileSync(file, 'utf8')) as ProcessUsage);
      }
      const [first, ...warm] = usages;
      results.push({
        command: c.command,
        runs: warm.length,
        cpuMs: median(warm.map((u) => u.cpuMs)),
        maxRssBytes: median(warm.map((u) => u.maxRssBytes)),
        first: { cpuMs: first!.cpuMs, maxRssBytes: first!.maxRssBytes },
        exitCodes: [...new Set(exitCodes)],
      });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
