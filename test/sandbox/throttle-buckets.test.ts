/**
 * EC2 throttling buckets per action, as "Request throttling for the Amazon EC2 API" lists them: the pure bucket
 * assignment, then the sandbox through the real SDK on a stepped clock (no test waits for a bucket to refill).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeImagesCommand, DescribeInstancesCommand, EnableImageBlockPublicAccessCommand } from '@aws-sdk/client-ec2';
import { startSandbox, demoOrg, DEMO_ACCOUNTS as A } from '../../src/sandbox/index.ts';
import { DEFAULT_THROTTLE, EC2_ACTION_BUCKETS, Throttler, ec2BucketFor } from '../../src/sandbox/knobs.ts';
import { assume, ec2, rejection } from './helpers.ts';

describe('EC2 throttling buckets per action', () => {
  it('assigns each action the bucket the page gives it', () => {
    const plain = { mutating: false, unfilteredUnpaginated: false };
    const bare = { mutating: false, unfilteredUnpaginated: true };
    const mutating = { mutating: true, unfilteredUnpaginated: true };
    assert.equal(ec2BucketFor('DescribeImages', plain), 'ec2NonMutating');
    // DescribeImages is not in the page's "unfiltered and unpaginated" list: an unfiltered call keeps the big bucket.
    assert.equal(ec2BucketFor('DescribeImages', bare), 'ec2NonMutating');
    assert.equal(ec2BucketFor('DescribeInstances', bare), 'ec2UnfilteredUnpaginated');
    assert.equal(ec2BucketFor('DescribeInstances', plain), 'ec2NonMutating');
    assert.equal(ec2BucketFor('DescribeSpotFleetRequests', plain), 'ec2Action:DescribeSpotFleetRequests');
    assert.equal(ec2BucketFor('EnableImageBlockPublicAccess', mutating), 'ec2Action:EnableImageBlockPublicAccess');
    assert.equal(ec2BucketFor('CreateTags', mutating), 'ec2Action:CreateTags');
    assert.equal(ec2BucketFor('EnableAllowedImagesSettings', mutating), 'ec2Mutating');

    const t = new Throttler(true);
    assert.deepEqual(t.spec('ec2Mutating'), { capacity: 50, refillPerSecond: 5 });
    assert.deepEqual(t.spec('ec2NonMutating'), { capacity: 100, refillPerSecond: 20 });
    assert.deepEqual(t.spec('ec2UnfilteredUnpaginated'), { capacity: 50, refillPerSecond: 10 });
    assert.deepEqual(t.spec('ec2Action:ModifyImageAttribute'), { capacity: 100, refillPerSecond: 5 });
    assert.deepEqual(t.spec('ec2Action:DeregisterImage'), { capacity: 100, refillPerSecond: 5 });
    assert.deepEqual(t.spec('ec2Action:CreateTags'), { capacity: 100, refillPerSecond: 10 });
    assert.deepEqual(t.spec('ec2Action:DeleteTags'), { capacity: 100, refillPerSecond: 10 });
    assert.deepEqual(t.spec('ec2Action:EnableImageBlockPublicAccess'), { capacity: 1, refillPerSecond: 0.1 });
    assert.deepEqual(t.spec('ec2Action:DisableImageBlockPublicAccess'), { capacity: 1, refillPerSecond: 0.1 });
    assert.deepEqual(DEFAULT_THROTTLE.ec2Mutating, { capacity: 50, refillPerSecond: 5 });
    assert.equal(Object.keys(EC2_ACTION_BUCKETS).length, 7);
    // overrides merge over the page's figures
    const custom = new Throttler({ ec2Actions: { CreateTags: { capacity: 2, refillPerSecond: 1 } } });
    assert.deepEqual(custom.spec('ec2Action:CreateTags'), { capacity: 2, refillPerSecond: 1 });
    assert.deepEqual(custom.spec('ec2Action:ModifyImageAttribute'), { capacity: 100, refillPerSecond: 5 });
  });

  it('throttles a second EnableImageBlockPublicAccess within 10 s (1 token, 0.1/s) while DescribeImages passes', async () => {
    let now = 1_000_000;
    const sb = await startSandbox({ fixture: demoOrg, throttling: true, throttleClock: () => now });
    try {
      // The ops account manages its own block public access in us-east-1 (the demo fixture).
      const client = ec2(sb, { maxAttempts: 1, credentials: await assume(sb, A.ops) });
      const first = await client.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing' }));
      assert.equal(first.ImageBlockPublicAccessState, 'block-new-sharing');
      now += 9_000;
      const second = await rejection(client.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing' })));
      assert.equal(second.name, 'RequestLimitExceeded');
      assert.equal(second.$metadata?.httpStatusCode, 503);
      for (let i = 0; i < 5; i++) await client.send(new DescribeImagesCommand({ Owners: ['self'] }));
      // ten seconds after the first call the bucket holds a token again
      now += 1_000;
      await client.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing' }));
      assert.equal(sb.stats().throttled, 1);
    } finally {
      await sb.close();
    }
  });

  it('gives an unfiltered, unpaginated DescribeInstances the 50 / 10 bucket, and a paginated one the 100 / 20 bucket', async () => {
    const now = 5_000;
    const sb = await startSandbox({ fixture: demoOrg, throttling: true, throttleClock: () => now });
    try {
      const client = ec2(sb, { maxAttempts: 1 });
      for (let i = 0; i < 50; i++) await client.send(new DescribeInstancesCommand({}));
      assert.equal((await rejection(client.send(new DescribeInstancesCommand({})))).name, 'RequestLimitExceeded');
      for (let i = 0; i < 100; i++) await client.send(new DescribeInstancesCommand({ MaxResults: 5 }));
      assert.equal((await rejection(client.send(new DescribeInstancesCommand({ MaxResults: 5 })))).name, 'RequestLimitExceeded');
      // DescribeImages without filters is not in the smaller bucket's list: 100 pass
      for (let i = 0; i < 100; i++) await client.send(new DescribeImagesCommand({}));
      assert.equal((await rejection(client.send(new DescribeImagesCommand({})))).name, 'RequestLimitExceeded');
    } finally {
      await sb.close();
    }
  });
});
