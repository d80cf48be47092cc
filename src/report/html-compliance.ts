/**
 * The HTML report's history, trend and waiver sections: numbers and strings only (markup is in
 * templates/partials/trend.hbs and waivers.hbs). The trend chart is inline SVG drawn from these numbers
 * with classes the report's own (hashed) stylesheet colours: no style attribute, no script, and every label
 * reaches the page through Handlebars' escaping, so it satisfies the report's Content-Security-Policy.
 */
import { SEVERITIES, type FindingsDocument, type Severity } from '../model/findings.js';

const fmt = (n: number) => n.toLocaleString('en-US');
const round = (n: number) => Math.round(n * 10) / 10;

const T = { width: 760, left: 48, right: 12, top: 10, openHeight: 170, gap: 34, flowHeight: 70, labelHeight: 30 };
/** Waived findings listed in the section (all are in report.xlsx and findings.csv). */
const WAIVED_LISTED = 200;

function trendChart(doc: FindingsDocument) {
  const trend = doc.history?.trend ?? [];
  const n = Math.max(trend.length, 1);
  const slot = (T.width - T.left - T.right) / n;
  const barW = Math.max(4, Math.min(40, slot * 0.6));
  const maxOpen = Math.max(1, ...trend.map((p) => p.open));
  const maxFlow = Math.max(1, ...trend.map((p) => Math.max(p.new, p.resolved)));
  const flowTop = T.top + T.openHeight + T.gap;
  const columns = trend.map((p, i) => {
    const cx = T.left + slot * i + slot / 2;
    let y = T.top + T.openHeight;
    const segments = SEVERITIES.filter((s) => (p.bySeverity[s] ?? 0) > 0).map((severity: Severity) => {
      const h = ((p.bySeverity[severity] ?? 0) / maxOpen) * T.openHeight;
      y -= h;
      return { severity, x: round(cx - barW / 2), y: round(y), width: round(barW), height: round(Math.max(h, 0.5)), title: `${fmt(p.bySeverity[severity] ?? 0)} ${severity} open on ${p.date}` };
    });
    const half = barW / 2 - 1;
    const newH = (p.new / maxFlow) * T.flowHeight;
    const resH = (p.resolved / maxFlow) * T.flowHeight;
    return {
      segments,
      openLabel: fmt(p.open),
      openLabelX: round(cx),
      openLabelY: round(y - 4),
      newBar: { x: round(cx - half - 1), y: round(flowTop + T.flowHeight - newH), width: round(half), height: round(Math.max(newH, 0.5)), title: `${fmt(p.new)} new on ${p.date}` },
      resolvedBar: { x: round(cx + 1), y: round(flowTop + T.flowHeight - resH), width: round(half), height: round(Math.max(resH, 0.5)), title: `${fmt(p.resolved)} resolved on ${p.date}` },
      label: p.date.slice(5),
      labelX: round(cx),
      labelY: flowTop + T.flowHeight + 16,
    };
  });
  return {
    width: T.width,
    height: flowTop + T.flowHeight + T.labelHeight,
    axisX: T.left - 6,
    openBase: T.top + T.openHeight,
    flowBase: flowTop + T.flowHeight,
    flowTop,
    maxOpen: fmt(maxOpen),
    maxOpenY: T.top + 10,
    maxFlow: fmt(maxFlow),
    maxFlowY: flowTop + 10,
    lineX2: T.width - T.right,
    columns,
  };
}

/** The history section's view, or null without history. */
export function historyView(doc: FindingsDocument) {
  const h = doc.history;
  if (!h) return null;
  const trend = h.trend;
  const rules = [...new Set(trend.flatMap((p) => Object.keys(p.byRule)))].sort();
  const slas = SEVERITIES.filter((s) => h.slaDays[s] !== undefined).map((s) => ({ severity: s, days: fmt(h.slaDays[s]!), overdue: fmt(h.overdue.bySeverity[s] ?? 0), hasOverdue: (h.overdue.bySeverity[s] ?? 0) > 0 }));
  const oldest = [...doc.findings].filter((f) => f.history).sort((a, b) => b.history!.ageDays - a.history!.ageDays || a.id.localeCompare(b.id)).slice(0, 10);
  return {
    dir: h.dir,
    runsRead: fmt(h.runsRead),
    since: h.firstRunDate ?? doc.run.asOf,
    resolved: fmt(h.resolved),
    overdueTotal: fmt(h.overdue.total),
    hasOverdue: h.overdue.total > 0,
    slas,
    hasSlas: slas.length > 0,
    chart: trendChart(doc),
    runs: trend.map((p) => ({ runId: p.runId, date: p.date, open: fmt(p.open), new: fmt(p.new), resolved: fmt(p.resolved), notRechecked: fmt(p.notRechecked), waived: fmt(p.waived), severities: SEVERITIES.map((s) => fmt(p.bySeverity[s] ?? 0)) })),
    severities: SEVERITIES,
    ruleRows: rules.map((id) => ({ id, counts: trend.map((p) => fmt(p.byRule[id] ?? 0)) })),
    dates: trend.map((p) => p.date),
    oldest: oldest.map((f) => ({
      severity: f.severity,
      ruleId: f.ruleId,
      accountId: f.accountId,
      resourceId: f.resourceId,
      firstSeen: f.history!.firstSeen,
      age: fmt(f.history!.ageDays),
      runs: fmt(f.history!.runsSeen),
      due: f.history!.dueDate ?? '',
      overdue: f.history!.overdue === true,
    })),
  };
}

/** The waivers section's view, or null when no waivers file was applied. */
export function waiversView(doc: FindingsDocument, names: Map<string, string>) {
  const w = doc.waivers;
  if (!w) return null;
  const expiredFindings = doc.findings.filter((f) => f.waiver?.status === 'expired');
  const row = (f: FindingsDocument['findings'][number]) => ({
    severity: f.severity,
    ruleId: f.ruleId,
    accountId: f.accountId,
    accountName: f.accountName ?? names.get(f.accountId) ?? '',
    region: f.region,
    resourceId: f.resourceId,
    waiverId: f.waiver?.id ?? '',
    note: f.waiver?.note ?? '',
    reason: f.waiver?.reason ?? '',
    approvedBy: f.waiver?.approvedBy ?? '',
  });
  const listed = w.waived.slice(0, WAIVED_LISTED);
  return {
    file: w.file,
    waived: fmt(w.counts.waived),
    expiredFindingsCount: fmt(w.counts.expiredFindings),
    hasExpiredFindings: w.counts.expiredFindings > 0,
    stale: fmt(w.counts.stale),
    hasStale: w.counts.stale > 0,
    list: listed.map(row),
    more: w.waived.length > listed.length ? `The first ${fmt(listed.length)} of ${fmt(w.waived.length)} are listed here; report.xlsx (Findings, change "waived") and findings.csv hold all of them.` : '',
    expiredList: expiredFindings.slice(0, WAIVED_LISTED).map(row),
    entries: w.entries.map((e) => ({ ...e, matchedText: fmt(e.matched), expired: e.status === 'expired', expiring: e.status === 'expiring', daysText: e.daysLeft < 0 ? `expired ${fmt(-e.daysLeft)} days ago` : e.daysLeft === 0 ? 'last day today' : `${fmt(e.daysLeft)} days left` })),
  };
}
