/**
 * policy diff --from-organization end to end: the sandbox's Organizations serves the demo organization's EC2
 * declarative policy (ListRoots, ListPolicies with Filter, DescribePolicy, ListTargetsForPolicy over the real SDK),
 * and the CLI compares each attached policy with the one generated from the config.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ListPoliciesCommand, DescribePolicyCommand, ListTargetsForPolicyCommand } from '@aws-sdk/client-organizations';
import { startSandbox, demoOrg, DEMO_AS_OF, DEMO_ACCOUNTS as A, type RunningSandbox } from '../../src/sandbox/index.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { demoConfig } from '../../src/sandbox/fixtures/demo-config.ts';
import { addDays } from '../../src/util/dates.ts';
import { useSandboxCredentials } from '../scan/helpers.ts';
import { assume, orgs, rejection } from '../sandbox/helpers.ts';
import { runCli, seedRaw, tempDir, writeJson } from '../policy/helpers.ts';

let sb: RunningSandbox;
let configPath: string;
let demoConfigPath: string;

before(async () => {
  sb = await startSandbox({ fixture: demoOrg });
  useSandboxCredentials(sb.credentials);
  // The seed config with the partner's exception (providers only, as the hand-written policies below), and the
  // demo's config as `amigov demo` builds it (the same plus the demo's image criteria, which the demo organization's
  // root policy carries).
  const raw = seedRaw();
  raw.exception_accounts.push({
    account_id: A.partner,
    reason: 'Partner appliance evaluation',
    approved_date: addDays(DEMO_AS_OF, -30),
    expiry_date: addDays(DEMO_AS_OF, 7),
    ticket: 'CHG-2026-0999',
    approved_by: 'cloud-security@example.com',
  });
  demoConfigPath = writeJson(join(tempDir(), 'demo-config.json'), demoConfig(seedRaw() as unknown as Record<string, unknown>, DEMO_AS_OF));
  configPath = writeJson(join(tempDir(), 'config.json'), raw);
});
after(() => sb?.close());

const diff = (endpoint: string, ...extra: string[]) =>
  runCli('policy', 'diff', '--from-organization', '--endpoint-url', endpoint, '--config', configPath, '--as-of', DEMO_AS_OF, ...extra);
const diffDemo = (endpoint: string, ...extra: string[]) =>
  runCli('policy', 'diff', '--from-organization', '--endpoint-url', endpoint, '--config', demoConfigPath, '--as-of', DEMO_AS_OF, ...extra);

test("the demo organization's root policy assigns what the config generates in audit mode", async () => {
  const r = await diffDemo(sb.endpoint, '--mode', 'audit_mode', '--json');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.policyTypeEnabled, true);
  assert.deepEqual(report.policies.map((p: any) => [p.policyId, p.targets.map((t: any) => `${t.type}:${t.id}`)]), [['p-amigovdemo01', ['ROOT:r-a1b2']]]);
  assert.deepEqual(report.policies[0].differences, []);
  assert.deepEqual(report.unassigned, []);

  // In enabled mode the same policy differs on the state only, and the text names the policy and its target.
  const enabled = await diffDemo(sb.endpoint, '--mode', 'enabled');
  assert.equal(enabled.code, 1, enabled.stderr);
  assert.match(enabled.stdout, /p-amigovdemo01 ami-allowlist — attached to root r-a1b2 \(Root\)\n  ✗ allowed_images_settings\.state: expected enabled, found audit_mode/);
  assert.doesNotMatch(enabled.stdout, /image_block_public_access\.state: expected/);
});

test('operators, drifted providers, detached policies and pagination', async () => {
  const policy = (id: string, targets: string[], attrs: Record<string, unknown>) => ({ id, name: `policy-${id}`, type: 'DECLARATIVE_POLICY_EC2' as const, targets, content: { ec2_attributes: attrs } });
  const fixture: OrgFixture = {
    ...demoOrg,
    policies: [
      // The root assigns the state and block public access, with a stale provider list.
      policy('p-root000001', ['r-a1b2'], {
        image_block_public_access: { state: { '@@assign': 'block_new_sharing' } },
        allowed_images_settings: {
          state: { '@@assign': 'audit_mode' },
          image_criteria: { criteria_1: { allowed_image_providers: { '@@assign': [A.infoblox, A.ops, A.tfe, A.mlPoc] } } },
        },
      }),
      // The Dev OU appends a provider: its effective criteria depend on what it inherits.
      policy('p-devappend1', ['ou-a1b2-devwork01', A.dev], {
        allowed_images_settings: { image_criteria: { criteria_2: { allowed_image_providers: { '@@append': ['amazon'] } } } },
      }),
      // Detached: no effect, not counted.
      policy('p-detached01', [], { allowed_images_settings: { state: { '@@assign': 'disabled' } } }),
      // 22 more so that ListPolicies pages (20 a page).
      ...Array.from({ length: 22 }, (_, i) => policy(`p-filler${String(i).padStart(4, '0')}`, [], {})),
      { id: 'p-scp0000001', name: 'not-declarative', type: 'SERVICE_CONTROL_POLICY', targets: ['r-a1b2'], content: { Version: '2012-10-17', Statement: [] } },
    ],
  };
  const custom = await startSandbox({ fixture });
  try {
    const r = await diff(custom.endpoint, '--mode', 'audit_mode', '--json');
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.policies.length, 25, 'every page of ListPolicies, and only DECLARATIVE_POLICY_EC2');
    const by = (id: string) => report.policies.find((p: any) => p.policyId === id);
    const root = by('p-root000001');
    assert.deepEqual(root.differences.map((d: any) => [d.setting, d.status, d.missing, d.extra]), [['allowed-images-criteria', 'differs', [A.partner], [A.mlPoc]]]);
    const dev = by('p-devappend1');
    assert.deepEqual(dev.targets.map((t: any) => t.type), ['ORGANIZATIONAL_UNIT', 'ACCOUNT']);
    const append = dev.differences.find((d: any) => d.setting === 'allowed-images-criteria');
    assert.equal(append.status, 'unknown');
    assert.match(append.reason, /@@append/);
    assert.equal(by('p-detached01').attached, false);
    assert.deepEqual(report.unassigned, []);

    // the text names the policy, its targets and the providers
    const text = await diff(custom.endpoint, '--mode', 'audit_mode');
    assert.match(text.stdout, /p-devappend1 policy-p-devappend1 — attached to OU ou-a1b2-devwork01 \(Dev\), account 310987654322 \(dev-sandbox\)/);
    assert.match(text.stdout, new RegExp(`✗ allowed_images_settings\\.image_criteria: expected 4 providers, found 4 providers; missing ${A.partner}; not approved ${A.mlPoc}`));
  } finally {
    await custom.close();
  }
});

test('the sandbox answers the Organizations errors AWS documents', async () => {
  const client = orgs(sb);
  assert.equal((await rejection(client.send(new DescribePolicyCommand({ PolicyId: 'p-nosuchpolicy' })))).name, 'PolicyNotFoundException');
  assert.equal((await rejection(client.send(new ListTargetsForPolicyCommand({ PolicyId: 'p-nosuchpolicy' })))).name, 'PolicyNotFoundException');
  assert.equal((await rejection(client.send(new DescribePolicyCommand({ PolicyId: 'nope' })))).name, 'InvalidInputException');
  assert.equal((await rejection(client.send(new ListPoliciesCommand({ Filter: 'NOT_A_TYPE' as never })))).name, 'InvalidInputException');
  assert.equal((await rejection(client.send(new ListPoliciesCommand({ Filter: 'DECLARATIVE_POLICY_EC2', MaxResults: 21 })))).name, 'InvalidInputException');
  const d = await client.send(new DescribePolicyCommand({ PolicyId: 'p-amigovdemo01' }));
  assert.equal(d.Policy?.PolicySummary?.Type, 'DECLARATIVE_POLICY_EC2');
  assert.equal(JSON.parse(d.Policy!.Content!).ec2_attributes.allowed_images_settings.state['@@assign'], 'audit_mode');
  // a member account is not the management account
  const member = orgs(sb, { credentials: await assume(sb, A.prod) });
  assert.equal((await rejection(member.send(new ListPoliciesCommand({ Filter: 'DECLARATIVE_POLICY_EC2' })))).name, 'AccessDeniedException');
});

test('the CLI exits 4 with a hint when the caller cannot read the policies, and 2 on a usage error', async () => {
  const creds = await assume(sb, A.prod);
  process.env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  process.env.AWS_SESSION_TOKEN = creds.sessionToken!;
  try {
    const r = await diff(sb.endpoint);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stderr, /AccessDeniedException/);
    assert.match(r.stderr, /management account/);
  } finally {
    useSandboxCredentials(sb.credentials);
  }
  const both = await runCli('policy', 'diff', '--from-organization', '--inventory', 'x.json', '--config', configPath);
  assert.equal(both.code, 2);
  const none = await runCli('policy', 'diff', '--config', configPath);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--inventory <file> or --from-organization/);
});
