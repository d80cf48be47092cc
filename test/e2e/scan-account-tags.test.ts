/**
 * Both views of an AMI's tags, end to end against the sandbox: a consumer account tags a shared golden AMI and a
 * public AMI for itself with CreateTags (as AWS allows: "You can tag public or shared resources"), the scan reads
 * each launching account's own tags with DescribeImages in that account, and prod-ami-not-tagged judges approval
 * (the owner's tags) and launchability (the launching account's tags) apart, flagging the spoofed approval.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTagsCommand, DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { validateConfig } from '../../src/config/load.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { DEV, OPS, PROD, miniOrg, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';
import { assume, ec2 } from '../sandbox/helpers.ts';

const GOLDEN = 'ami-0000000000000a001'; // OPS, tagged Environment=Prod by OPS, shared with PROD and DEV
const PUBLIC = 'ami-0000000000000e002'; // an outside account's public AMI
const DEV_ON_GOLDEN = 'i-00000000000000d1';
const PROD_ON_PUBLIC = 'i-00000000000000e1';

let sb: RunningSandbox;
let inv: Inventory;
before(async () => {
  const fixture = miniOrg();
  fixture.instances.push(
    { instanceId: DEV_ON_GOLDEN, accountId: DEV, region: 'us-east-1', imageId: GOLDEN, state: 'running', tags: { Environment: 'Prod' } },
    { instanceId: PROD_ON_PUBLIC, accountId: PROD, region: 'us-east-1', imageId: PUBLIC, state: 'stopped', tags: { Environment: 'Prod' } },
  );
  sb = await startSandbox({ fixture });
  useSandboxCredentials(sb.credentials);
  // PROD propagates the approval onto the shared golden AMI (DEV does not), and tags a public AMI itself.
  const prod = ec2(sb, { credentials: await assume(sb, PROD) });
  await prod.send(new CreateTagsCommand({ Resources: [GOLDEN], Tags: [{ Key: 'Environment', Value: 'Prod' }] }));
  await prod.send(new CreateTagsCommand({ Resources: [PUBLIC], Tags: [{ Key: 'Environment', Value: 'Prod' }] }));
  inv = await scanOrganization(scanOptions(sb.endpoint));
});
after(() => sb.close());

test('a consumer\'s tags on a shared AMI are visible to that consumer only', async () => {
  const tagsSeenBy = async (account: string) => {
    const c = ec2(sb, { credentials: await assume(sb, account) });
    return ((await c.send(new DescribeImagesCommand({ ImageIds: [GOLDEN] }))).Images![0]!.Tags ?? []).map((t) => `${t.Key}=${t.Value}`).sort();
  };
  assert.deepEqual(await tagsSeenBy(OPS), ['Environment=Prod', 'Team=ops']);
  assert.deepEqual(await tagsSeenBy(PROD), ['Environment=Prod']);
  assert.deepEqual(await tagsSeenBy(DEV), []);
});

test('the inventory keeps the owner\'s tags and each launching account\'s own tags', () => {
  const golden = inv.images.find((i) => i.imageId === GOLDEN && i.region === 'us-east-1')!;
  assert.equal(golden.seenVia, 'owner');
  assert.deepEqual(golden.tags, { Environment: 'Prod', Team: 'ops' });
  assert.deepEqual(golden.accountTags, { [PROD]: { Environment: 'Prod' }, [DEV]: {} });
  const pub = inv.images.find((i) => i.imageId === PUBLIC && i.region === 'us-east-1')!;
  assert.equal(pub.tagsVisible, false);
  assert.deepEqual(pub.tags, {});
  assert.deepEqual(pub.accountTags?.[PROD], { Environment: 'Prod' });
  assert.ok(inv.coverage.every((c) => !c.degraded?.['launching-account-image-tags']));
});

test('prod-ami-not-tagged: propagated passes, not propagated fails in that account, the self-granted tag is a spoofed approval', () => {
  const cfg = validateConfig({
    ops_publisher_account: { account_id: OPS, name: 'Ops golden AMI publisher' },
    policy_config: { enforcement_mode: 'audit_mode', exception_request_url: 'https://wiki.example.com/ami-exception' },
  });
  const doc = evaluate(inv, resolveAllowlist(cfg, '2026-01-15'), { rules: ['prod-ami-not-tagged'], imageBlockPublicAccess: 'block_new_sharing', now: new Date('2026-01-15T12:00:00Z') });
  const byInstance = new Map(doc.findings.map((f) => [f.resourceId, f]));
  assert.equal(byInstance.get('i-0000000000000001'), undefined, 'PROD on the golden AMI, approved and propagated');
  const dev = byInstance.get(DEV_ON_GOLDEN)!;
  assert.equal(dev.messageId, 'notPropagated');
  assert.equal(dev.status, 'fail');
  const tag = dev.commands.find((c) => c.command.includes('create-tags'))!;
  assert.equal(tag.accountId, DEV);
  const spoof = byInstance.get(PROD_ON_PUBLIC)!;
  assert.equal(spoof.messageId, 'spoofedUnapprovedOwner');
  assert.equal(spoof.severity, 'high');
  assert.ok(spoof.commands.some((c) => c.accountId === PROD && c.command.startsWith(`aws ec2 delete-tags --resources ${PUBLIC}`)));
});
