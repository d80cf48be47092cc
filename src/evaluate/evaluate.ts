/**
 * The evaluation core: inventory + resolved allowlist + options -> FindingsDocument. Pure (no AWS, no
 * files); `amigov evaluate` and `amigov scan` both call it.
 */
import type { FindingsDocument, Finding, Severity } from '../model/findings.js';
import { FINDINGS_SCHEMA_VERSION, SEVERITIES } from '../model/findings.js';
import type { CoverageEntry, Inventory } from '../model/inventory.js';
import { assessCoverage } from '../model/coverage.js';
import { resolveAllowlist, type ResolvedAllowlist } from '../config/allowlist.js';
import type { PublisherConfig } from '../config/schema.js';
import { RULES } from '../rules/index.js';
import { runRules, selectRules, validateSeverityOverrides } from '../rules/engine.js';
import { buildIndex, type InventoryIndex } from '../rules/context.js';
import { instanceEnforcement, launchTemplateEnforcement } from '../rules/launch-verdict.js';
import { computeBlastRadius } from './impact.js';
import type { RuleDefinition } from '../rules/types.js';
import { accountOwner, withOwners } from './owners.js';
import { validateProfileTemplate } from '../remediation/commands.js';
import { DEFAULT_ROLE_NAME } from '../remediation/script.js';
import { UserError } from '../errors.js';

export interface EvaluateOptions {
  /** Rule ids to run (default: all). */
  rules?: string[];
  /** Keep only findings at or above this severity. */
  severityThreshold?: Severity;
  /** rule id -> severity for its failing findings. */
  severityOverrides?: Record<string, string>;
  /** Judge launch permissions; default: on when the inventory carries them. */
  deep?: boolean;
  /** policy_config.image_block_public_access (default block_new_sharing). */
  imageBlockPublicAccess?: 'block_new_sharing' | 'unblocked';
  /** e.g. "{accountName}-admin": commands carry --profile; otherwise they rely on the environment. */
  profileTemplate?: string;
  /** Role remediation.sh assumes per account (default: the scan's role name). */
  roleName?: string;
  rolePath?: string;
  goldenImageNameFilter?: string;
  /** Where the document comes from (default 'evaluate'). */
  source?: 'scan' | 'evaluate';
  inventoryPath?: string;
  /** Config path recorded in the document's run (default: the inventory's). */
  configPath?: string;
  /** The evaluation time recorded in the document (default: now). Never used to judge. */
  now?: Date;
  /** Days ahead the blast radius' timeline looks for exception expiries (default 90). */
  horizonDays?: number;
  /** Rule set (tests inject failing rules); default: every rule. */
  ruleSet?: readonly RuleDefinition[];
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The checks evaluate() makes of its options, without judging anything: unknown rule ids, severity overrides
 * for unknown rules or to unknown levels, a bad profile template. Throws UserError (exit 2). `amigov scan` and
 * `amigov demo` call it before their first AWS call, so a typo costs nothing.
 */
export function checkEvaluateOptions(options: Pick<EvaluateOptions, 'rules' | 'severityOverrides' | 'profileTemplate' | 'ruleSet'>): {
  rules: RuleDefinition[];
  overrides: Record<string, Severity>;
} {
  const all = options.ruleSet ?? RULES;
  const rules = selectRules(all, options.rules);
  const overrides = validateSeverityOverrides(all, options.severityOverrides);
  if (options.profileTemplate !== undefined) validateProfileTemplate(options.profileTemplate);
  return { rules, overrides };
}

/**
 * Collectors a run may leave out as a whole and that rules judge with what is there: launch permissions
 * (without --deep), the organization (with --no-organizations) and AWS Backup's recovery points (inventories
 * written before they were collected: ami-in-workload-account then reports Backup-made AMIs as not approved, as it
 * used to). The weekly comparison accounts for them.
 */
const RUN_OPTIONAL_COLLECTORS = new Set(['launch-permissions', 'organization', 'backup-recovery-points']);

/**
 * The rules whose data the inventory has. A targeted scan (`scan --rules`) records the collectors it ran
 * (run.collectors); a rule reading one it did not run would judge missing data as "nothing found". Rules
 * asked for by name are then a usage error; otherwise they are left out and recorded.
 */
export function rulesWithData(inventory: Inventory, rules: RuleDefinition[], explicit: boolean): { rules: RuleDefinition[]; notCollected: { ruleId: string; missing: string[] }[] } {
  const ran = inventory.run.collectors;
  if (!ran) return { rules, notCollected: [] };
  const have = new Set(ran);
  const notCollected = rules
    .map((r) => ({ ruleId: r.meta.id, missing: r.meta.reads.filter((c) => !have.has(c) && !RUN_OPTIONAL_COLLECTORS.has(c)) }))
    .filter((r) => r.missing.length > 0);
  if (explicit && notCollected.length) {
    throw new UserError(
      `the inventory lacks data ${notCollected.map((r) => `${r.ruleId} reads (${r.missing.join(', ')})`).join('; ')}: it comes from a targeted scan that collected only ${ran.join(', ')}`,
      { hint: `Leave those rules out of --rules, or scan again with --rules ${notCollected.map((r) => r.ruleId).join(',')} (or without --rules).` },
    );
  }
  const skip = new Set(notCollected.map((r) => r.ruleId));
  return { rules: rules.filter((r) => !skip.has(r.meta.id)), notCollected };
}

/** Judges an inventory. Throws UserError for bad options (unknown rule, bad severity, bad profile template). */
export function evaluate(inventory: Inventory, allowlist: ResolvedAllowlist, options: EvaluateOptions = {}): FindingsDocument {
  const checked = checkEvaluateOptions(options);
  const { overrides } = checked;
  const { rules, notCollected } = rulesWithData(inventory, checked.rules, options.rules !== undefined && options.rules.length > 0);

  const index = buildIndex(inventory);
  const deep = options.deep ?? (inventory.run.parameters['deep'] === true || inventory.images.some((i) => i.launchPermissions !== undefined));
  const ctx = { allowlist, index, options: { deep, imageBlockPublicAccess: options.imageBlockPublicAccess ?? 'block_new_sharing' } } as const;
  const env = {
    ...(options.profileTemplate !== undefined ? { profileTemplate: options.profileTemplate } : {}),
    ...(options.goldenImageNameFilter !== undefined ? { goldenImageNameFilter: options.goldenImageNameFilter } : {}),
    accountName: index.accountName,
    ...(inventory.run.organization ? { organization: { managementAccountId: inventory.run.organization.managementAccountId, region: inventory.run.homeRegion ?? 'us-east-1' } } : {}),
  };
  // Each rule writes its findings' commands now: findings.json stores them, and reports never re-build them.
  const judged = runRules(inventory, ctx, rules, {
    severityThreshold: options.severityThreshold,
    severityOverrides: overrides,
    remediation: { env, allowlist },
  });
  const { errors, belowThresholdIds } = judged;
  // Every finding carries its account's owner (config owners.tag_keys over the account's Organizations tags) and OU path.
  const findings = withOwners(judged.findings, inventory.accounts, allowlist.ownerTagKeys);

  const roleName = options.roleName ?? str(inventory.run.parameters['roleName']) ?? DEFAULT_ROLE_NAME;
  const rolePath = options.rolePath ?? str(inventory.run.parameters['rolePath']);
  return {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    kind: 'amigov.findings',
    run: { ...inventory.run, asOf: allowlist.asOf, configPath: options.configPath ?? inventory.run.configPath },
    allowlist,
    rules: rules.map(({ meta }) => ({ id: meta.id, title: meta.title, severity: overrides[meta.id] ?? meta.severity, description: meta.description, docs: meta.docs })),
    counts: countFindings(findings),
    impact: computeImpact(inventory, index, allowlist, options.horizonDays),
    coverage: summarizeCoverage(inventory.coverage, inventory.accounts),
    accounts: inventory.accounts
      .map((a) => {
        const { owner } = accountOwner(a, allowlist.ownerTagKeys);
        return { accountId: a.accountId, name: a.name, ouPath: a.ouPath, scanned: accountScanned(inventory.coverage, a.accountId), ...(owner !== undefined ? { owner } : {}) };
      })
      .sort((x, y) => x.accountId.localeCompare(y.accountId)),
    findings,
    evaluation: {
      evaluatedAt: (options.now ?? new Date()).toISOString(),
      source: options.source ?? 'evaluate',
      ...(options.inventoryPath !== undefined ? { inventoryPath: options.inventoryPath } : {}),
      scanAsOf: inventory.run.asOf,
      scanConfigPath: inventory.run.configPath,
      rulesRun: rules.map((r) => r.meta.id),
      ...(notCollected.length ? { rulesNotCollected: notCollected } : {}),
      severityThreshold: options.severityThreshold ?? null,
      severityOverrides: overrides,
      deep,
      ruleErrors: errors,
      ...(belowThresholdIds ? { belowThresholdIds } : {}),
    },
    remediation: {
      mode: options.profileTemplate !== undefined ? 'profile' : 'environment',
      ...(options.profileTemplate !== undefined ? { profileTemplate: options.profileTemplate } : {}),
      roleName,
      ...(rolePath !== undefined ? { rolePath } : {}),
    },
  };
}

export interface EvaluateRunInput {
  inventory: Inventory;
  config: PublisherConfig;
  /** YYYY-MM-DD the allowlist is resolved for. */
  asOf: string;
  options?: EvaluateOptions;
}

/** The entry point `amigov scan` and `amigov evaluate` share: resolves the allowlist from the config, then evaluates. */
export function evaluateRun({ inventory, config, asOf, options = {} }: EvaluateRunInput): FindingsDocument {
  const allowlist = resolveAllowlist(config, asOf);
  return evaluate(inventory, allowlist, {
    imageBlockPublicAccess: config.policy_config.image_block_public_access,
    ...options,
  });
}

export function countFindings(findings: Finding[]): FindingsDocument['counts'] {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = {};
  const byAccount: Record<string, number> = {};
  for (const f of findings) {
    bySeverity[f.severity]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    if (f.accountId) byAccount[f.accountId] = (byAccount[f.accountId] ?? 0) + 1;
  }
  return { total: findings.length, byRule, bySeverity, byAccount };
}

/** Coverage as findings.json records it; `accounts` (the inventory's) lets it see accounts with no scanned region. */
export function summarizeCoverage(entries: CoverageEntry[], accounts: Inventory['accounts'] = []): FindingsDocument['coverage'] {
  const s = assessCoverage(entries, accounts);
  return {
    entries,
    counts: s.counts,
    complete: s.complete,
    percent: s.percent,
    empty: s.empty,
    accountsWithoutScannedRegion: s.accountsWithoutScannedRegion,
  };
}

function accountScanned(coverage: CoverageEntry[], accountId: string): 'complete' | 'partial' | 'none' {
  const mine = coverage.filter((c) => c.accountId === accountId);
  const ok = mine.filter((c) => c.status === 'ok').length;
  const failed = mine.filter((c) => c.status === 'access-denied' || c.status === 'error').length;
  if (ok === 0) return 'none';
  return failed ? 'partial' : 'complete';
}

/**
 * What breaks once enforcement is on, computed from the inventory (independent of --rules and the
 * threshold): instances and launch templates whose AMI enforcement refuses, by the layer that stops them.
 * The judgement is the rules' own (src/rules/launch-verdict.ts), seen through the enforcement lens: where the
 * scan got AWS's ImageAllowed, AWS's verdict decides the Allowed AMIs layer (verdictSources counts each kind),
 * and image-allowed-disagreement reports every image where that differs from the findings.
 * Instances whose owner is unknown, and SSM or unresolved launch template images, are counted apart.
 */
export function computeImpact(inventory: Inventory, index: InventoryIndex, allowlist: ResolvedAllowlist, horizonDays?: number): FindingsDocument['impact'] {
  const accounts = new Set<string>();
  let instances = 0;
  let both = 0;
  let scpOnly = 0;
  let declarativeOnly = 0;
  let instancesUnknown = 0;
  const sources = { aws: 0, amigov: 0 };
  for (const inst of index.liveInstances) {
    const { outcome, sources: s } = instanceEnforcement(index, allowlist, inst);
    sources.aws += s.aws;
    sources.amigov += s.amigov;
    if (outcome.status === 'unknown') instancesUnknown++;
    if (outcome.status !== 'refused') continue;
    instances++;
    accounts.add(inst.accountId);
    if (outcome.blockedBy === 'scp') scpOnly++;
    else if (outcome.blockedBy === 'declarative-policy') declarativeOnly++;
    else both++;
  }
  let templates = 0;
  let templatesUnknown = 0;
  for (const lt of inventory.launchTemplates) {
    const { outcome, sources: s } = launchTemplateEnforcement(index, allowlist, lt);
    sources.aws += s.aws;
    sources.amigov += s.amigov;
    if (outcome.status === 'refused') {
      templates++;
      accounts.add(lt.accountId);
    } else if (outcome.status === 'unknown') templatesUnknown++;
  }
  return {
    instancesAffected: instances,
    accountsAffected: accounts.size,
    launchTemplatesAffected: templates,
    instancesByLayer: { declarativePolicyAndScp: both, scpOnly, ...(declarativeOnly ? { declarativePolicyOnly: declarativeOnly } : {}) },
    instancesCannotVerify: instancesUnknown,
    verdictSources: sources,
    launchTemplatesCannotVerify: templatesUnknown,
    // Every launch path, per account, per OU and over time, from the same judgement (src/evaluate/impact.ts).
    blastRadius: computeBlastRadius(inventory, index, allowlist, horizonDays !== undefined ? { horizonDays } : {}).radius,
  };
}
