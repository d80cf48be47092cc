/**
 * Owners in the evaluation: the first of owners.tag_keys an account carries wins (empty values skipped, any key
 * including __proto__), and `evaluate` re-reads owners from a saved inventory's tags with the config it is given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountOwner, withOwners } from '../../src/evaluate/owners.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { tagRecord } from '../../src/util/tags.ts';
import { inventory } from '../helpers/inventory-builder.ts';
import { testAllowlist } from '../scan/helpers.ts';

const tags = (o: Record<string, string>) => ({ tags: tagRecord(Object.entries(o)) });

test('the first owner tag key the account carries names the owner; empty values are skipped', () => {
  assert.deepEqual(accountOwner(tags({ team: 'Payments', owner: 'payments-team' }), ['owner', 'team']), { owner: 'payments-team', ownerTags: { owner: 'payments-team', team: 'Payments' } });
  assert.deepEqual(accountOwner(tags({ owner: ' ', team: 'Payments' }), ['owner', 'team']), { owner: 'Payments', ownerTags: { team: 'Payments' } });
  assert.deepEqual(accountOwner(tags({ Owner: 'x' }), ['owner']), {}, 'keys are case-sensitive');
  assert.deepEqual(accountOwner(tags({ owner: 'x' }), undefined), {}, 'no owner keys configured');
  assert.deepEqual(accountOwner({}, ['owner']), {}, 'tags not read');
  assert.equal(accountOwner(tags({ constructor: 'c' }), ['toString', 'constructor']).owner, 'c', 'only own keys count');
  const proto = accountOwner(tags({ ['__proto__']: 'p' }), ['__proto__']);
  assert.equal(proto.owner, 'p');
  assert.ok(Object.hasOwn(proto.ownerTags!, '__proto__'));
});

test('withOwners stamps owner and OU path; a finding of an unknown account is left alone', () => {
  const accounts = [{ accountId: '111122223333', name: 'a', ouPath: ['Root', 'Prod'], ouIds: [], access: 'caller' as const, ...tags({ owner: 'o' }) }];
  const f = { id: 'x', ruleId: 'r', title: 't', severity: 'low' as const, status: 'fail' as const, accountId: '111122223333', region: 'us-east-1', resourceType: 'instance' as const, resourceId: 'i-1', message: 'm', commands: [] };
  const [stamped, other] = withOwners([f, { ...f, accountId: '999999999999' }], accounts, ['owner']);
  assert.equal(stamped!.owner, 'o');
  assert.deepEqual(stamped!.ouPath, ['Root', 'Prod']);
  assert.equal(other!.owner, undefined);
  assert.equal(other!.ouPath, undefined);
});

test('evaluate: owners come from the saved tags and the keys of the allowlist it is given', () => {
  const inv = inventory().account('111122223333', { name: 'prod', ouPath: ['Root', 'Workloads', 'Prod'] }).image({ id: 'ami-0123456789abcdef0', owner: '999988887777' }).instance({ account: '111122223333', image: 'ami-0123456789abcdef0' }).build();
  inv.accounts[0]!.tags = { owner: 'payments-team', team: 'Payments' };
  const byOwner = evaluate(inv, { ...testAllowlist(), ownerTagKeys: ['owner', 'team'] });
  assert.ok(byOwner.findings.length > 0 && byOwner.findings.every((f) => f.owner === 'payments-team'));
  assert.equal(byOwner.accounts[0]!.owner, 'payments-team');
  const byTeam = evaluate(inv, { ...testAllowlist(), ownerTagKeys: ['team'] });
  assert.ok(byTeam.findings.every((f) => f.owner === 'Payments' && f.ownerTags!['owner'] === undefined));
  const none = evaluate(inv, testAllowlist());
  assert.ok(none.findings.every((f) => f.owner === undefined && f.ouPath!.join('/') === 'Root/Workloads/Prod'));
});
