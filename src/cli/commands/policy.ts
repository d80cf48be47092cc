/**
 * `amigov policy generate | validate | diff`: thin wrappers around src/policy/ that parse flags, print
 * and set the exit code.
 */
import { writeFileSync } from 'node:fs';
import { cliIo } from '../io.js';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { CONFIG_FLAG_HELP, ENFORCEMENT_MODES, type EnforcementMode } from '../../config/names.js';
import { parseAsOf, todayUtc } from '../../util/dates.js';
import type { atomicTarget } from '../../util/atomic-write.js';
import { EXIT, UserError } from '../errors.js';
import type { GenerationResult } from '../../policy/generate.js';
import type { Check, ValidationReport } from '../../policy/validate.js';
import type { DriftReport, diffPolicyWithInventory } from '../../policy/drift.js';
import type { OrgPolicyDiffReport } from '../../policy/org-diff.js';
import { DEFAULT_DIST_DIR, DIST_FILES, SCP_PUBLISHER_EXEMPTIONS, type ScpPublisherExemption } from '../../policy/names.js';
import { plural, thousands } from '../../util/format.js';
import { terminalSafe, terminalSafeLines } from '../../util/sanitize.js';

const RULE = '='.repeat(70);
const fmt = thousands;

/** Every line printed: config strings and live settings' reasons may carry terminal escapes. */
function out(text = ''): void {
  cliIo.stdout.write(terminalSafeLines(text) + '\n');
}

function parseMode(value: string | undefined): EnforcementMode | undefined {
  if (value === undefined) return undefined;
  if ((ENFORCEMENT_MODES as readonly string[]).includes(value)) return value as EnforcementMode;
  const hint = value === 'audit-mode' ? ' (declarative policies spell it audit_mode, with an underscore)' : '';
  throw new UserError(`--mode ${JSON.stringify(value)} is not an enforcement mode${hint}`, { hint: 'Use --mode audit_mode or --mode enabled.' });
}

/** Writes every file to a temp name first and renames them only when all were written. */
function writeAll(dir: string, files: { name: string; content: string }[], stage: typeof atomicTarget): string[] {
  const staged = files.map((f) => ({ ...f, target: stage(join(dir, f.name)) }));
  try {
    for (const f of staged) writeFileSync(f.target.tempPath, f.content);
  } catch (err) {
    for (const f of staged) f.target.abort();
    throw new UserError(`cannot write the policies to ${dir}: ${(err as Error).message}`, { kind: 'fatal', hint: 'Check that the --out folder is writable.' });
  }
  for (const f of staged) f.target.commit();
  return staged.map((f) => join(dir, f.name));
}

/** `apiState`: the enable-allowed-images-settings state for r.mode (apiStateFor in src/policy/cli-criteria.ts). */
function renderGenerate(r: GenerationResult, configPath: string, outDir: string, paths: string[], apiState: string): void {
  out(RULE);
  out('AMI GOVERNANCE POLICY GENERATOR');
  out(RULE);
  out(`Config: ${configPath}`);
  out(`Enforcement mode: ${r.mode}`);
  out(`Allowlist as of: ${r.asOf}`);
  out(`Generated: ${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
  out(RULE);
  out();
  out('Building active allowlist...');
  const ex = [...r.allowlist.activeExceptions, ...r.allowlist.expiredExceptions];
  if (ex.length === 0) out('  (no exceptions in the config)');
  for (const e of r.allowlist.activeExceptions) {
    out(`✓ Active exception: ${e.accountId} (expires ${e.expiryDate}, ${e.daysLeft === 0 ? 'last day today' : `${plural(e.daysLeft, 'day')} left`}) - ${terminalSafe(e.reason)} [${terminalSafe(e.ticket)}]`);
  }
  for (const e of r.allowlist.expiredExceptions) {
    out(`✗ Dropped expired exception: ${e.accountId} (expired ${e.expiryDate}, ${plural(-e.daysLeft, 'day')} ago) - ${terminalSafe(e.reason)} [${terminalSafe(e.ticket)}]`);
  }
  out();
  out(RULE);
  out('ACTIVE ALLOWLIST SUMMARY');
  out(RULE);
  const ids = r.providers.filter((p) => /^\d{12}$/.test(p));
  const aliases = r.providers.filter((p) => !/^\d{12}$/.test(p));
  out(`Total approved accounts: ${ids.length}`);
  out(`Accounts: ${ids.join(', ') || '(none)'}`);
  if (aliases.length) out(`Provider aliases: ${aliases.join(', ')}`);
  out(`Image criteria: ${r.criteriaCount} (at most 200 providers each)`);
  out(RULE);
  out();
  for (const f of r.files) {
    const path = paths.find((p) => p.endsWith(f.name)) ?? join(outDir, f.name);
    const size = Number.isFinite(f.limit) ? ` (${fmt(f.size)} of ${fmt(f.limit)} characters, ${f.limitName} limit)` : '';
    out(`✓ Generated: ${path}${size}`);
  }
  out(`✓ Allowlist consistency verified: ${plural(r.providers.length, 'provider')} match in the declarative policy, the SCP and the CLI criteria`);
  if (r.scpExemption === 'principal-account') {
    out(`✓ SCP spares the publisher accounts from the creation and sharing denies: ${r.publisherAccounts.join(', ')}`);
  }
  for (const w of r.warnings) out(`! ${w}`);
  out('✓ Policy generation complete!');
  out();
  out('Next steps:');
  out(`  amigov policy validate --dist ${outDir}${r.asOf !== todayUtc() ? ` --as-of ${r.asOf}` : ''}`);
  out(`  aws organizations create-policy --type DECLARATIVE_POLICY_EC2 --name ami-allowlist --content file://${join(outDir, DIST_FILES.declarative)}`);
  out(`  aws organizations create-policy --type SERVICE_CONTROL_POLICY --name ami-guardrail --content file://${join(outDir, DIST_FILES.scp)}`);
  out(`  (accounts outside the organization policy: aws ec2 replace-image-criteria-in-allowed-images-settings --cli-input-json file://${join(outDir, DIST_FILES.cliCriteria)}`);
  out(`   then aws ec2 enable-allowed-images-settings --allowed-images-settings-state ${apiState}, in each region)`);
  out('  See docs/policies.md.');
}

const MARK: Record<Check['status'], string> = { pass: '✓', fail: '✗', warn: '!', skip: '-' };

function renderValidation(r: ValidationReport): void {
  for (const section of ['config', 'policies'] as const) {
    out(RULE);
    out(section === 'config' ? 'VALIDATING CONFIGURATION' : 'VALIDATING GENERATED POLICIES');
    out(RULE);
    for (const c of r.checks.filter((x) => x.section === section)) {
      out(`${MARK[c.status]} ${c.message}${c.status === 'pass' ? '' : `  [${c.id}]`}`);
      for (const d of c.details ?? []) out(`    ${d}`);
    }
    out();
  }
  out(RULE);
  if (r.ok) {
    out(`✅ VALIDATION PASSED (${r.counts.pass} checks passed${r.counts.warn ? `, ${plural(r.counts.warn, 'warning')}` : ''}; as of ${r.asOf})`);
  } else {
    const failed = r.checks.filter((c) => c.status === 'fail');
    out(`❌ VALIDATION FAILED: ${plural(failed.length, 'check')} failed (as of ${r.asOf})`);
    for (const c of failed) out(`   - ${c.id}: ${c.message}`);
  }
  out(RULE);
}

function renderDrift(r: DriftReport, configPath: string): void {
  out(`Policy drift: the organization's live settings against the declarative policy from ${configPath} (as of ${r.asOf})`);
  out(`Expected: Allowed AMIs ${r.expected.allowedImagesState} with ${plural(r.expected.providers.length, 'provider')}; image block public access ${r.expected.imageBlockPublicAccess}`);
  out(`Account x regions: ${r.accountRegions} — ${r.matching} match, ${r.differing} differ, ${r.unknown} unknown (not scanned or unreadable: never counted as matching)`);
  if (r.entries.length === 0) {
    out(r.accountRegions === 0 ? '! The inventory holds no account x region: nothing to compare.' : '✓ Every scanned account x region matches the policy.');
    return;
  }
  out();
  let last = '';
  for (const e of r.entries) {
    const where = `${e.accountId} ${e.region}`;
    if (where !== last) out(where);
    last = where;
    const mark = e.status === 'differs' ? '✗' : '?';
    let line = `  ${mark} ${e.setting}: expected ${e.expected}, found ${e.actual}`;
    if (e.missing?.length) line += `; missing ${e.missing.join(', ')}`;
    if (e.extra?.length) line += `; not approved ${e.extra.join(', ')}`;
    out(line);
    if (e.reason) out(`      ${terminalSafe(e.reason)}`);
  }
}

const TARGET_KIND: Record<string, string> = { ROOT: 'root', ORGANIZATIONAL_UNIT: 'OU', ACCOUNT: 'account' };

function renderOrgDrift(r: OrgPolicyDiffReport, configPath: string, labels: Record<string, string>): void {
  out(`Policy drift: the organization's EC2 declarative policies against the declarative policy from ${configPath} (as of ${r.asOf})`);
  out(`Expected: allowed_images_settings.state ${r.expected.allowedImagesState} with ${plural(r.expected.providers.length, 'provider')}; image_block_public_access.state ${r.expected.imageBlockPublicAccess}`);
  if (r.policyTypeEnabled === false) out('✗ The DECLARATIVE_POLICY_EC2 policy type is not enabled on the root: no declarative policy is in effect.');
  if (r.policies.length === 0) out('✗ The organization has no EC2 declarative policy (ListPolicies, DECLARATIVE_POLICY_EC2).');
  for (const p of r.policies) {
    out();
    const targets = p.targets.map((t) => `${TARGET_KIND[t.type] ?? t.type} ${t.id}${t.name ? ` (${t.name})` : ''}`).join(', ');
    out(`${p.policyId} ${p.name} — attached to ${targets || 'nothing (no effect; not counted)'}`);
    const shown = p.differences;
    if (!shown.some((d) => d.status !== 'not-set')) out(shown.length === 3 ? '  - assigns none of the compared settings' : '  ✓ what it assigns matches the config');
    for (const d of shown) {
      const mark = d.status === 'differs' ? '✗' : d.status === 'unknown' ? '?' : '-';
      let line = `  ${mark} ${labels[d.setting] ?? d.setting}: expected ${d.expected}, found ${d.actual}`;
      if (d.missing?.length) line += `; missing ${d.missing.join(', ')}`;
      if (d.extra?.length) line += `; not approved ${d.extra.join(', ')}`;
      out(line);
      if (d.reason) out(`      ${terminalSafe(d.reason)}`);
    }
  }
  out();
  for (const u of r.unassigned) out(`✗ No attached policy assigns ${labels[u] ?? u}: the organization does not enforce it.`);
  out(r.ok ? '✓ The attached EC2 declarative policies assign what the config generates.' : '✗ The organization\'s EC2 declarative policies differ from the config (or could not be compared).');
}

export function register(program: Command): void {
  const policy = program
    .command('policy')
    .summary('generate, validate and diff the declarative policy, SCP and prod tag policy')
    .description('generate, validate and compare the EC2 declarative policy, SCP and prod tag policy built from the config');

  policy
    .command('generate')
    .description('write the declarative policy, SCP, prod AMI tag policy and Allowed AMIs CLI criteria from the config')
    .addOption(new Option('--mode <mode>', 'Allowed AMIs state in the declarative policy (default: policy_config.enforcement_mode)').choices([...ENFORCEMENT_MODES]))
    .option('--config <path>', CONFIG_FLAG_HELP)
    .option('--as-of <date>', 'resolve exceptions as of this date, YYYY-MM-DD (default: today, UTC)')
    .option('--out <dir>', 'output folder', DEFAULT_DIST_DIR)
    .addOption(
      new Option('--scp-publisher-exemption <how>', 'how the SCP spares publisher accounts: principal-account (condition) or ou (attach to workload OUs only)')
        .choices([...SCP_PUBLISHER_EXEMPTIONS])
        .default('principal-account'),
    )
    .addHelpText(
      'after',
      `
Writes ${DIST_FILES.declarative}, ${DIST_FILES.scp}, ${DIST_FILES.tagPolicy} and ${DIST_FILES.cliCriteria}.
Nothing is written when a document would not fit its size quota or Allowed AMIs' 10 x 200 providers.
Exit codes: 0 written, 2 invalid config, usage error or allowlist too large. See docs/policies.md.`,
    )
    .action(async (opts: { mode?: string; config?: string; asOf?: string; out: string; scpPublisherExemption: ScpPublisherExemption }) => {
      // Each subcommand loads its own part of src/policy/ when it runs (README, Layout).
      const { generatePolicies } = await import('../../policy/generate.js');
      const { apiStateFor } = await import('../../policy/cli-criteria.js');
      const { loadConfig } = await import('../../config/load.js');
      const { configPathFrom } = await import('../../config/discover.js');
      const asOf = parseAsOf(opts.asOf);
      const mode = parseMode(opts.mode);
      const configPath = configPathFrom(opts.config);
      const cfg = loadConfig(configPath);
      const result = generatePolicies(cfg, { asOf, mode, scpExemption: opts.scpPublisherExemption });
      // util/atomic-write loads node:crypto (~7 ms): here, not for --help (issue #18).
      const { atomicTarget } = await import('../../util/atomic-write.js');
      const paths = writeAll(opts.out, result.files, atomicTarget);
      renderGenerate(result, configPath, opts.out, paths, apiStateFor(result.mode));
      process.exitCode = EXIT.OK;
    });

  policy
    .command('validate')
    .description('check the config and the generated policies: syntax, expired exceptions, allowlist consistency, modes, sizes')
    .option('--dist <dir>', 'folder holding the generated policies', DEFAULT_DIST_DIR)
    .option('--config <path>', CONFIG_FLAG_HELP)
    .option('--as-of <date>', 'check expiry and the allowlist as of this date, YYYY-MM-DD (default: today, UTC)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExit codes: 0 every check passed (warnings allowed), 1 a check failed (each is named), 2 invalid config or usage error.')
    .action(async (opts: { dist: string; config?: string; asOf?: string; json?: boolean }) => {
      const { validatePolicies } = await import('../../policy/validate.js');
      const { loadConfig } = await import('../../config/load.js');
      const { configPathFrom } = await import('../../config/discover.js');
      const asOf = parseAsOf(opts.asOf);
      const configPath = configPathFrom(opts.config);
      const cfg = loadConfig(configPath);
      const report = validatePolicies({ cfg, configPath, distDir: opts.dist, asOf });
      if (opts.json) out(JSON.stringify(report, null, 2));
      else renderValidation(report);
      process.exitCode = report.ok ? EXIT.OK : EXIT.FINDINGS;
    });

  policy
    .command('diff')
    .description("compare the declarative policy built from the config with the settings a scan found live, or with the organization's EC2 declarative policies (exit 1 when they differ)")
    .option('--inventory <file>', 'inventory.json of a scan')
    .option('--from-organization', "compare with the organization's attached EC2 declarative policies instead (read-only Organizations calls)")
    .option('--config <path>', CONFIG_FLAG_HELP)
    .option('--as-of <date>', 'resolve the allowlist as of this date (default: today, UTC)')
    .addOption(new Option('--mode <mode>', 'expected Allowed AMIs state (default: policy_config.enforcement_mode)').choices([...ENFORCEMENT_MODES]))
    .option('--profile <name>', 'with --from-organization: AWS shared config profile (default: the SDK default chain)')
    .option('--region <region>', 'with --from-organization: region selecting the partition (default: AWS_REGION, the profile region, or us-east-1)')
    .option('--endpoint-url <url>', 'with --from-organization: send the Organizations calls to this endpoint (the sandbox)')
    .option('--json', 'print the differences as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 every scanned account x region (or every attached policy) matches, 1 some differ or could not be read (unknown), 2 invalid config, inventory or usage, 4 the organization could not be read (--from-organization).',
    )
    .action(async (opts: { inventory?: string; fromOrganization?: boolean; config?: string; asOf?: string; mode?: string; json?: boolean; profile?: string; region?: string; endpointUrl?: string }) => {
      if (Boolean(opts.inventory) === Boolean(opts.fromOrganization)) {
        throw new UserError(opts.inventory ? '--inventory and --from-organization are exclusive' : 'policy diff needs --inventory <file> or --from-organization', {
          hint: 'Compare with a scan (--inventory runs/<id>/inventory.json) or with the organization\'s declarative policies (--from-organization).',
        });
      }
      if (!opts.fromOrganization && (opts.profile || opts.region || opts.endpointUrl)) {
        throw new UserError('--profile, --region and --endpoint-url go with --from-organization', { hint: 'The inventory comparison makes no AWS call.' });
      }
      const { generatePolicies } = await import('../../policy/generate.js');
      const { loadConfig } = await import('../../config/load.js');
      const { configPathFrom } = await import('../../config/discover.js');
      const asOf = parseAsOf(opts.asOf);
      const configPath = configPathFrom(opts.config);
      const cfg = loadConfig(configPath);
      const mode = parseMode(opts.mode);
      if (opts.fromOrganization) {
        const generated = generatePolicies(cfg, { asOf, mode });
        const dp = generated.files.find((f) => f.key === 'declarative')!.value as Parameters<typeof diffPolicyWithInventory>[0];
        const { diffPolicyWithOrganization, ORG_SETTING_LABEL } = await import('../../policy/org-diff.js');
        const { makeOrganizationsClient, organizationsRegion, configuredRegion } = await import('../../aws/clients.js');
        const { ApiMetrics } = await import('../../aws/metrics.js');
        const { readOrgDeclarativePolicies } = await import('../../aws/org-policies.js');
        const { errorCode, errorMessage } = await import('../../aws/errors.js');
        const settings = { ...(opts.profile ? { profile: opts.profile } : {}), ...(opts.endpointUrl ? { endpointUrl: opts.endpointUrl } : {}), maxAttempts: 3, requestTimeoutMs: 30_000 };
        const region = opts.region ?? (await configuredRegion(settings)) ?? 'us-east-1';
        const client = makeOrganizationsClient(settings, organizationsRegion(region), undefined, new ApiMetrics());
        let live;
        try {
          live = await readOrgDeclarativePolicies(client);
        } catch (err) {
          const code = errorCode(err);
          const hint =
            code === 'AWSOrganizationsNotInUseException'
              ? 'These credentials belong to an account outside any organization: use the management account or a delegated administrator.'
              : code === 'AccessDeniedException'
                ? 'Call from the management account (or a delegated administrator) with organizations:ListRoots, ListPolicies, DescribePolicy and ListTargetsForPolicy (docs/iam/amigov-caller-policy.json).'
                : 'Check the credentials and --endpoint-url.';
          throw new UserError(`cannot read the organization's declarative policies: ${code}: ${errorMessage(err)}`, { kind: 'fatal', hint });
        } finally {
          client.destroy();
        }
        const report = diffPolicyWithOrganization(dp, live.policies, asOf, live.policyTypeEnabled);
        if (opts.json) out(JSON.stringify(report, null, 2));
        else renderOrgDrift(report, configPath, ORG_SETTING_LABEL);
        process.exitCode = report.ok ? EXIT.OK : EXIT.FINDINGS;
        return;
      }
      const { diffPolicyWithInventory, readInventoryForDiff } = await import('../../policy/drift.js');
      const inventory = readInventoryForDiff(opts.inventory!);
      const generated = generatePolicies(cfg, { asOf, mode });
      const dp = generated.files.find((f) => f.key === 'declarative')!.value as Parameters<typeof diffPolicyWithInventory>[0];
      const report = diffPolicyWithInventory(dp, inventory, asOf);
      if (opts.json) out(JSON.stringify(report, null, 2));
      else renderDrift(report, configPath);
      process.exitCode = report.differing === 0 && report.unknown === 0 && report.accountRegions > 0 ? EXIT.OK : EXIT.FINDINGS;
    });
}
