/**
 * Table tests of what an Auto Scaling group is launching now (issue #14, launch-verdict.ts pendingLaunches), as
 * launch-path-unapproved-ami reports it: a pending scale-out (desired capacity above the instances InService or
 * Pending) and unfinished instance refreshes (Pending / InProgress / RollbackInProgress launch; Baking and Cancelling
 * do not), judged on the configuration each launches (a refresh's desired configuration, a rollback the group's own).
 */
import { AMI_GONE, AMI_OPS, AMI_OUTSIDER, OPS, OUTSIDER, WORKLOAD, inventory, runCases } from '../helpers/inventory-builder.ts';
import type { AutoScalingGroup, InstanceRefresh } from '../../src/model/inventory.ts';

const RULE = 'launch-path-unapproved-ami';
const LT = 'lt-0000000000000000a';
const base = () =>
  inventory()
    .account(WORKLOAD)
    .image({ id: AMI_OPS, owner: OPS })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .image({ id: AMI_GONE, owner: OUTSIDER, found: false, notFoundReason: 'InvalidAMIID.NotFound' })
    // default 1 (approved), latest 3 (unapproved)
    .launchTemplate({ id: LT, name: 'web', account: WORKLOAD, default: [1, AMI_OPS], latest: [3, AMI_OUTSIDER] })
    .launchConfiguration('gone-lc', WORKLOAD, AMI_GONE);

/** A group on the refused $Latest (or `g`'s own configuration). */
const refusedGroup = (g: Partial<AutoScalingGroup>) => base().autoScalingGroup({ name: 'asg', accountId: WORKLOAD, launchTemplate: { launchTemplateId: LT, version: '$Latest' }, ...g }).build();
/** A group on the approved $Default. */
const fineGroup = (g: Partial<AutoScalingGroup>) => base().autoScalingGroup({ name: 'asg', accountId: WORKLOAD, launchTemplate: { launchTemplateId: LT, version: '$Default' }, ...g }).build();
const refresh = (status: string, r: Partial<InstanceRefresh> = {}): InstanceRefresh => ({ instanceRefreshId: 'r-1', status, ...r });
const toLatest = { launchTemplate: { launchTemplateId: LT, version: '$Latest' } };
const toDefault = { launchTemplate: { launchTemplateId: LT, version: '$Default' } };

runCases(RULE, [
  // ---- scale-out: desired capacity against InService + Pending (Pending:Wait / Pending:Proceed included) ----
  {
    name: 'invalid, pending scale-out: desired 3, one InService: 2 launches fail as soon as enforcement starts',
    build: () => refusedGroup({ desiredCapacity: 3, lifecycleStates: { InService: 1 } }),
    expect: [
      {
        resourceId: 'asg',
        messageId: 'groupRefused',
        details: { pendingScaleOut: 2, instanceRefreshId: null },
        message: ['Launching now: a scale-out of 2 instances (desired 3, 1 InService or Pending): these launches fail as soon as enforcement starts.'],
      },
    ],
  },
  {
    name: 'invalid, nothing pending: desired 2 = one InService + one Pending:Wait',
    build: () => refusedGroup({ desiredCapacity: 2, lifecycleStates: { InService: 1, 'Pending:Wait': 1 } }),
    expect: [{ resourceId: 'asg', messageId: 'groupRefused', data: { pendingNow: '' }, details: { pendingScaleOut: null } }],
  },
  {
    name: 'invalid, pending scale-out: a Standby instance does not count toward the desired capacity',
    build: () => refusedGroup({ desiredCapacity: 2, lifecycleStates: { InService: 1, Standby: 1 } }),
    expect: [{ resourceId: 'asg', details: { pendingScaleOut: 1 }, message: ['a scale-out of 1 instance (desired 2, 1 InService or Pending)'] }],
  },
  {
    name: 'invalid, no claim: an inventory without lifecycle states says nothing about a scale-out',
    build: () => refusedGroup({ desiredCapacity: 3 }),
    expect: [{ resourceId: 'asg', data: { pendingNow: '' }, details: { pendingScaleOut: null } }],
  },
  {
    name: 'invalid, no scale-out: a group being deleted',
    build: () => refusedGroup({ desiredCapacity: 3, lifecycleStates: {}, status: 'Delete in progress' }),
    expect: [{ resourceId: 'asg', data: { pendingNow: '' }, details: { pendingScaleOut: null } }],
  },
  {
    name: 'unavailable, pending scale-out: a gone AMI fails now, enforcement or not',
    build: () => base().autoScalingGroup({ name: 'legacy', accountId: WORKLOAD, launchConfigurationName: 'gone-lc', desiredCapacity: 1, lifecycleStates: {} }).build(),
    expect: [{ resourceId: 'legacy', messageId: 'groupUnavailable', details: { pendingScaleOut: 1 }, message: ['a scale-out of 1 instance (desired 1, 0 InService or Pending): these launches fail now.'] }],
  },
  {
    name: 'valid: a pending scale-out on an approved configuration is no finding',
    build: () => fineGroup({ desiredCapacity: 3, lifecycleStates: { InService: 1 } }),
    expect: [],
  },
  // ---- instance refreshes ----
  {
    name: 'invalid, InProgress refresh on the group\'s own (refused) configuration',
    build: () => refusedGroup({ desiredCapacity: 1, lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('InProgress', { percentageComplete: 40 })] }),
    expect: [
      {
        resourceId: 'asg',
        messageId: 'groupRefused',
        details: { instanceRefreshId: 'r-1', instanceRefreshStatus: 'InProgress', pendingScaleOut: null },
        message: ['Launching now: instance refresh r-1 (InProgress, 40% complete): these launches fail as soon as enforcement starts, and the refresh fails with them'],
      },
    ],
  },
  {
    name: 'invalid, a Pending refresh and a scale-out, both listed',
    build: () => refusedGroup({ desiredCapacity: 2, lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('Pending')] }),
    expect: [{ resourceId: 'asg', message: ['Launching now: a scale-out of 1 instance (desired 2, 1 InService or Pending); instance refresh r-1 (Pending): these launches'] }],
  },
  {
    name: 'invalid, Baking and Cancelling refreshes launch nothing more',
    build: () => refusedGroup({ desiredCapacity: 1, lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('Baking'), refresh('Cancelling', { instanceRefreshId: 'r-2' })] }),
    expect: [{ resourceId: 'asg', data: { pendingNow: '' }, details: { instanceRefreshId: null } }],
  },
  {
    name: 'invalid, refreshRefused: an approved group whose Pending refresh rolls out the refused $Latest',
    build: () => fineGroup({ lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('Pending', { desiredConfiguration: toLatest })] }),
    expect: [
      {
        resourceId: 'asg',
        status: 'fail',
        blockedBy: 'both',
        messageId: 'refreshRefused',
        imageId: AMI_OUTSIDER,
        data: { refreshId: 'r-1', refreshStatus: 'Pending' },
        details: { instanceRefreshId: 'r-1', launchTemplateVersion: 3, versionSelector: '$Latest', verdict: 'unapproved' },
      },
    ],
  },
  {
    name: 'refreshRefused: a desired mixed instances policy whose override launches the refused $Latest',
    build: () =>
      fineGroup({
        lifecycleStates: { InService: 1 },
        instanceRefreshes: [refresh('InProgress', { desiredConfiguration: { mixedInstancesPolicy: { launchTemplate: toDefault.launchTemplate, overrides: [{ instanceType: 'c6i.large', launchTemplate: toLatest.launchTemplate }] } } })],
      }),
    expect: [{ resourceId: 'asg', messageId: 'refreshRefused', message: ['its override c6i.large: launch template'] }],
  },
  {
    name: 'valid: an approved group whose refresh rolls out the approved $Default',
    build: () => fineGroup({ lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('InProgress', { desiredConfiguration: toDefault })] }),
    expect: [],
  },
  {
    name: 'valid: a rollback launches the group\'s own (approved) configuration, not the refused desired one',
    build: () => fineGroup({ lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('RollbackInProgress', { desiredConfiguration: toLatest })] }),
    expect: [],
  },
  {
    name: 'invalid: a rollback on a refused group launches its own configuration, although the desired one is approved',
    build: () => refusedGroup({ lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('RollbackInProgress', { desiredConfiguration: toDefault })] }),
    expect: [{ resourceId: 'asg', messageId: 'groupRefused', details: { instanceRefreshStatus: 'RollbackInProgress' } }],
  },
  {
    name: 'valid: a finished refresh (Successful) to the refused version is over',
    build: () => fineGroup({ lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('Successful', { desiredConfiguration: toLatest })] }),
    expect: [],
  },
  {
    name: 'refreshUnavailable: the desired configuration\'s AMI is gone: its launches fail now',
    build: () =>
      base()
        .pinnedVersion(WORKLOAD, LT, 2, AMI_GONE)
        .autoScalingGroup({ name: 'asg', accountId: WORKLOAD, launchTemplate: { launchTemplateId: LT }, lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('InProgress', { desiredConfiguration: { launchTemplate: { launchTemplateId: LT, version: '2' } } })] })
        .build(),
    expect: [{ resourceId: 'asg', status: 'fail', messageId: 'refreshUnavailable', details: { verdict: 'unavailable', launchTemplateVersion: 2 } }],
  },
  {
    name: 'cannot-verify stays cannot-verify: a desired configuration pinned to a version the scan did not describe is no failure',
    build: () => fineGroup({ lifecycleStates: { InService: 1 }, instanceRefreshes: [refresh('InProgress', { desiredConfiguration: { launchTemplate: { launchTemplateId: LT, version: '7' } } })] }),
    expect: [],
  },
]);
