/**
 * The compliance-program steps that follow the judging and the weekly comparison: waivers (config/waivers.json),
 * then history, age and SLAs (--history). `amigov scan`, `amigov evaluate` and `amigov demo` run them through
 * finishRun or directly; `amigov report` runs the history step. Inputs are checked before the first AWS call
 * (checkCompliance), so a bad waivers file or history folder costs nothing.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FindingsDocument } from '../model/findings.js';
import type { Inventory } from '../model/inventory.js';
import type { PublisherConfig } from '../config/schema.js';
import { UserError } from '../errors.js';
import { plural } from '../util/format.js';
import { loadWaivers, type LoadedWaivers } from '../waivers/load.js';
import { applyWaivers } from '../waivers/apply.js';
import { withHistory, type SlaDays } from '../history/apply.js';

/** The history folder when none is given: reports/, when the run folder is one of its folders. */
export const DEFAULT_HISTORY_DIR = 'reports';

export interface ComplianceFlags {
  /** --history DIR, or false (--no-history). */
  history?: string | false;
  /** --waivers PATH, or false (--no-waivers). */
  waivers?: string | false;
}

export interface ComplianceInputs {
  waivers?: LoadedWaivers;
  history?: { dir: string; exclude: string[] };
  sla: SlaDays;
  warnDays: number;
}

/**
 * The history folder of a run written into runDir: --history DIR; none with --no-history; else reports/ when
 * runDir is a folder of reports/ (the default run folder), and none for an --out elsewhere (a folder
 * amigov would otherwise write an index beside without being asked).
 */
export function historyDirFor(flag: string | false | undefined, runDir: string): string | undefined {
  if (flag === false) return undefined;
  if (flag !== undefined) return flag;
  return resolve(dirname(resolve(runDir))) === resolve(DEFAULT_HISTORY_DIR) ? DEFAULT_HISTORY_DIR : undefined;
}

/** Loads and checks the waivers and the history folder (exit 2 on a problem). */
export function checkCompliance(flags: ComplianceFlags, config: PublisherConfig, runDir: string, historyFrom: string = runDir): ComplianceInputs {
  const waivers = loadWaivers(flags.waivers, config);
  const dir = historyDirFor(flags.history, historyFrom);
  if (dir !== undefined && existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UserError(`--history ${dir} is a file, not a folder`, { hint: 'Pass the folder that holds the run folders (reports/ by default).' });
  }
  return {
    ...(waivers ? { waivers } : {}),
    ...(dir !== undefined ? { history: { dir, exclude: [runDir] } } : {}),
    sla: config.policy_config.remediation_sla_days,
    warnDays: config.policy_config.expiry_warning_days,
  };
}

export interface ComplianceResult {
  doc: FindingsDocument;
  /** Warnings for stderr (an index that could not be written). */
  warnings: string[];
}

/** Waivers, then history. */
export function applyCompliance(doc: FindingsDocument, inputs: ComplianceInputs, inventory?: Pick<Inventory, 'accounts'>): ComplianceResult {
  const warnings: string[] = [];
  let out = doc;
  if (inputs.waivers) out = applyWaivers(out, inputs.waivers, { asOf: out.run.asOf, warnDays: inputs.warnDays, ...(inventory ? { inventory } : {}) });
  if (inputs.history) {
    const { doc: withHist, loaded } = withHistory(out, { dir: inputs.history.dir, exclude: inputs.history.exclude, sla: inputs.sla });
    out = withHist;
    if (loaded.writeError) warnings.push(`could not write ${loaded.indexFile} (${loaded.writeError}); history is read from the run folders each time until it can be written`);
  }
  return { doc: out, warnings };
}

/** The console lines of the history and the waivers ('' when neither applied). */
export function formatCompliance(doc: FindingsDocument): string {
  const lines: string[] = [];
  const h = doc.history;
  if (h) {
    const since = h.firstRunDate ? ` since ${h.firstRunDate}` : '';
    const over = h.overdue.total
      ? `${h.overdue.total} overdue (${Object.entries(h.overdue.bySeverity).filter(([, n]) => n).map(([s, n]) => `${s} ${n}`).join(', ')})`
      : Object.keys(h.slaDays).length ? 'none overdue' : 'no SLAs set (policy_config.remediation_sla_days)';
    lines.push(
      h.runsRead === 0
        ? `History: no earlier run in ${h.dir}: this run starts the history; ${over}`
        : `History: ${plural(h.runsRead, 'earlier run')} in ${h.dir}${since}; ${h.resolved} resolved since then; ${over}`,
    );
  }
  const w = doc.waivers;
  if (w) {
    lines.push(
      `Waivers: ${plural(w.counts.waived, 'finding')} waived (not counted)` +
        (w.counts.expiredFindings ? `; ${plural(w.counts.expiredFindings, 'finding')} count again (waiver expired)` : '') +
        (w.counts.stale ? `; ${plural(w.counts.stale, 'stale waiver')} matched nothing (${w.entries.filter((e) => e.stale).map((e) => e.id).join(', ')})` : ''),
    );
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
