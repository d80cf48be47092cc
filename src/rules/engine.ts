/**
 * Runs rules over an inventory. A rule that throws becomes one `error` finding for that rule instead of
 * ending the run (cdk-nag's approach): one broken rule must not hide what the others found.
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../model/findings.js';
import { SEVERITIES } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import { EXIT, UserError } from '../cli/errors.js';
import type { RuleContext, RuleDefinition } from './types.js';

/** Stable finding id: the first 16 hex digits of sha256("ruleId|accountId|region|resourceId"). */
export function findingId(ruleId: string, accountId: string, region: string, resourceId: string): string {
  return createHash('sha256').update(`${ruleId}|${accountId}|${region}|${resourceId}`).digest('hex').slice(0, 16);
}

/** 0 = critical ... 4 = info. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** true when `s` is at or above `threshold` (critical is above high). */
export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export interface EngineOptions {
  /** Drop findings below this severity (error findings are always kept). */
  severityThreshold?: Severity;
  /** Per-rule severity for its failing findings (cannot-verify findings keep their own). */
  severityOverrides?: Record<string, Severity>;
}

/** The rules to run: all of them, or the ids asked for (unknown ids are a usage error that lists the valid ones). */
export function selectRules(all: readonly RuleDefinition[], ids?: readonly string[]): RuleDefinition[] {
  if (!ids || ids.length === 0) return [...all];
  const known = new Map(all.map((r) => [r.meta.id, r]));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new UserError(
      `unknown rule${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      EXIT.USAGE,
      `Valid rule ids: ${[...known.keys()].join(', ')}`,
    );
  }
  return [...new Set(ids)].map((id) => known.get(id)!);
}

export function validateSeverityOverrides(all: readonly RuleDefinition[], overrides: Record<string, string> = {}): Record<string, Severity> {
  const ids = new Set(all.map((r) => r.meta.id));
  const out: Record<string, Severity> = {};
  for (const [rule, sev] of Object.entries(overrides)) {
    if (!ids.has(rule)) throw new UserError(`severity override for unknown rule ${JSON.stringify(rule)}`, EXIT.USAGE, `Valid rule ids: ${[...ids].join(', ')}`);
    if (!isSeverity(sev)) throw new UserError(`severity override ${rule}=${sev}: ${JSON.stringify(sev)} is not a severity`, EXIT.USAGE, `Use one of ${SEVERITIES.join(', ')}.`);
    out[rule] = sev;
  }
  return out;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.accountId.localeCompare(b.accountId) ||
    a.region.localeCompare(b.region) ||
    a.resourceId.localeCompare(b.resourceId)
  );
}

export interface EngineResult {
  findings: Finding[];
  /** Rules that threw, with their error message (also present as `error` findings). */
  errors: { ruleId: string; message: string }[];
  /** With a severity threshold: ids of the findings it dropped (the weekly comparison must not call them resolved). */
  belowThresholdIds?: string[];
}

/** Runs each rule, turns drafts into findings (without commands), applies overrides and the threshold, sorts. */
export function runRules(inventory: Inventory, ctx: RuleContext, rules: readonly RuleDefinition[], opts: EngineOptions = {}): EngineResult {
  const findings: Finding[] = [];
  const errors: EngineResult['errors'] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const { meta } = rule;
    const ruleSeverity = opts.severityOverrides?.[meta.id] ?? meta.severity;
    let drafts;
    try {
      drafts = rule.evaluate(inventory, ctx);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.push({ ruleId: meta.id, message });
      findings.push({
        id: findingId(meta.id, '', '', meta.id),
        ruleId: meta.id,
        title: meta.title,
        severity: ruleSeverity,
        status: 'error',
        accountId: '',
        region: '',
        resourceType: 'rule',
        resourceId: meta.id,
        message: `The rule ${meta.id} failed and could not judge this inventory: ${message}. Its findings are missing from this run; this is a bug in amigov, please report it.`,
        details: { error: message },
        commands: [],
      });
      continue;
    }
    for (const d of drafts) {
      const id = findingId(meta.id, d.accountId, d.region, d.resourceId);
      if (seen.has(id)) continue; // one finding per rule and resource
      seen.add(id);
      const severity =
        d.status === 'cannot-verify' ? (d.severity ?? meta.cannotVerifySeverity ?? 'low') : opts.severityOverrides?.[meta.id] ?? d.severity ?? meta.severity;
      const name = ctx.index.accountName(d.accountId);
      const { severity: _drop, ...rest } = d;
      findings.push({
        id,
        ruleId: meta.id,
        title: meta.title,
        severity,
        ...rest,
        ...(name !== undefined ? { accountName: name } : {}),
        commands: [],
      });
    }
  }
  const threshold = opts.severityThreshold;
  if (!threshold) return { findings: findings.sort(compareFindings), errors };
  const kept = (f: Finding) => f.status === 'error' || atOrAbove(f.severity, threshold);
  return { findings: findings.filter(kept).sort(compareFindings), errors, belowThresholdIds: findings.filter((f) => !kept(f)).map((f) => f.id) };
}
