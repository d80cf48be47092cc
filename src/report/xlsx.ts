/**
 * report.xlsx, written with exceljs's streaming WorkbookWriter: each row is committed as soon as it is
 * built and the writer yields to the event loop so the zip stream drains, which keeps memory bounded
 * at 200,000 rows. Sheets are written one after the other (a later sheet's rows would otherwise wait
 * in memory until the earlier sheet's zip entry is done).
 *
 * Cell rules: ids (account ids, resource ids) are text, never numbers (account ids keep their leading
 * zeros); timestamps are real Excel dates (UTC); every string is an inline string and formula-looking
 * strings get a leading `'` (see cells.ts), so no AWS-sourced text can become a formula.
 */
import { ROLLOUT_COLUMNS, ROOT_CAUSE_COLUMNS, TIMELINE_COLUMNS } from './blast.js';
import { once } from 'node:events';
// The streaming writer alone, not exceljs's index: the index also loads the in-memory Workbook and the
// WorkbookReader (unzipper, jszip, es-abstract...), about 660 modules against the writer's 205 (issue #18 item 6).
import StreamingWorkbookWriter from 'exceljs/lib/stream/xlsx/workbook-writer.js';
import type { Cell, Fill, Font, Style, Worksheet } from 'exceljs';
import type { FindingsDocument, Severity } from '../model/findings.js';
import { atomicTarget } from '../util/atomic-write.js';
import { neutralizeFormula } from './cells.js';
import type { ReportMeta } from './meta.js';
import { FINDING_COLUMNS, findingRows, type Column, type ColumnKind } from './rows.js';
import {
  commandRows,
  COMMAND_COLUMNS,
  COVERAGE_COLUMNS,
  coverageRows,
  IMAGE_COLUMNS,
  imageRows,
  NOT_RECHECKED_COLUMNS,
  notRecheckedRows,
  INSTANCE_COLUMNS,
  instanceRows,
  PUBLIC_AMI_COLUMNS,
  publicAmiRows,
  summaryRows,
  SUMMARY_COLUMNS,
  TREND_COLUMNS,
  trendRows,
  WAIVER_COLUMNS,
  waiverRows,
  type SummaryRow,
} from './sheets.js';

type WorkbookWriter = InstanceType<typeof StreamingWorkbookWriter>;

/** Excel's limit on the text of one cell. */
const MAX_CELL_CHARS = 32_767;
// Characters XML 1.0 cannot carry at all; a tag value holding one would make the sheet unreadable.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
/** Rows between back-pressure checks. */
const ROWS_PER_YIELD = 200;

/** The text as it goes into a cell: XML-safe, formula-guarded, within Excel's length limit. */
export function excelText(value: string): string {
  let text = neutralizeFormula(value.replace(XML_INVALID, '\uFFFD'));
  if (text.length > MAX_CELL_CHARS) {
    const note = ' … [truncated: the full text is in findings.json]';
    text = text.slice(0, MAX_CELL_CHARS - note.length) + note;
  }
  return text;
}

const solid = (argb: string): Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });
const THIN = { style: 'thin' as const, color: { argb: 'FFB8C2CC' } };

const SEVERITY_COLORS: Record<Severity, { fill: string; font: string }> = {
  critical: { fill: 'FF7F1D1D', font: 'FFFFFFFF' },
  high: { fill: 'FFDC2626', font: 'FFFFFFFF' },
  medium: { fill: 'FFF59E0B', font: 'FF1F2937' },
  low: { fill: 'FF93C5FD', font: 'FF1F2937' },
  info: { fill: 'FFE5E7EB', font: 'FF1F2937' },
};
const CHANGE_FILLS: Record<string, string> = { new: 'FFFDE68A', resolved: 'FFBBF7D0', 'not-rechecked': 'FFE5E7EB', persisting: 'FFF3F4F6', waived: 'FFDBEAFE' };
const STATUS_FILLS: Record<string, string> = { ok: 'FFBBF7D0', skipped: 'FFFDE68A', 'access-denied': 'FFFCA5A5', error: 'FFFCA5A5' };

// Style objects are created once and reused: exceljs caches the style id per object.
const STYLES = {
  header: { font: { bold: true, color: { argb: 'FFFFFFFF' } }, fill: solid('FF1E293B'), alignment: { vertical: 'middle', wrapText: true }, border: { bottom: THIN } } as Partial<Style>,
  id: { numFmt: '@', alignment: { vertical: 'top' } } as Partial<Style>,
  text: { alignment: { vertical: 'top' } } as Partial<Style>,
  wrap: { alignment: { vertical: 'top', wrapText: true } } as Partial<Style>,
  date: { numFmt: 'yyyy-mm-dd hh:mm:ss', alignment: { vertical: 'top' } } as Partial<Style>,
  day: { numFmt: 'yyyy-mm-dd', alignment: { vertical: 'top' } } as Partial<Style>,
  number: { numFmt: '#,##0', alignment: { vertical: 'top' } } as Partial<Style>,
  section: { font: { bold: true, color: { argb: 'FF1E293B' } } as Partial<Font>, alignment: { vertical: 'top' } } as Partial<Style>,
  alert: { font: { bold: true, color: { argb: 'FFFFFFFF' } }, fill: solid('FFB91C1C'), alignment: { vertical: 'top', wrapText: true } } as Partial<Style>,
};
const SEVERITY_STYLES = Object.fromEntries(
  Object.entries(SEVERITY_COLORS).map(([sev, c]) => [sev, { font: { bold: true, color: { argb: c.font } }, fill: solid(c.fill), alignment: { vertical: 'top' } } as Partial<Style>]),
) as Record<string, Partial<Style>>;
const fillStyles = (fills: Record<string, string>) =>
  Object.fromEntries(Object.entries(fills).map(([k, argb]) => [k, { fill: solid(argb), alignment: { vertical: 'top' } } as Partial<Style>])) as Record<string, Partial<Style>>;
const CHANGE_STYLES = fillStyles(CHANGE_FILLS);
const STATUS_STYLES = fillStyles(STATUS_FILLS);

function styleFor(kind: ColumnKind, value: string | number | Date): Partial<Style> {
  switch (kind) {
    case 'severity':
      return SEVERITY_STYLES[String(value)] ?? STYLES.text;
    case 'change':
      return CHANGE_STYLES[String(value)] ?? STYLES.text;
    case 'overdue':
      // An overdue finding, an expired waiver: shown in red.
      return value === 'yes' || value === 'expired' ? STYLES.alert : STYLES.text;
    case 'status':
      return STATUS_STYLES[String(value)] ?? STYLES.text;
    case 'date':
      return STYLES.date;
    case 'day':
      return STYLES.day;
    case 'number':
      return STYLES.number;
    case 'id':
      return STYLES.id;
    case 'wrap':
      return STYLES.wrap;
    default:
      return STYLES.text;
  }
}

/** Writes one value into a cell with the right type: Date, number, or inline string. */
function setCell(cell: Cell, kind: ColumnKind, value: string | number | Date | undefined): void {
  if (value === undefined || value === '') return;
  if (value instanceof Date) {
    cell.value = value;
  } else if (typeof value === 'number') {
    cell.value = value;
  } else {
    // A rich-text value is written as t="inlineStr": a plain string cell that never touches a formula.
    cell.value = { richText: [{ text: excelText(value) }] };
  }
  cell.style = styleFor(kind, value);
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Uncompressed sheet XML allowed to wait for the zip before the writer stops producing rows. Kept small: what
 * waits there (the chunks and the stream's write requests holding them) lives through V8's young-generation
 * collections and is promoted to the old generation, which only a full collection frees. With 4 MiB the
 * 1,000-account workbook (86,334 findings) promoted enough for a full collection every second and the step's RSS
 * peaked at 585 MB; with 2 MiB there were 13 full collections; with 1 MiB, 512 KiB or 256 KiB none, a peak of
 * 513-520 MB, and the same time within noise (Node 24, `--trace-gc`, 2026-12-03). 256 KiB keeps a wide margin.
 */
const BACKLOG_LIMIT = 256 * 1024;

/**
 * Back-pressure. exceljs's sheet stream (a StreamBuf) writes into the zip entry's PassThrough and
 * ignores its return value, so a fast loop piles the whole sheet up in memory while deflate runs
 * behind. Waiting for that PassThrough to drain keeps memory flat. It is exceljs internals, so when
 * the shape is not what we expect we fall back to yielding to the event loop.
 */
async function drain(ws: Worksheet): Promise<void> {
  const pipes = (ws as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  // archiver wraps the entry in readable-stream's PassThrough, which predates `writableLength`.
  const dest = pipes?.[0] as (NodeJS.EventEmitter & { writableLength?: number; _writableState?: { length?: number } }) | undefined;
  const pending = dest?.writableLength ?? dest?._writableState?.length;
  if (dest && typeof pending === 'number' && typeof dest.once === 'function') {
    if (pending > BACKLOG_LIMIT) await once(dest, 'drain');
    return;
  }
  await tick();
}

/** Starts a sheet: widths, a styled header row that stays frozen, and an autofilter over the header. */
function startSheet(wb: WorkbookWriter, name: string, columns: { header: string; width: number }[], tabColor?: string): Worksheet {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
    ...(tabColor ? { properties: { tabColor: { argb: tabColor } } } : {}),
  });
  ws.columns = columns.map((c) => ({ width: c.width }));
  const header = ws.addRow([]);
  columns.forEach((c, i) => setCell(header.getCell(i + 1), 'text', c.header));
  columns.forEach((_, i) => (header.getCell(i + 1).style = STYLES.header));
  header.height = 20;
  header.commit();
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return ws;
}

/** A table sheet: header, then one committed row per item; a note row when there is nothing to list. */
async function tableSheet<R>(wb: WorkbookWriter, name: string, columns: Column<R>[], rows: Iterable<R>, emptyNote: string): Promise<number> {
  const ws = startSheet(wb, name, columns);
  let count = 0;
  for (const item of rows) {
    const row = ws.addRow([]);
    columns.forEach((c, i) => setCell(row.getCell(i + 1), c.kind, c.value(item)));
    row.commit();
    if (++count % ROWS_PER_YIELD === 0) await drain(ws);
  }
  if (count === 0) {
    const row = ws.addRow([]);
    setCell(row.getCell(1), 'text', emptyNote);
    row.commit();
  }
  ws.commit();
  return count;
}

async function summarySheet(wb: WorkbookWriter, rows: SummaryRow[]): Promise<void> {
  const ws = startSheet(wb, 'Summary', SUMMARY_COLUMNS);
  for (const r of rows) {
    const row = ws.addRow([]);
    setCell(row.getCell(1), 'text', r.section);
    setCell(row.getCell(2), 'text', r.item);
    setCell(row.getCell(3), r.kind ?? (typeof r.value === 'number' ? 'number' : 'text'), r.value);
    setCell(row.getCell(4), 'number', r.delta);
    setCell(row.getCell(5), 'wrap', r.note);
    if (r.alert) [1, 2, 3, 4, 5].forEach((i) => (row.getCell(i).style = STYLES.alert));
    row.commit();
  }
  ws.commit();
}

/** Writes report.xlsx atomically (temp file, then rename). */
export async function writeXlsx(doc: FindingsDocument, meta: ReportMeta, target: string): Promise<void> {
  const t = atomicTarget(target);
  const wb = new StreamingWorkbookWriter({ filename: t.tempPath, useStyles: true, useSharedStrings: false });
  wb.creator = `amigov ${meta.toolVersion}`;
  wb.created = new Date(meta.generatedAt);
  const inv = meta.inventory;
  const noInventory = 'inventory.json was not available for this run: see the Findings sheet.';
  try {
    await summarySheet(wb, summaryRows(doc, meta));
    await tableSheet(wb, 'Findings', FINDING_COLUMNS, findingRows(doc), 'No findings.');
    if (doc.comparison) await tableSheet(wb, 'Not Re-checked', NOT_RECHECKED_COLUMNS, notRecheckedRows(doc), 'Every finding of the previous run was re-checked by this run.');
    if (doc.history) await tableSheet(wb, 'Trend', TREND_COLUMNS(doc), trendRows(doc), 'No run in the history yet.');
    if (doc.waivers) await tableSheet(wb, 'Waivers', WAIVER_COLUMNS, waiverRows(doc), 'config/waivers.json lists no waiver.');
    await tableSheet(wb, 'Instances', INSTANCE_COLUMNS, instanceRows(doc, inv), inv ? 'No instances in the scanned accounts.' : noInventory);
    await tableSheet(wb, 'Images', IMAGE_COLUMNS, imageRows(doc, inv), inv ? 'The scanned accounts own no AMIs.' : noInventory);
    await tableSheet(wb, 'Public AMIs', PUBLIC_AMI_COLUMNS, publicAmiRows(doc, inv), 'No public AMIs.');
    await tableSheet(wb, 'Coverage', COVERAGE_COLUMNS, coverageRows(doc), 'No account x region was scanned.');
    // The blast radius (issue #14): per OU, over time, and by root cause.
    const blast = doc.impact.blastRadius;
    const noBlast = 'findings.json has no blast radius (written by an older amigov): re-run amigov evaluate.';
    await tableSheet(wb, 'Rollout', ROLLOUT_COLUMNS, blast?.rollout ?? [], blast ? 'No OUs: the inventory has no organization tree.' : noBlast);
    await tableSheet(wb, 'Timeline', TIMELINE_COLUMNS, blast?.timeline.events ?? [], blast ? `No exception expires within ${blast.timeline.horizonDays} days.` : noBlast);
    await tableSheet(wb, 'Blast Radius', ROOT_CAUSE_COLUMNS, blast?.images ?? [], blast ? 'No image would be refused.' : noBlast);
    await tableSheet(wb, 'Commands', COMMAND_COLUMNS, commandRows(doc), 'No commands: there are no findings.');
    await wb.commit();
    t.commit();
  } catch (err) {
    t.abort();
    throw err;
  }
}

