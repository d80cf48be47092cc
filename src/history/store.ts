/**
 * Finding history over the run folders of a history folder (reports/ by default): the run folders are the
 * store, and `history-index.json` beside them is a cache of what was folded from them, so a year of weekly runs
 * is read as one file plus the runs added since (docs/reports.md "History").
 *
 * Runs are folded oldest first. Each run is compared with everything still open before it (the findings of
 * earlier runs not yet resolved) by the weekly comparison's own judge (report/compare.ts): a finding is resolved
 * only when a run re-checked it with complete data and it was gone. One the run did not re-check stays open
 * with its last-seen date: "not re-checked" is never "resolved".
 *
 * The index is only a cache. It is rebuilt from the folders when it is missing, unreadable, of another version,
 * or no longer matches them (a run folder removed or changed, an older run added).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { SEVERITIES, type Finding, type FindingsDocument, type Severity, type TrendPoint } from '../model/findings.js';
import { RUN_FILES } from '../model/run-files.js';
import { readFindingsDocument } from '../model/files.js';
import { compareRuns } from '../report/compare.js';
import { writeJsonAtomic } from '../util/atomic-write.js';

export const HISTORY_INDEX_FILE = 'history-index.json';
const INDEX_KIND = 'amigov.history-index';
// 2: trend points count waived findings apart (`new` without them, `newWaived`).
const INDEX_VERSION = 2;
/** Runs the trend shows, this one included. */
export const TREND_RUNS = 12;

/** What the judge needs of a finding still open (report/compare.ts reads no more). */
type OpenFinding = Pick<Finding, 'id' | 'ruleId' | 'accountId' | 'region' | 'severity' | 'status' | 'resourceId'>;

export interface IdState {
  firstSeen: string;
  firstRunId: string;
  lastSeen: string;
  runsSeen: number;
  resolvedAt?: string;
  reopenedAfter?: string;
  /** Set while open (seen and not resolved since): the data the judge needs. */
  open?: OpenFinding;
}

/** What a run is, as the previous run of a comparison: its run-level gaps and the account x regions it scanned ok. */
interface RunContext {
  runId: string;
  deep: boolean;
  organization: boolean;
  ok: [string, string][];
}

interface IndexedRun {
  /** Folder name inside the history folder, and its findings.json's size and modification time. */
  dir: string;
  size: number;
  mtimeMs: number;
  runId: string;
  date: string;
  startedAt: string;
  point: TrendPoint;
}

/** The fold of a sequence of runs. */
export interface HistoryState {
  runs: IndexedRun[];
  ids: Record<string, IdState>;
  context?: RunContext;
  /** Undo of the last run: each id's state before it (null: it was new), and the context before it. */
  undo?: { ids: Record<string, IdState | null>; context?: RunContext };
}

const emptyState = (): HistoryState => ({ runs: [], ids: {} });

const sevCounts = (): Record<Severity, number> => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

function contextOf(doc: FindingsDocument): RunContext {
  return {
    runId: doc.run.runId,
    deep: doc.evaluation?.deep ?? doc.run.parameters['deep'] === true,
    organization: Boolean(doc.run.organization),
    ok: doc.coverage.entries.filter((e) => e.status === 'ok').map((e) => [e.accountId, e.region]),
  };
}

/**
 * A previous-run document for compareRuns, from a context and the findings still open. The context is the last
 * run's: a finding carried forward from an earlier run (not re-checked since) is judged against the last run's
 * run-level gaps and scanned account x regions, which only matter for organization- and account-wide findings.
 */
function previousDoc(ctx: RunContext, open: OpenFinding[]): FindingsDocument {
  return {
    run: { runId: ctx.runId, parameters: { deep: ctx.deep }, organization: ctx.organization ? { id: 'o-history', managementAccountId: '' } : null },
    evaluation: { deep: ctx.deep },
    coverage: { entries: ctx.ok.map(([accountId, region]) => ({ accountId, region, status: 'ok' })) },
    findings: open,
  } as unknown as FindingsDocument;
}

/** The run's point of the trend and what it did to each id, against the state before it. */
export interface FoldResult {
  point: TrendPoint;
  /** Ids this run re-checked and found gone. */
  resolved: Set<string>;
  /** Ids open before it that it did not re-check. */
  notRechecked: Set<string>;
}

/** Compares doc with everything open in state (does not change state). */
export function judgeRun(state: HistoryState, doc: FindingsDocument): FoldResult {
  const open = Object.values(state.ids).flatMap((s) => (s.open ? [s.open] : []));
  const openIds = new Set(open.map((f) => f.id));
  const resolved = new Set<string>();
  const notRechecked = new Set<string>();
  if (state.context && open.length) {
    const cmp = compareRuns(doc, previousDoc(state.context, open), '').comparison!;
    for (const f of cmp.resolved) resolved.add(f.id);
    for (const f of cmp.notRechecked) notRechecked.add(f.id);
  }
  const bySeverity = sevCounts();
  const byRule: Record<string, number> = {};
  for (const f of doc.findings) {
    bySeverity[f.severity]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  }
  const point: TrendPoint = {
    runId: doc.run.runId,
    date: doc.run.asOf,
    open: doc.findings.length,
    bySeverity,
    byRule,
    // First seen in this run: a waived one apart (like `open`, the headline numbers are what needs action).
    new: new Set(doc.findings.filter((f) => !openIds.has(f.id)).map((f) => f.id)).size,
    newWaived: new Set((doc.waivers?.waived ?? []).filter((f) => !openIds.has(f.id)).map((f) => f.id)).size,
    resolved: resolved.size,
    notRechecked: notRechecked.size,
    waived: doc.waivers?.waived.length ?? 0,
  };
  return { point, resolved, notRechecked };
}

/** Folds one run (oldest first) into state. */
export function foldRun(state: HistoryState, doc: FindingsDocument, where: { dir: string; size: number; mtimeMs: number }): FoldResult {
  const result = judgeRun(state, doc);
  const date = doc.run.asOf;
  const undo: Record<string, IdState | null> = {};
  const touch = (id: string) => {
    if (!(id in undo)) undo[id] = state.ids[id] ? { ...state.ids[id]! } : null;
  };
  const seen = new Set<string>();
  for (const f of [...doc.findings, ...(doc.waivers?.waived ?? [])]) {
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    touch(f.id);
    const st = state.ids[f.id];
    const open: OpenFinding = { id: f.id, ruleId: f.ruleId, accountId: f.accountId, region: f.region, severity: f.severity, status: f.status, resourceId: f.resourceId };
    if (!st) {
      state.ids[f.id] = { firstSeen: date, firstRunId: doc.run.runId, lastSeen: date, runsSeen: 1, open };
      continue;
    }
    if (!st.open && st.resolvedAt) {
      st.reopenedAfter = st.resolvedAt;
      delete st.resolvedAt;
    }
    st.lastSeen = date;
    st.runsSeen++;
    st.open = open;
  }
  for (const id of result.resolved) {
    touch(id);
    const st = state.ids[id]!;
    st.resolvedAt = date;
    delete st.open;
  }
  state.undo = { ids: undo, ...(state.context ? { context: state.context } : {}) };
  state.context = contextOf(doc);
  state.runs.push({ dir: where.dir, size: where.size, mtimeMs: where.mtimeMs, runId: doc.run.runId, date, startedAt: doc.run.startedAt, point: result.point });
  return result;
}

/** The state before the last folded run (for re-judging or re-rendering that run), or undefined when it can't be undone. */
export function withoutLastRun(state: HistoryState): HistoryState | undefined {
  if (!state.undo || state.runs.length === 0) return undefined;
  const ids: Record<string, IdState> = { ...state.ids };
  for (const [id, before] of Object.entries(state.undo.ids)) {
    if (before === null) delete ids[id];
    else ids[id] = before;
  }
  return { runs: state.runs.slice(0, -1), ids, ...(state.undo.context ? { context: state.undo.context } : {}) };
}

// ---------- the folders and the index ----------

export interface RunFolder {
  dir: string;
  path: string;
  size: number;
  mtimeMs: number;
}

/** Scan run folders (findings.json beside inventory.json) in dir; evaluate/report folders hold no inventory. */
export function listRunFolders(dir: string): RunFolder[] {
  if (!existsSync(dir)) return [];
  const out: RunFolder[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const path = join(dir, d.name, RUN_FILES.findings);
    if (!existsSync(join(dir, d.name, RUN_FILES.inventory))) continue;
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    out.push({ dir: d.name, path, size: st.size, mtimeMs: st.mtimeMs });
  }
  return out;
}

const order = (a: { date: string; startedAt: string; runId: string }, b: { date: string; startedAt: string; runId: string }) =>
  a.date < b.date ? -1 : a.date > b.date ? 1 : a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.runId.localeCompare(b.runId);

const idStateSchema = z.object({
  firstSeen: z.string(),
  firstRunId: z.string(),
  lastSeen: z.string(),
  runsSeen: z.number(),
  resolvedAt: z.string().optional(),
  reopenedAfter: z.string().optional(),
  open: z.object({ id: z.string(), ruleId: z.string(), accountId: z.string(), region: z.string(), severity: z.enum(SEVERITIES), status: z.enum(['fail', 'cannot-verify', 'error']), resourceId: z.string() }).optional(),
});
const contextSchema = z.object({ runId: z.string(), deep: z.boolean(), organization: z.boolean(), ok: z.array(z.tuple([z.string(), z.string()])) });
const indexSchema = z.object({
  kind: z.literal(INDEX_KIND),
  schemaVersion: z.literal(INDEX_VERSION),
  runs: z.array(
    z.object({
      dir: z.string(),
      size: z.number(),
      mtimeMs: z.number(),
      runId: z.string(),
      date: z.string(),
      startedAt: z.string(),
      point: z.object({
        runId: z.string(),
        date: z.string(),
        open: z.number(),
        bySeverity: z.record(z.enum(SEVERITIES), z.number()),
        byRule: z.record(z.string(), z.number()),
        new: z.number(),
        resolved: z.number(),
        notRechecked: z.number(),
        waived: z.number(),
        newWaived: z.number().optional(),
      }),
    }),
  ),
  ids: z.record(z.string(), idStateSchema),
  context: contextSchema.optional(),
  undo: z.object({ ids: z.record(z.string(), idStateSchema.nullable()), context: contextSchema.optional() }).optional(),
});

function readIndex(file: string): HistoryState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = indexSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? (parsed.data as HistoryState) : undefined;
  } catch {
    return undefined;
  }
}

export interface LoadedHistory {
  dir: string;
  indexFile: string;
  state: HistoryState;
  /** How the index was used: read as it was, extended with new runs, or rebuilt from every folder. */
  index: 'current' | 'extended' | 'rebuilt' | 'none';
  /** Run folders read (findings.json parsed) to bring it up to date. */
  foldersRead: number;
  /** Why the index could not be written (read-only folder): a warning, not a failure. */
  writeError?: string;
}

/**
 * Brings the index of dir up to date with its run folders and writes it back (when anything changed).
 * `exclude`: folders never to fold (the run being written).
 */
export function loadHistory(dir: string, opts: { exclude?: string[]; write?: boolean } = {}): LoadedHistory {
  const abs = resolve(dir);
  const indexFile = join(abs, HISTORY_INDEX_FILE);
  const excluded = new Set((opts.exclude ?? []).map((p) => resolve(p)));
  const folders = listRunFolders(abs).filter((f) => !excluded.has(join(abs, f.dir)));
  const cached = readIndex(indexFile);
  const byDir = new Map(folders.map((f) => [f.dir, f]));
  // Usable when every indexed run is still there unchanged, and every other folder sorts after them.
  let state: HistoryState | undefined = cached;
  let mode: LoadedHistory['index'] = cached ? 'current' : folders.length ? 'rebuilt' : 'none';
  if (cached && !cached.runs.every((r) => byDir.get(r.dir)?.size === r.size && byDir.get(r.dir)?.mtimeMs === r.mtimeMs)) state = undefined;
  const indexed = new Set(state?.runs.map((r) => r.dir) ?? []);
  const fresh = folders.filter((f) => !indexed.has(f.dir)).map((f) => ({ f, doc: readFindingsDocument(f.path) }));
  let foldersRead = fresh.length;
  const key = (doc: FindingsDocument) => ({ date: doc.run.asOf, startedAt: doc.run.startedAt, runId: doc.run.runId });
  fresh.sort((a, b) => order(key(a.doc), key(b.doc)));
  const last = state?.runs.at(-1);
  if (state && last && fresh.length && order(key(fresh[0]!.doc), last) <= 0) state = undefined;
  if (!state) {
    // Rebuild: every folder, oldest first.
    const all = state === undefined && cached ? folders.map((f) => ({ f, doc: fresh.find((x) => x.f.dir === f.dir)?.doc ?? readFindingsDocument(f.path) })) : fresh;
    foldersRead = all.length;
    all.sort((a, b) => order(key(a.doc), key(b.doc)));
    state = emptyState();
    for (const { f, doc } of all) foldRun(state, doc, f);
    mode = all.length ? 'rebuilt' : 'none';
  } else if (fresh.length) {
    for (const { f, doc } of fresh) foldRun(state, doc, f);
    mode = 'extended';
  }
  const result: LoadedHistory = { dir: abs, indexFile, state, index: mode, foldersRead };
  if (opts.write !== false && mode !== 'current' && mode !== 'none') {
    try {
      writeJsonAtomic(indexFile, { kind: INDEX_KIND, schemaVersion: INDEX_VERSION, ...state });
    } catch (err) {
      result.writeError = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    }
  }
  return result;
}

/**
 * The state of the runs before doc: the whole index when doc is newer than every run in it (a new scan); the
 * index without its last run when that run is doc's own (evaluate or report of the latest run); otherwise the
 * runs before doc folded again from their folders (a report of an older run).
 */
export function stateBefore(loaded: LoadedHistory, doc: FindingsDocument): HistoryState {
  const s = loaded.state;
  const me = { date: doc.run.asOf, startedAt: doc.run.startedAt, runId: doc.run.runId };
  const last = s.runs.at(-1);
  if (!last || (last.runId !== doc.run.runId && order(last, me) < 0)) return s;
  if (last.runId === doc.run.runId) {
    const undone = withoutLastRun(s);
    if (undone && undone.runs.every((r) => r.runId !== doc.run.runId && order(r, me) < 0)) return undone;
  }
  const state = emptyState();
  for (const r of s.runs) {
    if (r.runId === doc.run.runId || order(r, me) >= 0) continue;
    foldRun(state, readFindingsDocument(join(loaded.dir, r.dir, RUN_FILES.findings)), r);
  }
  return state;
}
