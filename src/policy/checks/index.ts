/**
 * The checks of `amigov policy validate`, in the order they are reported. This list is the one place a
 * check is added: give it a stable id (and a row in docs/policies.md), say what it needs and provides, and
 * keep `run` small and pure. The runner (runner.ts) reports a check whose facts are missing as skipped.
 */
import type { z } from 'zod';
import {
  DECLARATIVE_POLICY_MAX_CHARS,
  IAM_MANAGED_POLICY_MAX_CHARS,
  SCP_MAX_CHARS,
  cliCriteriaInputSchema,
  declarativePolicySchema,
  describeIssues,
  iamPolicySchema,
  scpSchema,
} from '../syntax.js';
import { summarizeDeclarativePolicy } from '../declarative.js';
import { remediationRolePattern, SCP_SIDS, summarizeScp } from '../scp.js';
import { TAG_POLICY_SIDS, propagationRoleArnPattern, summarizeTagPolicy } from '../tag-policy.js';
import { cliCriteriaAsCriteria, summarizeCliCriteria } from '../cli-criteria.js';
import { criteriaOf } from '../../config/allowlist.js';
import { criteriaProviders } from '../providers.js';
import type { ImageCriterion } from '../../model/inventory.js';
import { compareProviderSets, normalizeProviders } from '../providers.js';
import { plural, thousands } from '../../util/format.js';
import { DIST_FILES, minifiedLength, type DistFileKey } from '../files.js';
import type { ConfigFacts, FactKey, JsonFile, ReadFile } from './facts.js';
import { check, fail, pass, warn, type AnyCheck, type Outcome } from './runner.js';

const fmt = thousands;

function describeDiff(cmp: { missing: string[]; extra: string[] }, missingWhat: string, extraWhat: string): string[] {
  const out: string[] = [];
  if (cmp.missing.length) out.push(`${missingWhat}: ${cmp.missing.join(', ')}`);
  if (cmp.extra.length) out.push(`${extraWhat}: ${cmp.extra.join(', ')}`);
  return out;
}

// ----- generated files: present and parseable (one check of each kind per file) -----

function jsonCheck(key: DistFileKey): AnyCheck {
  const name = DIST_FILES[key];
  const read = `${key}.read` as `${DistFileKey}.read`;
  const json = `${key}.json` as `${DistFileKey}.json`;
  return check({
    id: `file.${key}.json`,
    section: 'policies',
    verifies: `${name} is in the dist folder and is JSON`,
    needs: [read],
    provides: { [json]: `${name} as JSON` } as Record<`${DistFileKey}.json`, string>,
    run: (f): Outcome<`${DistFileKey}.json`> => {
      const file: ReadFile = f[read];
      if (file.text === undefined) {
        return fail(`${file.path}: ${file.error === 'ENOENT' ? 'missing' : `cannot read (${file.error})`}`, ['run `amigov policy generate` first (or pass --dist DIR)']);
      }
      let value: unknown;
      try {
        value = JSON.parse(file.text);
      } catch (err) {
        return fail(`${file.path}: invalid JSON (${(err as Error).message})`);
      }
      const parsed: JsonFile = { name: file.name, path: file.path, text: file.text, value };
      return { ...pass(`valid JSON: ${file.path}`), provide: { [json]: parsed } };
    },
  });
}

function syntaxCheck<S extends z.ZodType, P extends FactKey>(
  key: DistFileKey,
  schema: S,
  what: string,
  provides: { [K in P]: string },
  provide: (data: z.infer<S>) => Outcome<P>['provide'],
): AnyCheck {
  const name = DIST_FILES[key];
  const json = `${key}.json` as `${DistFileKey}.json`;
  return check({
    id: `file.${key}.syntax`,
    section: 'policies',
    verifies: `${name} matches the ${what} syntax`,
    needs: [json],
    provides,
    run: (f): Outcome<P> => {
      const r = schema.safeParse(f[json].value);
      if (!r.success) return fail(`${name} is not a valid ${what}`, describeIssues(r.error));
      return { ...pass(`${name}: ${what} syntax and required fields`), provide: provide(r.data) };
    },
  });
}

/** The allowlist a generated file carries against the config's, as of the date. */
function matchesConfig(config: ConfigFacts, name: string, list: string[], expected: string[] = config.expected): Outcome {
  const { allowlist, asOf } = config;
  const cmp = compareProviderSets(expected, list);
  if (cmp.equal) return pass(`${name} matches the config as of ${asOf} (${plural(expected.length, 'provider')})`);
  const expiredIds = new Set(allowlist.expiredExceptions.map((e) => e.accountId));
  const expiredExtra = cmp.extra.filter((p) => expiredIds.has(p));
  return fail(`${name} does not match the config's allowlist as of ${asOf}`, [
    ...describeDiff(cmp, 'approved in the config but missing from the policy', 'in the policy but not approved by the config'),
    ...(expiredExtra.length ? [`${expiredExtra.join(', ')}: exception${expiredExtra.length === 1 ? '' : 's'} expired; the policy still grants ${expiredExtra.length === 1 ? 'it' : 'them'}`] : []),
    'run `amigov policy generate` to regenerate the policies from the config',
  ]);
}

/**
 * The criteria a file carries, compared with the config's, field by field after the 200-provider split is
 * undone (providers are compared by the provider checks): same criteria, same names, codes and ages.
 */
function criteriaMatch(config: ConfigFacts, name: string, found: ImageCriterion[]): Outcome {
  const key = (c: ImageCriterion) =>
    JSON.stringify([
      [...(c.imageNames ?? [])].sort(),
      [...(c.marketplaceProductCodes ?? [])].sort(),
      c.creationDateCondition?.maximumDaysSinceCreated ?? null,
      c.deprecationTimeCondition?.maximumDaysSinceDeprecated ?? null,
    ]);
  const describe = (k: string) => {
    const [names, codes, created, deprecated] = JSON.parse(k) as [string[], string[], number | null, number | null];
    const parts = [names.length ? `names ${names.join(', ')}` : '', codes.length ? `product codes ${codes.join(', ')}` : '', created !== null ? `created within ${created} days` : '', deprecated !== null ? `deprecated within ${deprecated} days` : ''].filter(Boolean);
    return parts.join('; ') || 'providers only';
  };
  const want = [...new Set(criteriaOf(config.allowlist).map(key))].sort();
  const got = [...new Set(found.map(key))].sort();
  const missing = want.filter((k) => !got.includes(k));
  const extra = got.filter((k) => !want.includes(k));
  if (!missing.length && !extra.length) return pass(`${name} carries the config's image criteria (${plural(want.length, 'criterion', 'criteria')})`);
  return fail(`${name} does not carry the config's image criteria as of ${config.asOf}`, [
    ...missing.map((k) => `in the config but not in the policy: ${describe(k)}`),
    ...extra.map((k) => `in the policy but not in the config: ${describe(k)}`),
    'run `amigov policy generate` to regenerate the policies from the config',
  ]);
}

/** An Organizations policy's size: Organizations stores and counts a policy sent by the CLI exactly as written. */
function sizeOfOrganizationsPolicy(file: JsonFile, limit: number, what: string): Outcome {
  const asWritten = file.text.length;
  const minified = minifiedLength(file.value);
  if (minified > limit) {
    return fail(`${file.name} is ${fmt(minified)} characters without whitespace, ${fmt(minified - limit)} over the ${fmt(limit)}-character ${what} limit`, [
      'shorten the allowlist; see docs/policies.md ("Size limits")',
    ]);
  }
  if (asWritten > limit) {
    return fail(
      `${file.name} is ${fmt(asWritten)} characters as written (${fmt(minified)} without whitespace); the CLI uploads it as written, over the ${fmt(limit)}-character limit`,
      ['regenerate it with `amigov policy generate` (which writes it compact), or upload a minified copy'],
    );
  }
  return pass(`${what} size: ${fmt(asWritten)} of ${fmt(limit)} characters`);
}

export const CHECKS: readonly AnyCheck[] = [
  // ----- configuration -----
  check({
    id: 'config.valid',
    section: 'config',
    verifies: 'the config matches its schema',
    needs: ['config'],
    run: ({ config }) => pass(`valid configuration: ${config.configPath}`),
  }),
  check({
    id: 'config.ops-publisher',
    section: 'config',
    verifies: 'the config names the ops publisher account',
    needs: ['config'],
    run: ({ config }) => pass(`ops publisher: ${config.cfg.ops_publisher_account.account_id}`),
  }),
  check({
    id: 'config.vendor-publishers',
    section: 'config',
    verifies: 'the config lists its vendor publisher accounts',
    needs: ['config'],
    run: ({ config }) => pass(`vendor publishers: ${config.cfg.vendor_publisher_accounts.length}`),
  }),
  check({
    id: 'config.exceptions-not-expired',
    section: 'config',
    verifies: 'no exception in the config has expired as of the date',
    needs: ['config'],
    run: ({ config: { allowlist, configPath, asOf } }) =>
      allowlist.expiredExceptions.length
        ? fail(`${plural(allowlist.expiredExceptions.length, 'exception')} in ${configPath} expired as of ${asOf}`, [
            ...allowlist.expiredExceptions.map((e) => `${e.accountId} (${e.reason}, ${e.ticket}) expired ${e.expiryDate}, ${plural(-e.daysLeft, 'day')} ago`),
            'remove each from exception_accounts, or renew it with a new approval and expiry date, then run `amigov policy generate`',
          ])
        : pass(`no expired exceptions as of ${asOf} (${allowlist.activeExceptions.length} active)`),
  }),
  check({
    id: 'config.exception.<account>',
    section: 'config',
    verifies: 'an active exception does not expire within expiry_warning_days',
    needs: ['config'],
    run: ({ config: { allowlist } }) =>
      allowlist.activeExceptions.map((e) => ({
        item: e.accountId,
        ...(e.daysLeft <= allowlist.warningDays
          ? warn(`exception ${e.accountId} (${e.reason}) expires ${e.expiryDate}, in ${plural(e.daysLeft, 'day')}`)
          : pass(`active exception: ${e.accountId} expires ${e.expiryDate} (${e.reason})`)),
      })),
  }),

  // ----- generated files: present, JSON, and the documented syntax -----
  jsonCheck('declarative'),
  jsonCheck('scp'),
  jsonCheck('tagPolicy'),
  jsonCheck('cliCriteria'),
  syntaxCheck(
    'declarative',
    declarativePolicySchema,
    'EC2 declarative policy',
    {
      declarative: `a valid ${DIST_FILES.declarative}`,
      'declarative.state': `ec2_attributes.allowed_images_settings.state in ${DIST_FILES.declarative}`,
      'declarative.exception-message': `ec2_attributes.exception_message in ${DIST_FILES.declarative}`,
    },
    (policy) => {
      const s = summarizeDeclarativePolicy(policy);
      return { declarative: s, 'declarative.state': s.state, 'declarative.exception-message': s.exceptionMessage };
    },
  ),
  syntaxCheck(
    'scp',
    scpSchema,
    'service control policy',
    { scp: `a valid ${DIST_FILES.scp}`, 'scp.owners': `ec2:Owner list in the launch statement of ${DIST_FILES.scp}` },
    (policy) => {
      const s = summarizeScp(policy);
      return { scp: s, 'scp.owners': s.providers };
    },
  ),
  syntaxCheck('tagPolicy', iamPolicySchema, 'IAM policy', { tagPolicy: `a valid ${DIST_FILES.tagPolicy}` }, (policy) => ({ tagPolicy: policy })),
  syntaxCheck(
    'cliCriteria',
    cliCriteriaInputSchema,
    'replace-image-criteria-in-allowed-images-settings input',
    { cliCriteria: `a valid ${DIST_FILES.cliCriteria}` },
    (input) => ({ cliCriteria: input }),
  ),

  // ----- required content -----
  check({
    id: 'declarative.required-fields',
    section: 'policies',
    verifies: 'the declarative policy has every required setting',
    needs: ['declarative'],
    run: ({ declarative: dp }) => {
      const missing: string[] = [];
      if (!dp.state) missing.push('ec2_attributes.allowed_images_settings.state');
      if (dp.criteriaCount === 0) missing.push('ec2_attributes.allowed_images_settings.image_criteria');
      if (!dp.imageBlockPublicAccess) missing.push('ec2_attributes.image_block_public_access.state');
      if (!dp.exceptionMessage) missing.push('ec2_attributes.exception_message');
      return missing.length ? fail(`${DIST_FILES.declarative} lacks required settings`, missing) : pass(`${DIST_FILES.declarative}: all required settings present`);
    },
  }),
  check({
    id: 'declarative.operators',
    section: 'policies',
    verifies: 'the declarative policy sets each value with @@assign',
    needs: ['declarative'],
    run: ({ declarative: dp }) =>
      dp.nonAssignOperators.length
        ? warn('settings that merge with inherited policies instead of setting the value; the effective allowlist may differ', dp.nonAssignOperators)
        : pass(`${DIST_FILES.declarative}: every setting uses @@assign`),
  }),
  check({
    id: 'scp.required-statements',
    section: 'policies',
    verifies: 'the SCP has its launch, creation and sharing statements',
    needs: ['scp'],
    run: ({ scp }) =>
      scp.missingStatements.length || !scp.providers
        ? fail(`${DIST_FILES.scp} lacks required statements`, [
            ...scp.missingStatements.map((s) => `statement ${s} is missing`),
            ...(scp.providers || scp.missingStatements.length ? [] : ['DenyEC2LaunchWithNonApprovedAMIs has no StringNotEquals ec2:Owner list']),
          ])
        : pass(`${DIST_FILES.scp}: launch, creation and sharing statements present`),
  }),

  // ----- allowlist consistency -----
  check({
    id: 'allowlist.declarative-vs-scp',
    section: 'policies',
    verifies: 'the declarative policy and the SCP carry the same allowlist',
    needs: ['config', 'declarative', 'scp.owners'],
    run: ({ config, declarative: dp, 'scp.owners': owners }) => {
      // policy_config.image_criteria may name fewer providers than the allowlist: the SCP then carries more.
      const narrowedOut = new Set(config.expected.filter((p) => !criteriaProviders(criteriaOf(config.allowlist)).includes(p)));
      const raw = compareProviderSets(dp.providers, owners);
      const cmp = { ...raw, extra: raw.extra.filter((p) => !narrowedOut.has(p)) };
      cmp.equal = cmp.missing.length === 0 && cmp.extra.length === 0;
      return cmp.equal
        ? pass(`allowlist consistency: both policies carry the same ${plural(dp.providers.length, 'provider')}`)
        : fail('the declarative policy and the SCP carry different allowlists', [
            ...describeDiff(cmp, 'only in the declarative policy', 'only in the SCP'),
            'regenerate both with `amigov policy generate` instead of editing them by hand',
          ]);
    },
  }),
  check({
    id: 'allowlist.declarative-vs-config',
    section: 'policies',
    verifies: "the declarative policy carries the config's allowlist as of the date",
    needs: ['config', 'declarative'],
    run: ({ config, declarative: dp }) => matchesConfig(config, DIST_FILES.declarative, dp.providers, criteriaProviders(criteriaOf(config.allowlist))),
  }),
  check({
    id: 'allowlist.scp-vs-config',
    section: 'policies',
    verifies: "the SCP carries the config's allowlist as of the date",
    needs: ['config', 'scp.owners'],
    run: ({ config, 'scp.owners': owners }) => matchesConfig(config, DIST_FILES.scp, owners),
  }),
  check({
    id: 'allowlist.cli-vs-config',
    section: 'policies',
    verifies: "the Allowed AMIs CLI criteria carry the config's allowlist as of the date",
    needs: ['config', 'cliCriteria'],
    run: ({ config, cliCriteria }) => matchesConfig(config, DIST_FILES.cliCriteria, summarizeCliCriteria(cliCriteria), criteriaProviders(criteriaOf(config.allowlist))),
  }),
  check({
    id: 'criteria.declarative-vs-config',
    section: 'policies',
    verifies: "the declarative policy's image criteria (names, product codes, ages) are the config's policy_config.image_criteria",
    needs: ['config', 'declarative'],
    run: ({ config, declarative: dp }) => criteriaMatch(config, DIST_FILES.declarative, dp.criteria),
  }),
  check({
    id: 'criteria.cli-vs-config',
    section: 'policies',
    verifies: "the Allowed AMIs CLI criteria's names, product codes and ages are the config's policy_config.image_criteria",
    needs: ['config', 'cliCriteria'],
    run: ({ config, cliCriteria }) => criteriaMatch(config, DIST_FILES.cliCriteria, cliCriteriaAsCriteria(cliCriteria)),
  }),
  check({
    id: 'scp.publisher-exemption',
    section: 'policies',
    verifies: "the SCP exempts only the config's publishers",
    needs: ['config', 'scp'],
    run: ({ config, scp }) => {
      const publishers = normalizeProviders(config.allowlist.publishers.map((p) => p.accountId));
      const present = (
        [
          ['creation', scp.creationExempt],
          ['sharing', scp.sharingExempt],
        ] as const
      ).filter(([, l]) => l !== undefined);
      if (present.length === 0) return pass('SCP has no publisher exemption (generated with --scp-publisher-exemption ou): attach it to workload OUs only');
      const bad = present.flatMap(([what, l]) => {
        const cmp = compareProviderSets(publishers, l ?? []);
        return cmp.equal ? [] : describeDiff(cmp, `${what} statement does not exempt publisher`, `${what} statement exempts non-publisher`);
      });
      return bad.length
        ? fail("the SCP exempts other accounts than the config's publishers", bad)
        : pass(`SCP spares the ${plural(publishers.length, 'publisher account')} (aws:PrincipalAccount)`);
    },
  }),
  check({
    id: 'scp.remediation-exemption',
    section: 'policies',
    verifies: "the SCP lets amigov remediate's role make AMIs private (aws:PrincipalArn, any partition)",
    needs: ['config', 'scp'],
    run: ({ config, scp }) => {
      const name = config.cfg.policy_config.remediation_role_name;
      const want = remediationRolePattern(name);
      const have = scp.sharingRoleExempt ?? [];
      return have.includes(want)
        ? pass(`SCP spares the remediation role ${name} in ${SCP_SIDS.sharing} (ArnNotLike aws:PrincipalArn ${want})`)
        : fail(`the SCP would deny amigov remediate's make-private fix (ec2:ModifyImageAttribute) to the role ${name} outside the publisher accounts`, [
            `${SCP_SIDS.sharing} has ${have.length ? `ArnNotLike aws:PrincipalArn ${have.join(', ')}` : 'no aws:PrincipalArn exemption'}; expected ${want}`,
            'Regenerate with amigov policy generate (policy_config.remediation_role_name names the role).',
          ]);
    },
  }),

  // ----- modes and settings -----
  check({
    id: 'declarative.enforcement-mode',
    section: 'policies',
    verifies: "the declarative policy's Allowed AMIs state",
    needs: ['config', 'declarative.state'],
    run: ({ config, 'declarative.state': state }) => {
      const cfgMode = config.cfg.policy_config.enforcement_mode;
      return pass(`enforcement mode: ${state}${state === cfgMode ? '' : ` (the config's default is ${cfgMode})`}`);
    },
  }),
  check({
    id: 'declarative.public-ami-blocking',
    section: 'policies',
    verifies: 'image block public access in the declarative policy is what the config asks',
    needs: ['config', 'declarative'],
    run: ({ config, declarative: dp }) => {
      const want = config.cfg.policy_config.image_block_public_access;
      const have = dp.imageBlockPublicAccess;
      if (have !== want) {
        return fail(`public AMI blocking is ${have ? `"${have}"` : 'not configured'} in ${DIST_FILES.declarative}; the config asks for "${want}"`);
      }
      return want === 'block_new_sharing' ? pass('public AMI blocking: block_new_sharing') : warn('public AMI blocking is off (unblocked), as the config asks');
    },
  }),
  check({
    id: 'declarative.exception-message',
    section: 'policies',
    verifies: 'the exception message includes the exception request URL',
    needs: ['config', 'declarative.exception-message'],
    run: ({ config, 'declarative.exception-message': message }) => {
      const url = config.cfg.policy_config.exception_request_url;
      return message.includes(url)
        ? pass('exception message includes the exception request URL')
        : warn(`the exception message does not include ${url}: denied users will not learn how to ask for an exception`);
    },
  }),
  check({
    id: 'tag-policy.approved-tag',
    section: 'policies',
    verifies: "the production tag policy checks the config's approved AMI tag",
    needs: ['config', 'tagPolicy'],
    run: ({ config, tagPolicy }) => {
      const t = summarizeTagPolicy(tagPolicy);
      const want = config.allowlist.approvedAmiTag;
      const same = t.key === want.key && compareProviderSets(want.values, t.values ?? []).equal;
      return same
        ? pass(`${DIST_FILES.tagPolicy}: launches only from images tagged ${want.key}=${want.values.join('|')}`)
        : fail(
            `${DIST_FILES.tagPolicy} checks ${t.key ? `${t.key}=${(t.values ?? []).join('|')}` : 'no approval tag'}, the config's approved tag is ${want.key}=${want.values.join('|')}`,
          );
    },
  }),
  check({
    id: 'tag-policy.approved-owners',
    section: 'policies',
    verifies: "the production tag policy pairs the tag with the config's approved owners (ec2:Owner), so a tag an account set itself approves no other owner's AMI",
    needs: ['config', 'tagPolicy'],
    run: ({ config, tagPolicy }) => {
      const t = summarizeTagPolicy(tagPolicy);
      const want = normalizeProviders(config.allowlist.approvedProviders);
      const hint = ['AMI tags are per account: in a production account anyone allowed ec2:CreateTags can tag any public AMI for that account; regenerate with `amigov policy generate`'];
      if (!t.denyOwners) return fail(`${DIST_FILES.tagPolicy} relies on the tag alone: it has no ${TAG_POLICY_SIDS.denyOwners} statement (ec2:Owner)`, hint);
      // An owner list on the Allow (not generated, allowed when edited in) must be the same allowlist.
      const allow = compareProviderSets(want, t.allowOwners ?? want);
      const deny = compareProviderSets(want, t.denyOwners);
      if (allow.equal && deny.equal) return pass(`${DIST_FILES.tagPolicy}: launches only from the ${plural(want.length, 'approved owner')} of the config as of ${config.asOf}`);
      return fail(`${DIST_FILES.tagPolicy}: the ec2:Owner lists are not the config's allowlist as of ${config.asOf}`, [
        ...describeDiff(allow, `${TAG_POLICY_SIDS.allowImages} lacks`, `${TAG_POLICY_SIDS.allowImages} also approves`),
        ...describeDiff(deny, `${TAG_POLICY_SIDS.denyOwners} lacks`, `${TAG_POLICY_SIDS.denyOwners} also approves`),
      ]);
    },
  }),
  check({
    id: 'tag-policy.tag-protection',
    section: 'policies',
    verifies: 'the production tag policy denies ec2:CreateTags / ec2:DeleteTags of the approval tag on images to all but the configured tag-propagation role',
    needs: ['config', 'tagPolicy'],
    run: ({ config, tagPolicy }) => {
      const p = summarizeTagPolicy(tagPolicy).protect;
      const key = config.allowlist.approvedAmiTag.key;
      if (!p || !p.actions.includes('ec2:CreateTags') || !p.actions.includes('ec2:DeleteTags') || !p.keys.includes(key)) {
        return fail(`${DIST_FILES.tagPolicy} does not deny ec2:CreateTags and ec2:DeleteTags of the tag key ${key} on images (${TAG_POLICY_SIDS.protectTag}): the roles it is attached to can approve any image for their account`, [
          'regenerate with `amigov policy generate`',
        ]);
      }
      const role = config.cfg.policy_config.tag_propagation_role;
      const want = role ? [propagationRoleArnPattern(role)] : [];
      const cmp = compareProviderSets(want, p.exempt);
      if (!cmp.equal) {
        return fail(`${DIST_FILES.tagPolicy}: the approval tag deny exempts ${p.exempt.join(', ') || 'no principal'}; the config's tag_propagation_role is ${role ? JSON.stringify(role) : 'not set'}`, describeDiff(cmp, 'not exempt', 'exempt but not configured'));
      }
      return pass(`${DIST_FILES.tagPolicy}: only ${role ? want[0] : 'no principal it is attached to'} may set or remove ${key} on images`);
    },
  }),

  // ----- sizes -----
  check({
    id: 'size.declarative',
    section: 'policies',
    verifies: `the declarative policy fits the ${fmt(DECLARATIVE_POLICY_MAX_CHARS)}-character quota as written`,
    needs: ['declarative.json'],
    run: (f) => sizeOfOrganizationsPolicy(f['declarative.json'], DECLARATIVE_POLICY_MAX_CHARS, 'declarative policy'),
  }),
  check({
    id: 'size.scp',
    section: 'policies',
    verifies: `the SCP fits the ${fmt(SCP_MAX_CHARS)}-character quota as written`,
    needs: ['scp.json'],
    run: (f) => sizeOfOrganizationsPolicy(f['scp.json'], SCP_MAX_CHARS, 'service control policy'),
  }),
  check({
    id: 'size.tagPolicy',
    section: 'policies',
    verifies: `the IAM tag policy fits the ${fmt(IAM_MANAGED_POLICY_MAX_CHARS)}-character quota without whitespace`,
    needs: ['tagPolicy'],
    run: ({ tagPolicy }) => {
      const size = minifiedLength(tagPolicy);
      const message = `IAM policy size: ${fmt(size)} of ${fmt(IAM_MANAGED_POLICY_MAX_CHARS)} characters (IAM does not count whitespace)`;
      return size > IAM_MANAGED_POLICY_MAX_CHARS ? fail(message) : pass(message);
    },
  }),
];
