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
import {
  buildIndex,
  enforcementVerdict,
  launchTemplateVersions,
  resolveImageById,
  resolveInstanceImage,
  type InventoryIndex,
} from '../rules/context.js';
import type { RuleDefinition } from '../rules/types.js';
import { validateProfileTemplate } from '../remediation/commands.js';
import { DEFAULT_ROLE_NAME } from '../remediation/script.js';

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

/** Judges an inventory. Throws UserError for bad options (unknown rule, bad severity, bad profile template). */
export function evaluate(inventory: Inventory, allowlist: ResolvedAllowlist, options: EvaluateOptions = {}): FindingsDocument {
  const { rules, overrides } = checkEvaluateOptions(options);

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
  const { findings, errors, belowThresholdIds } = runRules(inventory, ctx, rules, {
    severityThreshold: options.severityThreshold,
    severityOverrides: overrides,
    remediation: { env, allowlist },
  });

  const roleName = options.roleName ?? str(inventory.run.parameters['roleName']) ?? DEFAULT_ROLE_NAME;
  const rolePath = options.rolePath ?? str(inventory.run.parameters['rolePath']);
  return {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    kind: 'amigov.findings',
    run: { ...inventory.run, asOf: allowlist.asOf, configPath: options.configPath ?? inventory.run.configPath },
    allowlist,
    rules: rules.map(({ meta }) => ({ id: meta.id, title: meta.title, severity: overrides[meta.id] ?? meta.severity, description: meta.description, docs: meta.docs })),
    counts: countFindings(findings),
    impact: computeImpact(inventory, index, allowlist),
    coverage: summarizeCoverage(inventory.coverage, inventory.accounts),
    accounts: inventory.accounts
      .map((a) => ({ accountId: a.accountId, name: a.name, ouPath: a.ouPath, scanned: accountScanned(inventory.coverage, a.accountId) }))
      .sort((x, y) => x.accountId.localeCompare(y.accountId)),
    findings,
    evaluation: {
      evaluatedAt: (options.now ?? new Date()).toISOString(),
      source: options.source ?? 'evaluate',
      ...(options.inventoryPath !== undefined ? { inventoryPath: options.inventoryPath } : {}),
      scanAsOf: inventory.run.asOf,
      scanConfigPath: inventory.run.configPath,
      rulesRun: rules.map((r) => r.meta.id),
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
 * threshold): instances and launch templates whose AMI enforcement refuses, by the layer that stops them,
 * judged with AWS's ImageAllowed where the scan got one and amigov's verdict elsewhere (enforcementVerdict;
 * verdictSources counts the image verdicts of each kind).
 * Instances whose owner is unknown, and SSM or unresolved launch template images, are counted apart.
 */
export function computeImpact(inventory: Inventory, index: InventoryIndex, allowlist: ResolvedAllowlist): FindingsDocument['impact'] {
  const accounts = new Set<string>();
  let instances = 0;
  let both = 0;
  let scpOnly = 0;
  let declarativeOnly = 0;
  let instancesUnknown = 0;
  const sources = { aws: 0, amigov: 0 };
  for (const inst of index.liveInstances) {
    const img = resolveInstanceImage(index, inst);
    if (!img.ownerId && !img.ownerAlias) {
      instancesUnknown++;
      continue;
    }
    const verdict = enforcementVerdict(allowlist, index, inst.accountId, inst.region, img, inst.image.imageAllowed);
    if (verdict.unverified) {
      instancesUnknown++;
      continue;
    }
    sources[verdict.source]++;
    if (!verdict.stopped) continue;
    instances++;
    accounts.add(inst.accountId);
    if (verdict.blockedBy === 'scp') scpOnly++;
    else if (verdict.blockedBy === 'declarative-policy') declarativeOnly++;
    else both++;
  }
  let templates = 0;
  let templatesUnknown = 0;
  for (const lt of inventory.launchTemplates) {
    let broken = false;
    let unverifiable = false;
    for (const v of launchTemplateVersions(lt)) {
      if (v.image.kind === 'ssm') unverifiable = true;
      if (v.image.kind !== 'ami') continue;
      const img = resolveImageById(index, lt.region, v.image.imageId);
      // A failed lookup says nothing about the image: unverifiable, not broken.
      if (!img || img.availability === 'unverified') unverifiable = true;
      else if (img.availability !== 'ok') broken = true;
      else {
        // ImageAllowed is relative to the account that described the image: only the template's own account's counts.
        const aws = img.record?.seenFromAccountId === lt.accountId ? img.record.imageAllowed : undefined;
        const verdict = enforcementVerdict(allowlist, index, lt.accountId, lt.region, img, aws);
        if (verdict.unverified) unverifiable = true;
        else {
          sources[verdict.source]++;
          if (verdict.stopped) broken = true;
        }
      }
    }
    if (broken) {
      templates++;
      accounts.add(lt.accountId);
    } else if (unverifiable) templatesUnknown++;
  }
  return {
    instancesAffected: instances,
    accountsAffected: accounts.size,
    launchTemplatesAffected: templates,
    instancesByLayer: { declarativePolicyAndScp: both, scpOnly, ...(declarativeOnly ? { declarativePolicyOnly: declarativeOnly } : {}) },
    instancesCannotVerify: instancesUnknown,
    verdictSources: sources,
    launchTemplatesCannotVerify: templatesUnknown,
  };
}
