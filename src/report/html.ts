/**
 * report.html: one self-contained file (CSS and JS inline, no network), rendered from the Handlebars
 * templates in templates/. This module only shapes data; all markup lives in the templates.
 *
 * Security model (docs/reports.md "Security of the HTML report"):
 * - Every string reaches the page either through Handlebars' `{{ }}` (HTML-escaped) or through the
 *   JSON data block, which the page's script reads and puts on screen with textContent only.
 * - The JSON block is `<script type="application/json">` (never executed) and every `<`, `>`, `&`,
 *   U+2028 and U+2029 in it is written as a \uXXXX escape, so `</script>` inside an AMI name cannot
 *   close the block.
 * - A Content-Security-Policy meta tag: `default-src 'none'`, and only the report's own inline style
 *   and script, named by their sha256 hashes. Injected markup could neither run a script nor load
 *   anything, even if escaping failed somewhere.
 */
import { blastView } from './blast.js';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { SEVERITIES, type Finding, type FindingsDocument, type Severity } from '../model/findings.js';
import { TEMPLATES_DIR } from '../util/paths.js';
import { pluralWord } from '../util/format.js';
import { writeChunksAtomic } from '../util/json-stream.js';
import type { ReportMeta } from './meta.js';
import { accountNames, findingRows } from './rows.js';
import { runFacts } from './summary.js';
import { notRecheckedOf } from './compare.js';
import { historyView, waiversView } from './html-compliance.js';
import { NO_OWNER, ownerGroups, ownersTracked } from './owners.js';

const TEMPLATE_FILES = { page: 'report.hbs', css: 'report.css', js: 'report.js', partials: 'partials' } as const;

interface Assets {
  render: Handlebars.TemplateDelegate;
  css: string;
  js: string;
}

let assets: Assets | undefined;

/** Compiles the templates once per process (they ship with the package, see package.json "files"). */
function loadAssets(): Assets {
  if (assets) return assets;
  const hbs = Handlebars.create();
  const partialsDir = join(TEMPLATES_DIR, TEMPLATE_FILES.partials);
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
  }
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // {{pluralWord count "instance"}} or {{pluralWord count "instance runs" "instances run"}}: the label beside a number.
  hbs.registerHelper('pluralWord', (n: unknown, word: unknown, ...rest: unknown[]) =>
    pluralWord(Number(n), String(word), ...(rest.length > 1 && typeof rest[0] === 'string' ? [rest[0]] : [])),
  );
  const css = readFileSync(join(TEMPLATES_DIR, TEMPLATE_FILES.css), 'utf8');
  const js = readFileSync(join(TEMPLATES_DIR, TEMPLATE_FILES.js), 'utf8');
  // The hashed blocks are inserted verbatim; they must not be able to end their own element early.
  if (/<\/style/i.test(css) || /<\/script|<!--/i.test(js)) throw new Error('templates/report.css or report.js contains a closing tag');
  const render = hbs.compile(readFileSync(join(TEMPLATES_DIR, TEMPLATE_FILES.page), 'utf8'), { strict: true });
  assets = { render, css, js };
  return assets;
}

/** JSON that is safe inside a <script type="application/json"> element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

export function contentSecurityPolicy(css: string, js: string): string {
  return [
    "default-src 'none'",
    `style-src ${sha256(css)}`,
    `script-src ${sha256(js)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const fmt = (n: number) => n.toLocaleString('en-US');
/** util/format's plural with the number grouped (1,234 instances). */
const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${pluralWord(n, one, many)}`;
const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '');

function duration(startIso: string, endIso: string): string {
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** Not-re-checked findings listed in their HTML section (all of them are in the findings table). */
const NOT_RECHECKED_LISTED = 200;

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A finding's history in one line for its detail row ('' without history). */
function historyText(f: Finding): string {
  const h = f.history;
  if (!h) return '';
  return [
    `first seen ${h.firstSeen} (run ${h.firstRunId}), last seen ${h.lastSeen}, ${plural(h.ageDays, 'day')} old, seen in ${h.runsSeen} run${h.runsSeen === 1 ? '' : 's'}`,
    h.resolvedAt ? `resolved ${h.resolvedAt}` : '',
    h.reopenedAfter ? `came back after being resolved ${h.reopenedAfter}` : '',
    h.dueDate ? `SLA ${plural(h.slaDays ?? 0, 'day')}: due ${h.dueDate}${h.overdue ? ', OVERDUE' : ''}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** The dictionaries of the table data: rules and accounts in the order their first finding row names them. */
function tableDictionaries(doc: FindingsDocument) {
  const ruleIndex = new Map<string, number>();
  const accountIndex = new Map<string, number>();
  const rules: { id: string; title: string }[] = [];
  const accounts: { id: string; name: string; owner?: string; ou?: string }[] = [];
  // Waived findings have their own section (partials/waivers.hbs), not rows of the findings table.
  for (const { finding: f, accountName } of findingRows(doc, { waived: false })) {
    if (!ruleIndex.has(f.ruleId)) {
      ruleIndex.set(f.ruleId, rules.length);
      rules.push({ id: f.ruleId, title: f.title });
    }
    if (!accountIndex.has(f.accountId)) {
      accountIndex.set(f.accountId, accounts.length);
      accounts.push({ id: f.accountId, name: accountName, ...(f.owner !== undefined ? { owner: f.owner } : {}), ...(f.ouPath?.length ? { ou: f.ouPath.join(' / ') } : {}) });
    }
  }
  return { ruleIndex, accountIndex, rules, accounts };
}

/** One array per finding row of the table, built as it is written. */
function* tableRows(doc: FindingsDocument, dict: ReturnType<typeof tableDictionaries>): Generator<unknown[]> {
  for (const { finding: f, change } of findingRows(doc, { waived: false })) {
    yield [
      f.id,
      SEVERITIES.indexOf(f.severity),
      dict.ruleIndex.get(f.ruleId),
      dict.accountIndex.get(f.accountId),
      f.region,
      f.status,
      f.resourceType,
      f.resourceId,
      f.imageId ?? '',
      f.imageName ?? '',
      f.imageOwnerId ?? '',
      f.imageOwnerAlias ?? '',
      f.blockedBy ?? '',
      f.message,
      change,
      f.tags && Object.keys(f.tags).length ? f.tags : 0,
      f.details && Object.keys(f.details).length ? f.details : 0,
      f.commands.map((c) => [c.title, c.command, c.kind, c.needsReview ? 1 : 0]),
      f.title,
      f.notRechecked ? `${f.notRechecked.reason} (${f.notRechecked.code})` : '',
      f.history ? f.history.ageDays : '',
      f.history?.overdue ? 1 : 0,
      historyText(f),
      f.waiver?.note ?? '',
    ];
  }
}

/** Compact table data for the page's script: dictionaries for rules and accounts, one array per finding. */
function tableData(doc: FindingsDocument) {
  const dict = tableDictionaries(doc);
  return { severities: SEVERITIES, rules: dict.rules, accounts: dict.accounts, rows: [...tableRows(doc, dict)], compared: Boolean(doc.comparison) };
}

/**
 * jsonForScript(tableData(doc)), byte for byte, in pieces: one per finding row. The escapes of jsonForScript
 * replace single characters, so escaping each piece escapes the whole; and JSON.stringify writes an array
 * without indentation as "[" + items joined by "," + "]", which is how the rows are joined here.
 */
export function* tableDataChunks(doc: FindingsDocument): Generator<string> {
  const dict = tableDictionaries(doc);
  const head = jsonForScript({ severities: SEVERITIES, rules: dict.rules, accounts: dict.accounts });
  yield `${head.slice(0, -1)},"rows":[`;
  let first = true;
  for (const row of tableRows(doc, dict)) {
    yield first ? jsonForScript(row) : `,${jsonForScript(row)}`;
    first = false;
  }
  yield `],"compared":${jsonForScript(Boolean(doc.comparison))}}`;
}

interface ChartBar {
  y: number;
  textY: number;
  label: string;
  accountId: string;
  total: string;
  totalX: number;
  segments: { x: number; width: number; severity: Severity; count: number }[];
}

const CHART = { width: 760, labelWidth: 230, barMax: 460, row: 24, top: 8, maxBars: 15 };

/** Findings per account as stacked horizontal bars (numbers only: markup is in partials/chart.hbs). */
function chart(doc: FindingsDocument, names: Map<string, string>) {
  const per = new Map<string, Record<Severity, number>>();
  for (const f of doc.findings) {
    const counts = per.get(f.accountId) ?? (Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>);
    counts[f.severity]++;
    per.set(f.accountId, counts);
  }
  const totals = [...per.entries()].map(([id, c]) => ({ id, c, total: SEVERITIES.reduce((n, s) => n + c[s], 0) }));
  totals.sort((a, b) => b.total - a.total || a.id.localeCompare(b.id));
  const shown = totals.slice(0, CHART.maxBars);
  const max = Math.max(1, ...shown.map((t) => t.total));
  const bars: ChartBar[] = shown.map((t, i) => {
    let x = CHART.labelWidth;
    const segments = SEVERITIES.filter((s) => t.c[s] > 0).map((severity) => {
      const width = Math.max(1, Math.round((t.c[severity] / max) * CHART.barMax * 10) / 10);
      const seg = { x: Math.round(x * 10) / 10, width, severity, count: t.c[severity] };
      x += width;
      return seg;
    });
    const y = CHART.top + i * CHART.row;
    const name = names.get(t.id) ?? '';
    return { y, textY: y + 15, label: truncate(name ? `${name} · ${t.id}` : t.id, 34), accountId: t.id, total: fmt(t.total), totalX: Math.round(x + 6), segments };
  });
  return {
    width: CHART.width,
    height: CHART.top * 2 + Math.max(1, bars.length) * CHART.row,
    labelX: CHART.labelWidth - 8,
    bars,
    more: totals.length > shown.length ? `${fmt(totals.length - shown.length)} more ${pluralWord(totals.length - shown.length, 'account with findings is', 'accounts with findings are')} in the accounts table below.` : '',
    empty: bars.length === 0,
  };
}

function sevCounts(findings: Finding[]): Record<Severity, number> {
  const c = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) c[f.severity]++;
  return c;
}

const signed = (n: number) => (n > 0 ? `+${fmt(n)}` : n < 0 ? `−${fmt(-n)}` : '0');
const deltaClass = (n: number) => (n > 0 ? 'delta-up' : n < 0 ? 'delta-down' : 'delta-zero');

/** The optional parts of the headline: which layer stops what, and what could not be judged. */
function impactNotes(doc: FindingsDocument): string[] {
  const i = doc.impact;
  const notes: string[] = [];
  if (i.instancesByLayer && i.instancesByLayer.scpOnly > 0) {
    notes.push(`${plural(i.instancesByLayer.scpOnly, 'instance runs', 'instances run')} on AMIs their own account built: Allowed AMIs never restricts an account's own AMIs, so only the SCP stops these.`);
  }
  if (i.verdictSources && i.verdictSources.aws > 0) {
    notes.push(`Judged with AWS's own Allowed AMIs verdict (ImageAllowed) for ${plural(i.verdictSources.aws, 'image')} and with amigov's reading of the config for ${plural(i.verdictSources.amigov, 'image')}.`);
  }
  if (i.instancesByLayer?.declarativePolicyOnly) {
    notes.push(`${plural(i.instancesByLayer.declarativePolicyOnly, 'instance runs', 'instances run')} on AMIs of approved publishers that no Allowed AMIs image criterion allows (name, age, product code): only the declarative policy stops these.`);
  }
  const unknown = [
    i.instancesCannotVerify ? plural(i.instancesCannotVerify, 'instance') : '',
    i.launchTemplatesCannotVerify ? plural(i.launchTemplatesCannotVerify, 'launch template') : '',
  ].filter(Boolean);
  if (unknown.length) notes.push(`Not counted because they could not be judged either way: ${unknown.join(' and ')} (image owner unknown, or the image comes from an SSM parameter).`);
  return notes;
}

/** Everything the templates show, as plain strings and numbers. */
export function buildHtmlView(doc: FindingsDocument, meta: ReportMeta) {
  const names = accountNames(doc);
  const facts = runFacts(doc, meta);
  const cmp = doc.comparison;
  const notRechecked = notRecheckedOf(cmp);

  const byAccount = new Map<string, Finding[]>();
  const byRule = new Map<string, Finding[]>();
  for (const f of doc.findings) {
    (byAccount.get(f.accountId) ?? byAccount.set(f.accountId, []).get(f.accountId)!).push(f);
    (byRule.get(f.ruleId) ?? byRule.set(f.ruleId, []).get(f.ruleId)!).push(f);
  }

  const coverageByAccount = new Map<string, { ok: number; total: number; failed: number }>();
  for (const e of doc.coverage.entries) {
    const c = coverageByAccount.get(e.accountId) ?? { ok: 0, total: 0, failed: 0 };
    c.total++;
    if (e.status === 'ok') c.ok++;
    if (e.status === 'error' || e.status === 'access-denied') c.failed++;
    coverageByAccount.set(e.accountId, c);
  }

  const failures = doc.coverage.entries
    .filter((e) => e.status !== 'ok')
    .sort((a, b) => a.status.localeCompare(b.status) || a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region))
    .map((e) => ({
      accountId: e.accountId,
      accountName: names.get(e.accountId) ?? '',
      region: e.region,
      status: e.status,
      failed: e.status === 'error' || e.status === 'access-denied',
      reason: e.reason ?? '',
      errorCode: e.errorCode ?? '',
    }));
  const degraded = doc.coverage.entries.flatMap((e) =>
    Object.entries(e.degraded ?? {}).map(([collector, reason]) => ({ accountId: e.accountId, accountName: names.get(e.accountId) ?? '', region: e.region, collector, reason })),
  );
  const ruleErrors = doc.findings
    .filter((f) => f.status === 'error')
    .map((f) => ({ ruleId: f.ruleId, accountId: f.accountId, region: f.region, resourceId: f.resourceId, message: f.message }));

  const rules = facts.rules.map((r) => {
    const list = byRule.get(r.id) ?? [];
    const accountsHit = new Map<string, number>();
    for (const f of list) accountsHit.set(f.accountId, (accountsHit.get(f.accountId) ?? 0) + 1);
    const top = [...accountsHit.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
    const c = cmp?.byRule[r.id];
    const d = c ? c.new - c.resolved : 0;
    const sev = sevCounts(list);
    return {
      ...r,
      countText: fmt(r.count),
      countLabel: plural(r.count, 'finding'),
      showLabel: r.count === 1 ? 'Show this finding' : `Show these ${fmt(r.count)} findings`,
      anchor: `rule-${r.id}`,
      accounts: plural(accountsHit.size, 'account'),
      cannotVerify: fmt(list.filter((f) => f.status === 'cannot-verify').length),
      hasCannotVerify: list.some((f) => f.status === 'cannot-verify'),
      severities: SEVERITIES.filter((s) => sev[s] > 0).map((s) => ({ severity: s, count: fmt(sev[s]) })),
      topAccounts: top.map(([id, n]) => ({ accountId: id, name: names.get(id) ?? '', count: fmt(n) })),
      clean: r.count === 0,
      delta: cmp ? { text: signed(d), cls: deltaClass(d), new: fmt(c?.new ?? 0), resolved: fmt(c?.resolved ?? 0) } : null,
    };
  });

  const accountIds = [...new Set([...doc.accounts.map((a) => a.accountId), ...byAccount.keys(), ...coverageByAccount.keys()])];
  const accounts = accountIds
    .map((id) => {
      const list = byAccount.get(id) ?? [];
      const sev = sevCounts(list);
      const cov = coverageByAccount.get(id) ?? { ok: 0, total: 0, failed: 0 };
      const c = cmp?.byAccount[id];
      const d = c ? c.new - c.resolved : 0;
      const acct = doc.accounts.find((a) => a.accountId === id);
      return {
        accountId: id,
        name: names.get(id) ?? '',
        ouPath: acct ? acct.ouPath.join(' / ') : '',
        owner: acct?.owner ?? '',
        total: list.length,
        totalText: fmt(list.length),
        severities: SEVERITIES.map((s) => ({ severity: s, count: sev[s], text: sev[s] ? fmt(sev[s]) : '' })),
        coverage: cov.total === 0 ? 'not scanned' : `${cov.ok}/${cov.total}`,
        notScanned: cov.total === 0,
        coverageFailed: cov.failed > 0,
        coverageIncomplete: cov.ok < cov.total,
        delta: cmp ? { text: signed(d), cls: deltaClass(d) } : null,
      };
    })
    .sort((a, b) => b.total - a.total || a.accountId.localeCompare(b.accountId));

  const reasons = new Map<string, { code: string; count: number; example: string }>();
  for (const f of notRechecked) {
    const r = reasons.get(f.notRechecked!.code) ?? { code: f.notRechecked!.code, count: 0, example: f.notRechecked!.reason };
    r.count++;
    reasons.set(r.code, r);
  }
  const notRecheckedShown = notRechecked.slice(0, NOT_RECHECKED_LISTED);
  const comparison = cmp
    ? {
        previousRunId: cmp.previousRunId,
        previousRunDir: cmp.previousRunDir,
        new: fmt(cmp.counts.new),
        persisting: fmt(cmp.counts.persisting),
        resolved: fmt(cmp.counts.resolved),
        waived: cmp.waived && cmp.waived.new + cmp.waived.persisting > 0 ? { new: fmt(cmp.waived.new), persisting: fmt(cmp.waived.persisting) } : null,
        notRechecked: fmt(notRechecked.length),
        notRecheckedCount: notRechecked.length,
        hasNotRechecked: notRechecked.length > 0,
        reasons: [...reasons.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)).map((r) => ({ ...r, count: fmt(r.count) })),
        notRecheckedList: notRecheckedShown.map((f) => ({
          severity: f.severity,
          ruleId: f.ruleId,
          accountId: f.accountId,
          accountName: f.accountName ?? names.get(f.accountId) ?? '',
          region: f.region,
          resourceId: f.resourceId,
          reason: f.notRechecked!.reason,
        })),
        notRecheckedMore:
          notRechecked.length > notRecheckedShown.length
            ? `The first ${fmt(notRecheckedShown.length)} of ${fmt(notRechecked.length)} are listed here; the findings table, report.xlsx (sheet Not Re-checked) and findings.csv hold all of them.`
            : '',
        net: { text: signed(cmp.counts.new - cmp.counts.resolved), cls: deltaClass(cmp.counts.new - cmp.counts.resolved) },
        byRule: Object.entries(cmp.byRule)
          .map(([id, c]) => {
            const skipped = c.notRechecked ?? notRechecked.filter((f) => f.ruleId === id).length;
            return {
              id,
              before: fmt(c.persisting + c.resolved + skipped),
              now: fmt(c.persisting + c.new),
              new: fmt(c.new),
              resolved: fmt(c.resolved),
              notRechecked: fmt(skipped),
              delta: signed(c.new - c.resolved),
              cls: deltaClass(c.new - c.resolved),
            };
          })
          .sort((a, b) => a.id.localeCompare(b.id)),
        byAccount: Object.entries(cmp.byAccount)
          .map(([id, c]) => ({
            accountId: id,
            name: names.get(id) ?? '',
            now: fmt(c.persisting + c.new),
            new: fmt(c.new),
            resolved: fmt(c.resolved),
            notRechecked: fmt(c.notRechecked ?? notRechecked.filter((f) => f.accountId === id).length),
            delta: signed(c.new - c.resolved),
            cls: deltaClass(c.new - c.resolved),
            sort: c.new - c.resolved,
          }))
          .sort((a, b) => b.sort - a.sort || a.accountId.localeCompare(b.accountId)),
      }
    : null;

  const al = doc.allowlist;
  const script = meta.remediationScript;
  const regionList = facts.regions;
  const findingRegions = [...new Set([...doc.findings, ...(cmp ? cmp.resolved : []), ...notRechecked].map((f) => f.region))].sort();
  return {
    title: `AMI governance report — ${doc.run.organization?.id ?? 'organization'} — ${doc.run.asOf}`,
    run: {
      runId: doc.run.runId,
      started: when(doc.run.startedAt),
      finished: when(doc.run.finishedAt),
      duration: duration(doc.run.startedAt, doc.run.finishedAt),
      asOf: doc.run.asOf,
      mode: al.enforcementMode,
      modeLabel: al.enforcementMode === 'enabled' ? 'Enabled (enforcing)' : 'Audit mode (not enforcing yet)',
      organization: doc.run.organization?.id ?? 'not an organization (single account)',
      managementAccountId: doc.run.organization?.managementAccountId ?? '',
      caller: doc.run.caller?.arn ?? '',
      configPath: doc.run.configPath,
      endpoint: doc.run.endpoint ?? '',
      toolVersion: doc.run.toolVersion,
      generatedAt: when(meta.generatedAt),
      reporterVersion: meta.toolVersion,
      rules: doc.evaluation ? `${doc.evaluation.rulesRun.length} of ${doc.rules.length}${doc.evaluation.severityThreshold ? `, severity ${doc.evaluation.severityThreshold} and above` : ''}` : '',
      source: doc.evaluation?.source === 'evaluate' ? `re-evaluated ${when(doc.evaluation.evaluatedAt)} from a saved inventory (scanned with the allowlist as of ${doc.evaluation.scanAsOf})` : '',
      derivedFrom: doc.evaluation?.derivedFrom ? `written by amigov ${doc.evaluation.derivedFrom.command} from run ${doc.evaluation.derivedFrom.runId} (${doc.evaluation.derivedFrom.runDir}); not a scan of its own` : '',
    },
    coverage: {
      complete: facts.coverage.complete,
      accounts: fmt(facts.accounts),
      regions: fmt(regionList.length),
      regionList: regionList.join(', '),
      total: fmt(facts.coverage.total),
      ok: fmt(facts.coverage.ok),
      failed: fmt(facts.coverage.failed),
      failedCount: facts.coverage.failed,
      skipped: fmt(facts.coverage.skipped),
      skippedCount: facts.coverage.skipped,
      notScanned: fmt(facts.coverage.total - facts.coverage.ok),
      empty: facts.coverage.empty,
      withoutRegionCount: facts.coverage.withoutRegion.length,
      withoutRegionText: `${fmt(facts.coverage.withoutRegion.length)} account${facts.coverage.withoutRegion.length === 1 ? '' : 's'}`,
      withoutRegionList: facts.coverage.withoutRegion.map((id) => (names.get(id) ? `${names.get(id)} (${id})` : id)).join(', '),
      failures,
      hasFailures: failures.length > 0,
      degraded,
      hasDegraded: degraded.length > 0,
      ruleErrors,
      hasRuleErrors: ruleErrors.length > 0,
    },
    impact: {
      ...facts.impact,
      notes: impactNotes(doc),
      instances: fmt(doc.impact.instancesAffected),
      accounts: fmt(doc.impact.accountsAffected),
      launchTemplates: fmt(doc.impact.launchTemplatesAffected),
      instancesCount: doc.impact.instancesAffected,
      accountsCount: doc.impact.accountsAffected,
      launchTemplatesCount: doc.impact.launchTemplatesAffected,
      audit: al.enforcementMode !== 'enabled',
    },
    blast: blastView(doc),
    totals: {
      total: doc.counts.total,
      totalText: fmt(doc.counts.total),
      severities: facts.severities.map((s) => ({ severity: s.severity, count: s.count, text: fmt(s.count) })),
      delta: comparison?.net ?? null,
    },
    chart: chart(doc, names),
    rules,
    accounts,
    owners: ownersTracked(doc)
      ? {
          tagKeys: (al.ownerTagKeys ?? []).join(', ') || '(none configured)',
          noOwner: NO_OWNER,
          groups: ownerGroups(doc).map((g) => ({
            owner: g.owner,
            hasOwner: g.hasOwner,
            totalText: fmt(g.total),
            severities: SEVERITIES.map((s) => ({ severity: s, count: g.bySeverity[s], text: g.bySeverity[s] ? fmt(g.bySeverity[s]) : '' })),
            new: fmt(g.new ?? 0),
            resolved: fmt(g.resolved ?? 0),
            accounts: g.accounts.map((id) => (names.get(id) ? `${names.get(id)} (${id})` : id)).join(', '),
          })),
        }
      : null,
    comparison,
    allowlist: {
      asOf: al.asOf,
      publishers: al.publishers.map((p) => ({ accountId: p.accountId, kind: p.kind, label: p.label, expiry: p.expiryDate ?? '', ticket: p.ticket ?? '' })),
      aliases: al.aliases.join(', '),
      hasAliases: al.aliases.length > 0,
      expiring: al.expiringExceptions.map((e) => ({ ...e, daysLeftText: e.daysLeft === 0 ? 'expires today' : `${plural(e.daysLeft, 'day')} left` })),
      expired: al.expiredExceptions.map((e) => ({ ...e, agoText: `expired ${-e.daysLeft} days ago` })),
      hasExpiring: al.expiringExceptions.length > 0,
      hasExpired: al.expiredExceptions.length > 0,
      warningDays: al.warningDays,
      exceptionRequestUrl: al.exceptionRequestUrl,
      approvedTag: `${al.approvedAmiTag.key}=${al.approvedAmiTag.values.join(' | ')}`,
    },
    filters: {
      accounts: [...accountIds].sort((a, b) => (names.get(a) ?? a).localeCompare(names.get(b) ?? b)).map((id) => ({ value: id, label: names.get(id) ? `${names.get(id)} (${id})` : id })),
      regions: findingRegions,
      rules: facts.rules.map((r) => ({ value: r.id, label: r.id })),
      severities: SEVERITIES,
      compared: Boolean(cmp),
    },
    remediation: script !== undefined
      ? { script: script.text, shown: script.text !== undefined, lines: fmt(script.lines), size: `${(script.bytes / 1_000_000).toFixed(1)} MB` }
      : null,
    history: historyView(doc),
    waivers: waiversView(doc, names),
    hasFindings: doc.findings.length > 0 || Boolean(cmp && cmp.resolved.length + notRechecked.length > 0),
    findingsCountText: fmt(doc.findings.length),
  };
}

/** The whole report.html as a string (tests; writeHtml streams the same bytes to the file). */
export function renderHtml(doc: FindingsDocument, meta: ReportMeta): string {
  return [...htmlChunks(doc, meta)].join('');
}

/**
 * report.html in pieces: the page rendered by Handlebars around a placeholder, then the data block written row by
 * row in its place (at 1,000 accounts the block is ~95 MB: one string of it, its escaped copies and the page around
 * it were most of the report step's memory).
 */
export function* htmlChunks(doc: FindingsDocument, meta: ReportMeta): Generator<string> {
  const { render, css, js } = loadAssets();
  // A placeholder no rendered value can contain: Handlebars escapes "<" in every {{ }} value, and the data is the
  // only triple-stash value that is not a template asset.
  const marker = `<!--amigov-data-${randomBytes(8).toString('hex')}-->`;
  const page = render({
    ...buildHtmlView(doc, meta),
    csp: contentSecurityPolicy(css, js),
    css,
    js,
    data: marker,
  });
  const at = page.indexOf(marker);
  if (at < 0 || page.indexOf(marker, at + marker.length) >= 0) throw new Error('report.hbs must place {{{data}}} exactly once');
  yield page.slice(0, at);
  yield* tableDataChunks(doc);
  yield page.slice(at + marker.length);
}

export async function writeHtml(doc: FindingsDocument, meta: ReportMeta, target: string): Promise<void> {
  writeChunksAtomic(target, htmlChunks(doc, meta));
}
