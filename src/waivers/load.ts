/**
 * Reads and validates config/waivers.json with the publisher config's error style: every problem at once, each at
 * its JSON path, unknown keys with the closest known key. Checks the schema can't express: one of finding_id or
 * rule, a rule amigov knows with at least one pattern, unique ids, expiry after approval and no longer than
 * policy_config.max_waiver_duration_days.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, jsonPath, knownKeysAt, parseJsonWithLocation, valueAt, type ConfigProblem } from '../config/load.js';
import { closestKey } from '../config/suggest.js';
import type { PublisherConfig } from '../config/schema.js';
import { UserError } from '../errors.js';
import { daysBetween } from '../util/dates.js';
import { RULE_IDS } from '../rules/ids.js';
import { DEFAULT_WAIVERS_PATH, waiversFileSchema, type WaiversFile } from './schema.js';

export interface LoadedWaivers {
  file: string;
  waivers: WaiversFile['waivers'];
}

function describe(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(waiversFileSchema, issue.path);
    return issue.keys.map((key) => {
      const guess = closestKey(key, known);
      return {
        path: jsonPath([...issue.path, key]),
        message: `unknown key ${JSON.stringify(key)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : known.length ? `; allowed here: ${known.join(', ')}` : ''}`,
      };
    });
  }
  const path = jsonPath(issue.path);
  if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) return [{ path, message: `required field is missing (expected ${issue.expected})` }];
  return [{ path, message: issue.message }];
}

const MATCHERS = ['accounts', 'ous', 'resources', 'images'] as const;

function semantic(file: WaiversFile, maxDays: number): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const ids = new Map<string, number>();
  file.waivers.forEach((w, i) => {
    const at = (k: string) => `$.waivers[${i}]${k ? `.${k}` : ''}`;
    const first = ids.get(w.id);
    if (first !== undefined) problems.push({ path: at('id'), message: `waiver id ${JSON.stringify(w.id)} is used twice (also at $.waivers[${first}]); give each waiver its own id` });
    else ids.set(w.id, i);
    const given = MATCHERS.filter((k) => w[k] !== undefined);
    if (w.finding_id !== undefined) {
      if (w.rule !== undefined || given.length) problems.push({ path: at('finding_id'), message: `a waiver matches either one finding (finding_id) or a rule with patterns (rule + ${MATCHERS.join(' / ')}), not both` });
    } else if (w.rule === undefined) {
      problems.push({ path: at(''), message: `says nothing to match: give finding_id, or rule with at least one of ${MATCHERS.join(', ')}` });
    } else {
      if (!RULE_IDS.includes(w.rule)) {
        const guess = closestKey(w.rule, RULE_IDS);
        problems.push({ path: at('rule'), message: `unknown rule ${JSON.stringify(w.rule)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : `; rules: ${RULE_IDS.join(', ')}`}` });
      }
      if (given.length === 0) {
        problems.push({ path: at('rule'), message: `a rule waiver needs at least one of ${MATCHERS.join(', ')} (a whole rule is turned off with --rules, not waived)` });
      }
    }
    const days = daysBetween(w.approved_date, w.expiry_date);
    if (days < 0) problems.push({ path: at('expiry_date'), message: `expires (${w.expiry_date}) before it was approved (${w.approved_date})` });
    else if (days > maxDays) {
      problems.push({
        path: at('expiry_date'),
        message: `waiver ${w.id} lasts ${days} days (${w.approved_date} to ${w.expiry_date}), longer than policy_config.max_waiver_duration_days (${maxDays}); shorten it or have it re-approved later`,
      });
    }
  });
  return problems;
}

/** Validates an already-parsed waivers file against the publisher config's maximum duration. */
export function validateWaivers(raw: unknown, file: string, config: PublisherConfig): LoadedWaivers {
  const parsed = waiversFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, parsed.error.issues.flatMap((iss) => describe(iss, raw)));
  const problems = semantic(parsed.data, config.policy_config.max_waiver_duration_days);
  if (problems.length) throw new ConfigError(file, problems);
  return { file, waivers: parsed.data.waivers };
}

/**
 * The waivers to apply. `path` undefined: config/waivers.json when it exists, else none (no waivers is the
 * normal case). A path given explicitly must exist. `false` (--no-waivers): none.
 */
export function loadWaivers(path: string | false | undefined, config: PublisherConfig): LoadedWaivers | undefined {
  if (path === false) return undefined;
  const file = path ?? DEFAULT_WAIVERS_PATH;
  if (path === undefined && !existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot read the waivers (${code === 'ENOENT' ? 'no such file' : code ?? (err as Error).message})`, {
      hint: `Pass --waivers PATH to an existing file, or leave --waivers out (${DEFAULT_WAIVERS_PATH} is used when it exists). The format is in docs/configuration.md.`,
    });
  }
  return validateWaivers(parseJsonWithLocation(text, file), file, config);
}
