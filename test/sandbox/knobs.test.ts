import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { EC2Client } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startSandbox, demoOrg, DEMO_ACCOUNTS } from '../../src/sandbox/index.ts';
import { assume, ec2, orgs, rejection, sts } from './helpers.ts';

const A = DEMO_ACCOUNTS;

describe('sandbox knobs: throttling, faults, latency, counters', () => {
  it('throttles a burst beyond the EC2 bucket with RequestLimitExceeded (503); the SDK retry recovers', async () => {
    // Tiny buckets so the test stays fast; the defaults are AWS's (100 tokens, 20/s for Describe*). The first one
    // barely refills, so exactly its capacity passes however slowly the burst arrives.
    const sb = await startSandbox({ fixture: demoOrg, throttling: { ec2NonMutating: { capacity: 5, refillPerSecond: 0.001 } } });
    try {
      const noRetry = ec2(sb, { maxAttempts: 1 });
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => noRetry.send(new DescribeRegionsCommand({}))));
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      assert.equal(results.length - failed.length, 5, 'exactly the bucket passes');
      for (const f of failed) {
        assert.equal(f.reason.name, 'RequestLimitExceeded');
        assert.equal(f.reason.$metadata.httpStatusCode, 503);
      }
      assert.equal(sb.stats().throttled, 7);
      // Other APIs have their own bucket, as on EC2.
      await noRetry.send(new DescribeImagesCommand({ Owners: ['self'] }));

    } finally {
      await sb.close();
    }
    const refilling = await startSandbox({ fixture: demoOrg, throttling: { ec2NonMutating: { capacity: 5, refillPerSecond: 10 } } });
    try {
      const retrying = ec2(refilling, { maxAttempts: 10 });
      const burst = await Promise.all(Array.from({ length: 15 }, () => retrying.send(new DescribeRegionsCommand({}))));
      assert.equal(burst.length, 15);
      const stats = refilling.stats();
      assert.ok(stats.throttled > 0, 'the burst was throttled');
      assert.equal(stats.byAction['ec2:DescribeRegions'], 15 + stats.throttled, 'throttled attempts are counted too');
    } finally {
      await refilling.close();
    }
  });

  it('keeps EC2 buckets per account x region, and throttles STS and Organizations per account', async () => {
    const sb = await startSandbox({
      fixture: demoOrg,
      throttling: { ec2NonMutating: { capacity: 2, refillPerSecond: 0.001 }, sts: { capacity: 3, refillPerSecond: 0.001 }, organizations: { capacity: 1, refillPerSecond: 0.001 } },
    });
    try {
      const use1 = ec2(sb, { maxAttempts: 1 });
      await use1.send(new DescribeRegionsCommand({}));
      await use1.send(new DescribeRegionsCommand({}));
      assert.equal((await rejection(use1.send(new DescribeRegionsCommand({})))).name, 'RequestLimitExceeded');
      await ec2(sb, { maxAttempts: 1, region: 'eu-west-1' }).send(new DescribeRegionsCommand({}));
      const prodCreds = await assume(sb, A.prod); // STS token 1
      await ec2(sb, { maxAttempts: 1, credentials: prodCreds }).send(new DescribeRegionsCommand({}));
      const client = sts(sb, { maxAttempts: 1 });
      await client.send(new GetCallerIdentityCommand({}));
      await client.send(new GetCallerIdentityCommand({}));
      const throttled = await rejection(client.send(new GetCallerIdentityCommand({})));
      assert.equal(throttled.name, 'Throttling');
      assert.equal(throttled.$metadata?.httpStatusCode, 400);
      const o = orgs(sb, { maxAttempts: 1 });
      await o.send(new ListAccountsCommand({}));
      const tooMany = await rejection(o.send(new ListAccountsCommand({})));
      assert.equal(tooMany.name, 'TooManyRequestsException');
    } finally {
      await sb.close();
    }
  });

  it('injects an error code for one account x region x action', async () => {
    const sb = await startSandbox({
      fixture: demoOrg,
      faults: [{ action: 'ec2:DescribeInstances', accountId: A.prod, region: 'eu-west-1', error: { code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.' } }],
    });
    try {
      const creds = await assume(sb, A.prod);
      const err = await rejection(ec2(sb, { credentials: creds, region: 'eu-west-1' }).send(new DescribeInstancesCommand({})));
      assert.equal(err.name, 'UnauthorizedOperation');
      assert.equal(err.message, 'You are not authorized to perform this operation.');
      assert.equal(err.$metadata?.httpStatusCode, 403);
      await ec2(sb, { credentials: creds, region: 'us-east-1' }).send(new DescribeInstancesCommand({}));
      await ec2(sb, { credentials: creds, region: 'eu-west-1' }).send(new DescribeImagesCommand({ Owners: ['self'] }));
      assert.equal(sb.stats().faults, 1);
      sb.setFaults([]);
      await ec2(sb, { credentials: creds, region: 'eu-west-1' }).send(new DescribeInstancesCommand({}));
    } finally {
      await sb.close();
    }
  });

  it('injects 5xx at a rate: reproducible, counted, and retried away by the SDK', async () => {
    const run = async () => {
      const sb = await startSandbox({ fixture: demoOrg, faults: [{ action: 'DescribeRegions', rate: 0.4, error: { code: 'InternalError', status: 500 } }] });
      try {
        const client = ec2(sb, { maxAttempts: 8 });
        for (let i = 0; i < 10; i++) await client.send(new DescribeRegionsCommand({}));
        return sb.stats();
      } finally {
        await sb.close();
      }
    };
    const first = await run();
    assert.ok(first.faults > 0 && first.faults < first.total, `faults ${first.faults} of ${first.total}`);
    assert.equal(first.total, 10 + first.faults);
    const second = await run();
    assert.equal(second.faults, first.faults, 'same seed, same faults');
  });

  it('hangs past a short client timeout', async () => {
    const sb = await startSandbox({ fixture: demoOrg, faults: [{ action: 'ec2:DescribeImages', hangMs: 30_000 }] });
    try {
      const client = new EC2Client({
        endpoint: sb.endpoint,
        region: 'us-east-1',
        credentials: sb.credentials,
        maxAttempts: 1,
        // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes.
        requestHandler: new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true }),
      });
      const err = await rejection(client.send(new DescribeImagesCommand({ Owners: ['self'] })));
      assert.equal(err.name, 'TimeoutError');
      await client.send(new DescribeRegionsCommand({}));
      assert.equal(sb.stats().faults, 1);
    } finally {
      await sb.close(); // releases the hung request instead of waiting 30 s
    }
  });

  it('adds latency to every call and counts by action, account and region', async () => {
    const sb = await startSandbox({ fixture: demoOrg, latencyMs: 40 });
    try {
      const started = performance.now();
      const creds = await assume(sb, A.prod);
      await ec2(sb, { credentials: creds, region: 'eu-west-1' }).send(new DescribeInstancesCommand({}));
      assert.ok(performance.now() - started >= 75, 'two calls, each held 40 ms');
      const s = sb.stats();
      assert.equal(s.total, 2);
      assert.deepEqual(s.byAction, { 'sts:AssumeRole': 1, 'ec2:DescribeInstances': 1 });
      assert.deepEqual(s.byAccount, { [A.management]: 1, [A.prod]: 1 });
      assert.deepEqual(s.byRegion, { 'us-east-1': 1, 'eu-west-1': 1 });
      assert.deepEqual(s.byAccountRegionAction, {
        [`${A.management}|us-east-1|sts:AssumeRole`]: 1,
        [`${A.prod}|eu-west-1|ec2:DescribeInstances`]: 1,
      });
      sb.resetStats();
      assert.equal(sb.stats().total, 0);
    } finally {
      await sb.close();
    }
  });
});
