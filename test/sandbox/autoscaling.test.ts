/** The sandbox's Auto Scaling (Query protocol, its own namespace) and fleet describe calls, through the real SDK clients. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeInstanceRefreshesCommand, paginateDescribeAutoScalingGroups, paginateDescribeInstanceRefreshes } from '@aws-sdk/client-auto-scaling';
import { DescribeFleetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { PROD, miniOrg } from '../scan/helpers.ts';

let sb: RunningSandbox;
let as: AutoScalingClient;
let ec2: EC2Client;
before(async () => {
  const f = miniOrg();
  f.autoScalingGroups = ['a', 'b', 'c'].map((n) => ({ name: `g-${n}`, accountId: f.caller.accountId, region: 'us-east-1', minSize: 0, maxSize: 1, desiredCapacity: 0, launchTemplate: { launchTemplateId: 'lt-0000000000000001' } }));
  // g-a: three refreshes (one rolling out a new template version); g-b, g-c: none.
  f.autoScalingGroups[0]!.instanceRefreshes = [
    { instanceRefreshId: 'r-1', status: 'Successful', startTime: '2026-11-01T09:00:00.000Z', endTime: '2026-11-01T09:30:00.000Z', percentageComplete: 100, instancesToUpdate: 0 },
    { instanceRefreshId: 'r-2', status: 'InProgress', startTime: '2026-12-01T09:00:00.000Z', percentageComplete: 40, instancesToUpdate: 3, desiredConfiguration: { launchTemplate: { launchTemplateId: 'lt-0000000000000001', version: '4' } } },
    { instanceRefreshId: 'r-3', status: 'RollbackInProgress', statusReason: 'alarm' },
  ];
  f.fleets = [{ fleetId: 'fleet-1', kind: 'ec2-fleet', accountId: f.caller.accountId, region: 'us-east-1', state: 'active', type: 'instant' }];
  sb = await startSandbox({ fixture: f });
  const cfg = { endpoint: sb.endpoint, region: 'us-east-1', credentials: sb.credentials, maxAttempts: 1 };
  as = new AutoScalingClient(cfg);
  ec2 = new EC2Client(cfg);
});
after(async () => {
  as.destroy();
  ec2.destroy();
  await sb.close();
});

test('DescribeAutoScalingGroups pages with MaxRecords and NextToken, as documented', async () => {
  const pages: string[][] = [];
  for await (const p of paginateDescribeAutoScalingGroups({ client: as, pageSize: 2 }, {})) pages.push((p.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName!));
  assert.deepEqual(pages, [['g-a', 'g-b'], ['g-c']]);
});

test('"the maximum value is 100": MaxRecords 101 is a ValidationError in the Auto Scaling error envelope', async () => {
  await assert.rejects(as.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })), (err: Error) => err.name === 'ValidationError');
});

test('groups are per account and region: another account sees none', async () => {
  const out = await as.send(new DescribeAutoScalingGroupsCommand({}));
  assert.equal(out.AutoScalingGroups?.length, 3);
  assert.ok(!out.AutoScalingGroups!.some((g) => g.AutoScalingGroupName?.includes(PROD)));
});

test('DescribeFleets leaves out instant fleets unless named ("you must specify the fleet ID")', async () => {
  assert.equal((await ec2.send(new DescribeFleetsCommand({}))).Fleets?.length ?? 0, 0);
  assert.equal((await ec2.send(new DescribeFleetsCommand({ FleetIds: ['fleet-1'] }))).Fleets?.length, 1);
});

test('DescribeInstanceRefreshes: one group per call ("Required: Yes"), paged with MaxRecords and NextToken, with the desired configuration', async () => {
  await assert.rejects(as.send(new DescribeInstanceRefreshesCommand({} as never)), (err: Error) => err.name === 'ValidationError');
  await assert.rejects(as.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'g-a', MaxRecords: 101 })), (err: Error) => err.name === 'ValidationError');
  const pages: string[][] = [];
  for await (const p of paginateDescribeInstanceRefreshes({ client: as, pageSize: 2 }, { AutoScalingGroupName: 'g-a' })) pages.push((p.InstanceRefreshes ?? []).map((r) => `${r.InstanceRefreshId}:${r.Status}`));
  assert.deepEqual(pages, [['r-1:Successful', 'r-2:InProgress'], ['r-3:RollbackInProgress']]);
  const one = await as.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'g-a', InstanceRefreshIds: ['r-2'] }));
  assert.equal(one.InstanceRefreshes?.length, 1);
  const r = one.InstanceRefreshes![0]!;
  assert.equal(r.AutoScalingGroupName, 'g-a');
  assert.equal(r.PercentageComplete, 40);
  assert.equal(r.InstancesToUpdate, 3);
  assert.equal(r.StartTime?.toISOString(), '2026-12-01T09:00:00.000Z');
  assert.deepEqual(r.DesiredConfiguration?.LaunchTemplate, { LaunchTemplateId: 'lt-0000000000000001', Version: '4' });
  // A group without refreshes, and one that does not exist (the API reference is silent: an empty answer).
  assert.equal((await as.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'g-b' }))).InstanceRefreshes?.length ?? 0, 0);
  assert.equal((await as.send(new DescribeInstanceRefreshesCommand({ AutoScalingGroupName: 'no-such-group' }))).InstanceRefreshes?.length ?? 0, 0);
});
