/**
 * Pagination crossed for accounts (ListAccountsForParent: 20 a page), instances
 * (DescribeInstanceImageMetadata / DescribeInstances: 1000 a page) and images (DescribeImages: 1000 a page).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { assertMatchesFixture, expectedFrom, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

const BIG = '210000000000';
const N_ACCOUNTS = 25;
const N_ITEMS = 1005;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function bigOrg(): OrgFixture {
  const accounts: OrgFixture['accounts'] = [];
  for (let i = 0; i < N_ACCOUNTS; i++) {
    const id = String(210000000000 + i);
    accounts.push({ id, name: `acct-${i}`, email: `a${i}@example.com`, parentId: 'ou-page-aaaaaaaa', roles: [{ name: 'OrganizationAccountAccessRole' }], enabledRegions: ['us-east-1'] });
  }
  accounts.push({ id: '100000000001', name: 'management', email: 'm@example.com', parentId: 'r-page', roles: [], enabledRegions: ['us-east-1'] });
  const images: OrgFixture['images'] = [];
  const instances: OrgFixture['instances'] = [];
  for (let i = 0; i < N_ITEMS; i++) {
    images.push({ imageId: `ami-${hex(i + 1, 17)}`, ownerId: BIG, region: 'us-east-1', name: `img-${i}`, creationDate: '2026-01-01T00:00:00.000Z', tags: { N: String(i) } });
    instances.push({ instanceId: `i-${hex(i + 1, 17)}`, accountId: BIG, region: 'us-east-1', imageId: `ami-${hex((i % 7) + 1, 17)}`, tags: { N: String(i) } });
  }
  return {
    organization: { id: 'o-page000001', managementAccountId: '100000000001', rootId: 'r-page' },
    caller: { accountId: '100000000001', accessKeyId: 'AKIAPAGECALLER000001', secretAccessKey: 'page' },
    regions: [{ name: 'us-east-1', optIn: false }],
    organizationalUnits: [{ id: 'ou-page-aaaaaaaa', name: 'Many', parentId: 'r-page' }],
    accounts,
    images,
    instances,
  };
}

describe('scan pagination', () => {
  let sb: RunningSandbox;
  const fixture = bigOrg();
  before(async () => {
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
  });
  after(() => sb.close());

  test('accounts, instances and images are complete across pages', async () => {
    sb.resetStats();
    const inv = await scanOrganization(scanOptions(sb.endpoint));
    assertMatchesFixture(inv, fixture, expectedFrom(fixture));
    assert.equal(inv.accounts.length, N_ACCOUNTS + 1);
    assert.equal(inv.instances.filter((i) => i.accountId === BIG).length, N_ITEMS);
    assert.equal(inv.images.filter((i) => i.ownerId === BIG).length, N_ITEMS);
    const s = sb.stats();
    assert.equal(s.byAccountRegionAction[`${BIG}|us-east-1|ec2:DescribeInstanceImageMetadata`], 2);
    assert.equal(s.byAccountRegionAction[`${BIG}|us-east-1|ec2:DescribeImages`], 2, 'owned listing: 2 pages; referenced images are all owned');
    assert.ok(s.byAction['organizations:ListAccountsForParent']! >= 3, 'the OU with 25 accounts took 2 pages');
  });

  test('the fallback path pages DescribeInstances too', async () => {
    sb.setFaults([{ action: 'ec2:DescribeInstanceImageMetadata', error: { code: 'InvalidAction', status: 400 } }]);
    sb.resetStats();
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint, { accounts: [BIG] }));
      assert.equal(inv.instances.length, N_ITEMS);
      assert.ok(inv.instances.every((i) => i.image.source === 'describe-images' && i.image.name?.startsWith('img-')));
      assert.equal(sb.stats().byAccountRegionAction[`${BIG}|us-east-1|ec2:DescribeInstances`], 2);
    } finally {
      sb.setFaults([]);
    }
  });
});
