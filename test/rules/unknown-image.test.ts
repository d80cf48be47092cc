import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AMI_GONE, AMI_OPS, OPS, OUTSIDER, WORKLOAD, inventory, judge, runCases } from '../helpers/inventory-builder.ts';
import type { InstanceImageRef } from '../../src/model/inventory.ts';

const RULE = 'unknown-image';
const I1 = 'i-00000000000000001';
/** What DescribeInstanceImageMetadata reports of the launch image (it keeps doing so after the image is gone). */
const meta = (ownerId: string, state: string): Partial<InstanceImageRef> => ({ source: 'instance-image-metadata', ownerId, state, name: 'golden-al2023' });
const INTERNAL = { code: 'InternalError', message: 'We encountered an internal error. Please try again.' };
/** An approved, existing golden AMI whose DescribeImages lookup failed: the instance knows it from its metadata. */
const failedLookup = (error = INTERNAL) =>
  inventory()
    .account(WORKLOAD)
    .image({ id: AMI_OPS, found: false, lookup: 'failed', lookupError: error, notFoundReason: `DescribeImages from account ${WORKLOAD} failed: ${error.code}: ${error.message}` });

runCases(RULE, [
  { name: 'valid: image known and available', build: () => inventory().account(WORKLOAD).image({ id: AMI_OPS, owner: OPS }).instance({ account: WORKLOAD, image: AMI_OPS }).build(), expect: [] },

  // AWS's own answer: the image does not exist or cannot be used -> fail.
  {
    name: 'fail: DescribeImages answered InvalidAMIID.NotFound (owner unknown)',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({
          id: AMI_GONE,
          found: false,
          lookup: 'not-found',
          lookupError: { code: 'InvalidAMIID.NotFound', message: `The image id '[${AMI_GONE}]' does not exist` },
          notFoundReason: `DescribeImages from account ${WORKLOAD} answered InvalidAMIID.NotFound: The image id '[${AMI_GONE}]' does not exist`,
        })
        .instance({ id: I1, account: WORKLOAD, image: AMI_GONE })
        .build(),
    expect: [
      {
        resourceId: I1,
        status: 'fail',
        severity: 'medium',
        messageId: 'unknownOwner',
        data: { imageId: AMI_GONE, reason: `DescribeImages from account ${WORKLOAD} answered InvalidAMIID.NotFound: The image id '[${AMI_GONE}]' does not exist` },
        details: { imageAvailability: 'unknown', imageLookup: 'not-found', lookupErrorCode: 'InvalidAMIID.NotFound' },
        message: ['; its publisher cannot be judged.'],
      },
    ],
  },
  {
    name: 'fail: DescribeImages answered InvalidAMIID.Unavailable (owner known from the instance metadata)',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_GONE, found: false, lookup: 'not-found', lookupError: { code: 'InvalidAMIID.Unavailable', message: 'The image id is no longer available' } })
        .instance({ id: I1, account: WORKLOAD, image: AMI_GONE, imageRef: meta(OUTSIDER, 'available') })
        .build(),
    expect: [{ resourceId: I1, status: 'fail', messageId: 'unavailable', data: { owner: OUTSIDER, reason: 'DescribeImages answered InvalidAMIID.Unavailable: The image id is no longer available' }, details: { imageAvailability: 'unavailable', lookupErrorCode: 'InvalidAMIID.Unavailable' } }],
  },
  {
    name: 'fail: DescribeImages by id returned no image (deregistered)',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_GONE, found: false, lookup: 'not-found', notFoundReason: 'DescribeImages returned no image for this id' })
        .instance({ id: I1, account: WORKLOAD, image: AMI_GONE })
        .build(),
    expect: [{ resourceId: I1, status: 'fail', messageId: 'unknownOwner', data: { reason: 'DescribeImages returned no image for this id' } }],
  },
  ...(['deregistered', 'disabled', 'failed'] as const).map((state) => ({
    name: `fail: the image metadata says ${state}, even when the DescribeImages lookup failed`,
    build: () => failedLookup().instance({ id: I1, account: WORKLOAD, image: AMI_OPS, imageRef: meta(OUTSIDER, state) }).build(),
    expect: [{ resourceId: I1, status: 'fail' as const, messageId: 'unavailable', data: { reason: `the image is ${state}`, owner: OUTSIDER }, details: { imageState: state } }],
  })),
  {
    name: 'fail: DescribeImages describes the image as disabled',
    build: () => inventory().account(WORKLOAD).image({ id: AMI_OPS, owner: OPS, state: 'disabled' }).instance({ id: I1, account: WORKLOAD, image: AMI_OPS }).build(),
    expect: [{ resourceId: I1, status: 'fail', messageId: 'unavailable', data: { reason: 'the image is disabled', owner: OPS } }],
  },

  // The lookup failed: AWS said nothing about the image -> cannot-verify, never fail.
  {
    name: 'cannot-verify: DescribeImages failed with a 5xx; the metadata says the approved image is available',
    build: () => failedLookup().instance({ id: I1, account: WORKLOAD, image: AMI_OPS, imageRef: meta(OPS, 'available') }).build(),
    expect: [
      {
        resourceId: I1,
        status: 'cannot-verify',
        severity: 'low',
        messageId: 'unverifiedWithOwner',
        data: { owner: OPS, reason: `DescribeImages from account ${WORKLOAD} failed: InternalError: ${INTERNAL.message}` },
        details: { imageAvailability: 'unverified', imageLookup: 'failed', lookupErrorCode: 'InternalError' },
        message: ['Re-run the scan (amigov scan) to check it'],
      },
    ],
  },
  {
    name: 'cannot-verify: DescribeImages failed with a 5xx on the DescribeInstances path (nothing known of the image)',
    build: () => failedLookup().instance({ id: I1, account: WORKLOAD, image: AMI_OPS }).build(),
    expect: [{ resourceId: I1, status: 'cannot-verify', severity: 'low', messageId: 'unverified', data: { reason: `DescribeImages from account ${WORKLOAD} failed: InternalError: ${INTERNAL.message}` } }],
  },
  {
    name: 'cannot-verify: the scan was interrupted before the image was looked up',
    build: () =>
      failedLookup({ code: 'Interrupted', message: 'the scan was interrupted before the lookup of this image finished' })
        .instance({ id: I1, account: WORKLOAD, image: AMI_OPS })
        .build(),
    expect: [{ resourceId: I1, status: 'cannot-verify', messageId: 'unverified', details: { lookupErrorCode: 'Interrupted' }, message: ['interrupted'] }],
  },
  {
    name: 'cannot-verify: the inventory has no lookup of the image at all',
    build: () => inventory().account(WORKLOAD).instance({ id: I1, account: WORKLOAD, image: AMI_GONE }).build(),
    expect: [{ resourceId: I1, status: 'cannot-verify', messageId: 'unverified', data: { reason: 'the scan recorded no lookup of this image' }, details: { imageLookup: null } }],
  },

  // Inventories written before `lookup` existed: judged from the notFoundReason the scanner wrote then.
  ...[
    { reason: `could not be described: InternalError: We encountered an internal error.`, status: 'cannot-verify' as const },
    { reason: 'not resolved: scan interrupted', status: 'cannot-verify' as const },
    { reason: `could not be described: AbortError: This operation was aborted`, status: 'cannot-verify' as const },
    { reason: `InvalidAMIID.NotFound: deregistered, or not visible to account ${WORKLOAD}`, status: 'fail' as const },
    { reason: `InvalidAMIID.Unavailable: deregistered, or not visible to account ${WORKLOAD}`, status: 'fail' as const },
    { reason: `not returned by DescribeImages from account ${WORKLOAD}: deregistered, or not shared with it`, status: 'fail' as const },
  ].map(({ reason, status }) => ({
    name: `old inventory without lookup: "${reason.slice(0, 40)}…" is ${status}`,
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_GONE, found: false, lookup: null, notFoundReason: reason })
        .instance({ id: I1, account: WORKLOAD, image: AMI_GONE, imageRef: meta(OPS, 'available') })
        .build(),
    expect: [{ resourceId: I1, status }],
  })),

  {
    name: 'terminated instance on a gone image does not count; stopped does',
    build: () =>
      inventory()
        .account(WORKLOAD)
        .image({ id: AMI_GONE, found: false, lookup: 'not-found', lookupError: { code: 'InvalidAMIID.NotFound', message: 'does not exist' } })
        .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_GONE, state: 'terminated' })
        .instance({ id: 'i-00000000000000002', account: WORKLOAD, image: AMI_GONE, state: 'stopped' })
        .build(),
    expect: [{ resourceId: 'i-00000000000000002', status: 'fail', messageId: 'unknownOwner', details: { instanceState: 'stopped' } }],
  },
]);

test('unknown-image: a failing image gets commands that check it and look up a replacement', () => {
  const inv = inventory()
    .account(WORKLOAD)
    .image({ id: AMI_GONE, found: false, lookup: 'not-found', lookupError: { code: 'InvalidAMIID.NotFound', message: 'does not exist' } })
    .instance({ account: WORKLOAD, image: AMI_GONE })
    .build();
  const [f] = judge(inv, RULE);
  assert.equal(f!.status, 'fail');
  assert.match(f!.commands[0]!.command, new RegExp(`^aws ec2 describe-images --image-ids ${AMI_GONE} `));
  assert.ok(f!.commands.some((c) => c.command.startsWith(`aws ec2 describe-images --owners ${OPS}`)));
});

test('unknown-image: a failed lookup only gets the look-up command, and its details say why', () => {
  const [f] = judge(failedLookup().instance({ account: WORKLOAD, image: AMI_OPS, imageRef: meta(OPS, 'available') }).build(), RULE);
  assert.equal(f!.status, 'cannot-verify');
  assert.deepEqual(
    f!.commands.map((c) => c.command.split(' --')[0]),
    ['aws ec2 describe-images'],
  );
  assert.equal(f!.details?.['imageAvailability'], 'unverified');
  assert.equal(f!.details?.['imageLookup'], 'failed');
  assert.equal(f!.details?.['lookupErrorCode'], 'InternalError');
});
