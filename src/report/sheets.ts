/**
 * Row shapes of the XLSX sheets other than Findings (which shares its columns with the CSV, rows.ts).
 * Pure data shaping: the writer in xlsx.ts only turns these values into typed, styled cells.
 */
import { SEVERITIES, type Finding, type FindingsDocument, type RemediationCommand, type TrendPoint, type WaiverEntry } from '../model/findings.js';
import { ownerGroups, ownersTracked } from './owners.js';
import { plural } from '../util/format.js';
import type { CoverageEntry, Image, Instance, Inventory } from '../model/inventory.js';
import { keyValueLines, toDate } from './cells.js';
import { tagValue } from '../util/tags.js';
import type { ReportMeta } from './meta.js';
import { accountNames, type Column, type ColumnKind } from './rows.js';
import { runFacts } from './summary.js';
import { notRecheckedOf } from './compare.js';

const yesNo = (v: boolean | undefined): string | undefined => (v === undefined ? undefined : v ? 'yes' : 'no');

/** Rule ids of the findings on each resource id (instance ids, image ids). */
function rulesByResource(doc: FindingsDocument): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const f of doc.findings) {
    for (const key of new Set([f.resourceId, ...(f.resourceType === 'image' && f.imageId ? [f.imageId] : [])])) {
      const list = map.get(key) ?? [];
      if (!list.includes(f.ruleId)) list.push(f.ruleId);
      map.set(key, list);
    }
  }
  return map;
}

// ---------- Instances ----------
export interface InstanceRow {
  instance: Instance;
  accountName: string;
  rules: string[];
}

export const INSTANCE_COLUMNS: Column<InstanceRow>[] = [
  { header: 'Account ID', width: 15, kind: 'id', value: (r) => r.instance.accountId },
  { header: 'Account Name', width: 22, kind: 'text', value: (r) => r.accountName },
  { header: 'Region', width: 14, kind: 'id', value: (r) => r.instance.region },
  { header: 'Instance ID', width: 21, kind: 'id', value: (r) => r.instance.instanceId },
  { header: 'Name', width: 26, kind: 'text', value: (r) => tagValue(r.instance.tags, 'Name') },
  { header: 'Instance Type', width: 13, kind: 'text', value: (r) => r.instance.instanceType },
  { header: 'State', width: 10, kind: 'text', value: (r) => r.instance.state },
  { header: 'Launch Time (UTC)', width: 20, kind: 'date', value: (r) => toDate(r.instance.launchTime) },
  { header: 'Image ID', width: 23, kind: 'id', value: (r) => r.instance.image.imageId },
  { header: 'Image Name', width: 32, kind: 'text', value: (r) => r.instance.image.name },
  { header: 'Image Owner ID', width: 15, kind: 'id', value: (r) => r.instance.image.ownerId },
  { header: 'Image Owner Alias', width: 16, kind: 'text', value: (r) => r.instance.image.ownerAlias },
  { header: 'Image State', width: 12, kind: 'text', value: (r) => r.instance.image.state },
  { header: 'Image Source', width: 22, kind: 'text', value: (r) => r.instance.image.source },
  { header: 'Image Public', width: 12, kind: 'text', value: (r) => yesNo(r.instance.image.isPublic) },
  { header: 'Image Allowed (EC2)', width: 16, kind: 'text', value: (r) => yesNo(r.instance.image.imageAllowed) },
  { header: 'Tags', width: 36, kind: 'wrap', value: (r) => keyValueLines(r.instance.tags) },
  { header: 'Findings', width: 9, kind: 'number', value: (r) => r.rules.length },
  { header: 'Rules', width: 30, kind: 'wrap', value: (r) => r.rules.join('\n') },
];

export function* instanceRows(doc: FindingsDocument, inv: Inventory | undefined): Generator<InstanceRow> {
  if (!inv) return;
  const names = accountNames(doc);
  for (const a of inv.accounts) names.set(a.accountId, names.get(a.accountId) ?? a.name);
  const rules = rulesByResource(doc);
  for (const instance of inv.instances) {
    yield { instance, accountName: names.get(instance.accountId) ?? '', rules: rules.get(instance.instanceId) ?? [] };
  }
}

// ---------- Images (owned) ----------
export interface ImageRow {
  image: Image;
  accountName: string;
  approvedTag: boolean;
  instancesUsing: number;
  rules: string[];
}

function sharedWith(image: Image): string | undefined {
  const lp = image.launchPermissions;
  if (!lp) return undefined;
  return [...lp.groups.map((g) => `group:${g}`), ...lp.userIds.map((u) => `account:${u}`), ...lp.organizationArns, ...lp.organizationalUnitArns].join('\n');
}

export const IMAGE_COLUMNS: Column<ImageRow>[] = [
  { header: 'Owner Account ID', width: 16, kind: 'id', value: (r) => r.image.ownerId ?? r.image.seenFromAccountId },
  { header: 'Owner Account Name', width: 22, kind: 'text', value: (r) => r.accountName },
  { header: 'Region', width: 14, kind: 'id', value: (r) => r.image.region },
  { header: 'Image ID', width: 23, kind: 'id', value: (r) => r.image.imageId },
  { header: 'Name', width: 34, kind: 'text', value: (r) => r.image.name },
  { header: 'Description', width: 40, kind: 'wrap', value: (r) => r.image.description },
  { header: 'State', width: 11, kind: 'text', value: (r) => r.image.state },
  { header: 'Public', width: 8, kind: 'text', value: (r) => yesNo(r.image.public) },
  { header: 'Approved Tag', width: 13, kind: 'text', value: (r) => (r.approvedTag ? 'yes' : 'no') },
  { header: 'Created (UTC)', width: 20, kind: 'date', value: (r) => toDate(r.image.creationDate) },
  { header: 'Deprecation (UTC)', width: 20, kind: 'date', value: (r) => toDate(r.image.deprecationTime) },
  { header: 'Platform', width: 12, kind: 'text', value: (r) => r.image.platform },
  { header: 'Shared With', width: 30, kind: 'wrap', value: (r) => sharedWith(r.image) },
  { header: 'Tags', width: 36, kind: 'wrap', value: (r) => keyValueLines(r.image.tags) },
  { header: 'Instances Using', width: 10, kind: 'number', value: (r) => r.instancesUsing },
  { header: 'Rules', width: 30, kind: 'wrap', value: (r) => r.rules.join('\n') },
];

function instancesPerImage(inv: Inventory): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of inv.instances) m.set(i.image.imageId, (m.get(i.image.imageId) ?? 0) + 1);
  return m;
}

export function* imageRows(doc: FindingsDocument, inv: Inventory | undefined): Generator<ImageRow> {
  if (!inv) return;
  const names = accountNames(doc);
  for (const a of inv.accounts) names.set(a.accountId, names.get(a.accountId) ?? a.name);
  const using = instancesPerImage(inv);
  const rules = rulesByResource(doc);
  const tag = doc.allowlist.approvedAmiTag;
  for (const image of inv.images) {
    if (image.seenVia !== 'owner') continue;
    const value = tagValue(image.tags, tag.key);
    yield {
      image,
      accountName: names.get(image.ownerId ?? image.seenFromAccountId) ?? '',
      approvedTag: value !== undefined && tag.values.includes(value),
      instancesUsing: using.get(image.imageId) ?? 0,
      rules: rules.get(image.imageId) ?? [],
    };
  }
}

// ---------- Public AMIs ----------
export interface PublicAmiRow {
  accountId: string;
  accountName: string;
  region: string;
  imageId: string;
  name?: string;
  created?: Date;
  instancesUsing?: number;
  finding?: Finding;
  fix?: RemediationCommand;
}

export const PUBLIC_AMI_COLUMNS: Column<PublicAmiRow>[] = [
  { header: 'Owner Account ID', width: 16, kind: 'id', value: (r) => r.accountId },
  { header: 'Owner Account Name', width: 22, kind: 'text', value: (r) => r.accountName },
  { header: 'Region', width: 14, kind: 'id', value: (r) => r.region },
  { header: 'Image ID', width: 23, kind: 'id', value: (r) => r.imageId },
  { header: 'Name', width: 34, kind: 'text', value: (r) => r.name },
  { header: 'Created (UTC)', width: 20, kind: 'date', value: (r) => r.created },
  { header: 'Instances Using', width: 10, kind: 'number', value: (r) => r.instancesUsing },
  { header: 'Severity', width: 10, kind: 'severity', value: (r) => r.finding?.severity },
  { header: 'Finding ID', width: 20, kind: 'id', value: (r) => r.finding?.id },
  { header: 'Make Private', width: 80, kind: 'wrap', value: (r) => r.fix?.command },
];

const publicKey = (accountId: string, region: string, imageId: string) => `${accountId}|${region}|${imageId}`;

export function* publicAmiRows(doc: FindingsDocument, inv: Inventory | undefined): Generator<PublicAmiRow> {
  const names = accountNames(doc);
  const findings = new Map<string, Finding>();
  for (const f of doc.findings) {
    if (f.ruleId !== 'public-ami') continue;
    findings.set(publicKey(f.accountId, f.region, f.imageId ?? f.resourceId), f);
  }
  const seen = new Set<string>();
  const fixOf = (f?: Finding) => f?.commands.find((c) => c.kind === 'fix');
  if (inv) {
    const using = instancesPerImage(inv);
    for (const image of inv.images) {
      if (image.seenVia !== 'owner' || image.public !== true) continue;
      const accountId = image.ownerId ?? image.seenFromAccountId;
      const key = publicKey(accountId, image.region, image.imageId);
      seen.add(key);
      const finding = findings.get(key);
      yield {
        accountId,
        accountName: names.get(accountId) ?? '',
        region: image.region,
        imageId: image.imageId,
        name: image.name,
        created: toDate(image.creationDate),
        instancesUsing: using.get(image.imageId) ?? 0,
        finding,
        fix: fixOf(finding),
      };
    }
  }
  // Public AMIs the rules reported but the inventory does not list (or no inventory at hand).
  for (const [key, f] of findings) {
    if (seen.has(key)) continue;
    yield {
      accountId: f.accountId,
      accountName: f.accountName ?? names.get(f.accountId) ?? '',
      region: f.region,
      imageId: f.imageId ?? f.resourceId,
      name: f.imageName,
      finding: f,
      fix: fixOf(f),
    };
  }
}

// ---------- Coverage ----------
export interface CoverageRow {
  entry: CoverageEntry;
  accountName: string;
}

export const COVERAGE_COLUMNS: Column<CoverageRow>[] = [
  { header: 'Account ID', width: 15, kind: 'id', value: (r) => r.entry.accountId },
  { header: 'Account Name', width: 22, kind: 'text', value: (r) => r.accountName },
  { header: 'Region', width: 14, kind: 'id', value: (r) => r.entry.region },
  { header: 'Status', width: 14, kind: 'status', value: (r) => r.entry.status },
  { header: 'Reason', width: 60, kind: 'wrap', value: (r) => r.entry.reason },
  { header: 'Error Code', width: 22, kind: 'text', value: (r) => r.entry.errorCode },
  { header: 'Instance Path', width: 22, kind: 'text', value: (r) => r.entry.instancePath },
  { header: 'Degraded Collectors', width: 36, kind: 'wrap', value: (r) => keyValueLines(r.entry.degraded) },
  { header: 'Duration (s)', width: 11, kind: 'number', value: (r) => (r.entry.durationMs === undefined ? undefined : Math.round(r.entry.durationMs / 100) / 10) },
  { header: 'API Calls', width: 10, kind: 'number', value: (r) => r.entry.apiCalls },
];

export function* coverageRows(doc: FindingsDocument): Generator<CoverageRow> {
  const names = accountNames(doc);
  // Failures first: a partial scan must be the first thing a reader of this sheet sees.
  const order = { error: 0, 'access-denied': 1, skipped: 2, ok: 3 } as Record<string, number>;
  const entries = [...doc.coverage.entries].sort(
    (a, b) => (order[a.status] ?? 0) - (order[b.status] ?? 0) || a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region),
  );
  for (const entry of entries) yield { entry, accountName: names.get(entry.accountId) ?? '' };
}

// ---------- Not Re-checked (after a comparison) ----------
export interface NotRecheckedRow {
  finding: Finding;
  accountName: string;
}

export const NOT_RECHECKED_COLUMNS: Column<NotRecheckedRow>[] = [
  { header: 'Finding ID', width: 20, kind: 'id', value: (r) => r.finding.id },
  { header: 'Reason Code', width: 24, kind: 'text', value: (r) => r.finding.notRechecked?.code },
  { header: 'Reason', width: 60, kind: 'wrap', value: (r) => r.finding.notRechecked?.reason },
  { header: 'Severity', width: 10, kind: 'severity', value: (r) => r.finding.severity },
  { header: 'Status', width: 13, kind: 'text', value: (r) => r.finding.status },
  { header: 'Rule', width: 30, kind: 'text', value: (r) => r.finding.ruleId },
  { header: 'Account ID', width: 15, kind: 'id', value: (r) => r.finding.accountId },
  { header: 'Account Name', width: 22, kind: 'text', value: (r) => r.accountName },
  { header: 'Region', width: 14, kind: 'id', value: (r) => r.finding.region },
  { header: 'Resource Type', width: 15, kind: 'text', value: (r) => r.finding.resourceType },
  { header: 'Resource ID', width: 24, kind: 'id', value: (r) => r.finding.resourceId },
  { header: 'Message', width: 60, kind: 'wrap', value: (r) => r.finding.message },
];

/** The previous run's findings this run did not re-check, with the reason (as of the previous run's data). */
export function* notRecheckedRows(doc: FindingsDocument): Generator<NotRecheckedRow> {
  const names = accountNames(doc);
  for (const finding of notRecheckedOf(doc.comparison)) yield { finding, accountName: finding.accountName ?? names.get(finding.accountId) ?? '' };
}

// ---------- Commands ----------
export interface CommandRow {
  finding: Finding;
  accountName: string;
  step: number;
  command: RemediationCommand;
}

export const COMMAND_COLUMNS: Column<CommandRow>[] = [
  { header: 'Finding ID', width: 20, kind: 'id', value: (r) => r.finding.id },
  { header: 'Severity', width: 10, kind: 'severity', value: (r) => r.finding.severity },
  { header: 'Rule', width: 30, kind: 'text', value: (r) => r.finding.ruleId },
  { header: 'Account ID', width: 15, kind: 'id', value: (r) => r.finding.accountId },
  { header: 'Account Name', width: 22, kind: 'text', value: (r) => r.accountName },
  { header: 'Region', width: 14, kind: 'id', value: (r) => r.finding.region },
  { header: 'Resource ID', width: 24, kind: 'id', value: (r) => r.finding.resourceId },
  { header: 'Step', width: 6, kind: 'number', value: (r) => r.step },
  { header: 'Kind', width: 12, kind: 'text', value: (r) => r.command.kind },
  { header: 'Needs Review', width: 12, kind: 'text', value: (r) => (r.command.needsReview ? 'yes' : 'no') },
  { header: 'Title', width: 44, kind: 'wrap', value: (r) => r.command.title },
  { header: 'Command', width: 100, kind: 'wrap', value: (r) => r.command.command },
];

export function* commandRows(doc: FindingsDocument): Generator<CommandRow> {
  const names = accountNames(doc);
  for (const finding of doc.findings) {
    const accountName = finding.accountName ?? names.get(finding.accountId) ?? '';
    let step = 0;
    for (const command of finding.commands) yield { finding, accountName, step: ++step, command };
  }
}

// ---------- Summary ----------
export interface SummaryRow {
  section: string;
  item: string;
  value?: string | number | Date;
  kind?: ColumnKind;
  /** Change against the previous run, when compared. */
  delta?: number;
  note?: string;
  /** Shown in red: a partial scan. */
  alert?: boolean;
}

export const SUMMARY_COLUMNS = [
  { header: 'Section', width: 16 },
  { header: 'Item', width: 44 },
  { header: 'Value', width: 40 },
  { header: 'Change vs previous run', width: 14 },
  { header: 'Note', width: 70 },
];

export function summaryRows(doc: FindingsDocument, meta: ReportMeta): SummaryRow[] {
  const facts = runFacts(doc, meta);
  const rows: SummaryRow[] = [];
  if (!facts.coverage.complete) {
    rows.push({
      section: 'WARNING',
      item: facts.coverage.empty ? 'Nothing was scanned' : 'Partial scan',
      value: facts.coverage.gap,
      note: 'Findings cover only what was scanned: an account or region that failed is not compliant, it is unknown. See the Coverage sheet.',
      alert: true,
    });
  }
  const run = (item: string, value: SummaryRow['value'], kind?: SummaryRow['kind'], note?: string) =>
    value !== undefined && value !== '' && rows.push({ section: 'Run', item, value, kind, note });
  run('Run ID', doc.run.runId);
  run('Started (UTC)', toDate(doc.run.startedAt), 'date');
  run('Finished (UTC)', toDate(doc.run.finishedAt), 'date');
  run('Allowlist as of', toDate(doc.run.asOf), 'day');
  run('Enforcement mode (config)', doc.allowlist.enforcementMode);
  run('Organization', doc.run.organization?.id);
  run('Management account', doc.run.organization?.managementAccountId);
  run('Caller', doc.run.caller?.arn);
  run('Config', doc.run.configPath);
  run('Endpoint', doc.run.endpoint ?? undefined, undefined, 'Not real AWS: a test or sandbox endpoint.');
  run('amigov version', doc.run.toolVersion);
  if (doc.evaluation) {
    run('Findings from', doc.evaluation.source === 'evaluate' ? 'amigov evaluate (saved inventory)' : 'amigov scan');
    run('Evaluated (UTC)', toDate(doc.evaluation.evaluatedAt), 'date');
    run('Rules run', doc.evaluation.rulesRun.join(', '));
    run('Severity threshold', doc.evaluation.severityThreshold ?? undefined);
    const from = doc.evaluation.derivedFrom;
    if (from) run('Derived from', from.runDir, undefined, `amigov ${from.command} of run ${from.runId}: this folder holds no scan of its own.`);
  }
  run('Report generated (UTC)', toDate(meta.generatedAt), 'date');

  const cov = doc.coverage.counts;
  rows.push({ section: 'Coverage', item: 'Scan complete', value: facts.coverage.complete ? 'yes' : 'NO: partial scan', alert: !facts.coverage.complete });
  rows.push({ section: 'Coverage', item: 'Accounts', value: facts.accounts });
  rows.push({ section: 'Coverage', item: 'Regions', value: facts.regions.length, note: facts.regions.join(', ') });
  rows.push({ section: 'Coverage', item: 'Account x region pairs', value: facts.coverage.total });
  for (const status of ['ok', 'skipped', 'access-denied', 'error'] as const) {
    rows.push({ section: 'Coverage', item: `  ${status}`, value: cov[status] ?? 0, alert: status !== 'ok' && status !== 'skipped' && (cov[status] ?? 0) > 0 });
  }

  rows.push({ section: 'Impact', item: facts.impact.headline, value: doc.impact.instancesAffected, note: facts.impact.detail });
  rows.push({ section: 'Impact', item: 'Accounts affected', value: doc.impact.accountsAffected });
  rows.push({ section: 'Impact', item: 'Launch templates affected', value: doc.impact.launchTemplatesAffected });
  if (doc.impact.instancesByLayer) {
    rows.push({ section: 'Impact', item: '  stopped by declarative policy and SCP', value: doc.impact.instancesByLayer.declarativePolicyAndScp });
    rows.push({ section: 'Impact', item: '  stopped by the SCP only (own AMIs)', value: doc.impact.instancesByLayer.scpOnly, note: 'Allowed AMIs never restricts AMIs the account owns itself.' });
    if (doc.impact.verdictSources) {
      rows.push({ section: 'Impact', item: "  verdicts from AWS's ImageAllowed / from amigov", value: `${doc.impact.verdictSources.aws} / ${doc.impact.verdictSources.amigov}`, note: "AWS's own verdict where Allowed AMIs is audit-mode or enabled; amigov's reading of the config elsewhere." });
    }
    if (doc.impact.instancesByLayer.declarativePolicyOnly) {
      rows.push({ section: 'Impact', item: '  stopped by the declarative policy only (image criteria)', value: doc.impact.instancesByLayer.declarativePolicyOnly, note: 'Approved publishers, but outside policy_config.image_criteria.' });
    }
  }
  if (doc.impact.instancesCannotVerify !== undefined) rows.push({ section: 'Impact', item: 'Instances that could not be judged', value: doc.impact.instancesCannotVerify });
  if (doc.impact.launchTemplatesCannotVerify !== undefined) rows.push({ section: 'Impact', item: 'Launch templates that could not be judged', value: doc.impact.launchTemplatesCannotVerify });

  const cmp = doc.comparison;
  const delta = (counts?: { new: number; resolved: number }) => (cmp ? (counts ? counts.new - counts.resolved : 0) : undefined);
  rows.push({ section: 'Findings', item: 'Total', value: doc.counts.total, delta: cmp ? cmp.counts.new - cmp.counts.resolved : undefined });
  for (const s of facts.severities) rows.push({ section: 'Severity', item: s.severity, value: s.count });
  for (const r of facts.rules) {
    rows.push({ section: 'Rule', item: r.id, value: r.count, delta: delta(cmp?.byRule[r.id]), note: `${r.title} (${r.severity})` });
  }
  if (ownersTracked(doc)) {
    for (const g of ownerGroups(doc)) {
      const sev = SEVERITIES.filter((s) => g.bySeverity[s] > 0).map((s) => `${s} ${g.bySeverity[s]}`).join(', ');
      rows.push({
        section: 'Owner',
        item: g.owner,
        value: g.total,
        delta: cmp ? (g.new ?? 0) - (g.resolved ?? 0) : undefined,
        note: `${sev || 'no current findings'}; ${plural(g.accounts.length, 'account')}: ${g.accounts.map((a) => `${a} ${facts.accountName(a)}`.trim()).join(', ')}`,
      });
    }
  }
  if (cmp) {
    rows.push({ section: 'Comparison', item: 'Previous run', value: cmp.previousRunId, note: cmp.previousRunDir });
    rows.push({ section: 'Comparison', item: 'New', value: cmp.counts.new });
    rows.push({ section: 'Comparison', item: 'Persisting', value: cmp.counts.persisting });
    rows.push({ section: 'Comparison', item: 'Resolved', value: cmp.counts.resolved });
    if (cmp.waived) {
      rows.push({ section: 'Comparison', item: 'Waived new', value: cmp.waived.new, note: 'waived findings are counted apart, not in New / Persisting' });
      rows.push({ section: 'Comparison', item: 'Waived persisting', value: cmp.waived.persisting, note: 'waived findings are counted apart, not in New / Persisting' });
    }
    const notRechecked = notRecheckedOf(cmp);
    rows.push({
      section: 'Comparison',
      item: 'Not re-checked',
      value: notRechecked.length,
      note: 'Findings of the previous run this run did not re-check (scope, rules, threshold, failed or degraded collection): carried forward with their previous data, not counted as resolved and not by --fail-on. See the Not Re-checked sheet.',
      alert: notRechecked.length > 0,
    });
    const byReason = new Map<string, number>();
    for (const f of notRechecked) byReason.set(f.notRechecked!.code, (byReason.get(f.notRechecked!.code) ?? 0) + 1);
    for (const [code, n] of [...byReason].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      rows.push({ section: 'Comparison', item: `  ${code}`, value: n, note: notRechecked.find((f) => f.notRechecked!.code === code)!.notRechecked!.reason });
    }
    for (const [accountId, c] of Object.entries(cmp.byAccount).sort()) {
      rows.push({ section: 'Account delta', item: `${accountId} ${facts.accountName(accountId)}`.trim(), value: c.new + c.persisting, delta: c.new - c.resolved, note: `new ${c.new}, persisting ${c.persisting}, resolved ${c.resolved}, not re-checked ${c.notRechecked ?? 0}` });
    }
  }
  const h = doc.history;
  if (h) {
    rows.push({ section: 'History', item: 'Earlier runs in the history', value: h.runsRead, note: `${h.dir}${h.firstRunDate ? `, since ${h.firstRunDate}` : ''}` });
    rows.push({ section: 'History', item: 'Resolved since the last run', value: h.resolved });
    const slas = SEVERITIES.filter((sv) => h.slaDays[sv] !== undefined).map((sv) => `${sv} ${h.slaDays[sv]} days`).join(', ');
    rows.push({ section: 'History', item: 'Overdue (past their SLA)', value: h.overdue.total, note: slas ? `SLA: ${slas}` : 'No SLAs set (policy_config.remediation_sla_days).', alert: h.overdue.total > 0 });
    for (const sv of SEVERITIES) if (h.overdue.bySeverity[sv]) rows.push({ section: 'History', item: `  overdue ${sv}`, value: h.overdue.bySeverity[sv], alert: true });
  }
  const w = doc.waivers;
  if (w) {
    rows.push({ section: 'Waivers', item: 'Waived findings (not counted)', value: w.counts.waived, note: w.file });
    rows.push({ section: 'Waivers', item: 'Findings whose waiver expired (counted again)', value: w.counts.expiredFindings, alert: w.counts.expiredFindings > 0 });
    rows.push({ section: 'Waivers', item: 'Expired waivers', value: w.counts.expired, alert: w.counts.expired > 0 });
    rows.push({ section: 'Waivers', item: 'Stale waivers (matched nothing)', value: w.counts.stale, note: w.entries.filter((e) => e.stale).map((e) => e.id).join(', ') });
  }
  return rows;
}

// ---------- Trend (with history) ----------
/** The trend's columns: run, date, open per severity, new / resolved / not re-checked / waived, then open per rule. */
export function TREND_COLUMNS(doc: FindingsDocument): Column<TrendPoint>[] {
  const rules = [...new Set((doc.history?.trend ?? []).flatMap((p) => Object.keys(p.byRule)))].sort();
  return [
    { header: 'Run', width: 30, kind: 'id', value: (p) => p.runId },
    { header: 'Date', width: 12, kind: 'day', value: (p) => toDate(p.date) },
    { header: 'Open', width: 9, kind: 'number', value: (p) => p.open },
    ...SEVERITIES.map((sv): Column<TrendPoint> => ({ header: sv, width: 9, kind: 'number', value: (p) => p.bySeverity[sv] ?? 0 })),
    { header: 'New', width: 9, kind: 'number', value: (p) => p.new },
    { header: 'Resolved', width: 9, kind: 'number', value: (p) => p.resolved },
    { header: 'Not Re-checked', width: 10, kind: 'number', value: (p) => p.notRechecked },
    { header: 'Waived', width: 9, kind: 'number', value: (p) => p.waived },
    ...rules.map((id): Column<TrendPoint> => ({ header: id, width: Math.min(30, Math.max(10, id.length)), kind: 'number', value: (p) => p.byRule[id] ?? 0 })),
  ];
}

export function* trendRows(doc: FindingsDocument): Generator<TrendPoint> {
  yield* doc.history?.trend ?? [];
}

// ---------- Waivers ----------
export const WAIVER_COLUMNS: Column<WaiverEntry>[] = [
  { header: 'Waiver', width: 18, kind: 'id', value: (e) => e.id },
  { header: 'Status', width: 10, kind: 'overdue', value: (e) => e.status },
  { header: 'Expiry Date', width: 12, kind: 'day', value: (e) => toDate(e.expiryDate) },
  { header: 'Days Left', width: 9, kind: 'number', value: (e) => e.daysLeft },
  { header: 'Findings Matched', width: 10, kind: 'number', value: (e) => e.matched },
  { header: 'Stale', width: 8, kind: 'text', value: (e) => (e.stale ? 'stale: matched nothing' : '') },
  { header: 'Reason', width: 40, kind: 'wrap', value: (e) => e.reason },
  { header: 'Ticket', width: 16, kind: 'text', value: (e) => e.ticket },
  { header: 'Approved By', width: 24, kind: 'text', value: (e) => e.approvedBy },
];

export function* waiverRows(doc: FindingsDocument): Generator<WaiverEntry> {
  yield* doc.waivers?.entries ?? [];
}
