/**
 * The benchmark's pure parts: the minimal-call model on a hand-made fixture (every rule of the model exercised),
 * the model against what a real scan sends the sandbox, the latency bound, the growth fit and the Markdown table.
 * No timing is asserted.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateOrg, startSandbox } from '../../src/sandbox/index.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { latencyBound, minimalCalls, type MinimalModel } from '../../src/bench/minimal.ts';
import { growthOf, powerLawExponent, renderMarkdown, type BenchReport, type SizeResult } from '../../src/bench/table.ts';
import { toBenchOptions } from '../../src/cli/bench-options.ts';
import { runSyntheticSize } from '../../src/bench/run.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanOptions, testAllowlist, useSandboxCredentials } from '../scan/helpers.ts';

const MGMT = '100000000001';
const VENDOR = '111122223333';
const role = [{ name: 'OrganizationAccountAccessRole' }];
const hex = (n: number) => n.toString(16).padStart(17, '0');

/**
 * Root (management) -> OU "work" with 22 accounts (two ListAccountsForParent pages): 20 ACTIVE with the role, one
 * without it, one SUSPENDED. Regions: us-east-1, eu-west-1, and opt-in af-south-1 enabled by one account only.
 */
function tinyOrg(): OrgFixture {
  const accounts: OrgFixture['accounts'] = [{ id: MGMT, name: 'mgmt', email: 'm@example.com', parentId: 'r-tiny', roles: role, enabledRegions: [] }];
  for (let i = 0; i < 22; i++) {
    accounts.push({
      id: String(200000000000 + i),
      name: `a${i}`,
      email: `a${i}@example.com`,
      parentId: 'ou-tiny-work0001',
      roles: i === 20 ? [] : role,
      ...(i === 21 ? { status: 'SUSPENDED' as const } : {}),
      enabledRegions: i === 0 ? ['af-south-1'] : [],
    });
  }
  const A0 = '200000000000';
  const A1 = '200000000001';
  const images: OrgFixture['images'] = [
    { imageId: `ami-${hex(1)}`, ownerId: A0, region: 'us-east-1', name: 'own', creationDate: '2026-01-01T00:00:00.000Z' },
    { imageId: `ami-${hex(2)}`, ownerId: VENDOR, region: 'us-east-1', name: 'vendor', creationDate: '2026-01-01T00:00:00.000Z', public: true },
    { imageId: `ami-${hex(3)}`, ownerId: VENDOR, region: 'eu-west-1', name: 'vendor-eu', creationDate: '2026-01-01T00:00:00.000Z', public: true },
    { imageId: `ami-${hex(4)}`, ownerId: A0, region: 'us-east-1', name: 'gone', creationDate: '2026-01-01T00:00:00.000Z', state: 'deregistered' },
  ];
  // 1,001 live instances in A0 us-east-1 (two pages of 1000) and one terminated; A1 eu-west-1 runs the vendor image.
  const instances: OrgFixture['instances'] = [];
  for (let i = 0; i < 1001; i++) instances.push({ instanceId: `i-${hex(i + 1)}`, accountId: A0, region: 'us-east-1', imageId: i % 2 ? `ami-${hex(1)}` : `ami-${hex(2)}` });
  instances.push({ instanceId: `i-${hex(5000)}`, accountId: A0, region: 'us-east-1', imageId: `ami-${hex(2)}`, state: 'terminated' });
  instances.push({ instanceId: `i-${hex(5001)}`, accountId: A1, region: 'eu-west-1', imageId: `ami-${hex(3)}` });
  return {
    organization: { id: 'o-tinytiny01', managementAccountId: MGMT, rootId: 'r-tiny' },
    caller: { accountId: MGMT, accessKeyId: 'AKIATINYTINYTINY0001', secretAccessKey: 'tiny/secret' },
    regions: [
      { name: 'us-east-1', optIn: false },
      { name: 'eu-west-1', optIn: false },
      { name: 'af-south-1', optIn: true },
    ],
    organizationalUnits: [{ id: 'ou-tiny-work0001', name: 'work', parentId: 'r-tiny' }],
    accounts,
    images,
    instances,
    // Two vaults in A0 us-east-1: one with two EC2 recovery points, one empty (each vault costs a page).
    backupVaults: [
      { accountId: A0, region: 'us-east-1', name: 'Default', recoveryPoints: [{ imageId: `ami-${hex(1)}` }, { imageId: `ami-${hex(4)}` }] },
      { accountId: A0, region: 'us-east-1', name: 'empty' },
    ],
    launchTemplates: [
      // Latest (2) differs from default (1): two versions to describe; version 2 uses an SSM parameter.
      { launchTemplateId: `lt-${hex(1)}`, launchTemplateName: 'lt', accountId: A1, region: 'eu-west-1', defaultVersion: 1, versions: [{ versionNumber: 1, imageId: `ami-${hex(3)}` }, { versionNumber: 2, imageId: 'resolve:ssm:/x' }] },
    ],
  };
}

describe('minimal-call model', () => {
  test('counts each call a perfect scanner must make for the fixture', () => {
    const m = minimalCalls(tinyOrg());
    // Scanned: management (caller) + 20 role-holding ACTIVE accounts; the role-less one costs an AssumeRole only.
    assert.equal(m.shape.scannedAccounts, 21);
    // 21 accounts x 2 regions + af-south-1 for the one account that enabled it.
    assert.equal(m.shape.accountRegions, 43);
    assert.equal(m.shape.instances, 1002);
    assert.deepEqual(m.byAction, {
      'autoscaling:DescribeAutoScalingGroups': 43, // one page per unit, even when it has no group
      'backup:ListBackupVaults': 43, // one page per unit, even when it has no vault
      'backup:ListRecoveryPointsByBackupVault': 2, // one page per vault of A0 us-east-1
      'ec2:DescribeFleets': 43,
      'ec2:DescribeSpotFleetRequests': 43,
      'ec2:DescribeImages': 43 + 1 + 1, // owned listing per unit, + one by-id batch in each region with a foreign image
      'ec2:DescribeInstanceImageMetadata': 43 + 1, // A0 us-east-1 needs a second page (1,001 live instances)
      'ec2:DescribeInstances': 43, // managed instances (IncludeManagedResources), visibility hidden everywhere
      'ec2:DescribeLaunchTemplateVersions': 43 + 1, // + one ResolveAlias for the resolve:ssm:/x version
      'ec2:GetManagedResourceVisibility': 43,
      'ec2:DescribeRegions': 21,
      'ec2:GetAllowedImagesSettings': 43,
      'ec2:GetImageBlockPublicAccessState': 43,
      'organizations:DescribeOrganization': 1,
      'organizations:ListAccountsForParent': 1 + 2, // root, then 22 accounts in pages of 20
      'organizations:ListOrganizationalUnitsForParent': 2,
      'organizations:ListRoots': 1,
      'sts:AssumeRole': 21, // every ACTIVE account but the caller's, role or not
      'sts:GetCallerIdentity': 1,
    });
    assert.equal(m.total, Object.values(m.byAction).reduce((a, b) => a + b, 0));
    // ListRoots -> root's OUs -> second accounts page of the OU -> AssumeRole -> DescribeRegions ->
    // GetManagedResourceVisibility -> 2 pages -> managed instances (DescribeInstances) -> batch
    assert.equal(m.criticalChainCalls, 10);
  });

  test('matches what a real scan sends, except amigov\'s DescribeLaunchTemplates cross-check', async () => {
    const fixture = generateOrg({ accounts: 4, regions: 3, seed: 11 });
    // AWS Backup vaults in two units (one with a recovery point, one empty): a page each besides the vault listing.
    const [a, b] = fixture.accounts.filter((x) => x.id !== fixture.caller.accountId);
    const owned = fixture.images.find((i) => i.ownerId === a!.id)!;
    fixture.backupVaults = [
      { accountId: a!.id, region: owned.region, name: 'Default', recoveryPoints: [{ imageId: owned.imageId }] },
      { accountId: b!.id, region: owned.region, name: 'dr-vault' },
    ];
    // Auto Scaling groups in us-east-1 of every account (issue #14): DescribeInstanceRefreshes is asked, one group per
    // call, only in the units where an image not from an approved publisher is in use; each batch group has 101 refreshes (two pages).
    fixture.autoScalingGroups = fixture.accounts.flatMap((a, i) => [
      { name: `web-${i}`, accountId: a.id, region: 'us-east-1', minSize: 0, maxSize: 2, desiredCapacity: 1, launchTemplate: { launchTemplateName: 'none' } },
      {
        name: `batch-${i}`, accountId: a.id, region: 'us-east-1', minSize: 0, maxSize: 2, desiredCapacity: 0, launchTemplate: { launchTemplateName: 'none' },
        instanceRefreshes: Array.from({ length: 101 }, (_, n) => ({ instanceRefreshId: `r-${i}-${n}`, status: n === 0 ? ('InProgress' as const) : ('Successful' as const) })),
      },
    ]);
    const model = minimalCalls(fixture, { approvedProviders: testAllowlist().approvedProviders });
    assert.ok((model.byAction['ec2:DescribeImageReferences'] ?? 0) > 0, 'the model counts the image-reference batches');
    const refreshCalls = model.byAction['autoscaling:DescribeInstanceRefreshes'] ?? 0;
    // Three calls per unit asked (web: one page, batch: two); not every account's us-east-1 is asked.
    assert.ok(refreshCalls > 0 && refreshCalls % 3 === 0 && refreshCalls < 3 * fixture.accounts.length, `the model counts DescribeInstanceRefreshes where it is asked only (${refreshCalls})`);
    assert.equal(model.byAction['backup:ListRecoveryPointsByBackupVault'], 2, 'the model counts a page per vault');
    const sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint));
      const made = sb.stats().byAction;
      assert.equal(inv.coverage.filter((c) => c.status === 'ok').length, model.shape.accountRegions);
      assert.equal(inv.instances.length, model.shape.instances);
      // The calls the scanner chose to make (its own count, one per operation and page, retries excluded) ...
      for (const [action, n] of Object.entries(model.byAction)) {
        if (action === 'ec2:DescribeLaunchTemplateVersions') continue;
        assert.equal(inv.stats.apiCalls[action], n, `${action} (scanner's count)`);
      }
      // ... are exactly what the sandbox received: every attempt reached it, and none was a retry. (A retry is
      // the SDK repeating an attempt, e.g. one that outlived the per-attempt timeout on a saturated CPU: not a
      // call of the model. scanOptions gives each attempt the production timeout, far beyond this scan's length.)
      assert.equal(inv.stats.retries, 0, `${inv.stats.retries} attempts were retries (throttled: ${inv.stats.throttled}, failed calls: ${inv.stats.failedCalls ?? 0})`);
      assert.equal(sb.stats().total, inv.stats.attempts, 'every attempt the scanner made reached the sandbox');
      for (const [action, n] of Object.entries(model.byAction)) {
        if (action === 'ec2:DescribeLaunchTemplateVersions') continue;
        assert.equal(made[action], n, action);
      }
      // amigov lists the templates first (one call per unit) and describes versions only where there are some.
      assert.equal(made['ec2:DescribeLaunchTemplates'], model.shape.accountRegions);
      // ... plus one ResolveAlias call per template whose default or latest version is a resolve:ssm: parameter.
      const ssm = fixture.launchTemplates!.filter((lt) => {
        const latest = Math.max(...lt.versions.map((v) => v.versionNumber));
        return lt.versions.some((v) => (v.versionNumber === latest || v.versionNumber === lt.defaultVersion) && v.imageId?.startsWith('resolve:ssm:'));
      }).length;
      assert.ok(ssm > 0, 'the generated organization has resolve:ssm: templates');
      assert.equal(made['ec2:DescribeLaunchTemplateVersions'], new Set(fixture.launchTemplates!.map((lt) => `${lt.accountId}|${lt.region}`)).size + ssm);
    } finally {
      await sb.close();
    }
  });

  test('a public-AMI sweep (scan --rules public-ami): the model and a real targeted scan agree, call for call', async () => {
    const fixture = generateOrg({ accounts: 4, regions: 3, seed: 11 });
    const collectors = ['owned-images', 'launch-permissions', 'organization'];
    const full = minimalCalls(fixture);
    const model = minimalCalls(fixture, { collectors });
    for (const a of ['ec2:DescribeInstanceImageMetadata', 'ec2:DescribeLaunchTemplateVersions', 'ec2:GetImageBlockPublicAccessState', 'ec2:GetAllowedImagesSettings']) {
      assert.equal(model.byAction[a], undefined, a);
    }
    assert.equal(model.byAction['ec2:DescribeImages'], model.shape.accountRegions, 'one owned listing per unit, no by-id batch');
    assert.ok(model.total < full.total / 2, `sweep ${model.total} vs full ${full.total}`);
    const sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint, { collectors }));
      assert.deepEqual(sb.stats().byAction, model.byAction);
      assert.equal(sb.stats().total, model.total);
      assert.equal(inv.coverage.filter((c) => c.status === 'ok').length, model.shape.accountRegions);
    } finally {
      await sb.close();
    }
  });

  test('the latency bound is the largest of throughput, chain and rate', () => {
    const model: MinimalModel = {
      shape: { accounts: 1, scannedAccounts: 1, accountRegions: 1, populatedAccountRegions: 1, instances: 0, images: 0, launchTemplates: 0 },
      total: 1000,
      byAction: {},
      criticalChainCalls: 10,
      rateLimited: [{ bucket: 'organizations (per account)', calls: 50, minMs: 3000 }],
    };
    assert.deepEqual(latencyBound(model, 50, 10), { throughputMs: 5000, chainMs: 500, rateMs: 3200, boundMs: 5000, limitedBy: 'throughput' });
    assert.equal(latencyBound(model, 50, 1000).limitedBy, 'rate');
    assert.equal(latencyBound({ ...model, rateLimited: [] }, 50, 1000).limitedBy, 'chain');
  });
});

function sizeResult(size: number, wallMs: number, rss: number): SizeResult {
  return {
    size,
    settings: { regions: 17, populatedRegionsPerAccount: 1, instancesPerRegion: 100, ownedImagesPerRegion: 20, latencyMs: 50, throttling: true, concurrency: 32, requestSlots: 160 },
    loadAverageAtStart: 1.5,
    shape: { accounts: size + 2, scannedAccounts: size + 2, accountRegions: (size + 2) * 17, populatedAccountRegions: size + 17, instances: size * 100, images: 100, launchTemplates: size * 3 },
    minimal: { total: 1000, byAction: { 'ec2:DescribeImages': 600, 'sts:AssumeRole': 400 }, criticalChainCalls: 8, rateLimited: [] },
    made: { total: 1030, byAction: { 'ec2:DescribeImages': 600, 'sts:AssumeRole': 400, 'ec2:DescribeLaunchTemplates': 30 }, throttled: 2 },
    scanner: { calls: 1028, attempts: 1030, retries: 2, throttled: 2, failedCalls: 0 },
    bound: { throughputMs: 2000, chainMs: 400, rateMs: 0, boundMs: 2000, limitedBy: 'throughput' },
    scan: { wallMs, cpuMs: wallMs / 2, maxRssBytes: rss, scanOnlyMaxRssBytes: rss / 2, writeInventoryMs: 10, inventoryBytes: 3 * 2 ** 20, meanInFlight: 25.4, peakInFlight: 150 },
    sandbox: { cpuMs: 300, maxRssBytes: 100 * 2 ** 20, generateMs: 5, startMs: 5 },
    report: { readMs: 1, evaluateMs: 2, renderMs: 3, wallMs: 6, cpuMs: 6, maxRssBytes: 150 * 2 ** 20, findings: 42, htmlBytes: 2 ** 20, xlsxBytes: 2 ** 20 },
    coverage: { expectedUnits: (size + 2) * 17, ok: (size + 2) * 17, skipped: 0, accessDenied: 0, error: 0, instancesExpected: size * 100, instancesFound: size * 100, unresolvedImages: 0, complete: true },
  };
}

describe('results table', () => {
  test('power-law exponent of a log-log fit', () => {
    assert.equal(powerLawExponent([{ x: 1, y: 5 }]), null);
    const b = powerLawExponent([1, 2, 4, 8].map((x) => ({ x, y: 3 * x ** 1.5 })));
    assert.ok(b !== null && Math.abs(b - 1.5) < 1e-9);
  });

  test('renders one column per size, the calls by action, and the growth line', () => {
    const sizes = [sizeResult(10, 2000, 200 * 2 ** 20), sizeResult(40, 8000, 400 * 2 ** 20)];
    const report: BenchReport = {
      schemaVersion: 1,
      kind: 'amigov.bench',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      toolVersion: '0.0.0',
      machine: { cpus: 2, cpuModel: 'Test CPU', totalMemoryBytes: 4 * 2 ** 30, node: '20.0.0', platform: 'linux x64', loadAverage: [1.5, 1.5] },
      preset: 'quick',
      startup: [
        { command: 'amigov --help', runs: 5, cpuMs: 260, maxRssBytes: 68 * 2 ** 20, exitCodes: [0] },
        { command: 'amigov config check', runs: 5, cpuMs: 1210, maxRssBytes: 172 * 2 ** 20, exitCodes: [1] },
      ],
      sizes,
      growth: growthOf(sizes),
    };
    // Work grows 4x from 10 to 40 accounts' 204 -> 714 account-regions: time exponent = ln 4 / ln 3.5.
    assert.ok(Math.abs(report.growth.scanTime! - Math.log(4) / Math.log(714 / 204)) < 1e-9);
    const md = renderMarkdown(report);
    assert.match(md, /^# amigov benchmark \(quick\)/);
    assert.match(md, /2 CPUs \(Test CPU\)/);
    assert.match(md, /\| metric \| 10 accounts \| 40 accounts \|/);
    assert.match(md, /\| made vs minimal \(target ≤ \+5%\) \| \+3\.0% \| \+3\.0% \|/);
    assert.match(md, /\| wall \/ bound \(target ≤ 1\.3 at 200\) \| 1\.00x \| 4\.00x \|/);
    assert.match(md, /\| scanner peak RSS \(scan only · with inventory\.json write\) \| 100 MB · 200 MB \| 200 MB · 400 MB \|/);
    assert.match(md, /\| ec2:DescribeLaunchTemplates \| 30 \/ 0 \| 30 \/ 0 \|/);
    assert.match(md, /\| coverage complete \(ok \/ expected; instances\) \| yes \(204 \/ 204; 1,000 \/ 1,000\) \|/);
    assert.match(md, /scan time 1\.11, scanner peak RSS 0\.55/);
    assert.match(md, /## Start-up \(median of 5 runs; target ≤ 0\.35 s CPU and ≤ 80 MB each\)/);
    assert.match(md, /\| amigov --help \| 0\.26 s \| 68 MB \| yes \|/);
    assert.match(md, /\| amigov config check \(exit 1\) \| 1\.21 s \| 172 MB \| \*\*no\*\* \|/);
  });

  test('report memory: the peak at 1,000 accounts against its 600 MB target, and its split by step', () => {
    const phases = [
      { name: 'read inventory.json', ms: 1500, rssBytes: 300 * 2 ** 20, heapUsedBytes: 250 * 2 ** 20, maxRssBytes: 310 * 2 ** 20 },
      { name: 'html', ms: 9000, rssBytes: 550 * 2 ** 20, heapUsedBytes: 400 * 2 ** 20, maxRssBytes: 640 * 2 ** 20 },
    ];
    const figures = { readMs: 1500, evaluateMs: 0, renderMs: 9000, wallMs: 10_500, cpuMs: 10_000, maxRssBytes: 640 * 2 ** 20, findings: 86_334, htmlBytes: 2 ** 20, xlsxBytes: 2 ** 20, phases };
    const report: BenchReport = {
      schemaVersion: 1, kind: 'amigov.bench', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:00.000Z', toolVersion: '0.0.0',
      machine: { cpus: 2, cpuModel: 'Test CPU', totalMemoryBytes: 4 * 2 ** 30, node: '20.0.0', platform: 'linux x64', loadAverage: [1] },
      preset: 'custom sizes',
      sizes: [],
      reportSizes: [
        { size: 1000, synthetic: true, loadAverageAtStart: 1, shape: { accountRegions: 17_034, instances: 100_000, images: 20_153, launchTemplates: 3000 }, buildMs: 20_000, inventoryBytes: 90 * 2 ** 20, report: figures },
        { size: 200, synthetic: true, loadAverageAtStart: 1, shape: { accountRegions: 3434, instances: 20_000, images: 4000, launchTemplates: 600 }, buildMs: 4000, inventoryBytes: 18 * 2 ** 20, report: { ...figures, maxRssBytes: 200 * 2 ** 20, phases: [] } },
      ],
      growth: growthOf([]),
    };
    const md = renderMarkdown(report);
    assert.match(md, /## Report memory \(target ≤ 600 MB peak RSS at 1,000 accounts: evaluate \+ every report format\)/);
    assert.match(md, /report peak RSS at 1,000 accounts \(synthetic inventory: 17,034 account x regions, 100,000 instances, 86,334 findings\): 640 MB \(\*\*not met\*\*\), 10\.5 s/);
    assert.match(md, /\| html \| 9\.00 s \| 550 MB \| 400 MB \| 640 MB \|/);
    // Other sizes have no verdict: the target is set at 1,000 accounts.
    assert.match(md, /report peak RSS at 200 accounts \(synthetic inventory: [^)]*\): 200 MB, 10\.5 s/);
    const met = renderMarkdown({ ...report, reportSizes: [{ ...report.reportSizes![0]!, report: { ...figures, maxRssBytes: 590 * 2 ** 20 } }] });
    assert.match(met, /: 590 MB \(met\)/);
  });
});

describe('amigov bench options', () => {
  test('--quick is two small sizes; --sizes overrides; bad values are usage errors', () => {
    const base = { throttling: true, reports: true, out: 'reports/bench', config: 'config/ami_publishers.json', asOf: '2026-12-01' };
    assert.deepEqual(toBenchOptions({ ...base, quick: true }).sizes, [20, 50]);
    assert.deepEqual(toBenchOptions({ ...base }).sizes, [50, 200, 1000]);
    const o = toBenchOptions({ ...base, sizes: '5, 10', concurrency: '8', latencyMs: '0' });
    assert.deepEqual([o.sizes, o.concurrency, o.latencyMs, o.preset], [[5, 10], 8, 0, 'custom sizes']);
    assert.throws(() => toBenchOptions({ ...base, sizes: '10,x' }), /--sizes: "x" is not a whole number/);
    assert.throws(() => toBenchOptions({ ...base, concurrency: '0' }), /--concurrency/);
    assert.equal(toBenchOptions({ ...base }).synthetic, undefined);
    assert.equal(toBenchOptions({ ...base, sizes: '1000', synthetic: true }).synthetic, true);
    assert.equal(toBenchOptions({ ...base, synthetic: true, reportRuns: '3' }).reportRuns, 3);
    assert.throws(() => toBenchOptions({ ...base, reportRuns: '3' }), /--report-runs needs --synthetic/);
    assert.throws(() => toBenchOptions({ ...base, synthetic: true, reportRuns: '0' }), /--report-runs: "0" is not a whole number from 1 to 10/);
  });
});

const EMPTY_REPORT: BenchReport = {
  schemaVersion: 1, kind: 'amigov.bench', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:00.000Z', toolVersion: '0.0.0',
  machine: { cpus: 2, cpuModel: 'Test CPU', totalMemoryBytes: 4 * 2 ** 30, node: '24.0.0', platform: 'linux x64', loadAverage: [1] },
  preset: 'custom sizes',
  sizes: [],
  growth: growthOf([]),
};

describe('amigov bench --synthetic', () => {
  test('--report-runs 2: two report processes on one inventory, the highest peak judged and both printed; the run writes remediation.sh as a scan does', async () => {
    const out = mkdtempSync(join(tmpdir(), 'amigov-bench-synthetic-'));
    try {
      const base = { throttling: true, reports: true, out, config: 'config/ami_publishers.json', asOf: '2026-12-01' };
      const o = toBenchOptions({ ...base, sizes: '3', synthetic: true, reportRuns: '2', instances: '5', images: '2', keepRuns: true });
      const result = await runSyntheticSize(3, o);
      const runs = result.report.peakRunsBytes!;
      assert.equal(runs.length, 2);
      assert.equal(result.report.maxRssBytes, Math.max(...runs), 'the figure judged is the highest run');
      assert.deepEqual(result.report.phases!.map((p) => p.name).slice(0, 5), ['start', 'read inventory.json', 'evaluate', 'json + remediation.sh', 'html']);
      assert.ok(existsSync(join(out, 'runs', '3-synthetic', 'remediation.sh')), 'remediation.sh written, as amigov scan writes it');
      const md = renderMarkdown({ ...EMPTY_REPORT, reportSizes: [result] });
      assert.match(md, new RegExp(`; the highest of 2 runs: ${runs.map((b) => `${Math.round(b / 2 ** 20)} MB`).join(', ')} \\(its split below\\)`));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
