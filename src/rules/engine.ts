/**
 * Runs rules over an inventory. A rule that throws becomes one `error` finding for that rule instead of
 * ending the run (cdk-nag's approach): one broken rule must not hide what the others found.
 */
import { createHash } from 'node:crypto';
import type { Finding, RemediationCommand, Severity } from '../model/findings.js';
import { SEVERITIES } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import { UserError } from '../errors.js';
import type { DetailValue, FindingDraft, MessageData, RemediationContext, RuleContext, RuleDefinition, RuleDetails } from './types.js';

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
  /** What the rules' `remediate` needs to write commands; without it findings get none. */
  remediation?: RemediationContext;
}

/** The rules to run: all of them, or the ids asked for (unknown ids are a usage error that lists the valid ones). */
export function selectRules(all: readonly RuleDefinition[], ids?: readonly string[]): RuleDefinition[] {
  if (!ids || ids.length === 0) return [...all];
  const known = new Map(all.map((r) => [r.meta.id, r]));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new UserError(
      `unknown rule${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, { hint: `Valid rule ids: ${[...known.keys()].join(', ')}` },
    );
  }
  return [...new Set(ids)].map((id) => known.get(id)!);
}

export function validateSeverityOverrides(all: readonly RuleDefinition[], overrides: Record<string, string> = {}): Record<string, Severity> {
  const ids = new Set(all.map((r) => r.meta.id));
  const out: Record<string, Severity> = {};
  for (const [rule, sev] of Object.entries(overrides)) {
    if (!ids.has(rule)) throw new UserError(`severity override for unknown rule ${JSON.stringify(rule)}`, { hint: `Valid rule ids: ${[...ids].join(', ')}` });
    if (!isSeverity(sev)) throw new UserError(`severity override ${rule}=${sev}: ${JSON.stringify(sev)} is not a severity`, { hint: `Use one of ${SEVERITIES.join(', ')}.` });
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

const PLACEHOLDER = /\{\{([^{}]+?)\}\}/g;

/**
 * The message of a draft: its rule's template for `messageId` with every {{name}} replaced by `data[name]`
 * (ESLint's syntax; values go in as plain text and are not read again). An unknown id or a placeholder
 * without data is a bug in the rule: it throws, and the engine reports the rule as failed.
 */
export function renderMessage(messages: Readonly<Record<string, string>>, messageId: string, data: MessageData = {}): string {
  if (!Object.hasOwn(messages, messageId)) {
    throw new Error(`unknown messageId ${JSON.stringify(messageId)} (meta.messages has ${Object.keys(messages).join(', ') || 'none'})`);
  }
  return messages[messageId]!.replace(PLACEHOLDER, (_, raw: string) => {
    const name = raw.trim();
    if (!Object.hasOwn(data, name)) throw new Error(`message ${JSON.stringify(messageId)} has no data for {{${name}}}`);
    return String(data[name]);
  });
}

/** Details as findings.json keeps them: flat (a list comma-joined, an empty one null), undefined values left out. */
export function flattenDetails(details: RuleDetails): Record<string, DetailValue> {
  const out: Record<string, DetailValue> = {};
  for (const [k, v] of Object.entries(details)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'object' && v !== null ? (v.length ? v.join(',') : null) : v;
  }
  return out;
}

/** Runs each rule, turns drafts into findings, applies overrides, writes the commands of the findings the threshold keeps, then sorts. */
export function runRules(inventory: Inventory, ctx: RuleContext, rules: readonly RuleDefinition[], opts: EngineOptions = {}): EngineResult {
  const findings: Finding[] = [];
  const errors: EngineResult['errors'] = [];
  const seen = new Set<string>();
  const threshold = opts.severityThreshold;
  const kept = (f: Finding) => !threshold || f.status === 'error' || atOrAbove(f.severity, threshold);
  const rctx = opts.remediation;
  const pool = new CommandPool();
  for (const rule of rules) {
    const { meta } = rule;
    const ruleSeverity = opts.severityOverrides?.[meta.id] ?? meta.severity;
    const toFinding = (d: FindingDraft): Finding => {
      const severity =
        d.status === 'cannot-verify' ? (d.severity ?? meta.cannotVerifySeverity ?? 'low') : opts.severityOverrides?.[meta.id] ?? d.severity ?? meta.severity;
      const name = ctx.index.accountName(d.accountId);
      const { severity: _drop, messageId, data, details, ...rest } = d;
      return {
        id: findingId(meta.id, d.accountId, d.region, d.resourceId),
        ruleId: meta.id,
        title: meta.title,
        severity,
        ...rest,
        message: renderMessage(meta.messages, messageId, data),
        messageId,
        details: flattenDetails(details),
        ...(name !== undefined ? { accountName: name } : {}),
        commands: [],
      };
    };
    let judged;
    try {
      judged = rule.run(inventory, ctx).map(({ draft, remediate }) => ({ finding: toFinding(draft), remediate }));
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
    // Commands are written as each rule's findings come (not after the sort): a draft, and what its remediate
    // closure holds, is then garbage once its finding has them, instead of living until the last rule ran.
    for (const { finding, remediate } of judged) {
      if (seen.has(finding.id)) continue; // one finding per rule and resource
      seen.add(finding.id);
      if (rctx && kept(finding)) finding.commands = remediate(finding, rctx).map((c) => pool.share(c));
      findings.push(finding);
    }
  }
  const result: EngineResult = { findings: findings.filter(kept).sort(compareFindings), errors };
  if (threshold) result.belowThresholdIds = findings.filter((f) => !kept(f)).map((f) => f.id);
  return result;
}

/**
 * One object per distinct command: many findings carry the same command (the golden-AMI look-up of a region,
 * the reference look-up of an image that many instances run), and at 1,000 accounts their copies are about
 * three quarters of the commands' memory. A command is shared only with one equal to it field by field, in the
 * same key order, so every report serializes exactly what the rule wrote; shared commands are frozen, as no
 * reporter may change one finding's command under another's.
 */
class CommandPool {
  /** command -> the command's account (or '') -> the distinct commands: short lists, as the same command text is
   * written for many accounts (a region's setting) and then differs in accountId. No key string is built. */
  private readonly byCommand = new Map<string, Map<string, RemediationCommand[]>>();

  share(c: RemediationCommand): RemediationCommand {
    let byAccount = this.byCommand.get(c.command);
    if (!byAccount) this.byCommand.set(c.command, (byAccount = new Map()));
    const account = c.accountId ?? '';
    const same = byAccount.get(account);
    const found = same?.find((s) => sameFields(s, c));
    if (found) return found;
    if (same) same.push(Object.freeze(c));
    else byAccount.set(account, [Object.freeze(c)]);
    return c;
  }
}

function sameFields(a: object, b: object): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k, i) => k === kb[i] && (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}
