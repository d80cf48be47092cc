// The demo organization yields exactly the findings its fixture documents (expectedFindings): the
// sandbox is scanned through the real SDK, then evaluated with config/ami_publishers.json plus the
// demo's partner exception (expiring 7 days after the demo's as-of date).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, demoOrg, DEMO_ACCOUNTS as A, DEMO_INSTANCES, type RunningSandbox } from '../../src/sandbox/index.js';
import { DEMO_AS_OF } from '../../src/sandbox/fixtures/demo-org.js';
import { scanOrganization } from '../../src/scan/scanner.js';
import { validateConfig } from '../../src/config/load.js';
import { resolveAllowlist } from '../../src/config/allowlist.js';
import { addDays } from '../../src/util/dates.js';
import { evaluateRun } from '../../src/evaluate/evaluate.js';
import { renderRemediationScript } from '../../src/remediation/script.js';
import type { FindingsDocument } from '../../src/model/findings.js';
import { scanOptions, useSandboxCredentials } from '../scan/helpers.js';

function demoConfig() {
  const raw = JSON.parse(readFileSync('config/ami_publishers.json', 'utf8')) as { exception_accounts: unknown[] };
  raw.exception_accounts.push({
    account_id: A.partner,
    reason: 'Partner analytics collector',
    approved_date: addDays(DEMO_AS_OF, -30),
    expiry_date: addDays(DEMO_AS_OF, 7),
    ticket: 'CHG-2026-0999',
    approved_by: 'cloud-security@example.com',
  });
  return validateConfig(raw, 'config/ami_publishers.json + demo exception');
}

describe('demo organization findings', () => {
  let sb: RunningSandbox;
  let doc: FindingsDocument;

  before(async () => {
    sb = await startSandbox({ fixture: demoOrg });
    useSandboxCredentials(sb.credentials);
    const config = demoConfig();
    const inventory = await scanOrganization(
      scanOptions(sb.endpoint, { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], asOf: DEMO_AS_OF, allowlist: resolveAllowlist(config, DEMO_AS_OF) }),
    );
    doc = evaluateRun({ inventory, config, asOf: DEMO_AS_OF, options: { source: 'scan' } });
  });
  after(() => sb.close());

  test('exactly the expected findings, no more, no fewer', () => {
    const key = (f: { ruleId: string; accountId: string; region: string; resourceId: string }) => `${f.ruleId} ${f.accountId} ${f.region} ${f.resourceId}`;
    const got = doc.findings.map(key).sort();
    const want = demoOrg.expectedFindings!.map(key).sort();
    assert.deepEqual(got, want, doc.findings.filter((f) => !want.includes(key(f))).map((f) => `${key(f)}: ${f.message}`).join('\n'));
  });

  test('statuses, layers and the impact headline', () => {
    const worker = doc.findings.find((f) => f.ruleId === 'launch-template-unapproved-ami' && f.status === 'cannot-verify');
    assert.ok(worker, 'the SSM launch template is cannot-verify');
    assert.equal(doc.findings.filter((f) => f.ruleId === 'prod-ami-not-tagged' && f.status === 'cannot-verify').length, 1);
    // The two views of the golden AMI's tags: propagated to prod-payments (no finding), not to prod-analytics;
    // the approval tag prod-payments gave the stranger's public AMI and its own AMI is spoofed.
    const tagged = new Map(doc.findings.filter((f) => f.ruleId === 'prod-ami-not-tagged').map((f) => [f.resourceId, f]));
    const N = DEMO_INSTANCES;
    assert.deepEqual(
      Object.fromEntries([N.prodEuUntagged, N.analyticsApi, N.prodNginx, N.prodCustom, N.prodDns].map((i) => [i.instanceId, `${tagged.get(i.instanceId)?.messageId} ${tagged.get(i.instanceId)?.severity}`])),
      {
        [N.prodEuUntagged.instanceId]: 'missingTag medium',
        [N.analyticsApi.instanceId]: 'notPropagated medium',
        [N.prodNginx.instanceId]: 'spoofedUnapprovedOwner high',
        [N.prodCustom.instanceId]: 'spoofedUnapprovedOwner high',
        [N.prodDns.instanceId]: 'approvalNotVisible low',
      },
    );
    assert.equal(tagged.get(N.analyticsApi.instanceId)!.commands.find((c) => c.command.includes('create-tags'))!.accountId, A.prodAnalytics);
    for (const i of [N.prodWeb1, N.prodWeb2, N.prodStopped, N.prodWin, N.prodEuWeb, N.prodApWeb, N.prodApStopped]) assert.ok(!tagged.has(i.instanceId), `${i.instanceId}: approved and propagated`);
    const unapproved = doc.findings.filter((f) => f.ruleId === 'unapproved-publisher');
    assert.deepEqual(unapproved.map((f) => f.blockedBy).sort(), ['both', 'both', 'both', 'scp', 'scp']);
    assert.ok(doc.findings.every((f) => f.status !== 'error'));
    assert.equal(doc.coverage.complete, false, 'the account without a scan role is a coverage gap');
    // 5 unapproved + 2 expired-exception instances; 2 launch templates (batch, dev toolbox) break.
    assert.equal(doc.impact.instancesAffected, 7);
    assert.equal(doc.impact.launchTemplatesAffected, 2);
    assert.equal(doc.impact.launchTemplatesCannotVerify, 1);
  });

  test('the demo remediation script is valid bash', () => {
    const script = renderRemediationScript(doc);
    const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    if (process.env.AMIGOV_KEEP_DEMO_SCRIPT) {
      const dir = mkdtempSync(join(tmpdir(), 'amigov-demo-'));
      writeFileSync(join(dir, 'remediation.sh'), script);
      writeFileSync(join(dir, 'findings.json'), JSON.stringify(doc, null, 2));
      writeFileSync(join(dir, 'endpoint'), sb.endpoint);
      process.stderr.write(`demo outputs in ${dir}\n`);
    }
  });
});
