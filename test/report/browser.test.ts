/**
 * The HTML report in a real headless browser (Debian chromium driven by playwright-core): the numbers
 * on screen, filtering, sorting, search, copy buttons, the hostile AMI name, and 50,000 findings.
 * Without /usr/bin/chromium the tests are skipped locally and fail under CI.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { writeReports } from '../../src/report/index.ts';
import { scriptView } from '../../src/report/meta.ts';
import { compareRuns } from '../../src/report/compare.ts';
import { PACKAGE_ROOT } from '../../src/util/paths.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { applyHistory } from '../../src/history/apply.ts';
import { HOSTILE_NAME, assemble, bigDoc, sampleCoverage, sampleDoc, sampleFindings, sampleInventory, LEADING_ZERO_ACCOUNT } from './fixtures.ts';

const CHROMIUM = process.env.AMIGOV_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(PACKAGE_ROOT, 'reports', 'test-artifacts');
const SCRIPT = '#!/usr/bin/env bash\n# amigov remediation script\nset -euo pipefail\necho "</script><img src=x onerror=window.__xss3=1>"\n';
const haveChromium = existsSync(CHROMIUM);

if (!haveChromium && process.env.CI) {
  test('chromium is installed for the browser tests', () => {
    assert.fail(`${CHROMIUM} is missing: CI must install Debian chromium (see .ci/run) so the HTML report is tested in a browser`);
  });
}

const skip = haveChromium ? false : `${CHROMIUM} not found: browser tests skipped (install Debian chromium, or set AMIGOV_CHROMIUM)`;
if (skip) console.log(`# ${skip}`);

describe('report.html in headless chromium', { skip }, () => {
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amigov-html-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  interface Opened {
    page: Page;
    problems: string[];
    requests: string[];
  }

  /** Writes the report of doc and opens it, recording page errors, console errors, CSP violations and requests. */
  async function open(name: string, doc: FindingsDocument, opts: { script?: string; inventory?: boolean; width?: number } = {}): Promise<Opened> {
    const out = join(dir, name);
    const [html] = await writeReports({
      doc,
      outDir: out,
      formats: ['html'],
      generatedAt: '2026-11-23T10:20:00.000Z',
      ...(opts.inventory ? { inventory: sampleInventory(doc) } : {}),
      ...(opts.script ? { remediationScript: scriptView(opts.script) } : {}),
    });
    const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    // Page-side code is passed as strings: the test program is type-checked without DOM types.
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => { (window.__csp ??= []).push(e.violatedDirective + ' ' + e.blockedURI); });",
    });
    await page.goto(pathToFileURL(html!).href);
    await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
    return { page, problems, requests };
  }

  const text = (page: Page, selector: string) => page.locator(selector).first().innerText();
  const fmt = (n: number) => n.toLocaleString('en-US');
  const matching = async (page: Page) => Number(await page.locator('#table-status').getAttribute('data-matching'));
  /** Polls from Node (the report's CSP forbids the eval that a string waitForFunction needs). */
  async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const v = await read();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`timed out waiting for ${what}`);
  }
  const waitMatching = (page: Page, ok: (n: number) => boolean) => until(() => matching(page), ok, 'the findings table to update');
  const column = (page: Page, n: number) => page.locator(`#findings-body tr.frow td:nth-child(${n})`).allInnerTexts();

  async function assertClean(o: Opened) {
    assert.deepEqual(o.problems, [], 'no page errors, console errors or CSP reports');
    assert.deepEqual(await o.page.evaluate('window.__csp ?? []'), [], 'no CSP violations');
    assert.deepEqual(o.requests, [], 'no network requests');
  }

  test('summary numbers on screen match findings.json', async () => {
    const doc = sampleDoc();
    const o = await open('summary', doc, { script: SCRIPT, inventory: true });
    const { page } = o;
    assert.equal(await text(page, '[data-testid="total"]'), fmt(doc.counts.total));
    for (const [sev, n] of Object.entries(doc.counts.bySeverity)) assert.equal(await text(page, `[data-testid="sev-${sev}"]`), fmt(n), sev);
    for (const [rule, n] of Object.entries(doc.counts.byRule)) assert.equal(await text(page, `[data-rule-count="${rule}"]`), fmt(n), rule);
    assert.equal(await text(page, '[data-testid="impact-instances"]'), fmt(doc.impact.instancesAffected));
    assert.equal(await text(page, '[data-testid="impact-accounts"]'), fmt(doc.impact.accountsAffected));
    assert.equal(await text(page, '[data-testid="impact-templates"]'), fmt(doc.impact.launchTemplatesAffected));
    assert.equal(await text(page, '[data-testid="accounts-scanned"]'), fmt(doc.accounts.length));
    assert.match(await text(page, '[data-testid="mode"]'), /Audit mode/);
    // The partial scan is impossible to miss, and the failed pair is listed.
    assert.ok(await page.locator('#partial-banner').isVisible());
    assert.match(await text(page, '#coverage-failures'), /333333333333[\s\S]*eu-west-1[\s\S]*access-denied[\s\S]*<check the SCP>/);
    assert.match(await text(page, '#coverage-degraded'), /allowed-images-settings/);
    // The chart has one bar per account with findings.
    assert.equal(await page.locator('svg g.bar').count(), Object.keys(doc.counts.byAccount).length);
    assert.equal(await page.locator('#findings-body tr.frow').count(), doc.findings.length);
    assert.equal(await matching(page), doc.findings.length);
    await assertClean(o);

    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await page.pdf({ path: join(ARTIFACTS, 'report.pdf'), format: 'A4', printBackground: true });
    assert.ok(statSync(join(ARTIFACTS, 'report.pdf')).size > 10_000, 'the report prints to PDF');
    await page.context().close();
  });

  test('filtering by account, severity, rule and search, and sorting, work', async () => {
    const doc = sampleDoc();
    const o = await open('filter', doc);
    const { page } = o;
    await page.selectOption('#f-account', LEADING_ZERO_ACCOUNT);
    assert.equal(await matching(page), doc.counts.byAccount[LEADING_ZERO_ACCOUNT]);
    for (const t of await column(page, 3)) assert.match(t, new RegExp(LEADING_ZERO_ACCOUNT));
    await page.selectOption('#f-region', 'eu-west-1');
    assert.equal(await matching(page), doc.findings.filter((f) => f.accountId === LEADING_ZERO_ACCOUNT && f.region === 'eu-west-1').length);
    await page.click('#f-reset');
    assert.equal(await matching(page), doc.findings.length);

    // A severity card filters the table.
    await page.click('button.sev-card-high');
    assert.equal(await matching(page), doc.counts.bySeverity.high);
    for (const t of await column(page, 1)) assert.match(t, /^high/);
    // "Show these findings" of a rule section.
    await page.click('#rule-public-ami button[data-filter="rule"]');
    assert.equal(await page.inputValue('#f-rule'), 'public-ami');
    assert.equal(await matching(page), doc.counts.byRule['public-ami']);
    await page.click('#f-reset');

    // Search over ids, names, tags and messages.
    await page.fill('#f-search', 'payments-api-1');
    await waitMatching(page, (n) => n === 1);
    await page.fill('#f-search', 'nothing-matches-this');
    await waitMatching(page, (n) => n === 0);
    assert.match(await text(page, '#table-status'), /No findings match/);
    await page.click('#f-reset');

    // Default order: most severe first. Clicking Severity reverses it; Rule sorts by rule id.
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const sevs = (await column(page, 1)).map((t) => rank.indexOf(t.split('\n')[0]!));
    assert.deepEqual(sevs, [...sevs].sort((a, b) => a - b));
    await page.click('th[data-sort="severity"] button');
    assert.equal(await page.getAttribute('th[data-sort="severity"]', 'aria-sort'), 'descending');
    const desc = (await column(page, 1)).map((t) => rank.indexOf(t.split('\n')[0]!));
    assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
    await page.click('th[data-sort="rule"] button');
    const ruleIds = await column(page, 2);
    assert.deepEqual(ruleIds, [...ruleIds].sort());
    await page.click('th[data-sort="rule"] button');
    assert.deepEqual(await column(page, 2), [...ruleIds].sort().reverse());

    // Paging: 25 per page over 10 findings is one page; the pager says so.
    assert.match(await text(page, '#p-info'), /Page 1 of 1/);
    await assertClean(o);
    await page.context().close();
  });

  test("owners: the By owner table, search by owner, and Owner and OU path in a row's details", async () => {
    const base = sampleDoc();
    const owned = base.findings.map((f) => (f.accountId === LEADING_ZERO_ACCOUNT ? { ...f, owner: 'payments-team <b>x</b>', ouPath: ['Root', 'Workloads', 'Prod'] } : f));
    const doc = { ...base, findings: owned, allowlist: { ...base.allowlist, ownerTagKeys: ['owner'] } };
    const o = await open('owners', doc);
    const { page } = o;
    const rows = await page.locator('#owner-table tbody tr').allInnerTexts();
    assert.equal(rows.length, 2, 'one row for the owner, one for (no owner tag)');
    const mine = owned.filter((f) => f.owner).length;
    assert.ok(rows.some((r) => r.startsWith('payments-team <b>x</b>') && r.includes(String(mine))), rows.join(' | '));
    assert.ok(rows.some((r) => r.startsWith('(no owner tag)')));
    assert.equal(await page.locator('#owner-table b').count(), 0, 'the owner is text, not markup');
    await page.fill('#f-search', 'payments-team');
    await waitMatching(page, (n) => n === mine);
    await page.click('#findings-body tr.frow');
    const detail = page.locator('#findings-body tr.detail');
    await detail.waitFor();
    const text = await detail.innerText();
    assert.match(text, /Owner\s+payments-team <b>x<\/b>/);
    assert.match(text, /OU path\s+Root \/ Workloads \/ Prod/);
    await assertClean(o);
    await page.context().close();
  });

  test('a hostile AMI name shows as text and runs nothing; commands have working copy buttons', async () => {
    const doc = sampleDoc();
    const o = await open('hostile', doc, { script: SCRIPT, inventory: true });
    const { page } = o;
    await page.fill('#f-search', 'i-0a1b2c3d4e5f60001');
    await waitMatching(page, (n) => n === 1);
    await page.click('#findings-body tr.frow');
    const detail = page.locator('#findings-body tr.detail');
    await detail.waitFor();
    assert.ok((await detail.innerText()).includes(HOSTILE_NAME), 'the name is on screen, verbatim');
    assert.ok((await page.locator('#findings-body tr.frow td:nth-child(6)').innerText()).includes('<img src=x'));
    assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
    const flags = await page.evaluate('[typeof window.__xss, typeof window.__xss2, typeof window.__xss3]');
    assert.deepEqual(flags, ['undefined', 'undefined', 'undefined'], 'no injected script ran');

    // One copy button per command, and copying puts the command on the clipboard.
    const finding = doc.findings[0]!;
    assert.equal(await detail.locator('button.copy').count(), finding.commands.length);
    await detail.locator('button.copy').first().click();
    const label = await until(() => detail.locator('button.copy').first().innerText(), (t) => /Copied|Select and copy/.test(t), 'the copy button to answer');
    console.log(`# copy button said: ${label}`);
    if (label === 'Copied') {
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), finding.commands[0]!.command);
    }
    assert.equal(await page.locator('#findings-body tr.detail pre').first().innerText(), finding.commands[0]!.command);

    // The whole remediation script, verbatim, with its own copy button.
    assert.equal(await page.locator('#remediation-script').textContent(), SCRIPT);
    assert.equal(await page.locator('button[data-copy-target="remediation-script"]').count(), 1);
    await assertClean(o);
    await page.context().close();
  });

  test('a compared run shows new, persisting and resolved, and filters by change', async () => {
    const previous = assemble({ findings: [...sampleFindings().slice(2), { ...sampleFindings()[0]!, id: 'f-gone', resourceId: 'i-0gone' }], coverage: sampleCoverage(false), runId: '2026-11-16T10-15-00Z-aaaa' });
    const doc = compareRuns(sampleDoc({ partial: false }), previous, 'reports/2026-11-16T10-15-00Z-aaaa');
    const o = await open('compare', doc, { script: SCRIPT, inventory: true });
    const { page } = o;
    const c = doc.comparison!;
    assert.equal(await text(page, '[data-testid="cmp-new"]'), fmt(c.counts.new));
    assert.equal(await text(page, '[data-testid="cmp-persisting"]'), fmt(c.counts.persisting));
    assert.equal(await text(page, '[data-testid="cmp-resolved"]'), fmt(c.counts.resolved));
    assert.equal(await matching(page), doc.findings.length, 'resolved findings are not in the default view');
    await page.selectOption('#f-change', 'resolved');
    assert.equal(await matching(page), c.counts.resolved);
    assert.match(await text(page, '#findings-body tr.frow'), /i-0gone/);
    await page.selectOption('#f-change', 'new');
    assert.equal(await matching(page), c.counts.new);
    await page.click('#f-reset');
    await assertClean(o);
    // The README picture: the top of a compared, complete run.
    if (process.env.AMIGOV_UPDATE_SCREENSHOT === '1') {
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(PACKAGE_ROOT, 'docs', 'report-screenshot.png'), clip: { x: 0, y: 0, width: 1280, height: 1500 }, fullPage: true });
    }
    await page.screenshot({ path: join(ARTIFACTS, 'report-compared.png'), fullPage: true });
    await page.context().close();
  });

  test('history: the inline SVG trend renders under the CSP, hostile run ids and rule ids stay text, overdue rows are marked', async () => {
    const base = sampleDoc({ partial: false });
    const hostileRun = '2026-11-09T10-15-00Z-"><script>window.__xss4=1</script>';
    const hostileRule = '<img src=x onerror=window.__xss5=1>';
    const first = base.findings[0]!;
    const before = {
      runs: [1, 2].map((w) => ({
        dir: `r${w}`, size: 0, mtimeMs: 0, runId: w === 1 ? hostileRun : `2026-11-16T10-15-00Z-000${w}`, date: w === 1 ? '2026-11-09' : '2026-11-16', startedAt: '',
        point: { runId: w === 1 ? hostileRun : `2026-11-16T10-15-00Z-000${w}`, date: w === 1 ? '2026-11-09' : '2026-11-16', open: 3 * w, bySeverity: { critical: w, high: w, medium: w, low: 0, info: 0 }, byRule: { [hostileRule]: w, 'public-ami': 2 * w }, new: w, resolved: w - 1, notRechecked: 0, waived: 0 },
      })),
      ids: { [first.id]: { firstSeen: '2026-10-01', firstRunId: hostileRun, lastSeen: '2026-11-16', runsSeen: 2, open: { id: first.id, ruleId: first.ruleId, accountId: first.accountId, region: first.region, severity: first.severity, status: first.status, resourceId: first.resourceId } } },
    };
    const doc = applyHistory(base, before, { dir: 'reports', indexFile: 'reports/history-index.json', sla: { [first.severity]: 7 } });
    assert.equal(doc.findings[0]!.history?.overdue, true);
    const o = await open('history', doc, { script: SCRIPT, inventory: true });
    const { page } = o;
    assert.equal(await page.locator('#trend svg rect.fill-new').count(), 3, 'one new bar per run');
    assert.ok((await page.locator('#trend svg rect[class^="fill-"]').count()) > 6);
    assert.equal(await text(page, '[data-testid="overdue-total"]'), String(doc.history!.overdue.total));
    assert.match(await text(page, '#trend-rules'), /<img src=x onerror=window.__xss5=1>/, 'a rule id is shown as text');
    assert.match(await text(page, '#trend-runs'), /<script>window.__xss4=1<\/script>/, 'a run id is shown as text');
    assert.equal(await page.evaluate('window.__xss4 === undefined && window.__xss5 === undefined'), true, 'nothing from the data ran');
    assert.ok((await page.locator('#findings-body tr.frow.overdue').count()) >= 1, 'overdue rows are marked');
    await assertClean(o);
    await page.screenshot({ path: join(ARTIFACTS, 'report-history.png'), fullPage: true });
    await page.context().close();
  });

  test('50,000 findings render, filter and sort without timing out', async () => {
    const n = 50_000;
    const doc = bigDoc(n);
    const t0 = Date.now();
    const o = await open('big', doc);
    const { page } = o;
    const loadMs = Date.now() - t0;
    assert.equal(await matching(page), n);
    assert.match(await text(page, '#table-status'), /of 50,000 matching/);
    assert.ok((await page.locator('#findings-body tr.frow').count()) <= 250, 'only one page of rows is in the DOM');
    const t1 = Date.now();
    await page.selectOption('#f-rule', 'public-ami');
    assert.equal(await matching(page), doc.counts.byRule['public-ami']);
    await page.click('th[data-sort="account"] button');
    await page.fill('#f-search', 'node-4999');
    await waitMatching(page, (n) => n < 100);
    const interactMs = Date.now() - t1;
    await assertClean(o);
    console.log(`# 50,000 findings: write + load ${loadMs} ms, filter + sort + search ${interactMs} ms (not asserted)`);
    await page.context().close();
  });
});
