/**
 * The generic runner of `amigov policy validate`: a check is a small named unit that says which facts it
 * needs and which it provides, and a pure `run` over those facts. The runner goes down the list in order;
 * a check with a missing fact is not run but reported as skipped, with the reason, here and only here.
 * (The model is ESLint's rule table and cdk-nag's rule packs: small named rules, one generic engine.)
 */
import type { Facts, FactKey } from './facts.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';
export type Section = 'config' | 'policies';

/** One line of the report. */
export interface Check {
  /** Stable id, e.g. "config.exceptions-not-expired"; docs/policies.md lists them all. */
  id: string;
  section: Section;
  status: CheckStatus;
  message: string;
  details?: string[];
}

/** What a check found. `provide` hands facts to the checks after it (an undefined value is not provided). */
export interface Outcome<P extends FactKey = never> {
  status: Exclude<CheckStatus, 'skip'>;
  message: string;
  details?: string[];
  /** For a per-item check (an id ending in `<item>`): the item this line is about. */
  item?: string;
  provide?: { [K in P]?: Facts[K] | undefined };
}

export interface CheckSpec<N extends FactKey, P extends FactKey> {
  /** Stable id; a per-item check ends in a placeholder, e.g. "config.exception.<account>". */
  id: string;
  section: Section;
  /** What the check verifies, one line: docs/policies.md's table and the "not checked" line say it. */
  verifies: string;
  needs: readonly N[];
  /** The facts this check may provide, each with a description for the checks skipped without it. */
  provides?: { readonly [K in P]: string };
  run(facts: Pick<Facts, N>): Outcome<P> | Outcome<P>[];
}

/** A check of the list, its fact types erased. */
export interface AnyCheck {
  id: string;
  section: Section;
  verifies: string;
  needs: readonly FactKey[];
  provides?: Partial<Record<FactKey, string>>;
  run(facts: Partial<Facts>): Outcome<FactKey> | Outcome<FactKey>[];
}

/** Declares a check; the types tie `run`'s argument to `needs` and what it may provide to `provides`. */
export function check<const N extends FactKey, const P extends FactKey = never>(spec: CheckSpec<N, P>): AnyCheck {
  return spec as unknown as AnyCheck;
}

export const pass = (message: string, details?: string[]): Outcome<never> => ({ status: 'pass', message, ...(details ? { details } : {}) });
export const fail = (message: string, details?: string[]): Outcome<never> => ({ status: 'fail', message, ...(details ? { details } : {}) });
export const warn = (message: string, details?: string[]): Outcome<never> => ({ status: 'warn', message, ...(details ? { details } : {}) });

const ITEM_RE = /<[a-z-]+>$/;

/** Runs the checks in order over the initial facts. Pure. */
export function runChecks(checks: readonly AnyCheck[], initial: Partial<Facts>): Check[] {
  const facts: Partial<Record<FactKey, unknown>> = { ...initial };
  /** Why a fact is missing: the root cause, carried down the chain of checks that needed it. */
  const why = new Map<FactKey, string>();
  const results: Check[] = [];
  for (const c of checks) {
    const missing = c.needs.find((n) => facts[n] === undefined);
    if (missing !== undefined) {
      const reason = why.get(missing) ?? `no ${missing}`;
      results.push({ id: c.id, section: c.section, status: 'skip', message: `not checked: ${c.verifies} (${reason})` });
      for (const p of Object.keys(c.provides ?? {}) as FactKey[]) why.set(p, reason);
      continue;
    }
    const needed = Object.fromEntries(c.needs.map((n) => [n, facts[n]])) as Partial<Facts>;
    const raw = c.run(needed);
    const outcomes = Array.isArray(raw) ? raw : [raw];
    for (const o of outcomes) {
      if (ITEM_RE.test(c.id) !== (o.item !== undefined)) throw new Error(`check ${c.id}: an item is required exactly for an id ending in <item>`);
      const id = o.item === undefined ? c.id : c.id.replace(ITEM_RE, o.item);
      results.push({ id, section: c.section, status: o.status, message: o.message, ...(o.details ? { details: o.details } : {}) });
      for (const [k, v] of Object.entries(o.provide ?? {}) as [FactKey, unknown][]) {
        if (!c.provides || !(k in c.provides)) throw new Error(`check ${c.id} provides ${k}, which it does not declare`);
        if (v !== undefined) facts[k] = v;
      }
    }
    const failed = outcomes.some((o) => o.status === 'fail');
    for (const [p, what] of Object.entries(c.provides ?? {}) as [FactKey, string][]) {
      if (facts[p] === undefined) why.set(p, failed ? `${c.id} failed` : `no ${what}`);
    }
  }
  return results;
}
