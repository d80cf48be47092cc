/**
 * Table tests of the Allowed AMIs judgement, one group per ImageCriterion field, with cases from the API
 * reference's own wording (quoted in src/rules/allowed-images.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeAllowedImages, judgementTime, matchCriterion, type CriteriaImage } from '../../src/rules/allowed-images.ts';
import type { ImageCriterion } from '../../src/model/inventory.ts';

const OPS = '123456738923';
const VENDOR = '111122223333';
const WORKLOAD = '210987654321';
const AT = Date.parse('2026-02-01T12:00:00.000Z');
const daysBefore = (d: number, at = AT) => new Date(at - d * 86_400_000).toISOString();
const img = (o: Partial<CriteriaImage> = {}): CriteriaImage => ({ ownerId: OPS, name: 'golden-al2023-2026.01', creationDate: daysBefore(10), productCodes: [], ...o });

interface Case {
  name: string;
  criteria: ImageCriterion[];
  image: CriteriaImage;
  account?: string;
  verdict: 'allowed' | 'refused' | 'unknown';
  /** Conditions that failed (refused), in order. */
  failed?: string[];
  text?: RegExp;
}

const cases: Case[] = [
  // providers
  { name: 'provider: account id matches', criteria: [{ imageProviders: [OPS] }], image: img(), verdict: 'allowed' },
  { name: 'provider: another account is refused', criteria: [{ imageProviders: [OPS] }], image: img({ ownerId: VENDOR }), verdict: 'refused', failed: ['provider'], text: /owner 111122223333 is not among the providers of any criterion/ },
  { name: 'provider: alias amazon matches ImageOwnerAlias', criteria: [{ imageProviders: ['amazon'] }], image: img({ ownerId: '137112412989', ownerAlias: 'amazon' }), verdict: 'allowed' },
  { name: 'provider: aws-marketplace does not match amazon', criteria: [{ imageProviders: ['amazon'] }], image: img({ ownerId: '679593333241', ownerAlias: 'aws-marketplace' }), verdict: 'refused', failed: ['provider'] },
  { name: 'provider: "none: Allow AMIs created by your own account only" refuses every other owner', criteria: [{ imageProviders: ['none'] }], image: img(), verdict: 'refused', failed: ['provider'] },
  { name: 'provider: "none" still allows the own account', criteria: [{ imageProviders: ['none'] }], image: img({ ownerId: WORKLOAD }), verdict: 'allowed' },
  // own account: "does not restrict the AMIs owned by your account"
  { name: 'own account: exempt whatever the criteria', criteria: [{ imageProviders: [OPS], imageNames: ['nothing-*'], creationDateCondition: { maximumDaysSinceCreated: 0 } }], image: img({ ownerId: WORKLOAD, creationDate: daysBefore(900) }), verdict: 'allowed' },
  { name: 'no criteria: everything from another account is refused', criteria: [], image: img(), verdict: 'refused' },
  // names: "Names can include wildcards (? and *)"
  { name: 'name: * matches any run', criteria: [{ imageProviders: [OPS], imageNames: ['golden-*'] }], image: img(), verdict: 'allowed' },
  { name: 'name: * matches the empty run', criteria: [{ imageProviders: [OPS], imageNames: ['golden-al2023-2026.01*'] }], image: img(), verdict: 'allowed' },
  { name: 'name: ? matches exactly one character', criteria: [{ imageProviders: [OPS], imageNames: ['golden-al2023-2026.0?'] }], image: img(), verdict: 'allowed' },
  { name: 'name: ? does not match two', criteria: [{ imageProviders: [OPS], imageNames: ['golden-al2023-2026.?'] }], image: img(), verdict: 'refused', failed: ['name'] },
  { name: 'name: the whole name must match (no substring match)', criteria: [{ imageProviders: [OPS], imageNames: ['al2023'] }], image: img(), verdict: 'refused', failed: ['name'], text: /name "golden-al2023-2026.01" matches none of "al2023"/ },
  { name: 'name: one of several patterns is enough', criteria: [{ imageProviders: [OPS], imageNames: ['base-*', 'golden-*'] }], image: img(), verdict: 'allowed' },
  { name: 'name: "." and "(" in a pattern are literal', criteria: [{ imageProviders: [OPS], imageNames: ['golden-al2023-2026.0(1)'] }], image: img({ name: 'golden-al2023-2026.0(1)' }), verdict: 'allowed' },
  { name: 'name: "." is not a regex wildcard', criteria: [{ imageProviders: [OPS], imageNames: ['golden.al2023*'] }], image: img(), verdict: 'refused', failed: ['name'] },
  { name: 'name: unknown name cannot be judged', criteria: [{ imageProviders: [OPS], imageNames: ['golden-*'] }], image: img({ name: undefined }), verdict: 'unknown' },
  // product codes
  { name: 'product code: one listed code is enough', criteria: [{ imageProviders: ['aws-marketplace'], marketplaceProductCodes: ['abc123', 'def456'] }], image: img({ ownerAlias: 'aws-marketplace', productCodes: ['def456'] }), verdict: 'allowed' },
  { name: 'product code: an image without product codes is refused', criteria: [{ imageProviders: [OPS], marketplaceProductCodes: ['abc123'] }], image: img(), verdict: 'refused', failed: ['product-code'] },
  { name: 'product code: unknown codes cannot be judged', criteria: [{ imageProviders: [OPS], marketplaceProductCodes: ['abc123'] }], image: img({ productCodes: undefined }), verdict: 'unknown' },
  // creation date: "a value of 300 allows images that were created within the last 300 days"
  { name: 'created 299 days ago, max 300: allowed', criteria: [{ imageProviders: [OPS], creationDateCondition: { maximumDaysSinceCreated: 300 } }], image: img({ creationDate: daysBefore(299) }), verdict: 'allowed' },
  { name: 'created exactly 300 days ago, max 300: allowed (within the last 300 days)', criteria: [{ imageProviders: [OPS], creationDateCondition: { maximumDaysSinceCreated: 300 } }], image: img({ creationDate: daysBefore(300) }), verdict: 'allowed' },
  { name: 'created 300 days and a second ago, max 300: refused', criteria: [{ imageProviders: [OPS], creationDateCondition: { maximumDaysSinceCreated: 300 } }], image: img({ creationDate: new Date(AT - 300 * 86_400_000 - 1000).toISOString() }), verdict: 'refused', failed: ['created'], text: /created 300 days ago, more than the 300 allowed/ },
  { name: 'created 400 days ago, max 365: refused with the age', criteria: [{ imageProviders: [OPS], creationDateCondition: { maximumDaysSinceCreated: 365 } }], image: img({ creationDate: daysBefore(400) }), verdict: 'refused', failed: ['created'], text: /created 400 days ago, more than the 365 allowed/ },
  { name: 'created: unknown creation date cannot be judged', criteria: [{ imageProviders: [OPS], creationDateCondition: { maximumDaysSinceCreated: 30 } }], image: img({ creationDate: undefined }), verdict: 'unknown' },
  // deprecation: "Set to 0 to exclude all deprecated images"
  { name: 'deprecation: an AMI without a deprecation time meets any max', criteria: [{ imageProviders: [OPS], deprecationTimeCondition: { maximumDaysSinceDeprecated: 0 } }], image: img(), verdict: 'allowed' },
  { name: 'deprecation: an AMI deprecated and later undeprecated (no DeprecationTime) is allowed', criteria: [{ imageProviders: [OPS], deprecationTimeCondition: { maximumDaysSinceDeprecated: 0 } }], image: img({ deprecationTime: undefined }), verdict: 'allowed' },
  { name: 'deprecation: max 0 refuses an AMI deprecated an hour ago', criteria: [{ imageProviders: [OPS], deprecationTimeCondition: { maximumDaysSinceDeprecated: 0 } }], image: img({ deprecationTime: daysBefore(1 / 24) }), verdict: 'refused', failed: ['deprecated'], text: /deprecated, and no deprecated image is allowed/ },
  { name: 'deprecation: a deprecation time still in the future is not deprecated yet', criteria: [{ imageProviders: [OPS], deprecationTimeCondition: { maximumDaysSinceDeprecated: 0 } }], image: img({ deprecationTime: daysBefore(-5) }), verdict: 'allowed' },
  { name: 'deprecation: 20 days ago, max 30: allowed', criteria: [{ imageProviders: [OPS], deprecationTimeCondition: { maximumDaysSinceDeprecated: 30 } }], image: img({ deprecationTime: daysBefore(20) }), verdict: 'allowed' },
  { name: 'deprecation: 40 days ago, max 30: refused', criteria: [{ imageProviders: [OPS], deprecationTimeCondition: { maximumDaysSinceDeprecated: 30 } }], image: img({ deprecationTime: daysBefore(40) }), verdict: 'refused', failed: ['deprecated'], text: /deprecated 40 days ago, more than the 30 allowed/ },
  // combining: AND inside a criterion, OR across criteria
  { name: 'AND: right owner, wrong name is refused', criteria: [{ imageProviders: [OPS], imageNames: ['base-*'] }], image: img(), verdict: 'refused', failed: ['name'] },
  { name: 'AND: every failed condition is named', criteria: [{ imageProviders: [OPS], imageNames: ['base-*'], creationDateCondition: { maximumDaysSinceCreated: 5 } }], image: img(), verdict: 'refused', failed: ['name', 'created'] },
  { name: 'OR: a second criterion that matches allows it', criteria: [{ imageProviders: [OPS], imageNames: ['base-*'] }, { imageProviders: [OPS], creationDateCondition: { maximumDaysSinceCreated: 30 } }], image: img(), verdict: 'allowed' },
  { name: 'OR: criteria of other owners are not the reason given', criteria: [{ imageProviders: [VENDOR] }, { imageProviders: [OPS], imageNames: ['base-*'] }], image: img(), verdict: 'refused', failed: ['name'], text: /^criterion 2: name/ },
  { name: 'OR: a refusal beats an unknown in another criterion only when nothing matches', criteria: [{ imageProviders: [OPS], imageNames: ['base-*'] }, { imageProviders: [OPS], marketplaceProductCodes: ['abc'] }], image: img({ productCodes: undefined }), verdict: 'unknown' },
  { name: 'a criterion without providers allows any owner that meets the rest', criteria: [{ imageNames: ['golden-*'] }], image: img({ ownerId: VENDOR }), verdict: 'allowed' },
];

for (const c of cases) {
  test(`allowed images: ${c.name}`, () => {
    const v = judgeAllowedImages(c.criteria, c.image, c.account ?? WORKLOAD, AT);
    assert.equal(v.verdict, c.verdict, JSON.stringify(v));
    if (c.failed) assert.deepEqual(v.verdict === 'refused' ? v.failures.map((f) => f.condition) : [], c.failed);
    if (c.text) assert.match(v.verdict === 'allowed' ? '' : v.text, c.text);
  });
}

test('matchCriterion: a criterion with no field set matches anything', () => {
  assert.deepEqual(matchCriterion({}, img({ ownerId: VENDOR }), AT), { match: true });
});

test('judgementTime: the scan start on the scan day, the end of the day otherwise', () => {
  assert.equal(judgementTime('2026-02-01', '2026-02-01T09:30:00.000Z'), Date.parse('2026-02-01T09:30:00.000Z'));
  assert.equal(judgementTime('2026-02-08', '2026-02-01T09:30:00.000Z'), Date.parse('2026-02-08T23:59:59.999Z'));
  assert.equal(judgementTime('2026-02-08'), Date.parse('2026-02-08T23:59:59.999Z'));
});
