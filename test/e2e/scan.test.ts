/**
 * The scanner end to end against the sandbox, through the real SDK clients over HTTP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { runScan } from '../../src/pipeline/run-scan.ts';
import { scanRolePermissions } from '../../src/scan/iam-policy.ts';
import { COLLECTORS } from '../../src/scan/collectors/index.ts';
import type { Instance, Inventory } from '../../src/model/inventory.ts';
import { imagesToAsk } from '../../src/scan/collectors/account-image-tags.ts';
import { UserError } from '../../src/errors.ts';
import {
  assertMatchesFixture,
  assertReadOnly,
  CALLER,
  DEV,
  EXTERNAL,
  expectedFrom,
  miniOrg,
  NOROLE,
  OPS,
  PROD,
  scanOptions,
  SUSPENDED,
  useSandboxCredentials,
  sink,
} from '../scan/helpers.ts';

describe('scan of a small organization', () => {
  let sb: RunningSandbox;
  let inv: Inventory;
  let byAction: Record<string, number>;
  const fixture = miniOrg();

  before(async () => {
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
    inv = await scanOrganization(scanOptions(sb.endpoint));
    byAction = sb.stats().byAction;
  });
  after(() => sb.close());

  test('the inventory equals the fixture: coverage, instances, owned images, accounts', () => {
    assertMatchesFixture(inv, fixture, expectedFrom(fixture));
    assert.equal(inv.schemaVersion, 1);
    assert.equal(inv.kind, 'amigov.inventory');
    assert.deepEqual(inv.run.caller, { accountId: CALLER, arn: `arn:aws:iam::${CALLER}:user/scanner` });
    assert.deepEqual(inv.run.organization, { id: 'o-mini000001', managementAccountId: CALLER });
    assert.equal(inv.run.endpoint, sb.endpoint);
    assert.equal(inv.allowlist.asOf, '2026-01-15');
  });

  test('accounts carry OU paths; the suspended account is listed but not scanned', () => {
    const prod = inv.accounts.find((a) => a.accountId === PROD)!;
    assert.deepEqual(prod.ouPath, ['Root', 'Workloads', 'Prod']);
    assert.deepEqual(prod.ouIds, ['r-mini', 'ou-mini-aaaaaaaa', 'ou-mini-bbbbbbbb']);
    assert.equal(prod.access, 'assumed-role');
    const suspended = inv.accounts.find((a) => a.accountId === SUSPENDED)!;
    assert.equal(suspended.status, 'SUSPENDED');
    assert.equal(suspended.access, 'none');
    assert.ok(!inv.coverage.some((c) => c.accountId === SUSPENDED));
    assert.ok(!inv.instances.some((i) => i.accountId === SUSPENDED));
    assert.equal(inv.stats.accountsTotal, 5);
  });

  test('the caller account is scanned with the base credentials, without AssumeRole', () => {
    assert.equal(inv.accounts.find((a) => a.accountId === CALLER)!.access, 'caller');
    assert.ok(inv.instances.some((i) => i.accountId === CALLER && i.instanceId === 'i-0000000000000007'));
    assert.equal(byAction['sts:AssumeRole'], 4, 'one AssumeRole per other ACTIVE account, none for the caller');
  });

  test('a missing role is access-denied in every region, with the reason', () => {
    const denied = inv.coverage.filter((c) => c.accountId === NOROLE);
    assert.ok(denied.length >= 2);
    for (const c of denied) {
      assert.equal(c.status, 'access-denied');
      assert.equal(c.errorCode, 'AccessDenied');
      assert.match(c.reason!, /OrganizationAccountAccessRole/);
    }
    assert.equal(inv.accounts.find((a) => a.accountId === NOROLE)!.accessError?.code, 'AccessDenied');
  });

  test('a disabled opt-in region is skipped, an enabled one scanned', () => {
    assert.equal(inv.coverage.find((c) => c.accountId === PROD && c.region === 'af-south-1')!.status, 'skipped');
    assert.equal(inv.coverage.find((c) => c.accountId === OPS && c.region === 'af-south-1')!.status, 'ok');
    assert.ok(inv.instances.some((i) => i.instanceId === 'i-0000000000000008'));
  });

  test('a shared golden image is joined from its owner: tags visible', () => {
    const i = inv.instances.find((x) => x.instanceId === 'i-0000000000000001')!;
    assert.equal(i.image.ownerId, OPS);
    assert.equal(i.image.source, 'instance-image-metadata');
    const img = inv.images.find((x) => x.imageId === 'ami-0000000000000a001')!;
    assert.equal(img.seenVia, 'owner');
    assert.equal(img.seenFromAccountId, OPS);
    assert.equal(img.tagsVisible, true);
    assert.deepEqual(img.tags, { Environment: 'Prod', Team: 'ops' });
    assert.deepEqual(img.snapshotIds, ['snap-0000000000000a001']);
  });

  test('an image from outside the organization: resolved by id, tags not visible', () => {
    const img = inv.images.find((x) => x.imageId === 'ami-0000000000000e001')!;
    assert.equal(img.seenVia, 'reference');
    assert.equal(img.seenFromAccountId, PROD);
    assert.equal(img.ownerId, EXTERNAL);
    assert.equal(img.tagsVisible, false);
    assert.deepEqual(img.tags, {});
    assert.equal(img.found, true);
    const pub = inv.images.find((x) => x.imageId === 'ami-0000000000000e002')!;
    assert.equal(pub.public, true);
    assert.equal(pub.description, '=HYPERLINK("http://x")');
  });

  test('an instance whose AMI was deregistered keeps its image metadata; the image is an explicit unknown', () => {
    const i = inv.instances.find((x) => x.instanceId === 'i-0000000000000003')!;
    assert.equal(i.image.imageId, 'ami-0000000000000d001');
    assert.equal(i.image.state, 'deregistered');
    assert.equal(i.image.ownerId, DEV);
    assert.equal(i.image.name, 'dev-old');
    const img = inv.images.find((x) => x.imageId === 'ami-0000000000000d001')!;
    assert.equal(img.found, false);
    assert.match(img.notFoundReason!, /deregistered/);
  });

  test('each referenced image is described once per region, in batches, never per instance', () => {
    const referenced = inv.images.filter((x) => x.seenVia === 'reference');
    assert.equal(referenced.length, 4);
    const ownedListings = inv.coverage.filter((c) => c.status === 'ok').length;
    // One lookup of each unit's own tags on the images its instances use and it does not own (it describes them).
    const units = new Map<string, Instance[]>();
    for (const i of inv.instances) units.set(`${i.accountId}|${i.region}`, [...(units.get(`${i.accountId}|${i.region}`) ?? []), i]);
    const tagLookups = [...units].filter(([k, list]) => imagesToAsk(k.split('|')[0]!, list).length > 0).length;
    assert.equal(tagLookups, 4);
    // One Owners=self listing per scanned unit, the tag lookups, plus one batch per (region, resolving account)
    // for what is left: the deregistered image (us-east-1) and nothing else.
    const batches = byAction['ec2:DescribeImages']! - ownedListings - tagLookups;
    assert.equal(batches, 1, `expected 1 batch (us-east-1: the deregistered image), got ${batches}`);
    // The primary path's only DescribeInstances: one per unit for the managed instances it does not list
    // (IncludeManagedResources; managed resource visibility is hidden, the sandbox's default).
    assert.equal(byAction['ec2:DescribeInstances'], ownedListings, 'one managed-instances call per unit');
  });

  test('launch templates: default and latest version images, ssm references recorded as such', () => {
    const web = inv.launchTemplates.find((l) => l.launchTemplateId === 'lt-0000000000000001')!;
    assert.deepEqual(web.defaultVersion, { versionNumber: 1, image: { kind: 'ami', imageId: 'ami-0000000000000a001' } });
    // DEV holds no such parameter: ResolveAlias left the reference unresolved, and the inventory says so.
    assert.deepEqual(web.latestVersion, {
      versionNumber: 2,
      image: { kind: 'ssm', parameter: '/golden/al2023/latest', resolutionError: 'DescribeLaunchTemplateVersions with ResolveAlias answered "resolve:ssm:/golden/al2023/latest", not an AMI id' },
    });
    const batch = inv.launchTemplates.find((l) => l.launchTemplateId === 'lt-0000000000000002')!;
    assert.deepEqual(batch.defaultVersion?.image, { kind: 'ami', imageId: 'ami-0000000000000e002' });
  });

  test('region settings: image block public access and Allowed AMIs', () => {
    const prod = inv.regionSettings.find((r) => r.accountId === PROD && r.region === 'us-east-1')!;
    assert.equal(prod.imageBlockPublicAccess.state, 'unblocked');
    assert.equal(prod.allowedImages.state, 'audit-mode');
    assert.deepEqual(prod.allowedImages.criteria, [{ imageProviders: [OPS] }]);
    const dev = inv.regionSettings.find((r) => r.accountId === DEV && r.region === 'us-east-1')!;
    assert.equal(dev.imageBlockPublicAccess.state, 'block-new-sharing');
    assert.equal(inv.instances.find((i) => i.instanceId === 'i-0000000000000002')!.image.imageAllowed, false);
  });

  test('only Describe/Get/List calls, all of them declared by a collector', () => {
    assertReadOnly(byAction);
    const declared = new Set([...scanRolePermissions(), ...COLLECTORS.flatMap((c) => c.permissions), 'sts:GetCallerIdentity']);
    for (const action of Object.keys(byAction)) assert.ok(declared.has(action), `${action} is called but no collector declares it`);
  });

  test('API call accounting matches what the endpoint saw', () => {
    const total = Object.values(byAction).reduce((a, b) => a + b, 0);
    assert.equal(inv.stats.attempts, total);
    assert.equal(inv.stats.apiCallsTotal, total, 'no retries in a quiet sandbox');
    assert.deepEqual(inv.stats.apiCalls, Object.fromEntries(Object.entries(byAction).sort(([a], [b]) => a.localeCompare(b))));
    assert.equal(inv.stats.retries, 0);
  });
});

describe('scan selection', () => {
  let sb: RunningSandbox;
  const fixture = miniOrg();
  before(async () => {
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
  });
  after(() => sb.close());

  test('--accounts and --regions', async () => {
    const inv = await scanOrganization(scanOptions(sb.endpoint, { accounts: [PROD, DEV], regions: ['us-east-1'] }));
    assertMatchesFixture(inv, fixture, expectedFrom(fixture, { accounts: [PROD, DEV], regions: ['us-east-1'] }));
    assert.deepEqual(inv.accounts.map((a) => a.accountId), [PROD, DEV]);
  });

  test('--ou takes nested OUs; --exclude-accounts removes', async () => {
    const inv = await scanOrganization(scanOptions(sb.endpoint, { ous: ['ou-mini-aaaaaaaa'], excludeAccounts: [NOROLE] }));
    // Workloads holds dev, no-role (excluded), suspended (not scanned), and Prod (nested) holds prod.
    assert.deepEqual(inv.accounts.map((a) => a.accountId), [PROD, DEV, SUSPENDED]);
    assert.deepEqual([...new Set(inv.coverage.map((c) => c.accountId))].sort(), [PROD, DEV]);
    assert.ok(inv.coverage.every((c) => c.status !== 'access-denied' && c.status !== 'error'));
  });

  test('--no-organizations scans the listed accounts without calling Organizations', async () => {
    sb.resetStats();
    const inv = await scanOrganization(scanOptions(sb.endpoint, { organizations: false, accounts: [OPS, CALLER], regions: ['us-east-1'] }));
    assert.equal(inv.run.organization, null);
    assert.ok(!Object.keys(sb.stats().byAction).some((a) => a.startsWith('organizations:')));
    assert.deepEqual(inv.accounts.map((a) => [a.accountId, a.access]), [[CALLER, 'caller'], [OPS, 'assumed-role']]);
    assert.ok(inv.coverage.every((c) => c.status === 'ok'));
  });

  test('--assume-role-in-caller-account assumes the role in the caller account too', async () => {
    sb.resetStats();
    const inv = await scanOrganization(scanOptions(sb.endpoint, { accounts: [CALLER], regions: ['us-east-1'], assumeRoleInCallerAccount: true }));
    assert.equal(inv.accounts[0]!.access, 'assumed-role');
    assert.equal(sb.stats().byAction['sts:AssumeRole'], 1);
    assert.equal(inv.coverage[0]!.status, 'ok');
  });

  test('the SDK honours AWS_ENDPOINT_URL_EC2 / _STS / _ORGANIZATIONS over AWS_ENDPOINT_URL', async () => {
    const vars = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_ORGANIZATIONS'] as const;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9'; // nothing listens there
    process.env.AWS_ENDPOINT_URL_EC2 = sb.endpoint;
    process.env.AWS_ENDPOINT_URL_STS = sb.endpoint;
    process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = sb.endpoint;
    try {
      const { endpointUrl: _none, ...rest } = scanOptions(sb.endpoint, { accounts: [PROD], regions: ['us-east-1'] });
      const inv = await scanOrganization(rest);
      assert.equal(inv.coverage[0]!.status, 'ok');
      assert.equal(inv.run.endpoint, sb.endpoint);
    } finally {
      for (const v of vars) delete process.env[v];
    }
  });

  test('an OU or account outside the organization, or an unknown region, is a usage error', async () => {
    const usage = (re: RegExp) => (err: unknown) => err instanceof UserError && err.exitCode === 2 && re.test(err.message);
    await assert.rejects(scanOrganization(scanOptions(sb.endpoint, { ous: ['ou-mini-zzzzzzzz'] })), usage(/--ou: ou-mini-zzzzzzzz is not an OU/));
    await assert.rejects(scanOrganization(scanOptions(sb.endpoint, { accounts: ['123123123123'] })), usage(/not in organization/));
    await assert.rejects(scanOrganization(scanOptions(sb.endpoint, { regions: ['us-west-2'] })), usage(/not an EC2 region/));
  });
});

describe('amigov scan command', () => {
  let sb: RunningSandbox;
  let dir: string;
  before(async () => {
    sb = await startSandbox({ fixture: miniOrg() });
    useSandboxCredentials(sb.credentials);
    dir = mkdtempSync(join(tmpdir(), 'amigov-scan-'));
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('writes inventory.json atomically and exits 3 on a partial scan, 0 with --allow-partial', async () => {
    const out = sink();
    const err = sink();
    const run = await runScan({ endpointUrl: sb.endpoint, region: 'us-east-1', out: join(dir, 'a'), asOf: '2026-01-15' }, { stdout: out.stream, stderr: err.stream });
    assert.equal(run.exitCode, 3);
    assert.deepEqual(readdirSync(join(dir, 'a')), ['inventory.json'], 'no temp files left behind');
    const written = JSON.parse(readFileSync(join(dir, 'a', 'inventory.json'), 'utf8')) as Inventory;
    assert.equal(written.run.runId, run.inventory.run.runId);
    assert.match(written.run.runId, /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z-[0-9a-f]{4}$/);
    assert.match(out.text(), /access-denied 3/);
    assert.match(out.text(), /Not scanned:\n {2}500000000005/);
    assert.match(out.text(), /--allow-partial/);
    assert.match(err.text(), /amigov scan: done: 15\/15 account-regions/);

    const again = await runScan({ endpointUrl: sb.endpoint, region: 'us-east-1', out: join(dir, 'b'), allowPartial: true, quiet: true }, { stdout: sink().stream, stderr: err.stream });
    assert.equal(again.exitCode, 0);
  });

  test('a complete scan exits 0', async () => {
    const run = await runScan({ endpointUrl: sb.endpoint, region: 'us-east-1', out: join(dir, 'c'), accounts: `${PROD},${DEV}`, quiet: true }, { stdout: sink().stream, stderr: sink().stream });
    assert.equal(run.exitCode, 0);
    assert.equal(run.inventoryPath, join(dir, 'c', 'inventory.json'));
  });

  test('bad credentials are fatal (exit 4) and nothing is written', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAUNKNOWNKEY000000';
    try {
      await assert.rejects(
        runScan({ endpointUrl: sb.endpoint, region: 'us-east-1', out: join(dir, 'd'), quiet: true }, { stdout: sink().stream, stderr: sink().stream }),
        (err: unknown) => err instanceof UserError && err.exitCode === 4 && /cannot identify the caller/.test(err.message),
      );
    } finally {
      useSandboxCredentials(sb.credentials);
    }
    assert.throws(() => readdirSync(join(dir, 'd')));
  });

  test('an unreachable organization is fatal (exit 4) with what to do', async () => {
    sb.setFaults([{ action: 'organizations:*', error: { code: 'AccessDeniedException', status: 400, message: 'You don\'t have permissions to access this resource.' } }]);
    try {
      await assert.rejects(
        runScan({ endpointUrl: sb.endpoint, region: 'us-east-1', out: join(dir, 'e'), quiet: true }, { stdout: sink().stream, stderr: sink().stream }),
        (err: unknown) => err instanceof UserError && err.exitCode === 4 && /cannot list the organization's accounts \(AccessDeniedException/.test(err.message) && /--no-organizations/.test(err.hint ?? ''),
      );
    } finally {
      sb.setFaults([]);
    }
  });

  test('a bad config is a usage error (exit 2) before any AWS call', async () => {
    sb.resetStats();
    await assert.rejects(
      runScan({ endpointUrl: sb.endpoint, config: join(dir, 'missing.json'), quiet: true }, { stdout: sink().stream, stderr: sink().stream }),
      (err: unknown) => err instanceof UserError && err.exitCode === 2 && /cannot read the configuration/.test(err.message),
    );
    assert.equal(sb.stats().total, 0);
  });
});
