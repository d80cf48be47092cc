/**
 * Capabilities learned once (issue #18): an action the endpoint does not implement (here answered, as moto and
 * LocalStack do, with an HTML page and status 500) is asked once per endpoint x region, never retried, and every
 * other account x region skips it with "endpoint does not support X". A transient AWS InternalError keeps its
 * normal retries. The sandbox counts every request it receives.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { assertMatchesFixture, expectedFrom, miniOrg, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

const fixture = miniOrg();
const HTML_500 = {
  status: 500,
  contentType: 'text/html; charset=utf-8',
  body: '<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1><p>The server encountered an internal error and was unable to complete your request.</p></body></html>',
};

describe('capabilities learned once', () => {
  let sb: RunningSandbox;
  before(async () => {
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
  });
  after(() => sb.close());

  test('an action answered with an HTML 500 is asked once per region, not retried, and skipped by every other unit', async () => {
    sb.setFaults([
      { action: 'ec2:GetAllowedImagesSettings', raw: HTML_500 },
      { action: 'ec2:DescribeInstanceImageMetadata', raw: HTML_500 },
    ]);
    sb.resetStats();
    const warnings: string[] = [];
    try {
      // The default --max-attempts (8): before, each of these calls was sent 8 times in every account x region.
      const inv = await scanOrganization(scanOptions(sb.endpoint), { onWarning: (w) => warnings.push(w) });
      assertMatchesFixture(inv, fixture, expectedFrom(fixture));
      const ok = inv.coverage.filter((c) => c.status === 'ok');
      const regions = new Set(ok.map((c) => c.region));
      assert.ok(ok.length > regions.size, 'several units per region, so skipping is visible');
      const seen = sb.stats();
      // The sandbox is one endpoint for every region: one call per region and action, none retried.
      assert.equal(seen.byAction['ec2:GetAllowedImagesSettings'], regions.size);
      assert.equal(seen.byAction['ec2:DescribeInstanceImageMetadata'], regions.size);
      assert.equal(inv.stats.retries, 0);
      for (const c of ok) {
        const where = `${c.accountId} ${c.region}`;
        assert.match(c.degraded?.['allowed-images-settings'] ?? '', /^endpoint does not support GetAllowedImagesSettings \(HTTP 500 without an AWS error document/, where);
        assert.match(c.degraded?.['instance-image-metadata'] ?? '', /^endpoint does not support DescribeInstanceImageMetadata \(HTTP 500 without an AWS error document.*\); used DescribeInstances/, where);
        assert.equal(c.instancePath, 'describe-instances', where);
      }
      for (const rs of inv.regionSettings.filter((r) => ok.some((c) => c.accountId === r.accountId && c.region === r.region))) {
        assert.equal(rs.allowedImages.state, 'unknown');
        assert.notEqual(rs.imageBlockPublicAccess.state, 'unknown', 'the other optional action still answers');
      }
      for (const r of regions) assert.ok(warnings.some((w) => w.includes(`does not support GetAllowedImagesSettings in ${r}`)), `warned for ${r}: ${warnings.join(' | ')}`);
    } finally {
      sb.setFaults([]);
    }
  });

  test('a transient AWS InternalError keeps its normal retries and is never learned as unsupported', async () => {
    const maxAttempts = 3;
    sb.setFaults([{ action: 'ec2:GetAllowedImagesSettings', error: { code: 'InternalError', status: 500, message: 'An internal error has occurred.' }, rate: 0.5 }]);
    sb.resetStats();
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint, { maxAttempts }));
      assertMatchesFixture(inv, fixture, expectedFrom(fixture));
      const seen = sb.stats();
      assert.ok(seen.faults > 0 && inv.stats.retries > 0, 'the faults hit and were retried');
      const ok = inv.coverage.filter((c) => c.status === 'ok');
      let gaveUp = 0;
      for (const c of ok) {
        const where = `${c.accountId} ${c.region}`;
        const calls = seen.byAccountRegionAction[`${c.accountId}|${c.region}|ec2:GetAllowedImagesSettings`] ?? 0;
        const reason = c.degraded?.['allowed-images-settings'];
        if (reason === undefined) {
          assert.ok(calls >= 1 && calls <= maxAttempts, `${where}: ${calls} calls`);
        } else {
          // Failed on every attempt: all of them were made, and it is an error, not "does not support".
          gaveUp++;
          assert.equal(calls, maxAttempts, where);
          assert.match(reason, /^GetAllowedImagesSettings failed \(InternalError/, where);
        }
      }
      // Every InternalError was retried except the last attempt of a call that ran out of attempts.
      assert.equal(inv.stats.retries, seen.faults - gaveUp);
    } finally {
      sb.setFaults([]);
    }
  });

  test('Organizations answering with an HTML 500 is asked once and named as not implemented, with the way out', async () => {
    sb.setFaults([{ action: 'organizations:ListRoots', raw: HTML_500 }]);
    sb.resetStats();
    try {
      await assert.rejects(scanOrganization(scanOptions(sb.endpoint)), (err: Error & { hint?: string }) => {
        assert.match(err.message, /^the endpoint does not implement the AWS Organizations call that lists the accounts/);
        assert.match(err.hint ?? '', /--no-organizations --accounts/);
        return true;
      });
      assert.equal(sb.stats().byAction['organizations:ListRoots'], 1);
    } finally {
      sb.setFaults([]);
    }
  });
});
