import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeImageReferencesCommand,
  DescribeInstanceImageMetadataCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeRegionsCommand,
  GetAllowedImagesSettingsCommand,
  GetImageBlockPublicAccessStateCommand,
  paginateDescribeInstanceImageMetadata,
  paginateDescribeInstances,
  paginateDescribeLaunchTemplates,
} from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  startSandbox,
  demoOrg,
  generateOrg,
  DEMO_ACCOUNTS,
  DEMO_IMAGES,
  DEMO_INSTANCES,
  DEMO_LAUNCH_TEMPLATES,
} from '../../src/sandbox/index.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { assume, ec2, rejection } from './helpers.ts';

const A = DEMO_ACCOUNTS;
const N = DEMO_INSTANCES;
const L = DEMO_LAUNCH_TEMPLATES;

describe('sandbox EC2 instances, regions, launch templates and settings', () => {
  let sb: RunningSandbox;
  let prod: EC2Client;
  before(async () => {
    sb = await startSandbox({ fixture: demoOrg });
    prod = ec2(sb, { credentials: await assume(sb, A.prod) });
  });
  after(() => sb.close());

  it('describes an account x region\'s instances in reservations', async () => {
    const out = await prod.send(new DescribeInstancesCommand({}));
    const instances = out.Reservations!.flatMap((r) => r.Instances!);
    const expected = Object.values(N).filter((i) => i.accountId === A.prod && i.region === 'us-east-1').map((i) => i.instanceId).sort();
    assert.deepEqual(instances.map((i) => i.InstanceId).sort(), expected);
    const shared = out.Reservations!.find((r) => r.ReservationId === 'r-0c0ffee0000000001')!;
    assert.equal(shared.Instances!.length, 2);
    assert.equal(shared.OwnerId, A.prod);
    const web = instances.find((i) => i.InstanceId === N.prodWeb1.instanceId)!;
    assert.equal(web.ImageId, DEMO_IMAGES.goldenTagged['us-east-1'].imageId);
    assert.equal(web.State?.Name, 'running');
    assert.equal(web.State?.Code, 16);
    assert.ok(web.LaunchTime instanceof Date);
    assert.deepEqual(web.Tags, [{ Key: 'Name', Value: 'payments-web-1' }, { Key: 'Environment', Value: 'Prod' }]);
  });

  it('filters by instance-state-name, image-id, tag:Key and tag-key', async () => {
    const flat = async (Filters: { Name: string; Values: string[] }[]) =>
      ((await prod.send(new DescribeInstancesCommand({ Filters }))).Reservations ?? []).flatMap((r) => r.Instances!.map((i) => i.InstanceId!)).sort();
    assert.deepEqual(await flat([{ Name: 'instance-state-name', Values: ['stopped'] }]), [N.prodStopped.instanceId, N.prodStoppedNginx.instanceId].sort());
    assert.deepEqual(
      await flat([{ Name: 'image-id', Values: [DEMO_IMAGES.stranger.imageId] }, { Name: 'instance-state-name', Values: ['running'] }]),
      [N.prodNginx.instanceId],
    );
    assert.deepEqual(await flat([{ Name: 'tag:Name', Values: ['payments-web-*'] }]), [N.prodWeb1, N.prodWeb2, N.prodStopped].map((i) => i.instanceId).sort());
    assert.deepEqual(await flat([{ Name: 'tag-key', Values: ['Owner'] }]), [N.prodNginx.instanceId]);
    const bad = await rejection(prod.send(new DescribeInstancesCommand({ Filters: [{ Name: 'bogus', Values: ['1'] }] })));
    assert.equal(bad.name, 'InvalidParameterValue');
  });

  it('validates MaxResults and InstanceIds as EC2 does', async () => {
    const small = await rejection(prod.send(new DescribeInstancesCommand({ MaxResults: 3 })));
    assert.equal(small.name, 'InvalidParameterValue');
    const combo = await rejection(prod.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: [N.prodWeb1.instanceId] })));
    assert.equal(combo.name, 'InvalidParameterCombination');
    const missing = await rejection(prod.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
    assert.equal(missing.name, 'InvalidInstanceID.NotFound');
    const malformed = await rejection(prod.send(new DescribeInstancesCommand({ InstanceIds: ['web-1'] })));
    assert.equal(malformed.name, 'InvalidInstanceID.Malformed');
    const dry = await rejection(prod.send(new DescribeInstancesCommand({ DryRun: true })));
    assert.equal(dry.name, 'DryRunOperation');
  });

  it('returns instance image metadata with the image owner, state, imageAllowed and public flag', async () => {
    const out = await prod.send(new DescribeInstanceImageMetadataCommand({ InstanceIds: [N.prodOldGolden.instanceId, N.prodNginx.instanceId, N.prodCustom.instanceId] }));
    const byId = new Map(out.InstanceImageMetadata!.map((m) => [m.InstanceId, m]));
    const old = byId.get(N.prodOldGolden.instanceId)!;
    assert.equal(old.ImageMetadata?.State, 'deregistered');
    assert.equal(old.ImageMetadata?.OwnerId, A.ops);
    assert.equal(old.ImageMetadata?.Name, DEMO_IMAGES.goldenDeregistered.name);
    assert.equal(old.OwnerId, A.prod);
    assert.equal(old.State?.Name, 'running');
    const nginx = byId.get(N.prodNginx.instanceId)!;
    assert.equal(nginx.ImageMetadata?.ImageAllowed, false);
    assert.equal(nginx.ImageMetadata?.IsPublic, true);
    assert.deepEqual(nginx.Tags?.find((t) => t.Key === 'Owner'), { Key: 'Owner', Value: "'; DROP TABLE amis;--" });
    assert.equal(byId.get(N.prodCustom.instanceId)!.ImageMetadata?.ImageAllowed, true);
    const stopped = await prod.send(new DescribeInstanceImageMetadataCommand({ Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }] }));
    assert.equal(stopped.InstanceImageMetadata!.length, 2);
  });

  it('lists the enabled regions, or all of them with their opt-in status', async () => {
    const enabled = (await prod.send(new DescribeRegionsCommand({}))).Regions!;
    assert.equal(enabled.length, 17);
    assert.ok(enabled.every((r) => r.OptInStatus === 'opt-in-not-required'));
    const all = (await prod.send(new DescribeRegionsCommand({ AllRegions: true }))).Regions!;
    assert.equal(all.find((r) => r.RegionName === 'af-south-1')?.OptInStatus, 'not-opted-in');
    assert.equal(all.find((r) => r.RegionName === 'us-east-1')?.Endpoint, 'ec2.us-east-1.amazonaws.com');
    const dev = ec2(sb, { credentials: await assume(sb, A.dev) });
    const devRegions = (await dev.send(new DescribeRegionsCommand({ Filters: [{ Name: 'opt-in-status', Values: ['opted-in'] }] }))).Regions!;
    assert.deepEqual(devRegions.map((r) => r.RegionName), ['eu-south-1']);
  });

  it('answers a disabled opt-in region with AuthFailure, as EC2 does', async () => {
    const cape = ec2(sb, { credentials: await assume(sb, A.prod), region: 'af-south-1' });
    const err = await rejection(cape.send(new DescribeInstancesCommand({})));
    assert.equal(err.name, 'AuthFailure');
    assert.equal(err.$metadata?.httpStatusCode, 401);
    const devMilan = ec2(sb, { credentials: await assume(sb, A.dev), region: 'eu-south-1' });
    const ok = await devMilan.send(new DescribeInstancesCommand({}));
    assert.deepEqual(ok.Reservations, []);
  });

  it('describes launch templates and their $Default / $Latest versions', async () => {
    const lts = (await prod.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates!;
    const batch = lts.find((t) => t.LaunchTemplateName === 'payments-batch')!;
    assert.equal(batch.LaunchTemplateId, L.batch.launchTemplateId);
    assert.equal(batch.DefaultVersionNumber, 1);
    assert.equal(batch.LatestVersionNumber, 3);
    const pages: number[] = [];
    for await (const p of paginateDescribeLaunchTemplates({ client: prod, pageSize: 2 }, {})) pages.push(p.LaunchTemplates!.length);
    assert.deepEqual(pages, [2, 1]);
    const v = (await prod.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: L.batch.launchTemplateId, Versions: ['$Default', '$Latest'] })))
      .LaunchTemplateVersions!;
    assert.deepEqual(
      v.map((x) => [x.VersionNumber, x.DefaultVersion, x.LaunchTemplateData?.ImageId]),
      [[1, true, DEMO_IMAGES.goldenTagged['us-east-1'].imageId], [3, false, DEMO_IMAGES.stranger.imageId]],
    );
    // every template's default and latest version in one call, without naming a template
    const all = (await prod.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest', '$Default'] }))).LaunchTemplateVersions!;
    assert.equal(all.length, 4); // web: 2 (default = latest), batch: 1 and 3, worker: 1
    const worker = all.find((x) => x.LaunchTemplateId === L.worker.launchTemplateId)!;
    assert.equal(worker.LaunchTemplateData?.ImageId, 'resolve:ssm:/golden/al2023/latest');
    const byName = (await prod.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'payments-batch' }))).LaunchTemplateVersions!;
    assert.deepEqual(byName.map((x) => x.VersionNumber), [1, 2, 3]);
    const missing = await rejection(prod.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: 'lt-0123456789abcdef0', Versions: ['$Latest'] })));
    assert.equal(missing.name, 'InvalidLaunchTemplateId.NotFound');
    const noVersion = await rejection(prod.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: L.batch.launchTemplateId, Versions: ['9'] })));
    assert.equal(noVersion.name, 'InvalidLaunchTemplateId.VersionNotFound');
  });

  it('finds image references from instances and launch templates', async () => {
    const out = await prod.send(
      new DescribeImageReferencesCommand({ ImageIds: [DEMO_IMAGES.stranger.imageId], IncludeAllResourceTypes: true }),
    );
    assert.deepEqual(
      out.ImageReferences!.map((r) => [r.ResourceType, r.Arn]).sort(),
      [
        ['ec2:Instance', `arn:aws:ec2:us-east-1:${A.prod}:instance/${N.prodNginx.instanceId}`],
        ['ec2:Instance', `arn:aws:ec2:us-east-1:${A.prod}:instance/${N.prodStoppedNginx.instanceId}`],
        ['ec2:LaunchTemplate', `arn:aws:ec2:us-east-1:${A.prod}:launch-template/${L.batch.launchTemplateId}`],
      ].sort(),
    );
    const onlyLt = await prod.send(
      new DescribeImageReferencesCommand({ ImageIds: [DEMO_IMAGES.stranger.imageId], ResourceTypes: [{ ResourceType: 'ec2:LaunchTemplate' }] }),
    );
    assert.equal(onlyLt.ImageReferences!.length, 1);
  });

  it('reports block public access and Allowed AMIs settings per account x region', async () => {
    const bpa = await prod.send(new GetImageBlockPublicAccessStateCommand({}));
    assert.equal(bpa.ImageBlockPublicAccessState, 'block-new-sharing');
    assert.equal(bpa.ManagedBy, 'declarative-policy');
    const use1 = await prod.send(new GetAllowedImagesSettingsCommand({}));
    assert.equal(use1.State, 'audit-mode');
    assert.equal(use1.ManagedBy, 'declarative-policy');
    // The demo's declarative policy carries the demo config's criteria (src/sandbox/fixtures/demo-org.ts).
    assert.deepEqual(use1.ImageCriteria, [
      { ImageProviders: ['123456738923'], ImageNames: ['golden-al2023-*', 'golden-ubuntu22-*'], CreationDateCondition: { MaximumDaysSinceCreated: 365 } },
      { ImageProviders: ['111122223333', '444455556666', '555566667777'] },
    ]);
    const euw1 = await ec2(sb, { credentials: await assume(sb, A.prod), region: 'eu-west-1' }).send(new GetAllowedImagesSettingsCommand({}));
    assert.equal(euw1.ManagedBy, 'account');
    assert.deepEqual(euw1.ImageCriteria?.[0]?.ImageProviders, ['111122223333', '123456738923', '444455556666', '222233334444']);
    const apse2 = await ec2(sb, { credentials: await assume(sb, A.prod), region: 'ap-southeast-2' }).send(new GetAllowedImagesSettingsCommand({}));
    assert.equal(apse2.State, 'disabled');
    assert.equal(apse2.ImageCriteria, undefined);
  });

  it('answers an unknown action with InvalidAction in EC2\'s error envelope', async () => {
    const res = await fetch(sb.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${sb.credentials.accessKeyId}/20261123/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: 'Action=RunInstances&Version=2016-11-15',
    });
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.match(text, /<Code>InvalidAction<\/Code>/);
    assert.match(text, /<Response><Errors><Error>/);
  });
});

describe('sandbox EC2 pagination at scale (generated organization)', () => {
  let sb: RunningSandbox;
  before(async () => {
    sb = await startSandbox({ fixture: generateOrg({ accounts: 3, regions: ['us-east-1', 'eu-west-1'], populatedRegionsPerAccount: 2, instancesPerRegion: 23, ownedImagesPerRegion: 7, seed: 42 }) });
  });
  after(() => sb.close());

  it('crosses pages of instances and image metadata with the SDK paginators', async () => {
    const account = '200000000001';
    const client = ec2(sb, { credentials: await assume(sb, account) });
    const seen: string[] = [];
    const sizes: number[] = [];
    for await (const page of paginateDescribeInstances({ client, pageSize: 5 }, {})) {
      const ids = page.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!));
      sizes.push(ids.length);
      seen.push(...ids);
    }
    assert.deepEqual(sizes, [5, 5, 5, 5, 3]);
    assert.equal(new Set(seen).size, 23);
    const md: string[] = [];
    for await (const page of paginateDescribeInstanceImageMetadata({ client, pageSize: 10 }, {})) md.push(...page.InstanceImageMetadata!.map((m) => m.InstanceId!));
    assert.deepEqual(md.sort(), [...seen].sort());
  });
});
