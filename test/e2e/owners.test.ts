/**
 * Owners end to end against the sandbox: the scan reads each account's Organizations tags (ListTagsForResource,
 * with the caller's credentials) when the config names owners.tag_keys, and every finding carries its account's
 * owner and OU path. Without owner keys no tag is read; a denied ListTagsForResource costs only the owners.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, demoOrg, DEMO_ACCOUNTS as A, HOSTILE, type RunningSandbox } from '../../src/sandbox/index.ts';
import { runScanAndReport } from '../../src/pipeline/run-scan.ts';
import type { ScanCliOptions } from '../../src/pipeline/scan-plan.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { callerPolicy } from '../../src/scan/iam-policy.ts';
import { sink, useSandboxCredentials } from '../scan/helpers.ts';

const SEED = JSON.parse(readFileSync('config/ami_publishers.json', 'utf8')) as Record<string, unknown>;

describe('owners from Organizations account tags', () => {
  let sb: RunningSandbox;
  let root: string;
  let withOwners: string;

  async function scan(name: string, flags: Partial<ScanCliOptions>) {
    const out = sink();
    const err = sink();
    const before = sb.stats().byAction['organizations:ListTagsForResource'] ?? 0;
    await runScanAndReport(
      { endpointUrl: sb.endpoint, region: 'us-east-1', asOf: '2026-12-01', out: join(root, name), quiet: true, format: 'json', allowPartial: true, regions: 'us-east-1,eu-west-1', ...flags },
      { stdout: out.stream, stderr: err.stream },
    );
    const dir = join(root, name);
    return {
      doc: JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as FindingsDocument,
      inv: JSON.parse(readFileSync(join(dir, 'inventory.json'), 'utf8')) as Inventory,
      tagCalls: (sb.stats().byAction['organizations:ListTagsForResource'] ?? 0) - before,
      err: err.text(),
    };
  }

  before(async () => {
    sb = await startSandbox({ fixture: demoOrg });
    useSandboxCredentials(sb.credentials);
    root = mkdtempSync(join(tmpdir(), 'amigov-owners-'));
    withOwners = join(root, 'owners.json');
    writeFileSync(withOwners, JSON.stringify({ ...SEED, owners: { tag_keys: ['owner', 'team', 'cost-center'] } }));
  });
  after(async () => {
    await sb.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('the inventory keeps each scanned account its tags; one ListTagsForResource per account to scan', async () => {
    const { inv, tagCalls } = await scan('a', { config: withOwners });
    const scanned = demoOrg.accounts.filter((a) => a.status !== 'SUSPENDED');
    assert.equal(tagCalls, scanned.length);
    const prod = inv.accounts.find((a) => a.accountId === A.prod)!;
    assert.deepEqual(prod.tags, { owner: 'payments-team', team: 'Payments', 'cost-center': 'CC-1001', Environment: 'Prod' });
    assert.deepEqual(inv.accounts.find((a) => a.accountId === A.noRole)!.tags, {}, 'an account without tags: read, none');
    assert.equal(inv.accounts.find((a) => a.accountId === A.suspended)!.tags, undefined, 'a suspended account is not scanned: its tags are not read');
  });

  test('every finding carries its owner (first owner tag key present) and OU path', async () => {
    const { doc } = await scan('b', { config: withOwners });
    const prod = doc.findings.filter((f) => f.accountId === A.prod);
    assert.ok(prod.length > 3);
    for (const f of prod) {
      assert.equal(f.owner, 'payments-team');
      assert.deepEqual(f.ownerTags, { owner: 'payments-team', team: 'Payments', 'cost-center': 'CC-1001' });
      assert.deepEqual(f.ouPath, ['Root', 'Workloads', 'Prod']);
    }
    // dev-sandbox has no `owner` tag: its `team` tag names the owner, verbatim (a stranger's string is data).
    const dev = doc.findings.filter((f) => f.accountId === A.dev);
    assert.ok(dev.length > 0 && dev.every((f) => f.owner === HOSTILE.formula));
    assert.equal(doc.accounts.find((a) => a.accountId === A.migration)!.owner, 'migration-team');
    assert.equal(doc.accounts.find((a) => a.accountId === A.noRole)!.owner, undefined);
    assert.deepEqual(doc.allowlist.ownerTagKeys, ['owner', 'team', 'cost-center']);
  });

  test('without owners.tag_keys no tag is read and findings have no owner (but their OU path)', async () => {
    const { doc, inv, tagCalls } = await scan('c', {});
    assert.equal(tagCalls, 0);
    assert.ok(inv.accounts.every((a) => a.tags === undefined));
    assert.ok(doc.findings.every((f) => f.owner === undefined));
    assert.deepEqual(doc.findings.find((f) => f.accountId === A.prod)!.ouPath, ['Root', 'Workloads', 'Prod']);
  });

  test('a denied ListTagsForResource leaves owners unknown, says why, and costs nothing else', async () => {
    sb.setFaults([{ action: 'organizations:ListTagsForResource', error: { code: 'AccessDeniedException', status: 400, message: "You don't have permissions to access this resource." } }]);
    try {
      const { doc, inv, err } = await scan('d', { config: withOwners, quiet: false });
      assert.deepEqual(inv.accounts.find((a) => a.accountId === A.prod)!.tagsError, { code: 'AccessDeniedException', message: "You don't have permissions to access this resource." });
      assert.ok(doc.findings.length > 10 && doc.findings.every((f) => f.owner === undefined));
      assert.match(err, /could not read the Organizations tags of 7 accounts \(AccessDeniedException 7\).*organizations:ListTagsForResource/);
      assert.equal(doc.coverage.complete, false, 'coverage is what it was: the role-less account only');
      assert.ok(doc.coverage.entries.every((c) => c.status === 'ok' || c.accountId === A.noRole));
    } finally {
      sb.setFaults([]);
    }
  });

  test('the caller policy declares organizations:ListTagsForResource, and the shipped policy file has it', () => {
    const discover = callerPolicy().Statement.find((s) => s.Sid === 'AmigovDiscoverOrganization')!;
    assert.ok(discover.Action.includes('organizations:ListTagsForResource'));
    assert.match(readFileSync('docs/iam/amigov-caller-policy.json', 'utf8'), /organizations:ListTagsForResource/);
  });
});
