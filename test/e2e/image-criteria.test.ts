/**
 * End to end against the sandbox: live Allowed AMIs criteria with names and an age limit, the scanner recording
 * what the criteria test (product codes, ImageAllowed), and amigov's verdict with the same criteria in the config
 * agreeing with the sandbox's ImageAllowed for every instance, while a criteria refusal is reported with its reason.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { validateConfig } from '../../src/config/load.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { evaluateRun } from '../../src/evaluate/evaluate.ts';
import { todayUtc } from '../../src/util/dates.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { OPS, PROD, miniOrg, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

const OLD = 'ami-0000000000000a004';
const CODED = 'ami-0000000000000a005';
let sb: RunningSandbox;
let inv: Inventory;
let doc: FindingsDocument;

before(async () => {
  const fixture = miniOrg();
  const day = 86_400_000;
  fixture.images.push(
    { imageId: OLD, ownerId: OPS, region: 'us-east-1', name: 'golden-old', creationDate: new Date(Date.now() - 400 * day).toISOString(), sharedWith: [PROD] },
    {
      imageId: CODED, ownerId: OPS, region: 'us-east-1', name: 'golden-coded', creationDate: new Date(Date.now() - 10 * day).toISOString(), sharedWith: [PROD], productCodes: ['abc123'],
      sourceImageId: 'ami-0000000000000a001', sourceImageRegion: 'us-east-1', lastLaunchedTime: '2026-11-30T10:00:00.000Z', deregistrationProtection: 'enabled',
    },
  );
  fixture.instances.push(
    { instanceId: 'i-00000000000000f1', accountId: PROD, region: 'us-east-1', imageId: OLD, state: 'running' },
    { instanceId: 'i-00000000000000f2', accountId: PROD, region: 'us-east-1', imageId: CODED, state: 'running' },
  );
  const criteria = [{ imageProviders: [OPS], imageNames: ['golden-*'], creationDateCondition: { maximumDaysSinceCreated: 365 } }];
  fixture.regionSettings = fixture.regionSettings!.map((s) => (s.accountId === PROD && s.region === 'us-east-1' ? { ...s, allowedImages: { state: 'audit-mode', managedBy: 'account', criteria } } : s));
  sb = await startSandbox({ fixture });
  useSandboxCredentials(sb.credentials);
  const asOf = todayUtc();
  const config = validateConfig({
    ops_publisher_account: { account_id: OPS },
    policy_config: {
      enforcement_mode: 'audit_mode',
      exception_request_url: 'https://wiki.example.com/x',
      image_criteria: [{ image_names: ['golden-*'], creation_date_condition: { maximum_days_since_created: 365 } }],
    },
  });
  inv = await scanOrganization(scanOptions(sb.endpoint, { asOf, allowlist: resolveAllowlist(config, asOf), regions: ['us-east-1'] }));
  doc = evaluateRun({ inventory: inv, config, asOf, options: { source: 'scan' } });
});
after(() => sb.close());

test('the scanner records product codes from DescribeImages ([] when there are none)', () => {
  const img = (id: string) => inv.images.find((i) => i.imageId === id && i.found)!;
  assert.deepEqual(img(CODED).productCodes, ['abc123']);
  assert.deepEqual(img(OLD).productCodes, []);
});

test("amigov's verdict with the same criteria agrees with the sandbox's ImageAllowed for every instance", () => {
  const judged = inv.instances.filter((i) => i.accountId === PROD && i.region === 'us-east-1' && i.image.imageAllowed !== undefined);
  assert.ok(judged.length >= 3, `instances with ImageAllowed: ${judged.length}`);
  assert.equal(inv.instances.find((i) => i.instanceId === 'i-00000000000000f1')!.image.imageAllowed, false);
  assert.deepEqual(doc.findings.filter((f) => f.ruleId === 'image-allowed-disagreement').map((f) => f.message), []);
  assert.ok((doc.impact.verdictSources?.aws ?? 0) >= 3);
});

test('the too-old golden image is reported with the condition that failed, stopped by the declarative policy only', () => {
  const f = doc.findings.find((x) => x.ruleId === 'unapproved-publisher' && x.resourceId === 'i-00000000000000f1')!;
  assert.ok(f, 'finding for the old image');
  assert.equal(f.messageId, 'criteriaNotMet');
  assert.equal(f.blockedBy, 'declarative-policy');
  assert.match(f.message, /created 400 days ago, more than the 365 allowed/);
  assert.ok(!doc.findings.some((x) => x.resourceId === 'i-00000000000000f2' && x.ruleId === 'unapproved-publisher'));
});

test('the scanner records the image fields AWS added: source image, last launch, deregistration protection', () => {
  const img = inv.images.find((i) => i.imageId === CODED && i.found)!;
  assert.equal(img.sourceImageId, 'ami-0000000000000a001');
  assert.equal(img.sourceImageRegion, 'us-east-1');
  assert.equal(img.lastLaunchedTime, '2026-11-30T10:00:00.000Z');
  assert.equal(img.deregistrationProtection, 'enabled');
  const plain = inv.images.find((i) => i.imageId === OLD && i.found)!;
  assert.equal(plain.sourceImageId, undefined);
});
