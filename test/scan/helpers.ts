/**
 * Test helpers for the scanner: a small hand-made organization, an oracle that computes from any
 * fixture what a complete scan must find, and scan options pointed at a running sandbox.
 */
import assert from 'node:assert/strict';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { Writable } from 'node:stream';
import { SCAN_DEFAULTS, type ScanOptions } from '../../src/scan/options.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_REGIONS } from '../../src/sandbox/regions.ts';

export const CALLER = '100000000001';
export const OPS = '200000000002';
export const PROD = '300000000003';
export const DEV = '400000000004';
export const NOROLE = '500000000005';
export const SUSPENDED = '600000000006';
export const EXTERNAL = '999999999999';

const OAAR = [{ name: 'OrganizationAccountAccessRole' }];

/** A small organization that exercises every path of the scanner. */
export function miniOrg(): OrgFixture {
  return {
    description: 'scanner test organization',
    organization: { id: 'o-mini000001', managementAccountId: CALLER, rootId: 'r-mini' },
    caller: { accountId: CALLER, accessKeyId: 'AKIAMINICALLER000001', secretAccessKey: 'mini-secret', userName: 'scanner' },
    regions: [
      { name: 'us-east-1', optIn: false },
      { name: 'eu-west-1', optIn: false },
      { name: 'af-south-1', optIn: true },
    ],
    organizationalUnits: [
      { id: 'ou-mini-aaaaaaaa', name: 'Workloads', parentId: 'r-mini' },
      { id: 'ou-mini-bbbbbbbb', name: 'Prod', parentId: 'ou-mini-aaaaaaaa' },
      { id: 'ou-mini-cccccccc', name: 'Security', parentId: 'r-mini' },
    ],
    accounts: [
      { id: CALLER, name: 'management', email: 'mgmt@example.com', parentId: 'r-mini', roles: OAAR, enabledRegions: ['us-east-1', 'eu-west-1'] },
      { id: OPS, name: 'ops-publisher', email: 'ops@example.com', parentId: 'ou-mini-cccccccc', roles: OAAR, enabledRegions: ['us-east-1', 'eu-west-1', 'af-south-1'] },
      { id: PROD, name: 'prod', email: 'prod@example.com', parentId: 'ou-mini-bbbbbbbb', roles: OAAR, enabledRegions: ['us-east-1', 'eu-west-1'] },
      { id: DEV, name: 'dev', email: 'dev@example.com', parentId: 'ou-mini-aaaaaaaa', roles: OAAR, enabledRegions: ['us-east-1', 'eu-west-1'] },
      { id: NOROLE, name: 'no-role', email: 'norole@example.com', parentId: 'ou-mini-aaaaaaaa', roles: [], enabledRegions: ['us-east-1', 'eu-west-1'] },
      { id: SUSPENDED, name: 'suspended', email: 'gone@example.com', parentId: 'ou-mini-aaaaaaaa', status: 'SUSPENDED', roles: OAAR, enabledRegions: ['us-east-1', 'eu-west-1'] },
    ],
    images: [
      { imageId: 'ami-0000000000000a001', ownerId: OPS, region: 'us-east-1', name: 'golden-al2023', creationDate: '2026-01-01T00:00:00.000Z', tags: { Environment: 'Prod', Team: 'ops' }, sharedWith: [PROD, DEV], snapshotIds: ['snap-0000000000000a001'] },
      { imageId: 'ami-0000000000000a002', ownerId: OPS, region: 'us-east-1', name: 'golden-untagged', creationDate: '2026-01-02T00:00:00.000Z', sharedWith: [DEV] },
      { imageId: 'ami-0000000000000a003', ownerId: OPS, region: 'af-south-1', name: 'golden-af', creationDate: '2026-01-03T00:00:00.000Z', tags: { Environment: 'Prod' } },
      { imageId: 'ami-0000000000000e001', ownerId: EXTERNAL, region: 'us-east-1', name: 'outside-image', creationDate: '2025-06-01T00:00:00.000Z', tags: { Environment: 'Prod' }, sharedWith: [PROD] },
      { imageId: 'ami-0000000000000e002', ownerId: EXTERNAL, region: 'us-east-1', name: 'vendor-public', description: '=HYPERLINK("http://x")', creationDate: '2025-07-01T00:00:00.000Z', public: true },
      { imageId: 'ami-0000000000000d001', ownerId: DEV, region: 'us-east-1', name: 'dev-old', creationDate: '2024-01-01T00:00:00.000Z', state: 'deregistered' },
      { imageId: 'ami-0000000000000d002', ownerId: DEV, region: 'us-east-1', name: 'dev-own <b>', description: '$(rm -rf /)', creationDate: '2026-02-01T00:00:00.000Z', tags: { Name: '<script>alert(1)</script>' } },
      { imageId: 'ami-0000000000000b001', ownerId: PROD, region: 'eu-west-1', name: 'prod-public', creationDate: '2026-01-05T00:00:00.000Z', public: true, tags: { Environment: 'Dev' } },
      { imageId: 'ami-0000000000000c001', ownerId: '137112412989', ownerAlias: 'amazon', region: 'eu-west-1', name: 'al2023-ami', creationDate: '2026-01-10T00:00:00.000Z', public: true },
    ],
    instances: [
      { instanceId: 'i-0000000000000001', accountId: PROD, region: 'us-east-1', imageId: 'ami-0000000000000a001', state: 'running', tags: { Environment: 'Prod', Name: '<script>x</script>' } },
      { instanceId: 'i-0000000000000002', accountId: PROD, region: 'us-east-1', imageId: 'ami-0000000000000e001', state: 'running', tags: { Environment: 'Prod' } },
      { instanceId: 'i-0000000000000003', accountId: DEV, region: 'us-east-1', imageId: 'ami-0000000000000d001', state: 'running' },
      { instanceId: 'i-0000000000000004', accountId: DEV, region: 'us-east-1', imageId: 'ami-0000000000000a002', state: 'stopped', tags: { Name: 'web' } },
      { instanceId: 'i-0000000000000005', accountId: DEV, region: 'us-east-1', imageId: 'ami-0000000000000e002', state: 'terminated' },
      { instanceId: 'i-0000000000000006', accountId: PROD, region: 'eu-west-1', imageId: 'ami-0000000000000b001', state: 'running' },
      { instanceId: 'i-0000000000000007', accountId: CALLER, region: 'us-east-1', imageId: 'ami-0000000000000e002', state: 'running' },
      { instanceId: 'i-0000000000000008', accountId: OPS, region: 'af-south-1', imageId: 'ami-0000000000000a003', state: 'running' },
      { instanceId: 'i-0000000000000009', accountId: SUSPENDED, region: 'us-east-1', imageId: 'ami-0000000000000e002', state: 'running' },
      { instanceId: 'i-000000000000000a', accountId: DEV, region: 'eu-west-1', imageId: 'ami-0000000000000c001', state: 'running' },
      { instanceId: 'i-000000000000000b', accountId: DEV, region: 'us-east-1', imageId: 'ami-0000000000000d002', state: 'running' },
    ],
    launchTemplates: [
      {
        launchTemplateId: 'lt-0000000000000001',
        launchTemplateName: 'web',
        accountId: DEV,
        region: 'us-east-1',
        defaultVersion: 1,
        versions: [
          { versionNumber: 1, imageId: 'ami-0000000000000a001' },
          { versionNumber: 2, imageId: 'resolve:ssm:/golden/al2023/latest' },
        ],
      },
      {
        launchTemplateId: 'lt-0000000000000002',
        launchTemplateName: 'batch',
        accountId: PROD,
        region: 'us-east-1',
        defaultVersion: 2,
        versions: [{ versionNumber: 1 }, { versionNumber: 2, imageId: 'ami-0000000000000e002' }],
      },
    ],
    regionSettings: [
      { accountId: PROD, region: 'us-east-1', imageBlockPublicAccess: 'unblocked', allowedImages: { state: 'audit-mode', managedBy: 'account', criteria: [{ imageProviders: [OPS] }] } },
      { accountId: DEV, region: 'us-east-1', imageBlockPublicAccess: 'block-new-sharing' },
    ],
  };
}

/** Points the SDK at nothing but the sandbox: its credentials, no shared config files, no instance metadata. */
export function useSandboxCredentials(creds: { accessKeyId: string; secretAccessKey: string }): void {
  process.env.AWS_ACCESS_KEY_ID = creds.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
  process.env.AWS_CONFIG_FILE = '/nonexistent/amigov-test-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/amigov-test-credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  process.env.AWS_REGION = 'us-east-1';
}

let allowlistCache: ReturnType<typeof resolveAllowlist> | undefined;
export function testAllowlist() {
  allowlistCache ??= resolveAllowlist(loadConfig('config/ami_publishers.json'), '2026-01-15');
  return allowlistCache;
}

/**
 * Scan options for a test against the sandbox. The per-attempt timeout is the production one
 * (SCAN_DEFAULTS.requestTimeoutMs, 30 s), not a short one: the sandbox shares the test's CPU, and on a loaded
 * machine a healthy call waits seconds for it (measured: over 5 s with 160 calls in flight and two busy cores),
 * so a short timeout turns load into retries and errors, and counts and statuses into a matter of timing.
 * A test that needs a call to time out hangs that call well past a timeout it sets itself.
 */
export function scanOptions(endpoint: string, overrides: Partial<ScanOptions> = {}): ScanOptions {
  return {
    ...SCAN_DEFAULTS,
    configPath: 'config/ami_publishers.json',
    allowlist: testAllowlist(),
    asOf: '2026-01-15',
    endpointUrl: endpoint,
    region: 'us-east-1',
    // The scan's own default (30 s), not 5 s: the sandbox answers from this same process, and on a busy
    // 2-core machine the ~160 requests in flight can wait longer than 5 s for its CPU. Those then time out
    // and are retried, which changes the call counts tests assert (bench, scan-demo: seen on Node 20 and 22).
    // Tests of timeouts set their own.
    requestTimeoutMs: 30_000,
    ...overrides,
  };
}

export interface Expected {
  /** acct|region -> status */
  coverage: Map<string, string>;
  /** acct|region|instanceId -> fixture instance */
  instances: Map<string, OrgFixture['instances'][number]>;
  /** region|imageId -> fixture image, for images owned by an account x region scanned ok */
  ownedImages: Map<string, OrgFixture['images'][number]>;
}

/**
 * What a complete scan of `fixture` must produce, derived from the fixture alone: which account x
 * regions are ok / skipped / access-denied, which instances and owned images must be in the inventory.
 */
export function expectedFrom(
  fixture: OrgFixture,
  sel: { roleName?: string; accounts?: string[]; regions?: string[]; assumeInCaller?: boolean } = {},
): Expected {
  const roleName = sel.roleName ?? 'OrganizationAccountAccessRole';
  const regions = fixture.regions ?? DEFAULT_REGIONS;
  const coverage = new Map<string, string>();
  for (const a of fixture.accounts) {
    if ((a.status ?? 'ACTIVE') !== 'ACTIVE') continue;
    if (sel.accounts && !sel.accounts.includes(a.id)) continue;
    const reachable = (a.id === fixture.caller.accountId && !sel.assumeInCaller) || a.roles.some((r) => r.name === roleName && (r.path ?? '/') === '/' && !r.externalId);
    for (const r of regions) {
      if (sel.regions && !sel.regions.includes(r.name)) continue;
      const enabled = !r.optIn || a.enabledRegions.includes(r.name);
      coverage.set(`${a.id}|${r.name}`, !reachable ? 'access-denied' : enabled ? 'ok' : 'skipped');
    }
  }
  // An unreachable account is reported for the regions that exist and are enabled elsewhere, never "skipped".
  for (const [k, v] of coverage) {
    if (v !== 'access-denied') continue;
    const region = k.split('|')[1]!;
    const enabledSomewhere = [...coverage].some(([k2, v2]) => k2.endsWith(`|${region}`) && v2 === 'ok');
    if (!enabledSomewhere && !sel.regions) coverage.delete(k);
  }
  const instances = new Map<string, OrgFixture['instances'][number]>();
  for (const i of fixture.instances) {
    if (coverage.get(`${i.accountId}|${i.region}`) !== 'ok') continue;
    if ((i.state ?? 'running') === 'terminated') continue;
    instances.set(`${i.accountId}|${i.region}|${i.instanceId}`, i);
  }
  const ownedImages = new Map<string, OrgFixture['images'][number]>();
  for (const img of fixture.images) {
    if (coverage.get(`${img.ownerId}|${img.region}`) !== 'ok') continue;
    if ((img.state ?? 'available') === 'deregistered') continue;
    ownedImages.set(`${img.region}|${img.imageId}`, img);
  }
  return { coverage, instances, ownedImages };
}

/** Asserts an inventory has everything the oracle expects, and nothing it doesn't. */
export function assertMatchesFixture(inv: Inventory, fixture: OrgFixture, exp: Expected): void {
  // Coverage: exactly one entry per expected account x region, with the expected status.
  const got = new Map(inv.coverage.map((c) => [`${c.accountId}|${c.region}`, c.status]));
  assert.equal(got.size, inv.coverage.length, 'one coverage entry per account x region');
  assert.deepEqual(Object.fromEntries([...got].sort()), Object.fromEntries([...exp.coverage].sort()));

  // Instances: every expected one, with its tags, state and image id; nothing else.
  const instances = new Map(inv.instances.map((i) => [`${i.accountId}|${i.region}|${i.instanceId}`, i]));
  assert.deepEqual([...instances.keys()].sort(), [...exp.instances.keys()].sort());
  for (const [k, fi] of exp.instances) {
    const i = instances.get(k)!;
    assert.deepEqual(i.tags, fi.tags ?? {}, `${k} tags`);
    assert.equal(i.state, fi.state ?? 'running', `${k} state`);
    assert.equal(i.image.imageId, fi.imageId, `${k} image`);
    if (fi.instanceType) assert.equal(i.instanceType, fi.instanceType);
  }

  // Owned images: every image of a scanned account x region, with its owner's tags and public flag.
  for (const [k, fimg] of exp.ownedImages) {
    const img = inv.images.find((x) => `${x.region}|${x.imageId}` === k);
    assert.ok(img, `owned image ${k} missing`);
    assert.equal(img.seenVia, 'owner', k);
    assert.equal(img.tagsVisible, true, k);
    assert.equal(img.ownerId, fimg.ownerId, k);
    assert.deepEqual(img.tags, fimg.tags ?? {}, `${k} tags`);
    assert.equal(img.public, fimg.public ?? false, `${k} public`);
    assert.equal(img.name, fimg.name, `${k} name`);
    assert.equal(img.found, true);
  }
  // One record per region x image id.
  const imageKeys = inv.images.map((x) => `${x.region}|${x.imageId}`);
  assert.equal(new Set(imageKeys).size, imageKeys.length, 'one image record per region x id');
  // Every referenced image has a record in its region.
  for (const i of inv.instances) assert.ok(imageKeys.includes(`${i.region}|${i.image.imageId}`), `no image record for ${i.instanceId}'s ${i.image.imageId}`);

  // Accounts: every selected account with name, email and OU path.
  for (const fa of fixture.accounts) {
    const a = inv.accounts.find((x) => x.accountId === fa.id);
    if (!a) continue;
    assert.equal(a.name, fa.name);
    assert.equal(a.email, fa.email);
    assert.equal(a.status, fa.status ?? 'ACTIVE');
  }
}

/** Every action the scan sent, per the sandbox: only Describe / Get / List (and GetCallerIdentity / AssumeRole; AWS Backup's List). */
export function assertReadOnly(byAction: Record<string, number>): void {
  for (const action of Object.keys(byAction)) {
    assert.match(action, /^((ec2|autoscaling):(Describe|Get)|(organizations|backup):(Describe|List)|sts:(GetCallerIdentity|AssumeRole)$)/, `${action} is not a read-only call`);
  }
}

/** A writable stream that keeps what is written to it: the io a scan prints to in tests. */
export function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}
