import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeInstanceImageMetadataCommand,
  DisableImageBlockPublicAccessCommand,
  EnableImageBlockPublicAccessCommand,
  GetImageBlockPublicAccessStateCommand,
  ModifyImageAttributeCommand,
  paginateDescribeImages,
} from '@aws-sdk/client-ec2';
import type { EC2Client, Image } from '@aws-sdk/client-ec2';
import { startSandbox, demoOrg, DEMO_ACCOUNTS, DEMO_IMAGES, DEMO_INSTANCES, HOSTILE } from '../../src/sandbox/index.ts';
import type { OrgFixture, RunningSandbox } from '../../src/sandbox/index.ts';
import { assume, ec2, rejection } from './helpers.ts';

const A = DEMO_ACCOUNTS;
const I = DEMO_IMAGES;
const INFOBLOX_KEYS = { accessKeyId: 'AKIAAMIGOVINFOBLOX01', secretAccessKey: 'infoblox-secret' };

const ids = (images: Image[] | undefined) => (images ?? []).map((i) => i.ImageId!).sort();

describe('sandbox EC2 images', () => {
  let sb: RunningSandbox;
  let prod: EC2Client;
  let dev: EC2Client;
  let ops: EC2Client;
  let infoblox: EC2Client;

  before(async () => {
    const fixture: OrgFixture = { ...structuredClone(demoOrg), users: [{ accountId: A.infoblox, ...INFOBLOX_KEYS, userName: 'vendor' }] };
    sb = await startSandbox({ fixture });
    prod = ec2(sb, { credentials: await assume(sb, A.prod) });
    dev = ec2(sb, { credentials: await assume(sb, A.dev) });
    ops = ec2(sb, { credentials: await assume(sb, A.ops) });
    infoblox = ec2(sb, { credentials: INFOBLOX_KEYS });
  });
  after(() => sb.close());

  it('shows each account its own, shared and public images, and nothing else', async () => {
    const prodAll = ids((await prod.send(new DescribeImagesCommand({}))).Images);
    const expected = [
      I.prodCustom, I.goldenTagged['us-east-1'], I.goldenWindows, I.goldenPublic, I.infoblox, I.migration, I.partner,
      I.stranger, I.amazonUse1, I.devPublic,
    ].map((i) => i.imageId).sort();
    assert.deepEqual(prodAll, expected);
    // dev sees the org-shared golden AMIs and public ones, but not the vendor/exception shares made to prod
    const devAll = ids((await dev.send(new DescribeImagesCommand({}))).Images);
    assert.ok(devAll.includes(I.goldenTagged['us-east-1'].imageId));
    assert.ok(!devAll.includes(I.infoblox.imageId));
    assert.ok(!devAll.includes(I.prodCustom.imageId));
    // a public image appears in every account, including accounts outside the organization
    const vendorAll = ids((await infoblox.send(new DescribeImagesCommand({}))).Images);
    assert.ok(vendorAll.includes(I.devPublic.imageId) && vendorAll.includes(I.goldenPublic.imageId));
    assert.ok(!vendorAll.includes(I.goldenTagged['us-east-1'].imageId), 'org shares are not visible outside the org');
    // regions are separate
    const euProd = ec2(sb, { credentials: await assume(sb, A.prod), region: 'eu-west-1' });
    const eu = ids((await euProd.send(new DescribeImagesCommand({}))).Images);
    assert.deepEqual(eu, [I.goldenTagged['eu-west-1'], I.goldenUntagged['eu-west-1'], I.tfe, I.mlPoc].map((i) => i.imageId).sort());
  });

  it('shows each account its own tags on an image: the owner\'s to the owner, never to the accounts it is shared with', async () => {
    const asVendor = await infoblox.send(new DescribeImagesCommand({ Owners: ['self'] }));
    assert.deepEqual(ids(asVendor.Images), [I.infoblox.imageId]);
    assert.deepEqual(asVendor.Images![0]!.Tags, [{ Key: 'Environment', Value: 'Prod' }, { Key: 'Vendor', Value: 'Infoblox' }]);
    // prod-payments sees the tag it set on the vendor AMI itself, not the vendor's Vendor tag
    const asProd = await prod.send(new DescribeImagesCommand({ ImageIds: [I.infoblox.imageId] }));
    assert.deepEqual(asProd.Images![0]!.Tags, [{ Key: 'Environment', Value: 'Prod' }]);
    // dev, which set no tags on the golden AMI, sees none of the owner's
    const asDev = await dev.send(new DescribeImagesCommand({ ImageIds: [I.goldenTagged['us-east-1'].imageId] }));
    assert.equal(asDev.Images![0]!.Tags, undefined);
    // and tag filters see the caller's own tags: prod's own AMI, and the AMIs it tagged itself
    const filtered = await prod.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag:Environment', Values: ['Prod'] }] }));
    assert.deepEqual(ids(filtered.Images), [I.prodCustom, I.goldenTagged['us-east-1'], I.goldenWindows, I.infoblox, I.stranger].map((i) => i.imageId).sort());
    const byTeam = await prod.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag:Team', Values: ['platform'] }] }));
    assert.deepEqual(ids(byTeam.Images), [], "the owner's Team tag is not visible to prod");
    const golden = await ops.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:Environment', Values: ['Prod'] }] }));
    assert.deepEqual(ids(golden.Images), [I.goldenTagged['us-east-1'], I.goldenWindows, I.goldenPublic].map((i) => i.imageId).sort());
  });

  it('keeps hostile strings intact through XML', async () => {
    const out = await dev.send(new DescribeImagesCommand({ Owners: ['self'] }));
    const img = out.Images![0]!;
    assert.equal(img.Name, "dev-toolbox-2026.11 (O'Brien's build) [beta]");
    assert.equal(img.Description, `${HOSTILE.script} ${HOSTILE.subshell} ${HOSTILE.backticks}`);
    const tags = Object.fromEntries(img.Tags!.map((t) => [t.Key, t.Value]));
    assert.deepEqual(tags, { Owner: HOSTILE.script, CostCenter: HOSTILE.formula, Notes: HOSTILE.newline });
  });

  it('selects by Owners (self, account id, alias) and ExecutableUsers', async () => {
    assert.deepEqual(ids((await prod.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images), [I.prodCustom.imageId]);
    assert.deepEqual(
      ids((await prod.send(new DescribeImagesCommand({ Owners: [A.ops] }))).Images),
      [I.goldenTagged['us-east-1'], I.goldenWindows, I.goldenPublic].map((i) => i.imageId).sort(),
    );
    assert.deepEqual(ids((await prod.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images), [I.amazonUse1.imageId]);
    assert.deepEqual(ids((await dev.send(new DescribeImagesCommand({ Owners: [A.infoblox] }))).Images), []);
    const explicit = ids((await prod.send(new DescribeImagesCommand({ ExecutableUsers: ['self'] }))).Images);
    assert.ok(explicit.includes(I.infoblox.imageId) && explicit.includes(I.goldenTagged['us-east-1'].imageId));
    assert.ok(!explicit.includes(I.prodCustom.imageId) && !explicit.includes(I.stranger.imageId));
    const pub = ids((await prod.send(new DescribeImagesCommand({ ExecutableUsers: ['all'] }))).Images);
    assert.deepEqual(pub, [I.goldenPublic, I.stranger, I.amazonUse1, I.devPublic].map((i) => i.imageId).sort());
  });

  it('filters by is-public, owner-id and name wildcards; refuses unknown filters', async () => {
    const pub = await prod.send(new DescribeImagesCommand({ Filters: [{ Name: 'is-public', Values: ['true'] }, { Name: 'owner-id', Values: [A.ops] }] }));
    assert.deepEqual(ids(pub.Images), [I.goldenPublic.imageId]);
    const named = await prod.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['golden-*-2026.1?'] }] }));
    assert.deepEqual(ids(named.Images), [I.goldenWindows.imageId]);
    const bad = await rejection(prod.send(new DescribeImagesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })));
    assert.equal(bad.name, 'InvalidParameterValue');
  });

  it('pages with MaxResults / NextToken and the SDK paginator', async () => {
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeImages({ client: prod, pageSize: 3 }, {})) {
      pages.push(page.Images!.length);
      seen.push(...ids(page.Images));
    }
    assert.deepEqual(pages, [3, 3, 3, 1]);
    assert.equal(new Set(seen).size, 10);
    const combo = await rejection(prod.send(new DescribeImagesCommand({ ImageIds: [I.prodCustom.imageId], MaxResults: 5 })));
    assert.equal(combo.name, 'InvalidParameterCombination');
  });

  it('answers ImageIds as EC2 does: NotFound for invisible ids, Malformed for bad ones, empty for a referenced deregistered AMI', async () => {
    const hidden = await rejection(dev.send(new DescribeImagesCommand({ ImageIds: [I.infoblox.imageId] })));
    assert.equal(hidden.name, 'InvalidAMIID.NotFound');
    assert.equal(hidden.message, `The image id '[${I.infoblox.imageId}]' does not exist`);
    const malformed = await rejection(prod.send(new DescribeImagesCommand({ ImageIds: ['ami-xyz'] })));
    assert.equal(malformed.name, 'InvalidAMIID.Malformed');
    const gone = await prod.send(new DescribeImagesCommand({ ImageIds: [I.goldenDeregistered.imageId] }));
    assert.deepEqual(gone.Images, []);
  });

  it('computes imageAllowed from the caller account x region Allowed AMIs criteria', async () => {
    const byId = new Map((await prod.send(new DescribeImagesCommand({}))).Images!.map((i) => [i.ImageId, i.ImageAllowed]));
    assert.equal(byId.get(I.goldenTagged['us-east-1'].imageId), true);
    assert.equal(byId.get(I.infoblox.imageId), true);
    assert.equal(byId.get(I.partner.imageId), true);
    assert.equal(byId.get(I.stranger.imageId), false);
    assert.equal(byId.get(I.migration.imageId), false, 'expired exception not in the criteria');
    assert.equal(byId.get(I.amazonUse1.imageId), false);
    assert.equal(byId.get(I.prodCustom.imageId), true, "an account's own AMIs are always allowed");
    // in dev us-east-1 Allowed AMIs is disabled: nothing is restricted
    const devImgs = (await dev.send(new DescribeImagesCommand({ ImageIds: [I.stranger.imageId] }))).Images!;
    assert.equal(devImgs[0]!.ImageAllowed, true);
  });

  it('hides disallowed images once Allowed AMIs is enabled (own images excepted)', async () => {
    const fixture: OrgFixture = structuredClone(demoOrg);
    fixture.regionSettings!.push({ accountId: A.prod, region: 'us-east-1', allowedImages: { state: 'enabled', criteria: [{ imageProviders: [A.ops] }] } });
    const enforced = await startSandbox({ fixture });
    try {
      const client = ec2(enforced, { credentials: await assume(enforced, A.prod) });
      const visible = ids((await client.send(new DescribeImagesCommand({}))).Images);
      assert.deepEqual(visible, [I.prodCustom, I.goldenTagged['us-east-1'], I.goldenWindows, I.goldenPublic].map((i) => i.imageId).sort());
    } finally {
      await enforced.close();
    }
  });

  it('leaves deprecated and disabled AMIs out unless asked (owners always see their deprecated ones)', async () => {
    const fixture: OrgFixture = structuredClone(demoOrg);
    const base = { ownerId: A.ops, region: 'us-east-1', creationDate: '2025-01-01T00:00:00.000Z', sharedWithOrganizationArns: [I.goldenTagged['us-east-1'].sharedWithOrganizationArns![0]!] };
    fixture.images.push(
      { ...base, imageId: 'ami-0dead00000000beef', name: 'golden-al2023-2025.01', deprecationTime: '2025-06-01T00:00:00.000Z' },
      { ...base, imageId: 'ami-0d15ab1ed0000beef', name: 'golden-al2023-2024.12', state: 'disabled' },
    );
    const s = await startSandbox({ fixture });
    try {
      const asProd = ec2(s, { credentials: await assume(s, A.prod) });
      const asOps = ec2(s, { credentials: await assume(s, A.ops) });
      const prodIds = async (input: object) => ids((await asProd.send(new DescribeImagesCommand({ Owners: [A.ops], ...input }))).Images);
      assert.ok(!(await prodIds({})).includes('ami-0dead00000000beef'));
      assert.ok((await prodIds({ IncludeDeprecated: true })).includes('ami-0dead00000000beef'));
      assert.ok(!(await prodIds({ IncludeDeprecated: true, IncludeDisabled: true })).includes('ami-0d15ab1ed0000beef'), 'disabled AMIs are private to the owner');
      const own = async (input: object) => ids((await asOps.send(new DescribeImagesCommand({ Owners: ['self'], ...input }))).Images);
      assert.ok((await own({})).includes('ami-0dead00000000beef'));
      assert.ok(!(await own({})).includes('ami-0d15ab1ed0000beef'));
      assert.ok((await own({ IncludeDisabled: true })).includes('ami-0d15ab1ed0000beef'));
    } finally {
      await s.close();
    }
  });

  it('describes launch permissions to the owner only', async () => {
    const perms = await ops.send(new DescribeImageAttributeCommand({ ImageId: I.goldenPublic.imageId, Attribute: 'launchPermission' }));
    assert.deepEqual(perms.LaunchPermissions, [{ Group: 'all' }, { OrganizationArn: 'arn:aws:organizations::100000000001:organization/o-amigovdemo1' }]);
    const notOwner = await rejection(prod.send(new DescribeImageAttributeCommand({ ImageId: I.goldenPublic.imageId, Attribute: 'launchPermission' })));
    assert.equal(notOwner.name, 'AuthFailure');
  });

  it('removes Group=all with ModifyImageAttribute (DryRun first), after which other accounts no longer see it', async () => {
    const dry = await rejection(
      dev.send(new ModifyImageAttributeCommand({ ImageId: I.devPublic.imageId, LaunchPermission: { Remove: [{ Group: 'all' }] }, DryRun: true })),
    );
    assert.equal(dry.name, 'DryRunOperation');
    assert.equal(dry.$metadata?.httpStatusCode, 412);
    assert.ok(ids((await prod.send(new DescribeImagesCommand({}))).Images).includes(I.devPublic.imageId), 'DryRun changed nothing');
    await dev.send(new ModifyImageAttributeCommand({ ImageId: I.devPublic.imageId, LaunchPermission: { Remove: [{ Group: 'all' }] } }));
    const after = await dev.send(new DescribeImagesCommand({ ImageIds: [I.devPublic.imageId] }));
    assert.equal(after.Images![0]!.Public, false);
    const fromProd = await rejection(prod.send(new DescribeImagesCommand({ ImageIds: [I.devPublic.imageId] })));
    assert.equal(fromProd.name, 'InvalidAMIID.NotFound');
    // share it with prod explicitly through the legacy flat form
    await dev.send(new ModifyImageAttributeCommand({ ImageId: I.devPublic.imageId, Attribute: 'launchPermission', OperationType: 'add', UserIds: [A.prod] }));
    assert.deepEqual(ids((await prod.send(new DescribeImagesCommand({ ImageIds: [I.devPublic.imageId] }))).Images), [I.devPublic.imageId]);
    const notMine = await rejection(prod.send(new ModifyImageAttributeCommand({ ImageId: I.devPublic.imageId, LaunchPermission: { Add: [{ Group: 'all' }] } })));
    assert.equal(notMine.name, 'AuthFailure');
  });

  it('toggles image block public access, which then refuses new public shares', async () => {
    assert.equal((await dev.send(new GetImageBlockPublicAccessStateCommand({}))).ImageBlockPublicAccessState, 'unblocked');
    const dry = await rejection(dev.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing', DryRun: true })));
    assert.equal(dry.name, 'DryRunOperation');
    const on = await dev.send(new EnableImageBlockPublicAccessCommand({ ImageBlockPublicAccessState: 'block-new-sharing' }));
    assert.equal(on.ImageBlockPublicAccessState, 'block-new-sharing');
    const state = await dev.send(new GetImageBlockPublicAccessStateCommand({}));
    assert.equal(state.ImageBlockPublicAccessState, 'block-new-sharing');
    assert.equal(state.ManagedBy, 'account');
    const refused = await rejection(dev.send(new ModifyImageAttributeCommand({ ImageId: I.devPublic.imageId, LaunchPermission: { Add: [{ Group: 'all' }] } })));
    assert.equal(refused.name, 'OperationNotPermitted');
    const off = await dev.send(new DisableImageBlockPublicAccessCommand({}));
    assert.equal(off.ImageBlockPublicAccessState, 'unblocked');
  });

  it('tags images per account: a consumer tags a shared or public image for itself, and each account sees only its own tags', async () => {
    const image = I.goldenPublic.imageId; // owned by ops, public and shared with the organization
    const tagsOf = async (c: EC2Client) => (await c.send(new DescribeImagesCommand({ ImageIds: [image] }))).Images![0]!.Tags ?? [];
    const dry = await rejection(ops.send(new CreateTagsCommand({ Resources: [image], Tags: [{ Key: 'Reviewed', Value: 'yes' }], DryRun: true })));
    assert.equal(dry.name, 'DryRunOperation');
    await ops.send(new CreateTagsCommand({ Resources: [image], Tags: [{ Key: 'Reviewed', Value: 'yes' }] }));
    assert.ok((await tagsOf(ops)).some((t) => t.Key === 'Reviewed' && t.Value === 'yes'));
    // A consumer that can launch it may tag it (AWS: "You can tag public or shared resources"); the tag is its own.
    const consumerDry = await rejection(prod.send(new CreateTagsCommand({ Resources: [image], Tags: [{ Key: 'Environment', Value: 'Prod' }], DryRun: true })));
    assert.equal(consumerDry.name, 'DryRunOperation');
    await prod.send(new CreateTagsCommand({ Resources: [image], Tags: [{ Key: 'Environment', Value: 'Prod' }, { Key: 'Consumer', Value: 'payments' }] }));
    assert.deepEqual((await tagsOf(prod)).map((t) => `${t.Key}=${t.Value}`).sort(), ['Consumer=payments', 'Environment=Prod'], "the consumer sees its own tags, not the owner's");
    const ownerTags = (await tagsOf(ops)).map((t) => t.Key);
    assert.ok(ownerTags.includes('Reviewed') && !ownerTags.includes('Consumer'), "the owner sees its own tags, not the consumer's");
    assert.deepEqual(await tagsOf(dev), [], 'a third account sees neither');
    // Tag filters see the caller's own tags only.
    const byTag = (c: EC2Client) => c.send(new DescribeImagesCommand({ ExecutableUsers: ['all'], Filters: [{ Name: 'tag:Consumer', Values: ['payments'] }] }));
    assert.deepEqual(ids((await byTag(prod)).Images), [image]);
    assert.deepEqual(ids((await byTag(dev)).Images), []);
    // DeleteTags with a value removes the tag only when the value matches; the owner's tags are untouched.
    await prod.send(new DeleteTagsCommand({ Resources: [image], Tags: [{ Key: 'Environment', Value: 'prod' }] }));
    assert.ok((await tagsOf(prod)).some((t) => t.Key === 'Environment'));
    await prod.send(new DeleteTagsCommand({ Resources: [image], Tags: [{ Key: 'Environment', Value: 'Prod' }] }));
    assert.deepEqual((await tagsOf(prod)).map((t) => t.Key), ['Consumer']);
    assert.ok((await tagsOf(ops)).some((t) => t.Key === 'Environment' && t.Value === 'Prod'), "the owner's Environment tag stays");
    // An account that cannot launch the image cannot tag it either.
    const invisible = await rejection(dev.send(new CreateTagsCommand({ Resources: [I.infoblox.imageId], Tags: [{ Key: 'Environment', Value: 'Prod' }] })));
    assert.equal(invisible.name, 'InvalidAMIID.NotFound');
  });

  it('keeps describing an instance\'s image after it is deregistered', async () => {
    const image = I.goldenTagged['eu-west-1'];
    const opsEu = ec2(sb, { credentials: await assume(sb, A.ops), region: 'eu-west-1' });
    const prodEu = ec2(sb, { credentials: await assume(sb, A.prod), region: 'eu-west-1' });
    const dry = await rejection(opsEu.send(new DeregisterImageCommand({ ImageId: image.imageId, DryRun: true })));
    assert.equal(dry.name, 'DryRunOperation');
    const out = await opsEu.send(new DeregisterImageCommand({ ImageId: image.imageId }));
    assert.equal(out.Return, true);
    assert.deepEqual((await prodEu.send(new DescribeImagesCommand({ ImageIds: [image.imageId] }))).Images, [], 'referenced: empty result');
    assert.ok(!ids((await opsEu.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images).includes(image.imageId));
    const md = await prodEu.send(new DescribeInstanceImageMetadataCommand({ InstanceIds: [DEMO_INSTANCES.prodEuWeb.instanceId] }));
    const meta = md.InstanceImageMetadata![0]!.ImageMetadata!;
    assert.equal(meta.ImageId, image.imageId);
    assert.equal(meta.Name, image.name);
    assert.equal(meta.OwnerId, A.ops);
    assert.equal(meta.State, 'deregistered');
    assert.equal(meta.CreationDate, image.creationDate);
  });
});
