/** Shared helpers of the policy tests: config builders, temp folders, and the CLI run in-process. */
import { cliIo } from '../../src/cli/io.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { validateConfig } from '../../src/config/load.ts';
import type { PublisherConfig } from '../../src/config/schema.ts';
import { main } from '../../src/cli/main.ts';

export const SEED_CONFIG = 'config/ami_publishers.json';

/** The seed's config file as a plain object, to modify per test. */
export function seedRaw(): Record<string, any> {
  return JSON.parse(readFileSync(SEED_CONFIG, 'utf8'));
}

export function seedConfig(mutate?: (raw: Record<string, any>) => void): PublisherConfig {
  const raw = seedRaw();
  mutate?.(raw);
  return validateConfig(raw, 'test-config.json');
}

/** n distinct 12-digit account ids that do not collide with the seed's. */
export function accountIds(n: number, base = 300000000000): string[] {
  return Array.from({ length: n }, (_, i) => String(base + i));
}

/** A config whose vendors are n synthetic accounts (plus the seed's ops publisher, no exceptions). */
export function manyAccountsRaw(n: number): Record<string, any> {
  const raw = seedRaw();
  raw.vendor_publisher_accounts = accountIds(n).map((id, i) => ({ account_id: id, vendor: `Vendor ${i}` }));
  raw.exception_accounts = [];
  return raw;
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'amigov-policy-test-'));
  dirs.push(d);
  return d;
}

export function writeJson(path: string, value: unknown): string {
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `amigov ...args` in this process, capturing what it prints and the exit code it would exit with. */
export async function runCli(...args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const orig = { ...cliIo };
  process.exitCode = undefined;
  // Swap the CLI's streams, not process.stdout.write: node:test reports this file's results over stdout.
  cliIo.stdout = { write: (chunk: string | Uint8Array) => (out.push(String(chunk)), true) } as unknown as NodeJS.WritableStream;
  cliIo.stderr = { write: (chunk: string | Uint8Array) => (err.push(String(chunk)), true) } as unknown as NodeJS.WritableStream;
  let code: number;
  try {
    code = await main(['node', 'amigov', ...args]);
  } finally {
    Object.assign(cliIo, orig);
    process.exitCode = undefined;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}
