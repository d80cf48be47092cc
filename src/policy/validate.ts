/**
 * `amigov policy validate`: the seed's checks on the config and the generated policies, each a named
 * check that passes, fails, warns, or is skipped because a check it depends on failed. Pure apart from
 * reading the dist folder; the CLI prints the report and turns it into an exit code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { PublisherConfig } from '../config/schema.js';
import { resolveAllowlist, type ResolvedAllowlist } from '../config/allowlist.js';
import {
  DECLARATIVE_POLICY_MAX_CHARS,
  IAM_MANAGED_POLICY_MAX_CHARS,
  SCP_MAX_CHARS,
  cliCriteriaInputSchema,
  declarativePolicySchema,
  describeIssues,
  iamPolicySchema,
  scpSchema,
} from './syntax.js';
import { summarizeDeclarativePolicy, type DeclarativeSummary } from './declarative.js';
import { summarizeScp, type ScpSummary } from './scp.js';
import { summarizeTagPolicy } from './tag-policy.js';
import { summarizeCliCriteria } from './cli-criteria.js';
import { compareProviderSets, normalizeProviders, plural } from './providers.js';
import { DIST_FILES, minifiedLength, type DistFileKey } from './files.js';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface Check {
  /** Stable id, e.g. "config.exceptions-not-expired". */
  id: string;
  section: 'config' | 'policies';
  status: CheckStatus;
  message: string;
  details?: string[];
}

export interface ValidationReport {
  schemaVersion: 1;
  kind: 'amigov.policy-validation';
  asOf: string;
  configPath: string;
  distDir: string;
  ok: boolean;
  counts: Record<CheckStatus, number>;
  checks: Check[];
  allowlist: { providers: string[]; activeExceptions: number; expiredExceptions: number };
}

export interface ValidateInput {
  cfg: PublisherConfig;
  configPath: string;
  distDir: string;
  asOf: string;
}

interface LoadedFile<T> {
  name: string;
  path: string;
  text?: string;
  value?: T;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function describeDiff(cmp: { missing: string[]; extra: string[] }, missingWhat: string, extraWhat: string): string[] {
  const out: string[] = [];
  if (cmp.missing.length) out.push(`${missingWhat}: ${cmp.missing.join(', ')}`);
  if (cmp.extra.length) out.push(`${extraWhat}: ${cmp.extra.join(', ')}`);
  return out;
}

export function validatePolicies(input: ValidateInput): ValidationReport {
  const { cfg, configPath, distDir, asOf } = input;
  const checks: Check[] = [];
  const add = (c: Check) => checks.push(c);
  const allowlist: ResolvedAllowlist = resolveAllowlist(cfg, asOf);
  const expected = normalizeProviders(allowlist.approvedProviders);

  // ----- configuration -----
  add({ id: 'config.valid', section: 'config', status: 'pass', message: `valid configuration: ${configPath}` });
  add({ id: 'config.ops-publisher', section: 'config', status: 'pass', message: `ops publisher: ${cfg.ops_publisher_account.account_id}` });
  add({ id: 'config.vendor-publishers', section: 'config', status: 'pass', message: `vendor publishers: ${cfg.vendor_publisher_accounts.length}` });
  if (allowlist.expiredExceptions.length) {
    add({
      id: 'config.exceptions-not-expired',
      section: 'config',
      status: 'fail',
      message: `${plural(allowlist.expiredExceptions.length, 'exception')} in ${configPath} expired as of ${asOf}`,
      details: [
        ...allowlist.expiredExceptions.map(
          (e) => `${e.accountId} (${e.reason}, ${e.ticket}) expired ${e.expiryDate}, ${plural(-e.daysLeft, 'day')} ago`,
        ),
        'remove each from exception_accounts, or renew it with a new approval and expiry date, then run `amigov policy generate`',
      ],
    });
  } else {
    add({ id: 'config.exceptions-not-expired', section: 'config', status: 'pass', message: `no expired exceptions as of ${asOf} (${allowlist.activeExceptions.length} active)` });
  }
  for (const e of allowlist.activeExceptions) {
    add({
      id: `config.exception.${e.accountId}`,
      section: 'config',
      status: e.daysLeft <= allowlist.warningDays ? 'warn' : 'pass',
      message:
        e.daysLeft <= allowlist.warningDays
          ? `exception ${e.accountId} (${e.reason}) expires ${e.expiryDate}, in ${plural(e.daysLeft, 'day')}`
          : `active exception: ${e.accountId} expires ${e.expiryDate} (${e.reason})`,
    });
  }

  // ----- generated files: present and parseable -----
  const load = <T>(key: DistFileKey): LoadedFile<T> => {
    const name = DIST_FILES[key];
    const path = join(distDir, name);
    const f: LoadedFile<T> = { name, path };
    try {
      f.text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      add({
        id: `file.${key}.json`,
        section: 'policies',
        status: 'fail',
        message: `${path}: ${code === 'ENOENT' ? 'missing' : `cannot read (${code})`}`,
        details: ['run `amigov policy generate` first (or pass --dist DIR)'],
      });
      return f;
    }
    try {
      f.value = JSON.parse(f.text) as T;
      add({ id: `file.${key}.json`, section: 'policies', status: 'pass', message: `valid JSON: ${path}` });
    } catch (err) {
      add({ id: `file.${key}.json`, section: 'policies', status: 'fail', message: `${path}: invalid JSON (${(err as Error).message})` });
    }
    return f;
  };
  const syntax = <S extends z.ZodType>(key: DistFileKey, f: LoadedFile<unknown>, schema: S, what: string): z.infer<S> | undefined => {
    if (f.value === undefined) {
      add({ id: `file.${key}.syntax`, section: 'policies', status: 'skip', message: `${f.name}: syntax not checked (file missing or not JSON)` });
      return undefined;
    }
    const r = schema.safeParse(f.value);
    if (!r.success) {
      add({ id: `file.${key}.syntax`, section: 'policies', status: 'fail', message: `${f.name} is not a valid ${what}`, details: describeIssues(r.error) });
      return undefined;
    }
    add({ id: `file.${key}.syntax`, section: 'policies', status: 'pass', message: `${f.name}: ${what} syntax and required fields` });
    return r.data;
  };

  const dpFile = load<unknown>('declarative');
  const scpFile = load<unknown>('scp');
  const tagFile = load<unknown>('tagPolicy');
  const cliFile = load<unknown>('cliCriteria');
  const dp = syntax('declarative', dpFile, declarativePolicySchema, 'EC2 declarative policy');
  const scp = syntax('scp', scpFile, scpSchema, 'service control policy');
  const tag = syntax('tagPolicy', tagFile, iamPolicySchema, 'IAM policy');
  const cli = syntax('cliCriteria', cliFile, cliCriteriaInputSchema, 'replace-image-criteria-in-allowed-images-settings input');

  const dpSum: DeclarativeSummary | undefined = dp ? summarizeDeclarativePolicy(dp) : undefined;
  const scpSum: ScpSummary | undefined = scp ? summarizeScp(scp) : undefined;

  // ----- required content -----
  if (dpSum) {
    const missing: string[] = [];
    if (!dpSum.state) missing.push('ec2_attributes.allowed_images_settings.state');
    if (dpSum.criteriaCount === 0) missing.push('ec2_attributes.allowed_images_settings.image_criteria');
    if (!dpSum.imageBlockPublicAccess) missing.push('ec2_attributes.image_block_public_access.state');
    if (!dpSum.exceptionMessage) missing.push('ec2_attributes.exception_message');
    add(
      missing.length
        ? { id: 'declarative.required-fields', section: 'policies', status: 'fail', message: `${DIST_FILES.declarative} lacks required settings`, details: missing }
        : { id: 'declarative.required-fields', section: 'policies', status: 'pass', message: `${DIST_FILES.declarative}: all required settings present` },
    );
    if (dpSum.nonAssignOperators.length) {
      add({
        id: 'declarative.operators',
        section: 'policies',
        status: 'warn',
        message: 'settings that merge with inherited policies instead of setting the value; the effective allowlist may differ',
        details: dpSum.nonAssignOperators,
      });
    }
  }
  if (scpSum) {
    add(
      scpSum.missingStatements.length || !scpSum.providers
        ? {
            id: 'scp.required-statements',
            section: 'policies',
            status: 'fail',
            message: `${DIST_FILES.scp} lacks required statements`,
            details: [
              ...scpSum.missingStatements.map((s) => `statement ${s} is missing`),
              ...(scpSum.providers || scpSum.missingStatements.length ? [] : ['DenyEC2LaunchWithNonApprovedAMIs has no StringNotEquals ec2:Owner list']),
            ],
          }
        : { id: 'scp.required-statements', section: 'policies', status: 'pass', message: `${DIST_FILES.scp}: launch, creation and sharing statements present` },
    );
  }

  // ----- allowlist consistency -----
  if (dpSum && scpSum?.providers) {
    const cmp = compareProviderSets(dpSum.providers, scpSum.providers);
    add(
      cmp.equal
        ? { id: 'allowlist.declarative-vs-scp', section: 'policies', status: 'pass', message: `allowlist consistency: both policies carry the same ${plural(dpSum.providers.length, 'provider')}` }
        : {
            id: 'allowlist.declarative-vs-scp',
            section: 'policies',
            status: 'fail',
            message: `the declarative policy and the SCP carry different allowlists`,
            details: [...describeDiff(cmp, 'only in the declarative policy', 'only in the SCP'), 'regenerate both with `amigov policy generate` instead of editing them by hand'],
          },
    );
  } else {
    add({ id: 'allowlist.declarative-vs-scp', section: 'policies', status: 'skip', message: 'allowlist consistency between the policies not checked (a policy is missing or invalid)' });
  }
  for (const [id, name, list] of [
    ['allowlist.declarative-vs-config', DIST_FILES.declarative, dpSum?.providers],
    ['allowlist.scp-vs-config', DIST_FILES.scp, scpSum?.providers],
    ['allowlist.cli-vs-config', DIST_FILES.cliCriteria, cli ? summarizeCliCriteria(cli) : undefined],
  ] as const) {
    if (!list) {
      add({ id, section: 'policies', status: 'skip', message: `${name}: allowlist not compared with the config (file missing or invalid)` });
      continue;
    }
    const cmp = compareProviderSets(expected, list);
    if (cmp.equal) {
      add({ id, section: 'policies', status: 'pass', message: `${name} matches the config as of ${asOf} (${plural(expected.length, 'provider')})` });
      continue;
    }
    const expiredIds = new Set(allowlist.expiredExceptions.map((e) => e.accountId));
    const expiredExtra = cmp.extra.filter((p) => expiredIds.has(p));
    add({
      id,
      section: 'policies',
      status: 'fail',
      message: `${name} does not match the config's allowlist as of ${asOf}`,
      details: [
        ...describeDiff(cmp, 'approved in the config but missing from the policy', 'in the policy but not approved by the config'),
        ...(expiredExtra.length ? [`${expiredExtra.join(', ')}: exception${expiredExtra.length === 1 ? '' : 's'} expired; the policy still grants ${expiredExtra.length === 1 ? 'it' : 'them'}`] : []),
        'run `amigov policy generate` to regenerate the policies from the config',
      ],
    });
  }
  if (scpSum) {
    const publishers = normalizeProviders(allowlist.publishers.map((p) => p.accountId));
    const exemptions = [
      ['creation', scpSum.creationExempt],
      ['sharing', scpSum.sharingExempt],
    ] as const;
    const present = exemptions.filter(([, l]) => l !== undefined);
    if (present.length === 0) {
      add({
        id: 'scp.publisher-exemption',
        section: 'policies',
        status: 'pass',
        message: 'SCP has no publisher exemption (generated with --scp-publisher-exemption ou): attach it to workload OUs only',
      });
    } else {
      const bad = present.flatMap(([what, l]) => {
        const cmp = compareProviderSets(publishers, l ?? []);
        return cmp.equal ? [] : describeDiff(cmp, `${what} statement does not exempt publisher`, `${what} statement exempts non-publisher`);
      });
      add(
        bad.length
          ? { id: 'scp.publisher-exemption', section: 'policies', status: 'fail', message: 'the SCP exempts other accounts than the config\'s publishers', details: bad }
          : { id: 'scp.publisher-exemption', section: 'policies', status: 'pass', message: `SCP spares the ${plural(publishers.length, 'publisher account')} (aws:PrincipalAccount)` },
      );
    }
  }

  // ----- modes and settings -----
  if (dpSum?.state) {
    const cfgMode = cfg.policy_config.enforcement_mode;
    add({
      id: 'declarative.enforcement-mode',
      section: 'policies',
      status: 'pass',
      message: `enforcement mode: ${dpSum.state}${dpSum.state === cfgMode ? '' : ` (the config's default is ${cfgMode})`}`,
    });
  }
  if (dpSum) {
    const want = cfg.policy_config.image_block_public_access;
    const have = dpSum.imageBlockPublicAccess;
    if (have === want) {
      add({
        id: 'declarative.public-ami-blocking',
        section: 'policies',
        status: want === 'block_new_sharing' ? 'pass' : 'warn',
        message: want === 'block_new_sharing' ? 'public AMI blocking: block_new_sharing' : 'public AMI blocking is off (unblocked), as the config asks',
      });
    } else {
      add({
        id: 'declarative.public-ami-blocking',
        section: 'policies',
        status: 'fail',
        message: `public AMI blocking is ${have ? `"${have}"` : 'not configured'} in ${DIST_FILES.declarative}; the config asks for "${want}"`,
      });
    }
    const url = cfg.policy_config.exception_request_url;
    if (dpSum.exceptionMessage !== undefined) {
      add(
        dpSum.exceptionMessage.includes(url)
          ? { id: 'declarative.exception-message', section: 'policies', status: 'pass', message: 'exception message includes the exception request URL' }
          : { id: 'declarative.exception-message', section: 'policies', status: 'warn', message: `the exception message does not include ${url}: denied users will not learn how to ask for an exception` },
      );
    }
  }
  if (tag) {
    const t = summarizeTagPolicy(tag);
    const want = allowlist.approvedAmiTag;
    const same = t.key === want.key && compareProviderSets(want.values, t.values ?? []).equal;
    add(
      same
        ? { id: 'tag-policy.approved-tag', section: 'policies', status: 'pass', message: `${DIST_FILES.tagPolicy}: launches only from images tagged ${want.key}=${want.values.join('|')}` }
        : {
            id: 'tag-policy.approved-tag',
            section: 'policies',
            status: 'fail',
            message: `${DIST_FILES.tagPolicy} checks ${t.key ? `${t.key}=${(t.values ?? []).join('|')}` : 'no approval tag'}, the config's approved tag is ${want.key}=${want.values.join('|')}`,
          },
    );
  }

  // ----- sizes: Organizations stores and counts a policy sent by the CLI exactly as written -----
  for (const [key, f, limit, what] of [
    ['declarative', dpFile, DECLARATIVE_POLICY_MAX_CHARS, 'declarative policy'],
    ['scp', scpFile, SCP_MAX_CHARS, 'service control policy'],
  ] as const) {
    if (f.text === undefined || f.value === undefined) continue;
    const asWritten = f.text.length;
    const minified = minifiedLength(f.value);
    if (minified > limit) {
      add({
        id: `size.${key}`,
        section: 'policies',
        status: 'fail',
        message: `${f.name} is ${fmt(minified)} characters without whitespace, ${fmt(minified - limit)} over the ${fmt(limit)}-character ${what} limit`,
        details: ['shorten the allowlist; see docs/policies.md ("Size limits")'],
      });
    } else if (asWritten > limit) {
      add({
        id: `size.${key}`,
        section: 'policies',
        status: 'fail',
        message: `${f.name} is ${fmt(asWritten)} characters as written (${fmt(minified)} without whitespace); the CLI uploads it as written, over the ${fmt(limit)}-character limit`,
        details: ['regenerate it with `amigov policy generate` (which writes it compact), or upload a minified copy'],
      });
    } else {
      add({ id: `size.${key}`, section: 'policies', status: 'pass', message: `${what} size: ${fmt(asWritten)} of ${fmt(limit)} characters` });
    }
  }
  if (tag) {
    const size = minifiedLength(tag);
    add({
      id: 'size.tagPolicy',
      section: 'policies',
      status: size > IAM_MANAGED_POLICY_MAX_CHARS ? 'fail' : 'pass',
      message: `IAM policy size: ${fmt(size)} of ${fmt(IAM_MANAGED_POLICY_MAX_CHARS)} characters (IAM does not count whitespace)`,
    });
  }

  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  return {
    schemaVersion: 1,
    kind: 'amigov.policy-validation',
    asOf,
    configPath,
    distDir,
    ok: counts.fail === 0,
    counts,
    checks,
    allowlist: { providers: expected, activeExceptions: allowlist.activeExceptions.length, expiredExceptions: allowlist.expiredExceptions.length },
  };
}
