/**
 * Sandbox Organizations ListTagsForResource, over the real JSON 1.1 protocol with the SDK: an account's tags
 * (as the fixture sets them), pagination by NextToken, the management-account rule and AWS's errors.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ListTagsForResourceCommand, paginateListTagsForResource } from '@aws-sdk/client-organizations';
import { startSandbox, demoOrg, DEMO_ACCOUNTS } from '../../src/sandbox/index.ts';
import type { RunningSandbox } from '../../src/sandbox/index.ts';
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { assume, orgs, rejection } from './helpers.ts';

describe('sandbox Organizations ListTagsForResource', () => {
  let sb: RunningSandbox;
  let many: RunningSandbox;
  before(async () => {
    sb = await startSandbox({ fixture: demoOrg });
    const fixture = structuredClone(demoOrg) as OrgFixture;
    fixture.accounts[0]!.tags = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`k${String(i).padStart(2, '0')}`, `v${i}`]));
    many = await startSandbox({ fixture });
  });
  after(async () => {
    await sb.close();
    await many.close();
  });

  it("returns an account's tags as Key/Value pairs", async () => {
    const out = await orgs(sb).send(new ListTagsForResourceCommand({ ResourceId: DEMO_ACCOUNTS.prod }));
    const tags = Object.fromEntries((out.Tags ?? []).map((t) => [t.Key, t.Value]));
    assert.equal(tags['owner'], 'payments-team');
    assert.equal(tags['cost-center'], 'CC-1001');
    assert.equal(out.NextToken, undefined);
  });

  it('returns an empty list for an account without tags, and for roots and OUs', async () => {
    const none = await orgs(sb).send(new ListTagsForResourceCommand({ ResourceId: DEMO_ACCOUNTS.noRole }));
    assert.deepEqual(none.Tags, []);
    const root = await orgs(sb).send(new ListTagsForResourceCommand({ ResourceId: 'r-a1b2' }));
    assert.deepEqual(root.Tags, []);
  });

  it('pages with NextToken, and the SDK paginator reads every page', async () => {
    const first = await orgs(many).send(new ListTagsForResourceCommand({ ResourceId: demoOrg.accounts[0]!.id }));
    assert.ok(first.NextToken, 'a long tag list comes in pages');
    const keys: string[] = [];
    for await (const page of paginateListTagsForResource({ client: orgs(many) }, { ResourceId: demoOrg.accounts[0]!.id })) keys.push(...(page.Tags ?? []).map((t) => t.Key!));
    assert.equal(keys.length, 45);
    assert.equal(new Set(keys).size, 45);
  });

  it('answers only the management account (AccessDeniedException for a member)', async () => {
    const member = await assume(sb, DEMO_ACCOUNTS.prod);
    const err = await rejection(orgs(sb, { credentials: member }).send(new ListTagsForResourceCommand({ ResourceId: DEMO_ACCOUNTS.prod })));
    assert.equal(err.name, 'AccessDeniedException');
  });

  it('refuses an unknown account (TargetNotFoundException) and a malformed id (InvalidInputException)', async () => {
    const unknown = await rejection(orgs(sb).send(new ListTagsForResourceCommand({ ResourceId: '999999999999' })));
    assert.equal(unknown.name, 'TargetNotFoundException');
    const bad = await rejection(orgs(sb).send(new ListTagsForResourceCommand({ ResourceId: 'not-an-id' })));
    assert.equal(bad.name, 'InvalidInputException');
  });
});
