// The demo organization yields exactly the findings its fixture documents (expectedFindings): the
// sandbox is scanned through the real SDK, then evaluated with config/ami_publishers.json plus the
// demo's partner exception (expiring 7 days after the demo's as-of date).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, demoOrg, DEMO_ACCOUNTS as A, DEMO_INSTANCES, type RunningSandbox } from '../../src/sandbox/index.ts';
import { DEMO_AS_OF, DEMO_IMAGES, DEMO_LAUNCH_TEMPLATES } from '../../src/sandbox/fixtures/demo-org.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { addDays } from '../../src/util/dates.ts';
import { evaluateRun } from '../../src/evaluate/evaluate.ts';
import { renderRemediationScript } from '../../src/remediation/script.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { buildIndex } from '../../src/rules/context.ts';
import { instanceEnforcement, launchTemplateEnforcement } from '../../src/rules/launch-verdict.ts';
import { demoPublisherConfig } from '../helpers/demo-config.ts';
import { scanOptions, useSandboxCredentials } from '../scan/helpers.ts';


describe('demo organization findings', () => {
  let sb: RunningSandbox;
  let doc: FindingsDocument;
  let inventory: Inventory;

  before(async () => {
    sb = await startSandbox({ fixture: demoOrg });
    useSandboxCredentials(sb.credentials);
    const config = demoPublisherConfig();
    inventory = await scanOrganization(
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
    // The SSM launch template is judged by the AMI its parameter resolves to (ResolveAlias): the deregistered golden 2026.03.
    const worker = doc.findings.find((f) => f.ruleId === 'launch-template-unapproved-ami' && f.resourceId === DEMO_LAUNCH_TEMPLATES.worker.launchTemplateId);
    assert.equal(worker?.status, 'fail');
    assert.equal(worker.imageId, DEMO_IMAGES.goldenDeregistered.imageId);
    assert.match(worker.message, /version 1 \(default and latest\) via the SSM parameter "\/golden\/al2023\/latest" launches ami-[0-9a-f]+, which is unavailable/);
    assert.equal(worker.details?.['defaultImageParameter'], 'resolve:ssm:/golden/al2023/latest');
    assert.equal(worker.details?.['defaultImage'], DEMO_IMAGES.goldenDeregistered.imageId);
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
    assert.deepEqual(unapproved.map((f) => f.blockedBy).sort(), ['both', 'both', 'both', 'declarative-policy', 'scp', 'scp']);
    // The criteria-based finding: an approved publisher's golden AMI refused by the demo criteria's image names,
    // and EC2's own ImageAllowed (the fixture's declarative policy carries the same criteria) agrees.
    const stale = unapproved.find((f) => f.resourceId === N.prodWin.instanceId)!;
    assert.equal(stale.messageId, 'criteriaNotMet');
    assert.equal(String(stale.details?.['failedConditions']), 'name');
    assert.match(stale.message, /golden-al2023-\*/);
    assert.equal(stale.details?.['ec2ImageAllowed'], false);
    assert.ok(!stale.commands.some((c) => c.command.includes('exception')), 'an exception cannot make an image meet the criteria');
    assert.ok(doc.findings.every((f) => f.status !== 'error'));
    assert.equal(doc.coverage.complete, false, 'the account without a scan role is a coverage gap');
    // 6 unapproved (one of them by the criteria only) + 2 expired-exception instances; 3 launch templates (batch,
    // dev toolbox, and payments-worker, whose SSM parameter resolves to a deregistered AMI) break.
    assert.equal(doc.impact.instancesAffected, 8);
    assert.equal(doc.impact.instancesByLayer?.declarativePolicyOnly, 1);
    assert.equal(doc.impact.launchTemplatesAffected, 3);
    assert.equal(doc.impact.launchTemplatesCannotVerify, 0);
  });

  test('the impact and the findings judge alike; where they differ, an image-allowed-disagreement finding says why', () => {
    // One judgement (src/rules/launch-verdict.ts): the rules read it as the config says, the impact through the
    // enforcement lens (AWS's own ImageAllowed where the scan got it). Every resource where the two differ has
    // its disagreement finding, so the headline never differs from the findings without a reason on record.
    const index = buildIndex(inventory);
    const allowlist = doc.allowlist;
    const disagrees = new Set(doc.findings.filter((f) => f.ruleId === 'image-allowed-disagreement').map((f) => `${f.accountId} ${f.region} ${f.resourceId}`));
    const refusedBy = new Map(
      doc.findings.filter((f) => (f.ruleId === 'unapproved-publisher' || f.ruleId === 'expired-exception') && f.status === 'fail').map((f) => [`${f.accountId} ${f.region} ${f.resourceId}`, f]),
    );
    let refused = 0;
    let mismatches = 0;
    for (const inst of index.liveInstances) {
      const key = `${inst.accountId} ${inst.region} ${inst.instanceId}`;
      const { outcome } = instanceEnforcement(index, allowlist, inst);
      if (outcome.status === 'refused') refused++;
      const finding = refusedBy.get(key);
      const same = (outcome.status === 'refused') === Boolean(finding) && (!finding || outcome.status !== 'refused' || outcome.blockedBy === finding.blockedBy);
      if (!same) {
        mismatches++;
        assert.ok(disagrees.has(key), `${key}: the impact says ${JSON.stringify(outcome)}, the findings ${finding ? finding.blockedBy : 'nothing'}, and no disagreement finding explains it`);
      }
    }
    assert.equal(doc.impact.instancesAffected, refused);
    const templates = doc.findings.filter((f) => f.ruleId === 'launch-template-unapproved-ami');
    const templatesRefused = inventory.launchTemplates.filter((lt) => launchTemplateEnforcement(index, allowlist, lt).outcome.status === 'refused');
    assert.equal(doc.impact.launchTemplatesAffected, templatesRefused.length);
    for (const lt of inventory.launchTemplates) {
      const key = `${lt.accountId} ${lt.region} ${lt.launchTemplateId}`;
      const enforced = launchTemplateEnforcement(index, allowlist, lt).outcome.status === 'refused';
      const found = templates.some((f) => f.status === 'fail' && `${f.accountId} ${f.region} ${f.resourceId}` === key);
      if (enforced !== found) assert.ok(disagrees.has(key), `${key}: impact ${enforced}, findings ${found}, and no disagreement finding explains it`);
    }
    // The demo's documented disagreement (an expired exception still named in the live criteria) is the only one.
    assert.ok(mismatches <= disagrees.size);
  });

  test('the blast radius: an OU that is safe to enforce, one that is not, and the launch paths counted (issue #14)', () => {
    const r = doc.impact.blastRadius!;
    const node = (name: string) => r.rollout.find((n) => n.name === name)!;
    // Platform (the ops publisher) is safe under both layers and listed first; Dev is safe for the declarative
    // policy only (its own AMIs: the SCP stops them); Prod is not safe; Suspended is unknown (not scanned).
    assert.equal(r.rollout[0]!.name, 'Platform');
    assert.deepEqual([node('Platform').safeForDeclarativePolicy, node('Platform').safeForScp], [true, true]);
    assert.deepEqual([node('Dev').safeForDeclarativePolicy, node('Dev').safeForScp], [true, false]);
    assert.deepEqual([node('Prod').safeForDeclarativePolicy, node('Prod').safeForScp], [false, false]);
    assert.equal(node('Suspended').safeForScp, false);
    assert.equal(node('Suspended').accountsNotFullyScanned, 1);
    // Groups and fleets: mixed override, legacy launch configuration and the Spot Fleet are refused; the node group's
    // SSM parameter resolves to a deregistered AMI (unavailable whatever the policies).
    const paths = doc.findings.filter((f) => f.ruleId === 'launch-path-unapproved-ami');
    assert.equal(r.byPath['auto-scaling-group'].scp + r.byPath['spot-fleet'].scp + r.byPath['auto-scaling-group'].unavailable, paths.filter((f) => f.status === 'fail').length);
    assert.equal(r.byPath['auto-scaling-group'].unavailable, 1);
    assert.equal(r.byPath['auto-scaling-group'].cannotVerify, paths.filter((f) => f.status === 'cannot-verify').length);
    assert.match(paths.find((f) => f.resourceId === 'eks-payments-workers-2a3b4c5d')!.message, /EKS node group payments\/workers.*SSM parameter "\/golden\/al2023\/latest"/);
    // What is launching now: the node group's and the legacy group's pending scale-outs, payments-web-asg's refresh in
    // progress, and payments-batch-asg's pending refresh rolling out the community AMI (its own version 2 is golden).
    assert.match(paths.find((f) => f.resourceId === 'eks-payments-workers-2a3b4c5d')!.message, /Launching now: a scale-out of 3 instances \(desired 3, 0 InService or Pending\): these launches fail now\./);
    assert.match(paths.find((f) => f.resourceId === 'legacy-reporting')!.message, /Launching now: a scale-out of 1 instance \(desired 1, 0 InService or Pending\): these launches fail as soon as enforcement starts\./);
    assert.match(paths.find((f) => f.resourceId === 'payments-web-asg')!.message, /Launching now: instance refresh 0d4a1b2c-7e8f-4a5b-9c6d-2e3f4a5b6c7d \(InProgress, 50% complete\): these launches fail as soon as enforcement starts, and the refresh fails with them/);
    const batch = paths.find((f) => f.resourceId === 'payments-batch-asg')!;
    assert.equal(batch.messageId, 'refreshRefused');
    assert.equal(batch.details?.instanceRefreshStatus, 'Pending');
    assert.equal(inventory.stats.apiCalls['autoscaling:DescribeInstanceRefreshes'], 4, 'once per group of prod us-east-1, the only unit with groups');
    // /dev/toolbox/next names the dev account's release candidate, which nothing launches: a root cause of its own.
    const next = r.images.find((i) => i.imageId === DEMO_IMAGES.devNext.imageId)!;
    assert.deepEqual(next.paths, []);
    assert.equal(next.blockedBy, 'scp');
    assert.deepEqual(next.references?.map((x) => x.note), [
      'SSM parameter /dev/toolbox/next resolves to an AMI the SCP refuses: a launch that resolves it (resolve:ssm:/dev/toolbox/next) is refused once enforcement starts (no launch path amigov reads uses this image)',
    ]);
    // The partner exception expires 7 days after the as-of date: its instance flips the day after.
    assert.deepEqual(r.timeline.events.map((e) => [e.date, e.resources.map((x) => x.resourceId)]), [[addDays(DEMO_AS_OF, 8), [demoOrg.instances.find((i) => i.tags?.['Name'] === 'analytics-collector')!.instanceId]]]);
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
