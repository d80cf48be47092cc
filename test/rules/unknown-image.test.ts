import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_GONE, AMI_OPS, OPS, OUTSIDER, WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.js';

const RULE = 'unknown-image';

runCases(RULE, [
  { name: 'valid: image known and available', build: () => inventory().account(WORKLOAD).image({ id: AMI_OPS, owner: OPS }).instance({ account: WORKLOAD, image: AMI_OPS }).build(), expect: [] },
  {
    name: 'invalid: image not found at all',
    build: () => inventory().account(WORKLOAD).instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_GONE }).build(),
    expect: [{ resourceId: 'i-00000000000000001', status: 'fail', severity: 'medium', message: ['could not be found', 'cannot be judged'] }],
  },
  {
    name: 'invalid: referenced image no longer describable (record found=false)',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_GONE, found: false, notFoundReason: 'InvalidAMIID.Unavailable: no longer shared' })
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_GONE })
        .build(),
    expect: [{ resourceId: 'i-00000000000000001', message: ['no longer shared'] }],
  },
  {
    name: 'invalid: deregistered image whose owner is known',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_GONE, imageRef: { source: 'instance-image-metadata', ownerId: OUTSIDER, state: 'deregistered' } })
        .build(),
    expect: [{ resourceId: 'i-00000000000000001', message: ['deregistered', OUTSIDER] }],
  },
  {
    name: 'terminated instance on a gone image does not count; stopped does',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_GONE, state: 'terminated' })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_GONE, state: 'stopped' })
        .build(),
    expect: [{ resourceId: 'i-00000000000000002' }],
  },
]);

test('unknown-image: commands check the image and look up a replacement', () => {
  const [f] = judge(inventory().account(WORKLOAD).instance({ account: WORKLOAD, image: AMI_GONE }).build(), RULE);
  assert.match(f!.commands[0]!.command, new RegExp(`^aws ec2 describe-images --image-ids ${AMI_GONE} `));
  assert.ok(f!.commands.some((c) => c.command.startsWith(`aws ec2 describe-images --owners ${OPS}`)));
});
