/**
 * --deep: owned images' launch permissions are collected (DescribeImageAttribute, owner only) and the
 * public-ami rule then finds AMIs shared with accounts outside the organization. Without --deep the call is
 * never made and launch permissions stay unknown (never "not shared").
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { EXTERNAL, miniOrg, OPS, PROD, scanOptions, testAllowlist, useSandboxCredentials } from '../scan/helpers.ts';

const SHARED_OUT = 'ami-0000000000000a001'; // golden, shared with PROD and DEV, and here also with a stranger

describe('scan --deep', () => {
  let sb: RunningSandbox;
  let deep: Inventory;
  let shallow: Inventory;
  let deepCalls = 0;
  const fixture = miniOrg();
  fixture.images.find((i) => i.imageId === SHARED_OUT)!.sharedWith!.push(EXTERNAL);

  before(async () => {
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
    shallow = await scanOrganization(scanOptions(sb.endpoint));
    assert.equal(sb.stats().byAction['ec2:DescribeImageAttribute'] ?? 0, 0, 'no DescribeImageAttribute without --deep');
    sb.resetStats();
    deep = await scanOrganization(scanOptions(sb.endpoint, { deep: true }));
    deepCalls = sb.stats().byAction['ec2:DescribeImageAttribute'] ?? 0;
  });
  after(() => sb.close());

  test('one DescribeImageAttribute per owned, not deregistered image; launch permissions recorded', () => {
    const owned = deep.images.filter((i) => i.seenVia === 'owner' && i.state !== 'deregistered');
    assert.equal(deepCalls, owned.length);
    const golden = deep.images.find((i) => i.imageId === SHARED_OUT)!;
    assert.deepEqual([...golden.launchPermissions!.userIds].sort(), [PROD, '400000000004', EXTERNAL].sort());
    const publicOne = deep.images.find((i) => i.imageId === 'ami-0000000000000b001')!;
    assert.deepEqual(publicOne.launchPermissions!.groups, ['all']);
    assert.equal(deep.run.parameters['deep'], true);
    assert.ok(shallow.images.every((i) => i.launchPermissions === undefined));
  });

  test('public-ami reports the AMI shared outside the organization only with --deep', () => {
    const find = (inv: Inventory) => evaluate(inv, testAllowlist()).findings.filter((f) => f.ruleId === 'public-ami').map((f) => f.resourceId).sort();
    assert.ok(find(deep).includes(SHARED_OUT), `deep findings: ${find(deep).join(', ')}`);
    assert.ok(!find(shallow).includes(SHARED_OUT));
    const f = evaluate(deep, testAllowlist()).findings.find((x) => x.ruleId === 'public-ami' && x.resourceId === SHARED_OUT)!;
    assert.equal(f.accountId, OPS);
    assert.match(f.message, new RegExp(EXTERNAL));
  });
});
