/**
 * The findings as table rows: one column list shared by findings.csv and the XLSX Findings sheet, so
 * both files always carry the same fields in the same order.
 */
import type { Finding, FindingsDocument } from '../model/findings.js';
import { commandsBlock, keyValueLines, toDate } from './cells.js';
import { notRecheckedOf } from './compare.js';

/** A finding's place in the weekly comparison ('waived': matched by an active waiver); '' when the run was not compared. */
export type ChangeLabel = NonNullable<Finding['change']> | 'waived' | '';

export interface FindingRow {
  finding: Finding;
  change: ChangeLabel;
  accountName: string;
}

/** How a column's value is written: ids stay text, severity is coloured, wrap columns wrap. */
export type ColumnKind = 'id' | 'text' | 'wrap' | 'severity' | 'change' | 'status' | 'date' | 'day' | 'number' | 'overdue';

export interface Column<R> {
  header: string;
  /** Excel column width in characters. */
  width: number;
  kind: ColumnKind;
  value(row: R): string | number | Date | undefined;
}

/** Account id -> name, from the document's account list (findings may carry their own). */
export function accountNames(doc: FindingsDocument): Map<string, string> {
  return new Map(doc.accounts.map((a) => [a.accountId, a.name]));
}

/**
 * Every row a findings table shows: the current findings, then (after a comparison) the resolved ones
 * and the previous run's findings this run did not re-check (with the reason), each labelled; then the
 * findings an active waiver matched (change 'waived'; `waived: false` leaves them out, as the HTML table does).
 */
export function* findingRows(doc: FindingsDocument, opts: { waived?: boolean } = {}): Generator<FindingRow> {
  const names = accountNames(doc);
  const row = (finding: Finding, change: ChangeLabel): FindingRow => ({
    finding,
    change,
    accountName: finding.accountName ?? names.get(finding.accountId) ?? '',
  });
  for (const f of doc.findings) yield row(f, f.change ?? (doc.comparison ? 'new' : ''));
  if (doc.comparison) {
    for (const f of doc.comparison.resolved) yield row(f, 'resolved');
    for (const f of notRecheckedOf(doc.comparison)) yield row(f, 'not-rechecked');
  }
  if (opts.waived !== false) for (const f of doc.waivers?.waived ?? []) yield row(f, 'waived');
}

export function findingRowCount(doc: FindingsDocument): number {
  const c = doc.comparison;
  return doc.findings.length + (c ? c.resolved.length + notRecheckedOf(c).length : 0) + (doc.waivers?.waived.length ?? 0);
}

export const FINDING_COLUMNS: Column<FindingRow>[] = [
  { header: 'Finding ID', width: 20, kind: 'id', value: (r) => r.finding.id },
  { header: 'Change', width: 13, kind: 'change', value: (r) => r.change },
  { header: 'Not Re-checked Because', width: 40, kind: 'wrap', value: (r) => (r.finding.notRechecked ? `${r.finding.notRechecked.code}: ${r.finding.notRechecked.reason}` : undefined) },
  { header: 'First Seen', width: 12, kind: 'day', value: (r) => toDate(r.finding.history?.firstSeen) },
  { header: 'Age (Days)', width: 8, kind: 'number', value: (r) => r.finding.history?.ageDays },
  { header: 'Runs Seen', width: 8, kind: 'number', value: (r) => r.finding.history?.runsSeen },
  { header: 'SLA Due', width: 12, kind: 'day', value: (r) => toDate(r.finding.history?.dueDate) },
  { header: 'Overdue', width: 9, kind: 'overdue', value: (r) => (r.finding.history?.overdue ? 'yes' : r.finding.history?.dueDate ? 'no' : undefined) },
  { header: 'Resolved At', width: 12, kind: 'day', value: (r) => toDate(r.finding.history?.resolvedAt) },
  { header: 'Waiver', width: 36, kind: 'wrap', value: (r) => r.finding.waiver?.note },
  { header: 'Severity', width: 10, kind: 'severity', value: (r) => r.finding.severity },
  { header: 'Status', width: 13, kind: 'text', value: (r) => r.finding.status },
  { header: 'Rule', width: 30, kind: 'text', value: (r) => r.finding.ruleId },
  { header: 'Title', width: 40, kind: 'text', value: (r) => r.finding.title },
  { header: 'Account ID', width: 15, kind: 'id', value: (r) => r.finding.accountId },
  { header: 'Account Name', width: 22, kind: 'text', value: (r) => r.accountName },
  { header: 'Owner', width: 22, kind: 'text', value: (r) => r.finding.owner },
  { header: 'OU Path', width: 30, kind: 'text', value: (r) => r.finding.ouPath?.join(' / ') },
  { header: 'Region', width: 14, kind: 'id', value: (r) => r.finding.region },
  { header: 'Resource Type', width: 15, kind: 'text', value: (r) => r.finding.resourceType },
  { header: 'Resource ID', width: 24, kind: 'id', value: (r) => r.finding.resourceId },
  { header: 'Image ID', width: 23, kind: 'id', value: (r) => r.finding.imageId },
  { header: 'Image Name', width: 32, kind: 'text', value: (r) => r.finding.imageName },
  { header: 'Image Owner ID', width: 15, kind: 'id', value: (r) => r.finding.imageOwnerId },
  { header: 'Image Owner Alias', width: 16, kind: 'text', value: (r) => r.finding.imageOwnerAlias },
  { header: 'Blocked By', width: 18, kind: 'text', value: (r) => r.finding.blockedBy },
  { header: 'Message', width: 60, kind: 'wrap', value: (r) => r.finding.message },
  { header: 'Tags', width: 30, kind: 'wrap', value: (r) => keyValueLines(r.finding.tags) },
  { header: 'Details', width: 30, kind: 'wrap', value: (r) => keyValueLines(r.finding.details) },
  { header: 'Needs Review', width: 12, kind: 'text', value: (r) => (r.finding.commands.some((c) => c.needsReview) ? 'yes' : 'no') },
  { header: 'Commands', width: 80, kind: 'wrap', value: (r) => commandsBlock(r.finding.commands) },
];
