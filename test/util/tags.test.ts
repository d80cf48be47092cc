// Tag keys are chosen by strangers: `__proto__`, `constructor`, `toString` are keys like any other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tagRecord, tagValue } from '../../src/util/tags.ts';
import { tagsToRecord } from '../../src/scan/collectors/map.ts';
import { instanceTags, productionReason, buildIndex } from '../../src/rules/context.ts';
import { AMI_OPS, OPS, WORKLOAD, inventory, judge, testAllowlist } from '../helpers/inventory-builder.ts';

const PROTO = '__proto__';

test('tagsToRecord keeps __proto__ and constructor as own keys; the prototype is untouched', () => {
  const tags = tagsToRecord([{ Key: PROTO, Value: 'x' }, { Key: 'constructor', Value: 'c' }, { Key: 'Environment', Value: 'Prod' }, { Value: 'no key' }]);
  assert.deepEqual(Object.keys(tags).sort(), [PROTO, 'Environment', 'constructor'].sort());
  assert.equal(tagValue(tags, PROTO), 'x');
  assert.equal(Object.getPrototypeOf(tags), Object.prototype);
  assert.equal(JSON.parse(JSON.stringify(tags))[PROTO], 'x', 'written to inventory.json and read back');
  assert.equal(tagValue({ ...tags }, PROTO), 'x', 'spread copies it');
});

test('tagValue reads own keys only: an absent constructor/toString/__proto__ tag is absent', () => {
  const plain = JSON.parse('{"Name":"web"}') as Record<string, string>;
  for (const k of ['constructor', 'toString', 'hasOwnProperty', PROTO]) assert.equal(tagValue(plain, k), undefined, k);
  assert.equal(tagValue(JSON.parse('{"__proto__":"x"}'), PROTO), 'x', 'JSON.parse defines __proto__ as an own key');
  assert.equal(tagValue(undefined, 'Name'), undefined);
  assert.deepEqual(Object.keys(tagRecord([[PROTO, 'a'], ['b', 'c']])), [PROTO, 'b']);
});

test('rules: production by a __proto__ tag, and the finding carries it', () => {
  const inv = inventory()
    .account(WORKLOAD)
    .account(OPS, { name: 'ops' })
    .image({ id: AMI_OPS, owner: OPS, tags: {} })
    .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS, tags: { [PROTO]: 'x', Name: 'api' } })
    .build();
  const config = { policy_config: { production: { instance_tag: { key: PROTO, values: ['x'] } } } };
  const allowlist = testAllowlist('2026-02-01', config);
  const inst = inv.instances[0]!;
  assert.equal(productionReason(inst, buildIndex(inv), allowlist), 'instance tag __proto__=x');
  assert.deepEqual(Object.entries(instanceTags(inst, allowlist)).sort(), [[PROTO, 'x'], ['Name', 'api']].sort());
  const [f] = judge(inv, 'prod-ami-not-tagged', { config });
  assert.ok(f && Object.hasOwn(f.tags!, PROTO), 'the finding lists the tag that made the instance production');
});

test('rules: a tag key named like an Object member is absent unless the resource has it', () => {
  const inv = inventory()
    .account(WORKLOAD)
    .account(OPS, { name: 'ops' })
    .image({ id: AMI_OPS, owner: OPS, tags: { Environment: 'Prod' } })
    .instance({ id: 'i-00000000000000001', account: WORKLOAD, image: AMI_OPS, tags: { Environment: 'Prod' } })
    .build();
  // The approval tag is "constructor": the AMI has none, so it is not approved, and the message says so.
  const config = { policy_config: { approved_ami_tag: { key: 'constructor', values: ['yes'] } } };
  const [f] = judge(inv, 'prod-ami-not-tagged', { config });
  assert.match(f!.message, /has no constructor tag/);
  assert.equal(f!.details!['amiTagValue'], null);
  // Production by a "toString" tag: the instance has none, so it is not production.
  const allowlist = testAllowlist('2026-02-01', { policy_config: { production: { instance_tag: { key: 'toString', values: ['x'] } } } });
  assert.equal(productionReason(inv.instances[0]!, buildIndex(inv), allowlist), undefined);
  assert.deepEqual(instanceTags(inv.instances[0]!, allowlist), {});
});
