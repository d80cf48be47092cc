/**
 * The rule contract. A rule is one module: its metadata beside a pure function from the inventory
 * (plus the resolved allowlist and run options, carried by the context) to finding drafts.
 * Rules make no AWS calls and do no I/O; the engine turns drafts into findings (ids, names, severity).
 */
import type { Finding, RuleMeta, Severity } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import type { ResolvedAllowlist } from '../config/allowlist.js';
import type { InventoryIndex } from './context.js';

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

/**
 * What a rule returns. The engine fills id, ruleId, title, accountName and commands, and applies
 * severity overrides. `severity` defaults to the rule's; cannot-verify drafts carry their own (lower) one.
 */
export type FindingDraft = Omit<Finding, 'id' | 'ruleId' | 'title' | 'severity' | 'accountName' | 'commands' | 'change'> & {
  severity?: Severity;
};

export interface RuleDefinition {
  meta: RuleMeta & {
    /** Severity of this rule's cannot-verify findings (default: low). */
    cannotVerifySeverity?: Severity;
    /**
     * The inventory data the rule judges, as collector ids (src/scan/collectors, src/scan/organization.ts).
     * The weekly comparison calls a finding resolved only where every one of them was collected
     * completely this run (not degraded, not skipped); the meta test checks each id is a real collector.
     */
    reads: readonly string[];
  };
  evaluate(inventory: Inventory, ctx: RuleContext): FindingDraft[];
}

/** Identity helper that gives rule modules their type (as ESLint's rule objects and cdk-nag's rules). */
export function defineRule(rule: RuleDefinition): RuleDefinition {
  return rule;
}
