/**
 * Issue #12 section 5 (what the scanner reads), end to end against the sandbox through the real AWS SDK:
 * - a `resolve:ssm:` launch template image is resolved with DescribeLaunchTemplateVersions ResolveAlias and judged
 *   by the AMI it resolves to, the parameter's name kept; a parameter that does not resolve is cannot-verify;
 * - a managed instance hidden from Describe calls by default (managed resource visibility "hidden") is listed
 *   because DescribeInstances is asked with IncludeManagedResources, and judged like any other instance; the
 *   account x region's visibility setting is recorded (GetManagedResourceVisibility).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { EC2Client, DescribeInstancesCommand, DescribeInstanceImageMetadataCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEV, EXTERNAL, OPS, PROD, miniOrg, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

const R = 'us-east-1';
const LT_RESOLVED_OK = 'lt-00000000000000a1';
const LT_RESOLVED_BAD = 'lt-00000000000000a2';
const LT_UNRESOLVED = 'lt-0000000000000001'; // miniOrg's: latest version 2 is resolve:ssm:/golden/al2023/latest (no such parameter in DEV)
const MANAGED = 'i-00000000000000e1';

function readsOrg(): OrgFixture {
  const f = miniOrg();
  f.launchTemplates!.push(
    { launchTemplateId: LT_RESOLVED_OK, launchTemplateName: 'golden-follow', accountId: PROD, region: R, defaultVersion: 1, versions: [{ versionNumber: 1, imageId: 'resolve:ssm:/golden/al2023' }] },
    { launchTemplateId: LT_RESOLVED_BAD, launchTemplateName: 'vendor-follow', accountId: PROD, region: R, defaultVersion: 1, versions: [{ versionNumber: 1, imageId: 'resolve:ssm:/vendor/latest' }] },
  );
  f.ssmParameters = [
    { accountId: PROD, region: R, name: '/golden/al2023', value: 'ami-0000000000000a001' }, // OPS golden: approved
    { accountId: PROD, region: R, name: '/vendor/latest', value: 'ami-0000000000000e001' }, // EXTERNAL: not approved
  ];
  // An EKS Auto Mode node in PROD on the EXTERNAL AMI: managed, hidden by default (the sandbox's default visibility).
  f.instances.push({ instanceId: MANAGED, accountId: PROD, region: R, imageId: 'ami-0000000000000e001', state: 'running', operator: { principal: 'eks.amazonaws.com' } });
  f.regionSettings!.push({ accountId: DEV, region: 'eu-west-1', managedResourceVisibility: 'visible' });
  return f;
}

function allowlist() {
  const cfg = loadConfig('config/ami_publishers.json');
  cfg.ops_publisher_account.account_id = OPS;
  return resolveAllowlist(cfg, '2026-01-15');
}

let sb: RunningSandbox;
let inv: Inventory;
before(async () => {
  sb = await startSandbox({ fixture: readsOrg() });
  useSandboxCredentials(sb.credentials);
  inv = await scanOrganization(scanOptions(sb.endpoint, { regions: [R, 'eu-west-1'], accounts: [PROD, DEV] }));
});
after(() => sb.close());

test('sandbox: ResolveAlias answers the parameter value as imageId; without it, or for a missing parameter, the stored reference', async () => {
  const { prodClient, devClient } = await clients();
  const ask = async (id: string, ResolveAlias?: boolean, client = prodClient, version = '1') =>
    (await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: id, Versions: [version], ...(ResolveAlias !== undefined ? { ResolveAlias } : {}) }))).LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId;
  assert.equal(await ask(LT_RESOLVED_OK, true), 'ami-0000000000000a001');
  assert.equal(await ask(LT_RESOLVED_OK, false), 'resolve:ssm:/golden/al2023');
  assert.equal(await ask(LT_RESOLVED_OK), 'resolve:ssm:/golden/al2023');
  // DEV holds no /golden/al2023/latest parameter (AWS's answer is undocumented: the sandbox keeps the reference).
  assert.equal(await ask(LT_UNRESOLVED, true, devClient, '2'), 'resolve:ssm:/golden/al2023/latest');
});

test('resolve:ssm: images are recorded with the parameter name and the AMI it resolved to', () => {
  const lt = (id: string) => inv.launchTemplates.find((t) => t.launchTemplateId === id)!;
  assert.deepEqual(lt(LT_RESOLVED_OK).defaultVersion?.image, { kind: 'ssm', parameter: '/golden/al2023', resolvedImageId: 'ami-0000000000000a001' });
  assert.deepEqual(lt(LT_RESOLVED_BAD).defaultVersion?.image, { kind: 'ssm', parameter: '/vendor/latest', resolvedImageId: 'ami-0000000000000e001' });
  const unresolved = lt(LT_UNRESOLVED).latestVersion?.image;
  assert.equal(unresolved?.kind, 'ssm');
  assert.ok(unresolved?.kind === 'ssm' && !unresolved.resolvedImageId && /not an AMI id/.test(unresolved.resolutionError ?? ''), JSON.stringify(unresolved));
});

test('the rules judge the resolved AMI: approved is fine, unapproved fails naming the parameter, unresolved is cannot-verify', () => {
  const doc = evaluate(inv, allowlist());
  const lt = (id: string) => doc.findings.filter((f) => f.ruleId === 'launch-template-unapproved-ami' && f.resourceId === id);
  assert.deepEqual(lt(LT_RESOLVED_OK), [], 'resolves to the approved golden AMI');
  const [bad] = lt(LT_RESOLVED_BAD);
  assert.equal(bad?.status, 'fail');
  assert.equal(bad.imageId, 'ami-0000000000000e001');
  assert.match(bad.message, /via the SSM parameter "\/vendor\/latest" launches ami-0000000000000e001/);
  assert.equal(bad.details?.['defaultImageParameter'], 'resolve:ssm:/vendor/latest');
  const [unresolved] = lt(LT_UNRESOLVED);
  assert.equal(unresolved?.status, 'cannot-verify');
  assert.match(unresolved.message, /could not resolve it/);
});

test('sandbox: a managed instance is hidden while visibility is hidden, unless IncludeManagedResources is passed', async () => {
  const { prodClient } = await clients();
  const ids = async (IncludeManagedResources?: boolean) =>
    ((await prodClient.send(new DescribeInstancesCommand(IncludeManagedResources !== undefined ? { IncludeManagedResources } : {}))).Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId));
  assert.ok(!(await ids()).includes(MANAGED));
  assert.ok(!(await ids(false)).includes(MANAGED));
  assert.ok((await ids(true)).includes(MANAGED));
  const meta = await prodClient.send(new DescribeInstanceImageMetadataCommand({}));
  assert.ok(!(meta.InstanceImageMetadata ?? []).some((m) => m.InstanceId === MANAGED), 'DescribeInstanceImageMetadata has no IncludeManagedResources');
});

test('the managed instance is found only because IncludeManagedResources is passed, and judged like any other instance', () => {
  const m = inv.instances.find((i) => i.instanceId === MANAGED);
  assert.ok(m, 'the managed instance is in the inventory');
  assert.deepEqual(m.operator, { managed: true, principal: 'eks.amazonaws.com', hiddenByDefault: true });
  assert.equal(m.image.imageId, 'ami-0000000000000e001');
  assert.equal(m.image.ownerId, EXTERNAL, 'its image resolved by id like any other');
  assert.ok(!inv.instances.find((i) => i.instanceId === 'i-0000000000000002')?.operator, 'an unmanaged instance has no operator');
  const doc = evaluate(inv, allowlist());
  const f = doc.findings.find((x) => x.ruleId === 'unapproved-publisher' && x.resourceId === MANAGED);
  assert.equal(f?.status, 'fail');
});

test('the managed resource visibility setting is recorded per account x region', () => {
  const vis = (a: string, r: string) => inv.regionSettings.find((s) => s.accountId === a && s.region === r)?.managedResourceVisibility;
  assert.deepEqual(vis(PROD, R), { state: 'hidden' });
  assert.deepEqual(vis(DEV, 'eu-west-1'), { state: 'visible' });
  assert.ok((inv.stats.apiCalls['ec2:GetManagedResourceVisibility'] ?? 0) >= 4);
});

async function ec2As(account: string): Promise<EC2Client> {
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({ endpoint: sb.endpoint, region: R });
  const role = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'scan-reads-test' }));
  const c = role.Credentials!;
  return new EC2Client({ endpoint: sb.endpoint, region: R, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
}

async function clients() {
  return { prodClient: await ec2As(PROD), devClient: await ec2As(DEV) };
}
