/**
 * `amigov policy validate`: reads the generated files and runs the check list (checks/index.ts) over
 * them and the config. Each check passes, fails, warns, or is skipped because a fact it needs is missing
 * (a file not generated, a check it depends on failed). Pure apart from reading the dist folder; the CLI
 * prints the report and turns it into an exit code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublisherConfig } from '../config/schema.js';
import { resolveAllowlist } from '../config/allowlist.js';
import { normalizeProviders } from './providers.js';
import { DIST_FILES, type DistFileKey } from './files.js';
import { CHECKS } from './checks/index.js';
import { runChecks, type Check, type CheckStatus } from './checks/runner.js';
import type { ConfigFacts, Facts, ReadFile } from './checks/facts.js';

export type { Check, CheckStatus } from './checks/runner.js';

export interface ValidationReport {
  schemaVersion: 1;
  kind: 'amigov.policy-validation';
  asOf: string;
  configPath: string;
  distDir: string;
  ok: boolean;
  counts: Record<CheckStatus, number>;
  checks: Check[];
  allowlist: { providers: string[]; activeExceptions: number; expiredExceptions: number };
}

export interface ValidateInput {
  cfg: PublisherConfig;
  configPath: string;
  distDir: string;
  asOf: string;
}

function readDistFile(distDir: string, key: DistFileKey): ReadFile {
  const name = DIST_FILES[key];
  const path = join(distDir, name);
  try {
    return { name, path, text: readFileSync(path, 'utf8') };
  } catch (err) {
    return { name, path, error: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}

export function validatePolicies(input: ValidateInput): ValidationReport {
  const { cfg, configPath, distDir, asOf } = input;
  const allowlist = resolveAllowlist(cfg, asOf);
  const config: ConfigFacts = { cfg, configPath, asOf, allowlist, expected: normalizeProviders(allowlist.approvedProviders) };
  const facts: Partial<Facts> = { config };
  for (const key of Object.keys(DIST_FILES) as DistFileKey[]) facts[`${key}.read`] = readDistFile(distDir, key);

  const checks = runChecks(CHECKS, facts);
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  return {
    schemaVersion: 1,
    kind: 'amigov.policy-validation',
    asOf,
    configPath,
    distDir,
    ok: counts.fail === 0,
    counts,
    checks,
    allowlist: { providers: config.expected, activeExceptions: allowlist.activeExceptions.length, expiredExceptions: allowlist.expiredExceptions.length },
  };
}
