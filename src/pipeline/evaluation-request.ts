/**
 * The judging request `amigov scan`, `amigov evaluate` and `amigov demo` share, checked: which rules run,
 * severities, how remediation commands authenticate, and when findings fail the run. The flags themselves
 * are declared in src/cli/evaluation-flags.ts.
 */
import { plural } from '../util/format.js';
import { EXIT, UserError } from '../errors.js';
import { SEVERITIES, type FindingsDocument, type Severity } from '../model/findings.js';
import { checkEvaluateOptions, type EvaluateOptions } from '../evaluate/evaluate.js';
import { atOrAbove, isSeverity } from '../rules/engine.js';
import { RULE_IDS } from '../rules/index.js';
import { terminalSafe } from '../util/sanitize.js';

export interface EvaluationFlags {
  rules?: string;
  severityThreshold?: Severity;
  severityOverride: string[];
  profileTemplate?: string;
  failOn?: Severity;
  /** --horizon: whole days, 1..3650. */
  horizon?: string;
}

function parseOverrides(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const m = /^([a-z0-9-]+)=([a-z]+)$/.exec(item.trim());
    if (!m) throw new UserError(`--severity-override ${JSON.stringify(item)}: expected RULE=LEVEL`, { hint: `e.g. --severity-override public-ami=high (levels: ${SEVERITIES.join(', ')})` });
    out[m[1]!] = m[2]!;
  }
  return out;
}

function parseHorizon(v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > 3650) {
    throw new UserError(`--horizon ${JSON.stringify(v)}: expected a whole number of days from 1 to 3650`, { hint: 'e.g. --horizon 90 (the default)' });
  }
  return Number(v);
}

/**
 * Flags -> evaluation options, fully checked: the same checks evaluate() makes (unknown rule ids, overrides
 * for unknown rules or to unknown levels, a bad profile template), so commands can run them before any work.
 * Throws a UserError (exit 2) on bad input.
 */
export function toEvaluateOptions(flags: EvaluationFlags): EvaluateOptions {
  const rules = flags.rules
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (flags.rules !== undefined && !rules?.length) throw new UserError('--rules is empty', { hint: `Valid rule ids: ${RULE_IDS.join(', ')}` });
  for (const s of [flags.severityThreshold, flags.failOn]) if (s !== undefined && !isSeverity(s)) throw new UserError(`${s} is not a severity`);
  const options: EvaluateOptions = {
    ...(rules ? { rules } : {}),
    ...(flags.severityThreshold ? { severityThreshold: flags.severityThreshold } : {}),
    severityOverrides: parseOverrides(flags.severityOverride ?? []),
    ...(flags.profileTemplate !== undefined ? { profileTemplate: flags.profileTemplate } : {}),
    ...(flags.horizon !== undefined ? { horizonDays: parseHorizon(flags.horizon) } : {}),
  };
  checkEvaluateOptions(options);
  return options;
}

/** Findings that --fail-on counts: at or above the level, resolved ones (weekly comparison) excluded. */
export function findingsAtOrAbove(doc: FindingsDocument, failOn: Severity): number {
  return doc.findings.filter((f) => f.change !== 'resolved' && f.change !== 'not-rechecked' && atOrAbove(f.severity, failOn)).length;
}

/**
 * EXIT.FINDINGS when --fail-on is set and this run's findings at or above it exist (printing why), else OK.
 * Only this run's findings count: the previous run's findings a comparison lists as resolved or as not
 * re-checked (comparison.resolved / notRechecked) are not this run's and never fail it; a note says how
 * many not-re-checked ones would have reached the level.
 */
export function findingsExitCode(doc: FindingsDocument, failOn: Severity | undefined, stderr: NodeJS.WritableStream): number {
  if (!failOn) return EXIT.OK;
  const hits = findingsAtOrAbove(doc, failOn);
  const carried = (doc.comparison?.notRechecked ?? []).filter((f) => atOrAbove(f.severity, failOn)).length;
  if (carried > 0) {
    stderr.write(
      `amigov: note: ${plural(carried, 'finding')} of run ${doc.comparison!.previousRunId} at or above ${failOn} were not re-checked by this run and are not counted by --fail-on (see "Not re-checked" in the report)\n`,
    );
  }
  const waived = (doc.waivers?.waived ?? []).filter((f) => atOrAbove(f.severity, failOn)).length;
  if (waived > 0) stderr.write(`amigov: note: ${plural(waived, 'waived finding')} at or above ${failOn} ${waived === 1 ? 'is' : 'are'} not counted by --fail-on (see "Waived findings" in the report)\n`);
  if (hits === 0) return EXIT.OK;
  stderr.write(`amigov: ${plural(hits, 'finding')} at or above ${failOn} (--fail-on ${failOn})\n`);
  return EXIT.FINDINGS;
}

/** Warns about rules that threw: their findings are missing from the run. */
export function warnRuleErrors(doc: FindingsDocument, stderr: NodeJS.WritableStream): void {
  for (const e of doc.evaluation?.ruleErrors ?? []) {
    stderr.write(`amigov: warning: rule ${e.ruleId} failed (${terminalSafe(e.message)}); its findings are missing. Please report this bug.\n`);
  }
  for (const r of doc.evaluation?.rulesNotCollected ?? []) {
    stderr.write(`amigov: note: rule ${r.ruleId} was not run: the inventory comes from a targeted scan that did not collect ${r.missing.join(', ')}\n`);
  }
}
