/**
 * A failed image lookup is never a violation, end to end: the demo organization is scanned through the
 * real SDK with a fault on DescribeImages in one account x region, or interrupted while referenced images
 * are being described, then judged. Only images AWS itself reports as gone (not found, or a
 * deregistered / disabled / failed state) may fail unknown-image; every image whose lookup failed is
 * cannot-verify, with the error and the advice to re-run the scan.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, demoOrg, DEMO_ACCOUNTS as A, type RunningSandbox } from '../../src/sandbox/index.ts';
import type { FaultSpec } from '../../src/sandbox/knobs.ts';
import { DEMO_AS_OF } from '../../src/sandbox/fixtures/demo-org.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { evaluateRun } from '../../src/evaluate/evaluate.ts';
import type { Finding, FindingsDocument } from '../../src/model/findings.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { demoPublisherConfig } from '../helpers/demo-config.ts';
import { PROD, DEV, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';
import { miniOrgWithStaleLaunchTemplate, STALE_AMI } from '../helpers/stale-launch-template.ts';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];


/** Images of the fixture that exist and can be launched: no unknown-image fail may name one of them. */
const LIVE_IMAGES = new Set(demoOrg.images.filter((i) => (i.state ?? 'available') === 'available').map((i) => i.imageId));
const EXPECTED_UNKNOWN = new Set(demoOrg.expectedFindings!.filter((f) => f.ruleId === 'unknown-image').map((f) => f.resourceId));

const unknownImage = (doc: FindingsDocument, status: Finding['status']) => doc.findings.filter((f) => f.ruleId === 'unknown-image' && f.status === status);

function assertNoFalseFail(doc: FindingsDocument): void {
  for (const f of unknownImage(doc, 'fail')) {
    assert.ok(!LIVE_IMAGES.has(f.imageId!), `false unknown-image fail on an existing image: ${f.message}`);
    assert.ok(EXPECTED_UNKNOWN.has(f.resourceId), `unexpected unknown-image fail: ${f.message}`);
  }
  for (const f of doc.findings.filter((x) => x.ruleId === 'launch-template-unapproved-ami' && x.status === 'fail')) {
    assert.doesNotMatch(f.message, /unavailable/, `a failed lookup made a launch template fail: ${f.message}`);
  }
}

describe('a failed image lookup is cannot-verify, never fail', () => {
  let sb: RunningSandbox;
  const config = demoPublisherConfig();
  const scan = (over: Parameters<typeof scanOptions>[1] = {}, hooks: Parameters<typeof scanOrganization>[1] = {}) =>
    scanOrganization(scanOptions(sb.endpoint, { regions: REGIONS, asOf: DEMO_AS_OF, allowlist: resolveAllowlist(config, DEMO_AS_OF), ...over }), hooks);
  const judge = (inventory: Inventory) => evaluateRun({ inventory, config, asOf: DEMO_AS_OF, options: { source: 'scan' } });

  before(async () => {
    sb = await startSandbox({ fixture: demoOrg });
    useSandboxCredentials(sb.credentials);
  });
  after(() => sb.close());

  for (const path of ['instance-image-metadata', 'describe-instances'] as const) {
    test(`5xx on DescribeImages in one account x region (${path} path): no unknown-image fail on existing AMIs`, async () => {
      const faults: FaultSpec[] = [{ action: 'ec2:DescribeImages', accountId: A.prod, region: 'us-east-1', error: { code: 'InternalError', status: 500, message: 'We encountered an internal error.' } }];
      if (path === 'describe-instances') faults.push({ action: 'ec2:DescribeInstanceImageMetadata', error: { code: 'InvalidAction', status: 400 } });
      sb.setFaults(faults);
      let inv: Inventory;
      try {
        inv = await scan({ maxAttempts: 2 });
      } finally {
        sb.setFaults([]);
      }
      const doc = judge(inv);
      assertNoFalseFail(doc);

      // The images prod us-east-1 had to describe are recorded as failed lookups, with the error.
      const failed = inv.images.filter((i) => i.lookup === 'failed');
      assert.ok(failed.length >= 3, `failed lookups recorded: ${failed.length}`);
      for (const i of failed) {
        assert.equal(i.found, false);
        assert.equal(i.lookupError?.code, 'InternalError', i.imageId);
        assert.equal(i.seenFromAccountId, A.prod, i.imageId);
      }
      // ... and the instances on them are cannot-verify, saying what failed and what to do.
      const unverified = unknownImage(doc, 'cannot-verify');
      assert.ok(unverified.length >= 4, `cannot-verify findings: ${unverified.length}`);
      for (const f of unverified) {
        assert.equal(f.accountId, A.prod);
        assert.equal(f.severity, 'low');
        assert.match(f.message, /InternalError/);
        assert.match(f.message, /Re-run the scan/);
      }
      // The genuinely deregistered golden AMI still fails where AWS's own answer says so.
      if (path === 'instance-image-metadata') assert.deepEqual(unknownImage(doc, 'fail').map((f) => f.resourceId), [...EXPECTED_UNKNOWN]);
      // The unit whose lookups failed is an error in coverage, as before.
      assert.equal(inv.coverage.find((c) => c.accountId === A.prod && c.region === 'us-east-1')!.status, 'error');
    });
  }

  for (const when of ['before the batches start', 'while batches are in flight'] as const) {
    test(`Ctrl-C during the referenced-images phase (${when}): no fail from the interruption`, async () => {
      const controller = new AbortController();
      let inv: Inventory;
      if (when === 'while batches are in flight') sb.setFaults([{ action: 'ec2:DescribeImages', hangMs: 400 }]);
      try {
        inv = await scan(
          { signal: controller.signal },
          {
            onProgress: (p) => {
              if (p.phase !== 'resolving-images' || controller.signal.aborted) return;
              if (when === 'before the batches start') controller.abort();
              else setTimeout(() => controller.abort(), 100);
            },
          },
        );
      } finally {
        sb.setFaults([]);
      }
      assert.equal(inv.run.interrupted, true);
      const doc = judge(inv);
      assertNoFalseFail(doc);
      const interrupted = inv.images.filter((i) => i.lookup === 'failed');
      // Most images were described by the units' own-tags lookups before this phase; what is left (the
      // deregistered golden AMI at least) is cut short.
      assert.ok(interrupted.length >= 1, `interrupted lookups: ${interrupted.length}`);
      for (const i of interrupted) assert.equal(i.lookupError?.code, 'Interrupted', `${i.imageId}: ${JSON.stringify(i.lookupError)}`);
      // The images left for this phase are judged from what AWS said before the interruption (the deregistered
      // golden AMI's instance metadata), or cannot-verify saying the scan was interrupted: never a fail from it.
      const unverified = unknownImage(doc, 'cannot-verify');
      for (const f of unverified) assert.match(f.message, /interrupted.*Re-run the scan/);
      assert.deepEqual(unknownImage(doc, 'fail').map((f) => f.resourceId), [...EXPECTED_UNKNOWN]);
    });
  }
});

test("AWS's own answers are recorded as not-found, with the code; nothing else is", async () => {
  const f = miniOrgWithStaleLaunchTemplate();
  const sb = await startSandbox({ fixture: f });
  useSandboxCredentials(sb.credentials);
  // The DescribeInstances path: the deregistered image still used by an instance is looked up by id too.
  sb.setFaults([{ action: 'ec2:DescribeInstanceImageMetadata', error: { code: 'InvalidAction', status: 400 } }]);
  try {
    const inv = await scanOrganization(scanOptions(sb.endpoint, { accounts: [PROD, DEV], regions: ['us-east-1'] }));
    const rec = (id: string) => inv.images.find((x) => x.imageId === id)!;
    // No such id: InvalidAMIID.NotFound, as AWS answers it.
    assert.equal(rec(STALE_AMI).lookup, 'not-found');
    assert.equal(rec(STALE_AMI).lookupError?.code, 'InvalidAMIID.NotFound');
    // Deregistered but still used by an instance: DescribeImages succeeds without it (no error code).
    assert.equal(rec('ami-0000000000000d001').lookup, 'not-found');
    assert.equal(rec('ami-0000000000000d001').lookupError, undefined);
    assert.match(rec('ami-0000000000000d001').notFoundReason!, /returned no image/);
    // Everything described, by its owner or by reference, says so.
    for (const i of inv.images.filter((x) => x.found)) assert.equal(i.lookup, 'found', i.imageId);
    assert.ok(!inv.images.some((x) => x.lookup === 'failed'));
  } finally {
    await sb.close();
  }
});
