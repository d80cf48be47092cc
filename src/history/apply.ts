/**
 * Puts the history on a findings document: per finding first seen, last seen, age, runs seen, resolved-at and
 * its SLA deadline; per document the overdue counts and the trend of the last 12 runs.
 */
import { SEVERITIES, type Finding, type FindingHistory, type FindingsDocument, type HistoryInfo, type Severity } from '../model/findings.js';
import { addDays, daysBetween } from '../util/dates.js';
import { judgeRun, loadHistory, stateBefore, TREND_RUNS, type HistoryState, type IdState, type LoadedHistory } from './store.js';

export type SlaDays = Partial<Record<Severity, number>>;

function current(f: Finding, st: IdState | undefined, doc: FindingsDocument, sla: SlaDays, waived: boolean): FindingHistory {
  const date = doc.run.asOf;
  const firstSeen = st?.firstSeen ?? date;
  const ageDays = Math.max(0, daysBetween(firstSeen, date));
  const slaDays = sla[f.severity];
  return {
    firstSeen,
    firstRunId: st?.firstRunId ?? doc.run.runId,
    lastSeen: date,
    ageDays,
    runsSeen: (st?.runsSeen ?? 0) + 1,
    ...(st && !st.open && st.resolvedAt ? { reopenedAfter: st.resolvedAt } : st?.reopenedAfter ? { reopenedAfter: st.reopenedAfter } : {}),
    ...(slaDays !== undefined && f.status !== 'error'
      ? { slaDays, dueDate: addDays(firstSeen, slaDays), overdue: !waived && ageDays > slaDays }
      : {}),
  };
}

function earlier(st: IdState | undefined, resolvedAt: string | undefined): FindingHistory | undefined {
  if (!st) return undefined;
  return {
    firstSeen: st.firstSeen,
    firstRunId: st.firstRunId,
    lastSeen: st.lastSeen,
    ageDays: Math.max(0, daysBetween(st.firstSeen, resolvedAt ?? st.lastSeen)),
    runsSeen: st.runsSeen,
    ...(resolvedAt ? { resolvedAt } : {}),
    ...(st.reopenedAfter ? { reopenedAfter: st.reopenedAfter } : {}),
  };
}

/** The document with its history against `before` (the fold of the runs before it). */
export function applyHistory(doc: FindingsDocument, before: HistoryState, where: { dir: string; indexFile: string; sla: SlaDays }): FindingsDocument {
  const judged = judgeRun(before, doc);
  const ids = before.ids;
  const overdueBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const findings = doc.findings.map((f) => {
    const history = current(f, ids[f.id], doc, where.sla, false);
    if (history.overdue) overdueBySeverity[f.severity]++;
    return { ...f, history };
  });
  const annotatePast = (list: Finding[]) =>
    list.map((f) => {
      const history = earlier(ids[f.id], judged.resolved.has(f.id) ? doc.run.asOf : undefined);
      return history ? { ...f, history } : f;
    });
  const first = before.runs[0];
  const history: HistoryInfo = {
    dir: where.dir,
    indexFile: where.indexFile,
    runsRead: before.runs.length,
    ...(first ? { firstRunId: first.runId, firstRunDate: first.date } : {}),
    slaDays: where.sla,
    overdue: { total: SEVERITIES.reduce((n, s) => n + overdueBySeverity[s], 0), bySeverity: overdueBySeverity },
    resolved: judged.resolved.size,
    trend: [...before.runs.slice(-(TREND_RUNS - 1)).map((r) => r.point), judged.point],
  };
  return {
    ...doc,
    findings,
    ...(doc.waivers ? { waivers: { ...doc.waivers, waived: doc.waivers.waived.map((f) => ({ ...f, history: current(f, ids[f.id], doc, where.sla, true) })) } } : {}),
    ...(doc.comparison
      ? { comparison: { ...doc.comparison, resolved: annotatePast(doc.comparison.resolved), notRechecked: annotatePast(doc.comparison.notRechecked) } }
      : {}),
    history,
  };
}

export interface HistoryRequest {
  /** The history folder. */
  dir: string;
  /** Run folders not to read (the one being written). */
  exclude?: string[];
  /** policy_config.remediation_sla_days. */
  sla: SlaDays;
}

/** Loads (and updates) the history folder's index, then puts the history on doc. */
export function withHistory(doc: FindingsDocument, req: HistoryRequest): { doc: FindingsDocument; loaded: LoadedHistory } {
  const loaded = loadHistory(req.dir, { exclude: req.exclude ?? [] });
  const before = stateBefore(loaded, doc);
  return { doc: applyHistory(doc, before, { dir: loaded.dir, indexFile: loaded.indexFile, sla: req.sla }), loaded };
}
