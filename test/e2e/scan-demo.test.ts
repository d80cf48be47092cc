/**
 * The bundled demo organization, scanned end to end: its inventory must equal its fixture.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, demoOrg, DEMO_ACCOUNTS as A, DEMO_IMAGES as I, DEMO_INSTANCES as N, DEMO_LAUNCH_TEMPLATES as L, HOSTILE, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import type { Instance, Inventory } from '../../src/model/inventory.ts';
import { imagesToAsk } from '../../src/scan/collectors/account-image-tags.ts';
import { assertMatchesFixture, assertReadOnly, expectedFrom, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

describe('scan of the demo organization', () => {
  let sb: RunningSandbox;
  let inv: Inventory;
  let byAction: Record<string, number>;

  before(async () => {
    sb = await startSandbox({ fixture: demoOrg });
    useSandboxCredentials(sb.credentials);
    inv = await scanOrganization(scanOptions(sb.endpoint));
    byAction = sb.stats().byAction;
  });
  after(() => sb.close());

  test('every account, region, instance, owned image, tag and public flag of the fixture', () => {
    assertMatchesFixture(inv, demoOrg, expectedFrom(demoOrg));
    assert.equal(inv.accounts.length, demoOrg.accounts.length);
    const visible = demoOrg.instances.filter((i) => i.accountId !== A.noRole && i.accountId !== A.suspended && i.state !== 'terminated');
    assert.equal(inv.instances.length, visible.length);
  });

  test('the suspended account is excluded, the missing role is access-denied, disabled opt-in regions are skipped', () => {
    assert.ok(!inv.coverage.some((c) => c.accountId === A.suspended));
    assert.ok(!inv.instances.some((i) => i.instanceId === N.hiddenSuspended.instanceId));
    const noRole = inv.coverage.filter((c) => c.accountId === A.noRole);
    assert.ok(noRole.length >= 17 && noRole.every((c) => c.status === 'access-denied'));
    assert.equal(inv.coverage.find((c) => c.accountId === A.prod && c.region === 'eu-south-1')!.status, 'skipped');
    assert.equal(inv.coverage.find((c) => c.accountId === A.dev && c.region === 'eu-south-1')!.status, 'ok');
  });

  test('golden AMIs are joined from the ops account with their tags; vendor AMIs are not visible', () => {
    const web = inv.instances.find((i) => i.instanceId === N.prodWeb1.instanceId)!;
    const golden = inv.images.find((x) => x.imageId === web.image.imageId && x.region === 'us-east-1')!;
    assert.equal(golden.seenVia, 'owner');
    assert.equal(golden.tagsVisible, true);
    assert.equal(golden.tags.Environment, 'Prod');
    const dns = inv.instances.find((i) => i.instanceId === N.prodDns.instanceId)!;
    const infoblox = inv.images.find((x) => x.imageId === dns.image.imageId)!;
    assert.equal(infoblox.ownerId, A.infoblox);
    assert.equal(infoblox.tagsVisible, false);
    assert.deepEqual(infoblox.tags, {});
  });

  test('the instance on a deregistered golden AMI keeps its image metadata', () => {
    const old = inv.instances.find((i) => i.instanceId === N.prodOldGolden.instanceId)!;
    assert.equal(old.image.imageId, I.goldenDeregistered.imageId);
    assert.equal(old.image.ownerId, A.ops);
    assert.equal(inv.images.find((x) => x.imageId === I.goldenDeregistered.imageId)!.found, false);
  });

  test('hostile strings are carried verbatim as data', () => {
    const toolbox = inv.instances.find((i) => i.instanceId === N.devToolbox.instanceId)!;
    assert.equal(toolbox.tags.Name, HOSTILE.html);
    assert.equal(toolbox.tags.Notes, HOSTILE.newline);
  });

  test('launch templates and region settings as the fixture sets them', () => {
    const batch = inv.launchTemplates.find((l) => l.launchTemplateId === L.batch.launchTemplateId)!;
    assert.deepEqual(batch.defaultVersion, { versionNumber: 1, image: { kind: 'ami', imageId: I.goldenTagged['us-east-1'].imageId } });
    assert.deepEqual(batch.latestVersion, { versionNumber: 3, image: { kind: 'ami', imageId: I.stranger.imageId } });
    const worker = inv.launchTemplates.find((l) => l.launchTemplateId === L.worker.launchTemplateId)!;
    // resolve:ssm: kept by name, and resolved with ResolveAlias to the AMI the demo's parameter holds.
    assert.deepEqual(worker.defaultVersion?.image, { kind: 'ssm', parameter: '/golden/al2023/latest', resolvedImageId: I.goldenDeregistered.imageId });
    assert.equal(inv.launchTemplates.length, Object.keys(L).length);
    const rs = (acct: string, region: string) => inv.regionSettings.find((r) => r.accountId === acct && r.region === region)!;
    assert.equal(rs(A.ops, 'us-east-1').imageBlockPublicAccess.state, 'unblocked');
    assert.equal(rs(A.dev, 'us-east-1').allowedImages.state, 'disabled');
    assert.deepEqual(rs(A.prod, 'eu-west-1').allowedImages.criteria, [{ imageProviders: [A.infoblox, A.ops, A.tfe, A.mlPoc] }]);
    assert.equal(rs(A.prod, 'us-west-2').allowedImages.state, 'audit-mode');
    assert.equal(rs(A.prod, 'us-west-2').allowedImages.managedBy, 'declarative-policy');
  });

  test('read-only, and every image described at most once per region', () => {
    assertReadOnly(byAction);
    const okUnits = inv.coverage.filter((c) => c.status === 'ok').length;
    // Each unit's lookup of its own tags on the images its instances use (it describes them too).
    const units = new Map<string, Instance[]>();
    for (const i of inv.instances) units.set(`${i.accountId}|${i.region}`, [...(units.get(`${i.accountId}|${i.region}`) ?? []), i]);
    const tagLookups = [...units].filter(([k, list]) => imagesToAsk(k.split('|')[0]!, list).length > 0).length;
    const batches = byAction['ec2:DescribeImages']! - okUnits - tagLookups;
    const regionsWithReferences = new Set(inv.images.filter((x) => x.seenVia === 'reference').map((x) => x.region)).size;
    // What no own-tags lookup described (the deregistered golden AMI, launch-template-only images) takes at most
    // one batch per region here.
    assert.ok(batches >= 1 && batches <= regionsWithReferences, `${batches} DescribeImages batches for ${regionsWithReferences} regions`);
  });
});
