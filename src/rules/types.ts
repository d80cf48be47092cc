/**
 * The rule contract. A rule is one module: its metadata and message templates beside a pure function
 * from the inventory (plus the resolved allowlist and run options, carried by the context) to finding
 * drafts, and the commands that fix its findings (`remediate`). Rules make no AWS calls and do no I/O;
 * the engine turns drafts into findings (ids, names, severity, the message from its template, commands).
 */
import type { Finding, RemediationCommand, RuleMeta, Severity } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import type { ResolvedAllowlist } from '../config/allowlist.js';
import type { RemediationContext } from '../remediation/common.js';
import type { InventoryIndex } from './context.js';

export type { RemediationContext } from '../remediation/common.js';

export interface RuleOptions {
  /** Judge launch permissions (sharing outside the organization), when the inventory has them. */
  deep: boolean;
  /** policy_config.image_block_public_access: the state the config asks for. */
  imageBlockPublicAccess: 'block_new_sharing' | 'unblocked';
}

export interface RuleContext {
  allowlist: ResolvedAllowlist;
  options: RuleOptions;
  /** Look-ups over the inventory, built once per run. */
  index: InventoryIndex;
}

export type DetailValue = string | number | boolean | null;

/**
 * What a rule may put in its findings' details, declared per rule as a type alias (an `interface` has
 * no index signature and does not fit). findings.json keeps details flat, for the reporters' columns:
 * the engine writes a list comma-joined (an empty one as null) and leaves undefined values out, while
 * the rule's own `remediate` gets the values as the rule wrote them. Lists hold ids (no commas).
 */
export type RuleDetails = Record<string, DetailValue | readonly string[] | undefined>;

/** The values of a message's {{placeholders}}, inserted as plain text (reporters escape for HTML or shell). */
export type MessageData = Record<string, string | number>;

/**
 * What a rule returns. The engine fills id, ruleId, title, accountName, message (meta.messages[messageId]
 * with `data`) and commands (the rule's `remediate`), and applies severity overrides. `severity` defaults
 * to the rule's; cannot-verify drafts carry their own (lower) one.
 */
export type FindingDraft<D extends RuleDetails = RuleDetails, M extends string = string> = Omit<
  Finding,
  'id' | 'ruleId' | 'title' | 'severity' | 'accountName' | 'message' | 'messageId' | 'details' | 'commands' | 'change' | 'notRechecked'
> & {
  severity?: Severity;
  /** A key of the rule's meta.messages. */
  messageId: M;
  /** One value for every {{placeholder}} of that message. */
  data?: MessageData;
  details: D;
};

/** A finding of this rule, as its `remediate` sees it: the details with the rule's own types. */
export type RuleFinding<D extends RuleDetails> = Omit<Finding, 'details'> & { details: D };

export interface RuleMetaDefinition<M extends string = string> extends RuleMeta {
  /** Severity of this rule's cannot-verify findings (default: low). */
  cannotVerifySeverity?: Severity;
  /**
   * The inventory data the rule judges, as collector ids (src/scan/collectors, src/scan/organization.ts).
   * The weekly comparison calls a finding resolved only where every one of them was collected
   * completely this run (not degraded, not skipped); the meta test checks each id is a real collector.
   */
  reads: readonly string[];
  /** messageId -> message template with {{placeholders}} (as ESLint's meta.messages). */
  messages: Record<M, string>;
}

/** What a rule module writes: `export default defineRule({ meta, evaluate, remediate })`. */
export interface RuleSpec<D extends RuleDetails, M extends string> {
  meta: RuleMetaDefinition<M>;
  evaluate: (inventory: Inventory, ctx: RuleContext) => FindingDraft<D, NoInfer<M>>[];
  /** The commands that fix (or look into) one of this rule's findings; run once, when it is evaluated. */
  remediate?: (finding: RuleFinding<D>, ctx: RemediationContext) => RemediationCommand[];
}

/** One draft as the engine gets it, with the rule's `remediate` bound to the draft's typed details. */
export interface JudgedDraft {
  draft: FindingDraft;
  remediate(finding: Finding, ctx: RemediationContext): RemediationCommand[];
}

/** A rule as the engine runs it: its details type is known only inside (see defineRule). */
export interface RuleDefinition {
  meta: RuleMetaDefinition;
  /** The rule writes commands for its findings (it has `remediate`). */
  remediates: boolean;
  run(inventory: Inventory, ctx: RuleContext): JudgedDraft[];
}

/**
 * Gives a rule module its type (as ESLint's rule objects and cdk-nag's rules): the details type `D` is
 * inferred from `evaluate`'s drafts and checked against `remediate`, the message ids from meta.messages.
 */
export function defineRule<D extends RuleDetails, M extends string>(spec: RuleSpec<D, M>): RuleDefinition {
  const { meta, evaluate, remediate } = spec;
  return {
    meta,
    remediates: remediate !== undefined,
    run: (inventory, ctx) =>
      evaluate(inventory, ctx).map((draft) => ({
        draft,
        remediate: (finding, rctx) => (remediate ? remediate({ ...finding, details: draft.details }, rctx) : []),
      })),
  };
}
