import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeOrganizationCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  paginateListAccounts,
  paginateListChildren,
} from '@aws-sdk/client-organizations';
import { startSandbox, demoOrg, generateOrg, DEMO_ACCOUNTS } from '../../src/sandbox/index.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import { assume, orgs, rejection } from './helpers.ts';

describe('sandbox Organizations (JSON 1.1)', () => {
  let sb: RunningSandbox;
  let big: RunningSandbox;
  before(async () => {
    sb = await startSandbox({ fixture: demoOrg });
    big = await startSandbox({ fixture: generateOrg({ accounts: 45, seed: 7, instancesPerRegion: 1, ownedImagesPerRegion: 1, regions: 2 }) });
  });
  after(async () => {
    await sb.close();
    await big.close();
  });

  it('describes the organization to the management account and to members', async () => {
    const o = await orgs(sb).send(new DescribeOrganizationCommand({}));
    assert.equal(o.Organization?.Id, 'o-amigovdemo1');
    assert.equal(o.Organization?.MasterAccountId, DEMO_ACCOUNTS.management);
    assert.equal(o.Organization?.Arn, 'arn:aws:organizations::100000000001:organization/o-amigovdemo1');
    const member = await assume(sb, DEMO_ACCOUNTS.prod);
    const fromMember = await orgs(sb, { credentials: member }).send(new DescribeOrganizationCommand({}));
    assert.equal(fromMember.Organization?.Id, 'o-amigovdemo1');
  });

  it('pages through accounts across NextToken with the SDK paginator (AWS caps pages at 20)', async () => {
    const pages: number[] = [];
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client: orgs(big) }, {})) {
      pages.push(page.Accounts!.length);
      ids.push(...page.Accounts!.map((a) => a.Id!));
    }
    assert.deepEqual(pages, [20, 20, 7]); // 45 workloads + management + ops
    assert.equal(new Set(ids).size, 47);
    const small: number[] = [];
    for await (const page of paginateListAccounts({ client: orgs(sb), pageSize: 3 }, {})) small.push(page.Accounts!.length);
    assert.deepEqual(small, [3, 3, 2]);
  });

  it('lists accounts with name, email, status and joined time', async () => {
    const { Accounts } = await orgs(sb).send(new ListAccountsCommand({}));
    const suspended = Accounts!.find((a) => a.Id === DEMO_ACCOUNTS.suspended)!;
    assert.equal(suspended.Status, 'SUSPENDED');
    const mgmt = Accounts!.find((a) => a.Id === DEMO_ACCOUNTS.management)!;
    assert.equal(mgmt.Name, 'Management');
    assert.ok(mgmt.JoinedTimestamp instanceof Date);
  });

  it('walks roots, children, parents and OUs', async () => {
    const client = orgs(sb);
    const { Roots } = await client.send(new ListRootsCommand({}));
    assert.equal(Roots?.[0]?.Id, 'r-a1b2');
    const ous: string[] = [];
    for await (const p of paginateListChildren({ client, pageSize: 1 }, { ParentId: 'r-a1b2', ChildType: 'ORGANIZATIONAL_UNIT' })) {
      ous.push(...p.Children!.map((c) => c.Id!));
    }
    assert.deepEqual(ous, ['ou-a1b2-platform1', 'ou-a1b2-workload1', 'ou-a1b2-suspend01']);
    const nested = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'ou-a1b2-workload1' }));
    assert.deepEqual(nested.OrganizationalUnits?.map((o) => o.Name), ['Prod', 'Dev']);
    const inProd = await client.send(new ListAccountsForParentCommand({ ParentId: 'ou-a1b2-prodwork1' }));
    assert.deepEqual(inProd.Accounts?.map((a) => a.Id), [DEMO_ACCOUNTS.prod, DEMO_ACCOUNTS.prodAnalytics]);
    const parents = await client.send(new ListParentsCommand({ ChildId: DEMO_ACCOUNTS.prod }));
    assert.deepEqual(parents.Parents, [{ Id: 'ou-a1b2-prodwork1', Type: 'ORGANIZATIONAL_UNIT' }]);
    const rootParent = await client.send(new ListParentsCommand({ ChildId: 'ou-a1b2-workload1' }));
    assert.deepEqual(rootParent.Parents, [{ Id: 'r-a1b2', Type: 'ROOT' }]);
    const ou = await client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: 'ou-a1b2-devwork01' }));
    assert.equal(ou.OrganizationalUnit?.Name, 'Dev');
    assert.equal(ou.OrganizationalUnit?.Arn, 'arn:aws:organizations::100000000001:ou/o-amigovdemo1/ou-a1b2-devwork01');
    const accountsInRoot = await client.send(new ListChildrenCommand({ ParentId: 'r-a1b2', ChildType: 'ACCOUNT' }));
    assert.deepEqual(accountsInRoot.Children, [{ Id: DEMO_ACCOUNTS.management, Type: 'ACCOUNT' }]);
  });

  it('answers errors as Organizations does', async () => {
    const client = orgs(sb);
    const tooMany = await rejection(client.send(new ListAccountsCommand({ MaxResults: 21 })));
    assert.equal(tooMany.name, 'InvalidInputException');
    const badToken = await rejection(client.send(new ListAccountsCommand({ NextToken: 'garbage' })));
    assert.equal(badToken.name, 'InvalidInputException');
    const noParent = await rejection(client.send(new ListChildrenCommand({ ParentId: 'ou-a1b2-nothere01', ChildType: 'ACCOUNT' })));
    assert.equal(noParent.name, 'ParentNotFoundException');
    const noChild = await rejection(client.send(new ListParentsCommand({ ChildId: '999999999999' })));
    assert.equal(noChild.name, 'ChildNotFoundException');
    const noOu = await rejection(client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: 'ou-a1b2-nothere01' })));
    assert.equal(noOu.name, 'OrganizationalUnitNotFoundException');
  });

  it('serves the management-only calls to the management account only', async () => {
    const member = await assume(sb, DEMO_ACCOUNTS.prod);
    const denied = await rejection(orgs(sb, { credentials: member }).send(new ListAccountsCommand({})));
    assert.equal(denied.name, 'AccessDeniedException');
    assert.equal(denied.$metadata?.httpStatusCode, 400);
  });

  it('tells an account outside any organization that Organizations is not in use', async () => {
    const outside = await startSandbox({
      fixture: { ...demoOrg, users: [{ accountId: DEMO_ACCOUNTS.infoblox, accessKeyId: 'AKIAAMIGOVINFOBLOX01', secretAccessKey: 'infoblox-secret' }] },
    });
    try {
      const err = await rejection(
        orgs(outside, { credentials: { accessKeyId: 'AKIAAMIGOVINFOBLOX01', secretAccessKey: 'infoblox-secret' } }).send(new DescribeOrganizationCommand({})),
      );
      assert.equal(err.name, 'AWSOrganizationsNotInUseException');
    } finally {
      await outside.close();
    }
  });
});
