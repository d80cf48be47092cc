/** policy_config.image_criteria: AWS's limits, the allowlist as the one source of providers, and its resolution. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, validateConfig } from '../../src/config/load.ts';
import { criteriaOf, resolveAllowlist } from '../../src/config/allowlist.ts';

const shipped = JSON.parse(readFileSync('config/ami_publishers.json', 'utf8')) as Record<string, any>;
const withCriteria = (criteria: unknown): Record<string, any> => {
  const c = structuredClone(shipped);
  c.policy_config.image_criteria = criteria;
  return c;
};
function problemsOf(raw: unknown): string[] {
  try {
    validateConfig(raw, 'cfg.json');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail('expected the config to be rejected');
}

test('image_criteria: every documented field is accepted', () => {
  const cfg = validateConfig(
    withCriteria([
      {
        allowed_image_providers: ['123456738923'],
        image_names: ['golden-*', 'base-al2023-2026.0?', "Ops (hardened) [v2] ./-'@_ x"],
        marketplace_product_codes: ['abc123DEF'],
        creation_date_condition: { maximum_days_since_created: 365 },
        deprecation_time_condition: { maximum_days_since_deprecated: 0 },
      },
    ]),
  );
  assert.equal(cfg.policy_config.image_criteria?.length, 1);
});

test('image_criteria: absent means providers only (the seed loads, one criterion of every approved provider)', () => {
  const a = resolveAllowlist(validateConfig(structuredClone(shipped)), '2026-02-01');
  assert.equal(a.imageCriteria, undefined);
  assert.deepEqual(criteriaOf(a), [{ imageProviders: a.approvedProviders }]);
});

test("image_criteria: AWS's limits and unknown keys are errors at their path", () => {
  const p = (c: unknown) => problemsOf(withCriteria(c)).join('\n');
  assert.match(p([{ image_name: ['x*'] }]), /\$\.policy_config\.image_criteria\[0\]\.image_name: unknown key "image_name"; did you mean "image_names"\?/);
  assert.match(p(Array.from({ length: 11 }, () => ({ image_names: ['a*'] }))), /\$\.policy_config\.image_criteria: /);
  assert.match(p([{ image_names: ['bad|name'] }]), /image_criteria\[0\]\.image_names\[0\]: "bad\|name" is not an Allowed AMIs image name/);
  assert.match(p([{ image_names: ['a?'] }]), /a name with "\?" must be at least 3 characters/);
  assert.match(p([{ image_names: ['x'.repeat(129)] }]), /is not an Allowed AMIs image name/);
  assert.match(p([{ image_names: Array.from({ length: 51 }, (_, i) => `n${i}`) }]), /image_criteria\[0\]\.image_names: /);
  assert.match(p([{ marketplace_product_codes: ['has-dash'] }]), /is not a Marketplace product code/);
  assert.match(p([{ marketplace_product_codes: ['a'.repeat(26)] }]), /is not a Marketplace product code/);
  assert.match(p([{ creation_date_condition: { maximum_days_since_created: -1 } }]), /maximum_days_since_created/);
  assert.match(p([{ creation_date_condition: { maximum_days_since_created: 1.5 } }]), /maximum_days_since_created/);
  assert.match(p([{ deprecation_time_condition: { max_days: 3 } }]), /unknown key "max_days"/);
  assert.match(p([]), /\$\.policy_config\.image_criteria: /);
});

test('image_criteria: a provider must be an approved publisher of the file (the allowlist stays the one source)', () => {
  const p = problemsOf(withCriteria([{ allowed_image_providers: ['999988887777'] }, { allowed_image_providers: ['amazon'] }]));
  assert.equal(p.length, 2, p.join('\n'));
  assert.match(p[0]!, /^\$\.policy_config\.image_criteria\[0\]\.allowed_image_providers\[0\]: "999988887777" is not an approved publisher of this file/);
  assert.match(p[1]!, /image_criteria\[1\]\.allowed_image_providers\[0\]: "amazon" is not an approved publisher/);
  assert.match(problemsOf(withCriteria([{ allowed_image_providers: ['none'] }])).join('\n'), /"none" is not a 12-digit account id or one of amazon/);
});

test('image_criteria: resolution drops expired exception accounts, and a criterion left without providers (never "any provider")', () => {
  const cfg = validateConfig(
    withCriteria([
      { allowed_image_providers: ['777788889999'], image_names: ['migration-*'] }, // expires 2026-02-28
      { allowed_image_providers: ['777788889999', '123456738923'], creation_date_condition: { maximum_days_since_created: 90 } },
      { image_names: ['golden-*'] },
    ]),
  );
  const before = resolveAllowlist(cfg, '2026-02-28');
  assert.equal(before.imageCriteria?.length, 3);
  const after = resolveAllowlist(cfg, '2026-03-01');
  assert.deepEqual(after.imageCriteria, [
    { imageProviders: ['123456738923'], creationDateCondition: { maximumDaysSinceCreated: 90 } },
    { imageProviders: after.approvedProviders, imageNames: ['golden-*'] },
  ]);
});
