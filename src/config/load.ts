/** Reads and validates config/ami_publishers.json, with errors that name the file, the JSON path and the fix. */
import { z } from 'zod';
import { configSchema, type PublisherConfig } from './schema.js';
import { closestKey } from './suggest.js';
import { daysBetween } from '../util/dates.js';
import { readUserFile } from '../util/read-text.js';
import { UserError } from '../errors.js';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../util/paths.js';

import { DEFAULT_CONFIG_PATH } from './names.js';

export { DEFAULT_CONFIG_PATH };

/** The config documentation, inside the installed package (docs/ ships with it). */
export const CONFIG_DOCS = join(PACKAGE_ROOT, 'docs', 'configuration.md');

export interface ConfigProblem {
  /** JSONPath-like location, e.g. $.exception_accounts[0].expiry_date */
  path: string;
  message: string;
}

const UNKNOWN_KEY = 'unknown key';

export class ConfigError extends UserError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `${file}: ${problems.length === 1 ? 'invalid configuration' : `${problems.length} problems in the configuration`}\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n'),
      {
        hint:
          (problems.some((p) => p.message.startsWith(UNKNOWN_KEY))
            ? 'Unknown keys are errors, so that a misspelt key cannot silently change the allowlist. '
            : '') + 'Fix the file and run again; `amigov config check` validates it without scanning. The format is described in ' + CONFIG_DOCS + '.',
      },
    );
  }
}

/** Formats a zod issue path as $.a[0].b */
export function jsonPath(path: readonly PropertyKey[]): string {
  return (
    '$' +
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`))
      .join('')
  );
}

function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return { line, column };
}

/** JSON.parse with a line/column in the error. */
export function parseJsonWithLocation(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    const where = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : pos ? lineColumn(text, Number(pos[1])) : null;
    const detail = msg.replace(/^JSON\.parse: /, '').replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '');
    throw new ConfigError(file, [
      {
        path: where ? `line ${where.line}, column ${where.column}` : '$',
        message: `invalid JSON: ${detail}. Check for a missing comma or quote, or a trailing comma, just before this point.`,
      },
    ]);
  }
}

/** The value at a zod issue path in the raw (parsed JSON) input, undefined when absent. */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** The keys the schema allows in the object at `path` (array indexes step into the element schema). */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const unwrap = (s: z.ZodType): z.ZodType => {
    while (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap() as z.ZodType;
    return s;
  };
  let s: z.ZodType | undefined = unwrap(schema);
  for (const seg of path) {
    if (s instanceof z.ZodArray && typeof seg === 'number') s = s.element as z.ZodType;
    else if (s instanceof z.ZodObject && typeof seg === 'string') s = s.shape[seg] as z.ZodType | undefined;
    else return [];
    if (!s) return [];
    s = unwrap(s);
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** One problem per unknown key, at the key's own path, with the closest known key or the keys allowed there. */
function unknownKeyProblems(issue: z.core.$ZodIssueUnrecognizedKeys): ConfigProblem[] {
  const known = knownKeysAt(configSchema, issue.path);
  return issue.keys.map((key) => {
    const guess = closestKey(key, known);
    return {
      path: jsonPath([...issue.path, key]),
      message:
        `${UNKNOWN_KEY} ${JSON.stringify(key)}` +
        (guess ? `; did you mean ${JSON.stringify(guess)}?` : known.length ? `; allowed here: ${known.join(', ')}` : ''),
    };
  });
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') return unknownKeyProblems(issue);
  const path = jsonPath(issue.path);
  if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) {
    return [{ path, message: `required field is missing (expected ${issue.expected})` }];
  }
  return [{ path, message: issue.message }];
}

/** Cross-field checks the schema can't express: duplicates, exception length. */
function semanticProblems(cfg: PublisherConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, string>();
  const note = (id: string, path: string) => {
    const first = seen.get(id);
    if (first) {
      problems.push({ path, message: `account ${id} is listed twice (also at ${first}); list each publisher account once` });
    } else seen.set(id, path);
  };
  note(cfg.ops_publisher_account.account_id, '$.ops_publisher_account.account_id');
  cfg.vendor_publisher_accounts.forEach((v, i) => note(v.account_id, `$.vendor_publisher_accounts[${i}].account_id`));
  cfg.exception_accounts.forEach((e, i) => note(e.account_id, `$.exception_accounts[${i}].account_id`));

  // A criterion's providers narrow the allowlist, never widen it: the allowlist stays the one list of approved publishers.
  const approved = new Set<string>([...seen.keys(), ...cfg.provider_aliases]);
  cfg.policy_config.image_criteria?.forEach((c, i) =>
    c.allowed_image_providers?.forEach((p, j) => {
      if (!approved.has(p)) {
        problems.push({
          path: `$.policy_config.image_criteria[${i}].allowed_image_providers[${j}]`,
          message: `${JSON.stringify(p)} is not an approved publisher of this file; add it to ops_publisher_account, vendor_publisher_accounts, exception_accounts or provider_aliases first, or leave allowed_image_providers out to mean every approved publisher`,
        });
      }
    }),
  );

  const max = cfg.policy_config.max_exception_duration_days;
  cfg.exception_accounts.forEach((e, i) => {
    if (!e.approved_date) return;
    const days = daysBetween(e.approved_date, e.expiry_date);
    if (days < 0) {
      problems.push({ path: `$.exception_accounts[${i}].expiry_date`, message: `expires (${e.expiry_date}) before it was approved (${e.approved_date})` });
    } else if (days > max) {
      problems.push({
        path: `$.exception_accounts[${i}].expiry_date`,
        message: `exception for ${e.account_id} lasts ${days} days (${e.approved_date} to ${e.expiry_date}), longer than policy_config.max_exception_duration_days (${max}); shorten it or have it re-approved as a new exception`,
      });
    }
  });
  return problems;
}

/** Validates an already-parsed config object. */
export function validateConfig(raw: unknown, file = DEFAULT_CONFIG_PATH): PublisherConfig {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.flatMap((iss) => describeIssue(iss, raw)),
    );
  }
  const problems = semanticProblems(parsed.data);
  if (problems.length) throw new ConfigError(file, problems);
  return parsed.data;
}

/** Reads, parses and validates the config file. */
export function loadConfig(file = DEFAULT_CONFIG_PATH): PublisherConfig {
  return validateConfig(parseJsonWithLocation(readConfigText(file), file), file);
}

/** The config file's text; a missing file says where amigov looks and how to create one. */
export function readConfigText(file: string): string {
  return readUserFile(file, 'configuration', (code) =>
    code === 'ENOENT'
      ? `amigov reads --config PATH, else $AMIGOV_CONFIG, else ./${DEFAULT_CONFIG_PATH} (in ${process.cwd()}). ` +
        `Create a starter config with \`amigov init\`, or point amigov at yours with --config PATH or AMIGOV_CONFIG=PATH. Format: ${CONFIG_DOCS}.`
      : `Check that the file is readable, or pass another one with --config PATH. Format: ${CONFIG_DOCS}.`,
  );
}
