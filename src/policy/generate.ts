/**
 * From the config (as of a date) to the four policy documents, checked against the documented syntax,
 * the size quotas and each other before anything is written. Pure: the CLI writes the files.
 */
import type { EnforcementMode, PublisherConfig } from '../config/schema.js';
import { criteriaOf, resolveAllowlist, type ResolvedAllowlist } from '../config/allowlist.js';
import { UserError } from '../errors.js';
import {
  DECLARATIVE_POLICY_MAX_CHARS,
  IAM_MANAGED_POLICY_MAX_CHARS,
  MAX_PROVIDERS_PER_CRITERION,
  SCP_MAX_CHARS,
  cliCriteriaInputSchema,
  declarativePolicySchema,
  describeIssues,
  iamPolicySchema,
  scpSchema,
} from './syntax.js';
import { buildDeclarativePolicy, exceptionMessageFor, summarizeDeclarativePolicy } from './declarative.js';
import { buildScp, summarizeScp, type ScpPublisherExemption } from './scp.js';
import { buildProdAmiTagPolicy } from './tag-policy.js';
import { buildCliCriteria, summarizeCliCriteria } from './cli-criteria.js';
import { TooManyCriteriaError, TooManyProvidersError, compareProviderSets, criteriaProviders, normalizeProviders } from './providers.js';
import { DIST_FILES, compactJson, minifiedLength, prettyJson, type DistFileKey } from './files.js';

export interface GenerateOptions {
  /** Allowed AMIs state; defaults to policy_config.enforcement_mode. */
  mode?: EnforcementMode;
  /** Date the allowlist is resolved for (YYYY-MM-DD, UTC). */
  asOf: string;
  scpExemption?: ScpPublisherExemption;
}

export interface GeneratedFile {
  key: DistFileKey;
  name: string;
  /** Exactly what is written to disk. */
  content: string;
  value: unknown;
  /** Characters AWS counts: the file as written for Organizations policies, minified for IAM. */
  size: number;
  limit: number;
  limitName: string;
}

export interface GenerationResult {
  asOf: string;
  mode: EnforcementMode;
  allowlist: ResolvedAllowlist;
  /** Approved providers in API spelling, sorted. */
  providers: string[];
  /** Accounts spared by the SCP's creation and sharing statements. */
  publisherAccounts: string[];
  scpExemption: ScpPublisherExemption;
  criteriaCount: number;
  files: GeneratedFile[];
  warnings: string[];
}

export class PolicyGenerationError extends UserError {
  constructor(readonly problems: string[], hint?: string) {
    super(
      problems.length === 1 ? `cannot generate the policies: ${problems[0]}` : `cannot generate the policies:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      { hint: hint ?? 'Nothing was written. Fix config/ami_publishers.json and run `amigov policy generate` again.' },
    );
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

function scpTooLarge(size: number, providers: string[], publishers: string[], exemption: ScpPublisherExemption, exemptPrincipalArns: readonly string[]): PolicyGenerationError {
  const over = size - SCP_MAX_CHARS;
  const lines = [
    `${DIST_FILES.scp} would be ${fmt(size)} characters, ${fmt(over)} over the ${fmt(SCP_MAX_CHARS)}-character limit of a service control policy ` +
      `(${providers.length} approved providers in the ec2:Owner list` +
      (exemption === 'principal-account' ? `, and ${publishers.length} publisher accounts in each of the two aws:PrincipalAccount exemptions)` : ')'),
  ];
  const hints: string[] = ['Nothing was written. What to do:', '  - remove providers that are no longer needed from config/ami_publishers.json (expired exceptions, retired vendors);'];
  if (exemption === 'principal-account') {
    const alt = minifiedLength(buildScp({ providers, publisherAccounts: publishers, exemption: 'ou', exemptPrincipalArns }));
    hints.push(
      `  - or generate with --scp-publisher-exemption ou: the SCP then carries the account list once (${fmt(alt)} characters, ` +
        (alt <= SCP_MAX_CHARS ? 'which fits' : `still ${fmt(alt - SCP_MAX_CHARS)} over`) +
        ') and must be attached to the workload OUs only, not to the OU of the publisher accounts;',
    );
  }
  hints.push(
    '  - the launch deny cannot be split across several SCPs: each would deny the owners the others allow. If the allowlist must be this long,',
    '    enforce it with the declarative policy alone (Allowed AMIs holds up to 10 x 200 providers) and keep an SCP without the launch statement.',
  );
  return new PolicyGenerationError(lines, hints.join('\n'));
}

export function generatePolicies(cfg: PublisherConfig, opts: GenerateOptions): GenerationResult {
  const allowlist = resolveAllowlist(cfg, opts.asOf);
  const mode = opts.mode ?? cfg.policy_config.enforcement_mode;
  const exemption = opts.scpExemption ?? 'principal-account';
  const providers = normalizeProviders(allowlist.approvedProviders);
  const publisherAccounts = normalizeProviders(allowlist.publishers.map((p) => p.accountId));
  // The declarative policy and the CLI criteria carry policy_config.image_criteria (or one criterion of every
  // provider); the SCP judges owners only and carries the whole allowlist.
  const criteria = criteriaOf(allowlist);
  const allowedAmisProviders = criteriaProviders(criteria);
  const warnings: string[] = [];

  let declarative;
  let cli;
  try {
    declarative = buildDeclarativePolicy({
      mode,
      providers,
      criteria,
      imageBlockPublicAccess: cfg.policy_config.image_block_public_access,
      exceptionMessage: exceptionMessageFor(cfg.policy_config.exception_message, cfg.policy_config.exception_request_url),
    });
    cli = buildCliCriteria(providers, criteria);
  } catch (err) {
    if (err instanceof TooManyCriteriaError) {
      throw new PolicyGenerationError([err.message], 'Nothing was written. Merge criteria in policy_config.image_criteria, or name fewer providers in each (allowed_image_providers).');
    }
    if (err instanceof TooManyProvidersError) {
      throw new PolicyGenerationError(
        [err.message],
        'Nothing was written. Remove providers from config/ami_publishers.json; approving a whole alias (provider_aliases: amazon, aws-marketplace) can replace many accounts.',
      );
    }
    throw err;
  }
  const exemptPrincipalArns = cfg.policy_config.scp_exempt_principal_arns;
  const scp = buildScp({ providers, publisherAccounts, exemption, exemptPrincipalArns, remediationRoleName: cfg.policy_config.remediation_role_name });
  const propagationRole = cfg.policy_config.tag_propagation_role;
  const tagPolicy = buildProdAmiTagPolicy({ tag: allowlist.approvedAmiTag, owners: providers, ...(propagationRole ? { propagationRole } : {}) });

  // Our own output must match the documented syntax; a mismatch is a bug in amigov, not a user error.
  for (const [name, schema, value] of [
    [DIST_FILES.declarative, declarativePolicySchema, declarative],
    [DIST_FILES.scp, scpSchema, scp],
    [DIST_FILES.tagPolicy, iamPolicySchema, tagPolicy],
    [DIST_FILES.cliCriteria, cliCriteriaInputSchema, cli],
  ] as const) {
    const r = schema.safeParse(value);
    if (!r.success) throw new Error(`generated ${name} does not match the documented syntax: ${describeIssues(r.error).join('; ')}`);
  }

  const files: GeneratedFile[] = [
    { key: 'declarative', name: DIST_FILES.declarative, content: compactJson(declarative), value: declarative, size: 0, limit: DECLARATIVE_POLICY_MAX_CHARS, limitName: 'declarative policy' },
    { key: 'scp', name: DIST_FILES.scp, content: compactJson(scp), value: scp, size: 0, limit: SCP_MAX_CHARS, limitName: 'service control policy' },
    { key: 'tagPolicy', name: DIST_FILES.tagPolicy, content: prettyJson(tagPolicy), value: tagPolicy, size: minifiedLength(tagPolicy), limit: IAM_MANAGED_POLICY_MAX_CHARS, limitName: 'IAM managed policy' },
    { key: 'cliCriteria', name: DIST_FILES.cliCriteria, content: prettyJson(cli), value: cli, size: minifiedLength(cli), limit: Number.POSITIVE_INFINITY, limitName: 'CLI input' },
  ];
  for (const f of files) if (f.key === 'declarative' || f.key === 'scp') f.size = f.content.length;

  const problems: string[] = [];
  const dp = files[0]!;
  if (dp.size > dp.limit) {
    problems.push(
      `${dp.name} would be ${fmt(dp.size)} characters, ${fmt(dp.size - dp.limit)} over the ${fmt(dp.limit)}-character limit of a declarative policy ` +
        `(${providers.length} providers; each account id costs about 15 characters)`,
    );
  }
  const scpFile = files[1]!;
  if (scpFile.size > scpFile.limit) {
    if (problems.length === 0) throw scpTooLarge(scpFile.size, providers, publisherAccounts, exemption, exemptPrincipalArns);
    problems.push(`${scpFile.name} would be ${fmt(scpFile.size)} characters, ${fmt(scpFile.size - scpFile.limit)} over the ${fmt(scpFile.limit)}-character SCP limit`);
  }
  const tag = files[2]!;
  if (tag.size > tag.limit) problems.push(`${tag.name} would be ${fmt(tag.size)} characters, over the ${fmt(tag.limit)}-character IAM managed policy limit`);
  if (problems.length) throw new PolicyGenerationError(problems, 'Nothing was written. Remove providers (or approved tag values) from config/ami_publishers.json.');

  // Cross-check what each document carries, read back the way `policy validate` reads it.
  const fromDp = summarizeDeclarativePolicy(declarative);
  const fromScp = summarizeScp(scp);
  for (const [name, list, want] of [
    [DIST_FILES.declarative, fromDp.providers, allowedAmisProviders],
    [DIST_FILES.scp, fromScp.providers ?? [], providers],
    [DIST_FILES.cliCriteria, summarizeCliCriteria(cli), allowedAmisProviders],
  ] as const) {
    const cmp = compareProviderSets(want, list);
    if (!cmp.equal) throw new Error(`generated ${name} does not carry the allowlist (missing ${cmp.missing.join(',')}; extra ${cmp.extra.join(',')})`);
  }

  if (providers.length > MAX_PROVIDERS_PER_CRITERION) {
    warnings.push(
      `${providers.length} providers are split across ${fromDp.criteriaCount} criteria of at most ${MAX_PROVIDERS_PER_CRITERION}. ` +
        'The EC2 API reference also describes the limit as "up to a total of 200 values for all imageProviders"; if AWS rejects the policy, shorten the allowlist.',
    );
  }
  if (exemption === 'ou') {
    warnings.push(`${DIST_FILES.scp} has no publisher exemption: attach it to the workload OUs only, never to the OU that holds the publisher accounts (${publisherAccounts.join(', ')}).`);
  }
  if (cfg.policy_config.image_block_public_access === 'unblocked') {
    warnings.push('policy_config.image_block_public_access is "unblocked": the declarative policy does not block public AMI sharing.');
  }
  return { asOf: opts.asOf, mode, allowlist, providers, publisherAccounts, scpExemption: exemption, criteriaCount: fromDp.criteriaCount, files, warnings };
}
