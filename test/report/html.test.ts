import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { renderHtml, jsonForScript } from '../../src/report/html.ts';
import { scriptView, SHOWN_SCRIPT_MAX_BYTES } from '../../src/report/meta.ts';
import { compareRuns } from '../../src/report/compare.ts';
import { HOSTILE_NAME, HOSTILE_TAG, assemble, sampleCoverage, sampleDoc, sampleFindings, sampleInventory } from './fixtures.ts';

const META = { generatedAt: '2026-11-23T10:20:00.000Z', toolVersion: '0.1.0' };
const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

test('jsonForScript: no character that could end the script element, and the data survives', () => {
  const value = { name: HOSTILE_NAME, amp: 'a&b', sep: 'x\u2028y\u2029z', cmt: '<!-- -->' };
  const out = jsonForScript(value);
  assert.doesNotMatch(out, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(out), value);
});

test('report.html: one inline style and one inline script, both allowed by their CSP hashes, nothing else', () => {
  const doc = sampleDoc();
  const html = renderHtml(doc, { ...META, inventory: sampleInventory(doc), remediationScript: scriptView('#!/bin/sh\necho "</script>"\n') });
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
  const scripts = [...html.matchAll(/<script(?: [^>]*)?>([\s\S]*?)<\/script>/g)];
  assert.equal(styles.length, 1);
  assert.equal(scripts.length, 2, 'the JSON data block and the report script');
  assert.match(scripts[0]![0], /^<script type="application\/json" id="findings-data">/);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replaceAll('&#x27;', "'").replaceAll('&#x3D;', '=');
  assert.ok(csp, 'a CSP meta tag');
  assert.match(csp, /^default-src 'none'; /);
  assert.ok(csp.includes(`style-src ${sha(styles[0]!)}`), 'style hash matches the inline style');
  assert.ok(csp.includes(`script-src ${sha(scripts[1]![1]!)}`), 'script hash matches the inline script');
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  // The CSP comes before any style or script.
  assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style>'));
  // No network fetches: no external references at all.
  assert.doesNotMatch(html, /<link\b|<iframe\b|<img\b|@import|url\(|\bsrc="https?:|href="https?:/i);
  // No inline event handlers or style attributes (the CSP would block them anyway).
  assert.doesNotMatch(html, /\son[a-z]+="|\sstyle="/i);
});

test('report.html: AWS strings are escaped, never raw markup', () => {
  const doc = sampleDoc();
  doc.accounts[1]!.name = '<b>payments</b>';
  doc.coverage.entries[0]!.reason = '<script>alert(1)</script>';
  const html = renderHtml(doc, { ...META, inventory: sampleInventory(doc), remediationScript: scriptView(`echo ${HOSTILE_NAME}`) });
  assert.ok(!html.includes('<img src=x'), 'the hostile AMI name never appears as markup');
  assert.ok(!html.includes('window.__xss2=1</script>'), 'nor can it close a script element');
  assert.ok(!html.includes('<b>payments</b>'));
  assert.ok(!html.includes('<script>alert(1)'));
  assert.ok(html.includes('&lt;b&gt;payments&lt;/b&gt;'), 'account names are HTML-escaped');
  assert.ok(html.includes('echo &lt;img src&#x3D;x'), 'the remediation script is HTML-escaped');
  assert.ok(html.includes('\\u003cimg src=x'), 'the JSON data carries the name with < escaped');
  assert.ok(!html.includes(HOSTILE_TAG), 'the tag value only travels inside the escaped JSON');
});

test('report.html: a partial scan is flagged at the top; a complete one is not', () => {
  const partial = renderHtml(sampleDoc({ partial: true }), META);
  assert.match(partial, /id="partial-banner"/);
  assert.match(partial, /1 of 8 account × region pairs could not be scanned/);
  const complete = renderHtml(sampleDoc({ partial: false }), META);
  assert.doesNotMatch(complete, /id="partial-banner"/);
  assert.match(complete, /All 8 account × region pairs were scanned successfully/);
});

test('report.html: a run without findings, organization or script still renders, and says so', () => {
  const doc = assemble({ findings: [], coverage: sampleCoverage(false) });
  doc.run.organization = null;
  const html = renderHtml(doc, META);
  assert.match(html, /id="no-findings"/);
  assert.match(html, /No remediation script was saved with this run/);
  assert.match(html, /not an organization/);
});

test('report.html: a remediation script too long to show is named with its size, without a partial copy', () => {
  const doc = sampleDoc();
  const shown = renderHtml(doc, { ...META, remediationScript: scriptView('#!/usr/bin/env bash\necho ok\n') });
  assert.match(shown, /<pre id="remediation-script" class="script"><code>#!\/usr\/bin\/env bash\necho ok\n<\/code><\/pre>/);
  assert.match(shown, /\(2 lines\), also saved beside this report/);
  const long = renderHtml(doc, { ...META, remediationScript: { lines: 648_437, bytes: 91_234_567 } });
  assert.match(long, /id="remediation-not-shown">This run's <code>remediation.sh<\/code> \(648,437 lines, 91\.2 MB\) is too long to show in this page/);
  assert.doesNotMatch(long, /id="remediation-script"|data-copy-target="remediation-script"/, 'no script block and no copy button');
  assert.equal(scriptView('x'.repeat(SHOWN_SCRIPT_MAX_BYTES + 1)).text, undefined, 'scriptView keeps no text over the limit');
});

test('report.html: a compared run shows the comparison and deltas', () => {
  const previous = assemble({ findings: [...sampleFindings().slice(2), { ...sampleFindings()[0]!, id: 'f-gone', resourceId: 'i-0gone' }], coverage: sampleCoverage(false), runId: '2026-11-16T10-15-00Z-aaaa' });
  const doc = compareRuns(sampleDoc(), previous, 'reports/2026-11-16T10-15-00Z-aaaa');
  const html = renderHtml(doc, META);
  assert.match(html, /id="comparison"/);
  assert.match(html, /data-testid="cmp-new">2</);
  assert.match(html, /data-testid="cmp-resolved">1</);
  assert.match(html, /data-testid="cmp-net">\+1</);
  assert.match(html, /<select id="f-change">/);
});

test('report.html: findings the run did not re-check have their own section, escaped, never counted as resolved', () => {
  // 333333333333 eu-west-1 is access-denied this run (its reason holds "<check the SCP>").
  const lost = { ...sampleFindings()[0]!, id: 'f-lost', accountId: '333333333333', region: 'eu-west-1', resourceId: 'i-0lost' };
  const previous = assemble({ findings: [...sampleFindings(), lost], coverage: sampleCoverage(false), runId: '2026-11-16T10-15-00Z-aaaa' });
  const doc = compareRuns(sampleDoc(), previous, 'reports/2026-11-16T10-15-00Z-aaaa');
  assert.equal(doc.comparison!.notRechecked.length, 1);
  const html = renderHtml(doc, META);
  assert.match(html, /data-testid="cmp-resolved">0</);
  assert.match(html, /data-testid="cmp-not-rechecked">1</);
  assert.match(html, /<section class="card" id="not-rechecked"/);
  assert.match(html, /data-testid="not-rechecked-count">1</);
  assert.match(html, /<td class="mono">access-denied<\/td><td class="r">1<\/td>/);
  assert.match(html, /333333333333 eu-west-1 was access-denied: The scan role may not call ec2:DescribeInstances here &lt;check the SCP&gt;/);
  const body = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
  assert.doesNotMatch(body, /<check the SCP>/, 'AWS text is escaped');
  assert.match(html, /<option value="not-rechecked">Not re-checked<\/option>/);
});

test('report.html: a report written from another run says so', () => {
  const doc = sampleDoc();
  doc.evaluation = { evaluatedAt: '2026-11-23T10:20:00.000Z', source: 'evaluate', scanAsOf: '2026-11-23', scanConfigPath: 'c.json', rulesRun: [], deep: false, ruleErrors: [], derivedFrom: { command: 'evaluate', runId: 'r-1', runDir: '/x/r-1' } };
  assert.match(renderHtml(doc, META), /data-testid="derived-from">written by amigov evaluate from run r-1 \(\/x\/r-1\); not a scan of its own</);
});

test('report.html: the headline says which layer stops what and what could not be judged', () => {
  const doc = sampleDoc();
  doc.impact = { ...doc.impact, instancesByLayer: { declarativePolicyAndScp: 2, scpOnly: 1 }, instancesCannotVerify: 0, launchTemplatesCannotVerify: 2 };
  const html = renderHtml(doc, META);
  assert.match(html, /1 instance runs on AMIs their own account built: Allowed AMIs never restricts/);
  assert.match(html, /could not be judged either way: 2 launch templates/);
});

test('report.html: count labels agree with their number (1 instance, 2 instances), never "1 instances"', () => {
  const doc = sampleDoc();
  doc.impact.instancesAffected = 1;
  doc.impact.accountsAffected = 2;
  doc.impact.launchTemplatesAffected = 1;
  const html = renderHtml(doc, META);
  assert.match(html, /data-testid="impact-instances">1<\/span><span class="lbl">instance<\/span>/);
  assert.match(html, /data-testid="impact-accounts">2<\/span><span class="lbl">accounts<\/span>/);
  assert.match(html, /data-testid="impact-templates">1<\/span><span class="lbl">launch template<\/span>/);
  assert.doesNotMatch(html, /\b1 (instances|accounts|launch templates|findings|days)\b/);
  assert.doesNotMatch(html, />1<\/span><span class="lbl">[a-z ]+s<\/span>/);
});
