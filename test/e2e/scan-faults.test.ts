/**
 * Failure handling end to end: throttling storms, 5xx, timeouts, unsupported and denied optional APIs,
 * a batch with an unknown AMI id, and an interrupted scan. Each must end in the right statuses with
 * nothing else lost.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { assertMatchesFixture, DEV, expectedFrom, miniOrg, PROD, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';
import { miniOrgWithStaleLaunchTemplate, STALE_AMI } from '../helpers/stale-launch-template.ts';

const fixture = miniOrg();
const status = (inv: Inventory, accountId: string, region: string) => inv.coverage.find((c) => c.accountId === accountId && c.region === region);

describe('scan under faults', () => {
  let sb: RunningSandbox;
  before(async () => {
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
  });
  after(() => sb.close());

  test('a throttling storm is retried to completion: nothing lost, throttles counted', async () => {
    sb.setFaults([{ action: 'ec2:*', error: { code: 'RequestLimitExceeded', status: 503, message: 'Request limit exceeded.' }, rate: 0.3 }]);
    sb.resetStats();
    try {
      const sel = { accounts: [PROD], regions: ['us-east-1'] };
      const inv = await scanOrganization(scanOptions(sb.endpoint, { maxAttempts: 10, ...sel }));
      assertMatchesFixture(inv, fixture, expectedFrom(fixture, sel));
      const seen = sb.stats();
      assert.ok(seen.faults > 0, 'the storm hit');
      assert.equal(inv.stats.throttled, seen.faults);
      assert.equal(inv.stats.retries, seen.faults);
      assert.equal(inv.stats.attempts, seen.total);
    } finally {
      sb.setFaults([]);
    }
  });

  test('5xx that outlive the retries fail one account x region only, keeping what it gathered', async () => {
    sb.setFaults([{ action: 'ec2:DescribeLaunchTemplates', accountId: DEV, region: 'us-east-1', error: { code: 'InternalError', status: 500 } }]);
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint, { maxAttempts: 2 }));
      const c = status(inv, DEV, 'us-east-1')!;
      assert.equal(c.status, 'error');
      assert.equal(c.errorCode, 'InternalError');
      assert.match(c.reason!, /launch-templates \(ec2:DescribeLaunchTemplates/);
      // The unit's instances and images are still there; every other unit is complete.
      assert.ok(inv.instances.some((i) => i.instanceId === 'i-0000000000000003'));
      assert.ok(inv.images.some((i) => i.imageId === 'ami-0000000000000d002' && i.tagsVisible));
      const exp = expectedFrom(fixture);
      exp.coverage.set(`${DEV}|us-east-1`, 'error');
      const others = inv.coverage.filter((x) => !(x.accountId === DEV && x.region === 'us-east-1'));
      for (const o of others) assert.equal(o.status, exp.coverage.get(`${o.accountId}|${o.region}`), `${o.accountId} ${o.region}`);
    } finally {
      sb.setFaults([]);
    }
  });

  test('a hung call times out and fails its account x region; the rest completes', async () => {
    // Only the targeted unit's calls hang, far past the per-attempt timeout: they time out whatever the load. Every
    // other call has that same timeout, generous enough that a healthy call never reaches it on a saturated CPU
    // (measured: up to ~1 s per call with two busy cores; a timeout of 300 ms failed 3-9 healthy units there).
    const timeoutMs = 5000;
    const maxAttempts = 2;
    const hung = [
      { action: 'ec2:GetImageBlockPublicAccessState', accountId: PROD, region: 'eu-west-1', hangMs: 60_000 },
      { action: 'ec2:DescribeImages', accountId: PROD, region: 'eu-west-1', hangMs: 60_000 },
    ];
    sb.setFaults(hung);
    sb.resetStats();
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint, { requestTimeoutMs: timeoutMs, maxAttempts }), {
        // Every unit is done: stop hanging, so the referenced-image batch from PROD's eu-west-1 answers at once
        // (a hanging DescribeImages there would only cost the test two more timeouts).
        onProgress: (p) => {
          if (p.phase === 'resolving-images') sb.setFaults([]);
        },
      });
      const c = status(inv, PROD, 'eu-west-1')!;
      assert.equal(c.status, 'error');
      assert.equal(c.errorCode, 'TimeoutError');
      assert.match(c.reason!, /owned-images/);
      // The optional collector degraded instead of failing the unit twice.
      assert.match(c.degraded?.['image-block-public-access'] ?? '', /TimeoutError/);
      // A hung call is retried, then given up: exactly maxAttempts attempts, none answered.
      assert.equal(sb.stats().byAccountRegionAction[`${PROD}|eu-west-1|ec2:GetImageBlockPublicAccessState`], maxAttempts);
      assert.ok(inv.instances.some((i) => i.instanceId === 'i-0000000000000006'), 'instances of the failed unit are kept');
      // Every other account x region has the status a complete scan gives it.
      const exp = expectedFrom(fixture);
      exp.coverage.set(`${PROD}|eu-west-1`, 'error');
      assert.deepEqual(
        Object.fromEntries(inv.coverage.map((x) => [`${x.accountId}|${x.region}`, x.status === 'error' ? `${x.status} ${x.errorCode}` : x.status]).sort()),
        Object.fromEntries([...exp.coverage].map(([k, v]) => [k, v === 'error' ? 'error TimeoutError' : v]).sort()),
      );
    } finally {
      sb.setFaults([]);
    }
  });

  test('DescribeInstanceImageMetadata unsupported: DescribeInstances + batched DescribeImages, recorded per unit', async () => {
    // Support is the endpoint's, per region (learned once there, src/aws/capabilities.ts): eu-west-1 implements it.
    sb.setFaults([
      { action: 'ec2:DescribeInstanceImageMetadata', region: 'us-east-1', error: { code: 'InvalidAction', status: 400, message: 'The action DescribeInstanceImageMetadata is not valid for this web service.' } },
      { action: 'ec2:DescribeInstanceImageMetadata', region: 'af-south-1', error: { code: 'UnsupportedOperation', status: 400 } },
    ]);
    sb.resetStats();
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint));
      assertMatchesFixture(inv, fixture, expectedFrom(fixture));
      for (const c of inv.coverage.filter((x) => x.status === 'ok')) {
        const fallback = c.region !== 'eu-west-1';
        assert.equal(c.instancePath, fallback ? 'describe-instances' : 'instance-image-metadata', `${c.accountId} ${c.region}`);
        if (fallback) assert.match(c.degraded!['instance-image-metadata']!, /^endpoint does not support DescribeInstanceImageMetadata \((InvalidAction|UnsupportedOperation)/);
      }
      // Images joined from DescribeImages: owned by a scanned account (tags visible) or resolved by id.
      const i1 = inv.instances.find((x) => x.instanceId === 'i-0000000000000001')!;
      assert.equal(i1.image.source, 'describe-images');
      assert.equal(i1.image.ownerId, '200000000002');
      assert.equal(i1.image.name, 'golden-al2023');
      const i2 = inv.instances.find((x) => x.instanceId === 'i-0000000000000002')!;
      assert.equal(i2.image.source, 'describe-images');
      assert.equal(i2.image.ownerId, '999999999999');
      // A deregistered image cannot be described: the instance's image is unknown, never a crash.
      const i3 = inv.instances.find((x) => x.instanceId === 'i-0000000000000003')!;
      assert.equal(i3.image.source, 'unknown');
      assert.equal(inv.images.find((x) => x.imageId === 'ami-0000000000000d001')!.found, false);
      assert.ok((sb.stats().byAction['ec2:DescribeInstances'] ?? 0) >= 4);
    } finally {
      sb.setFaults([]);
    }
  });

  test('optional settings unsupported or denied degrade to unknown with the reason; the unit stays ok', async () => {
    sb.setFaults([
      { action: 'ec2:GetAllowedImagesSettings', error: { code: 'UnknownOperationException', status: 400 } },
      { action: 'ec2:GetImageBlockPublicAccessState', accountId: PROD, error: { code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.' } },
    ]);
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint));
      assertMatchesFixture(inv, fixture, expectedFrom(fixture));
      const rs = inv.regionSettings.find((r) => r.accountId === PROD && r.region === 'us-east-1')!;
      assert.equal(rs.allowedImages.state, 'unknown');
      assert.match(rs.allowedImages.reason!, /^endpoint does not support GetAllowedImagesSettings \(UnknownOperationException/);
      assert.equal(rs.imageBlockPublicAccess.state, 'unknown');
      assert.match(rs.imageBlockPublicAccess.reason!, /denied \(UnauthorizedOperation\); add ec2:GetImageBlockPublicAccessState/);
      const c = status(inv, PROD, 'us-east-1')!;
      assert.equal(c.status, 'ok');
      assert.deepEqual(Object.keys(c.degraded!).sort(), ['allowed-images-settings', 'image-block-public-access']);
    } finally {
      sb.setFaults([]);
    }
  });

  test('a core call denied makes the unit access-denied and names the permission', async () => {
    sb.setFaults([{ action: 'ec2:DescribeImages', accountId: DEV, region: 'eu-west-1', error: { code: 'UnauthorizedOperation', status: 403 } }]);
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint, { accounts: [DEV], regions: ['eu-west-1'] }));
      const c = status(inv, DEV, 'eu-west-1')!;
      assert.equal(c.status, 'access-denied');
      assert.match(c.reason!, /owned-images \(ec2:DescribeImages\)/);
      assert.ok(inv.instances.some((i) => i.instanceId === 'i-000000000000000a'));
    } finally {
      sb.setFaults([]);
    }
  });
});

describe('scan edge cases', () => {
  test('an unknown AMI id in a batch is set aside and the rest of the batch described', async () => {
    const f = miniOrgWithStaleLaunchTemplate();
    const sb = await startSandbox({ fixture: f });
    useSandboxCredentials(sb.credentials);
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint, { accounts: [PROD], regions: ['us-east-1'] }));
      const dead = inv.images.find((x) => x.imageId === STALE_AMI)!;
      assert.equal(dead.found, false);
      assert.match(dead.notFoundReason!, /InvalidAMIID\.NotFound/);
      for (const id of ['ami-0000000000000e001', 'ami-0000000000000e002', 'ami-0000000000000a001']) {
        const img = inv.images.find((x) => x.imageId === id)!;
        assert.equal(img.found, true, id);
        assert.equal(img.seenVia, 'reference');
      }
      // One owned listing, one lookup of PROD's own tags on its instances' images (which describes them), then
      // for the launch templates' images: one failed batch, one batch of the rest.
      assert.equal(sb.stats().byAccountRegionAction[`${PROD}|us-east-1|ec2:DescribeImages`], 4);
      assert.equal(inv.coverage[0]!.status, 'ok');
    } finally {
      await sb.close();
    }
  });

  test('an interrupted scan stops scheduling and still accounts for every account x region', async () => {
    const sb = await startSandbox({ fixture: miniOrg(), latencyMs: 20 });
    useSandboxCredentials(sb.credentials);
    const controller = new AbortController();
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint, { concurrency: 1, signal: controller.signal }), {
        onProgress: (p) => {
          if (p.unitsDone >= 2) controller.abort();
        },
      });
      assert.equal(inv.run.interrupted, true);
      const interrupted = inv.coverage.filter((c) => c.errorCode === 'Interrupted');
      assert.ok(interrupted.length > 0);
      for (const c of interrupted) assert.equal(c.status, 'error');
      const keys = inv.coverage.map((c) => `${c.accountId}|${c.region}`);
      assert.equal(new Set(keys).size, keys.length);
      // Every scanned ACTIVE account appears in coverage.
      for (const a of inv.accounts.filter((x) => x.access !== 'none')) assert.ok(inv.coverage.some((c) => c.accountId === a.accountId), a.accountId);
    } finally {
      await sb.close();
    }
  });

  test('--role-name, --role-path and --external-id reach AssumeRole; a wrong external id is access-denied', async () => {
    const f = miniOrg();
    for (const a of f.accounts) if (a.id === PROD) a.roles = [{ name: 'amigov-scan', path: '/amigov/', externalId: 'ext-1234' }];
    const sb = await startSandbox({ fixture: f });
    useSandboxCredentials(sb.credentials);
    try {
      const opts = { accounts: [PROD], regions: ['us-east-1'], roleName: 'amigov-scan', rolePath: '/amigov/' };
      const ok = await scanOrganization(scanOptions(sb.endpoint, { ...opts, externalId: 'ext-1234' }));
      assert.equal(ok.coverage[0]!.status, 'ok');
      assert.equal(ok.run.parameters.externalId, '(set)', 'the external id is not written to the inventory');
      assert.ok(!JSON.stringify(ok).includes('ext-1234'));
      const denied = await scanOrganization(scanOptions(sb.endpoint, { ...opts, externalId: 'ext-9999' }));
      assert.equal(denied.coverage[0]!.status, 'access-denied');
      assert.match(denied.coverage[0]!.reason!, /arn:aws:iam::300000000003:role\/amigov\/amigov-scan/);
    } finally {
      await sb.close();
    }
  });
});
