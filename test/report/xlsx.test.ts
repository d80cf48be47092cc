import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { writeXlsx, excelText } from '../../src/report/xlsx.ts';
import { FINDING_COLUMNS } from '../../src/report/rows.ts';
import { compareRuns } from '../../src/report/compare.ts';
import { HOSTILE_DESC, HOSTILE_NAME, HOSTILE_TAG, LEADING_ZERO_ACCOUNT, sampleDoc, sampleInventory, assemble, sampleFindings, sampleCoverage } from './fixtures.ts';
import { readZip } from './zip.ts';

const META = { generatedAt: '2026-11-23T10:20:00.000Z', toolVersion: '0.1.0' };
const SHEETS = ['Summary', 'Findings', 'Instances', 'Images', 'Public AMIs', 'Coverage', 'Rollout', 'Timeline', 'Blast Radius', 'Commands'];

async function written(withInventory = true, doc = sampleDoc()) {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-xlsx-'));
  const path = join(dir, 'report.xlsx');
  await writeXlsx(doc, { ...META, ...(withInventory ? { inventory: sampleInventory(doc) } : {}) }, path);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return { dir, path, wb, doc };
}

function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  assert.ok(ws, `sheet ${name} exists`);
  return ws;
}

/** Column number of a header in row 1. */
function col(ws: ExcelJS.Worksheet, header: string): number {
  const row = ws.getRow(1);
  for (let c = 1; c <= row.cellCount; c++) if (row.getCell(c).text === header) return c;
  assert.fail(`${ws.name} has no column ${header}`);
}

function headerTexts(ws: ExcelJS.Worksheet): string[] {
  const row = ws.getRow(1);
  return Array.from({ length: row.cellCount }, (_, i) => row.getCell(i + 1).text);
}

/** Rows (2..) as header -> text maps. */
function records(ws: ExcelJS.Worksheet): Record<string, string>[] {
  const headers = headerTexts(ws);
  const out: Record<string, string>[] = [];
  for (let r = 2; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    out.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1).text])));
  }
  return out;
}

test('xlsx: every sheet, in order, with a frozen header row and an autofilter', async () => {
  const { dir, wb } = await written();
  try {
    assert.deepEqual(wb.worksheets.map((w) => w.name), SHEETS);
    for (const name of SHEETS) {
      const ws = sheet(wb, name);
      const view = ws.views[0] as { state?: string; ySplit?: number } | undefined;
      assert.equal(view?.state, 'frozen', `${name} is frozen`);
      assert.equal(view?.ySplit, 1, `${name} freezes the header row`);
      assert.ok(ws.autoFilter, `${name} has an autofilter`);
      assert.match(String(ws.autoFilter), /^A1:[A-Z]+1$/);
      assert.ok((ws.getColumn(1).width ?? 0) >= 8, `${name} has column widths`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xlsx: Findings has one row per finding with every column, and the counts of the other sheets match', async () => {
  const { dir, wb, doc } = await written();
  try {
    const findings = sheet(wb, 'Findings');
    assert.deepEqual(headerTexts(findings), FINDING_COLUMNS.map((c) => c.header));
    assert.equal(findings.rowCount - 1, doc.findings.length);
    const ids = records(findings).map((r) => r['Finding ID']);
    assert.deepEqual(new Set(ids), new Set(doc.findings.map((f) => f.id)));

    const inv = sampleInventory(doc);
    assert.equal(sheet(wb, 'Instances').rowCount - 1, inv.instances.length);
    assert.equal(sheet(wb, 'Images').rowCount - 1, inv.images.filter((i) => i.seenVia === 'owner').length);
    assert.equal(sheet(wb, 'Public AMIs').rowCount - 1, inv.images.filter((i) => i.seenVia === 'owner' && i.public).length);
    assert.equal(sheet(wb, 'Coverage').rowCount - 1, doc.coverage.entries.length);
    assert.equal(sheet(wb, 'Commands').rowCount - 1, doc.findings.reduce((n, f) => n + f.commands.length, 0));

    // The public AMI with a finding carries its make-private command.
    const pub = records(sheet(wb, 'Public AMIs')).find((r) => r['Image ID'] === 'ami-0ccc000000000004');
    assert.match(pub?.['Make Private'] ?? '', /modify-image-attribute --image-id ami-0ccc000000000004/);
    // Coverage lists failures first.
    assert.equal(records(sheet(wb, 'Coverage'))[0]?.['Status'], 'access-denied');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xlsx: hostile strings are stored as text, never formulas (read back and in the sheet XML)', async () => {
  const { dir, wb, path } = await written();
  try {
    const images = records(sheet(wb, 'Images'));
    const golden = images.find((r) => r['Image ID'] === 'ami-0ccc000000000005');
    assert.equal(golden?.['Tags'], `Owner=${HOSTILE_TAG}`, 'tag lines start with the key, so they are not formula-looking');
    assert.equal(golden?.['Description'], `'${HOSTILE_DESC}`, 'a description starting with + gets the quote prefix');
    const wsImages = sheet(wb, 'Images');
    for (let r = 2; r <= wsImages.rowCount; r++) {
      for (let c = 1; c <= wsImages.columnCount; c++) {
        const cell = wsImages.getRow(r).getCell(c);
        assert.notEqual(cell.type, ExcelJS.ValueType.Formula, `Images!${cell.address} is not a formula`);
      }
    }

    const zip = readZip(path);
    const sheetXml = [...zip.entries()].filter(([name]) => name.startsWith('xl/worksheets/sheet'));
    assert.equal(sheetXml.length, SHEETS.length);
    for (const [name, xml] of sheetXml) {
      assert.doesNotMatch(xml.toString('utf8'), /<f[ >]/, `${name} contains no formula element`);
    }
    const all = sheetXml.map(([, xml]) => xml.toString('utf8')).join('');
    // The description cell: an inline string whose text starts with the quote prefix.
    const descCell = /<c r="F\d+"[^>]* t="inlineStr"><is><r><t>&apos;\+cmd\|&quot; \/C calc&quot;!A0<\/t><\/r><\/is><\/c>/;
    assert.ok(descCell.test(all), 'the description is an inline string that starts with the quote prefix');
    // The hostile AMI name is escaped XML text, not markup.
    assert.ok(!all.includes('<img src=x'), 'the AMI name is XML-escaped');
    assert.ok(all.includes('&lt;img src=x'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xlsx: a cell that is exactly a hostile "=..." value is prefixed and stays a string', async () => {
  const doc = sampleDoc();
  doc.findings[0]!.imageName = HOSTILE_TAG;
  const { dir, wb, path } = await written(true, doc);
  try {
    // The instance's Name tag value is the whole cell.
    const inst = sheet(wb, 'Instances');
    const nameCol = col(inst, 'Name');
    const idx = records(inst).findIndex((r) => r['Instance ID'] === 'i-0a1b2c3d4e5f60002');
    const nameCell = inst.getRow(idx + 2).getCell(nameCol);
    assert.equal(nameCell.text, `'${HOSTILE_TAG}`);
    assert.notEqual(nameCell.type, ExcelJS.ValueType.Formula);
    const xml = readZip(path).get('xl/worksheets/sheet3.xml')!.toString('utf8');
    const cellXml = new RegExp(`<c r="${nameCell.address}"[^>]*>.*?</c>`).exec(xml)?.[0] ?? '';
    assert.match(cellXml, /t="inlineStr"/);
    assert.match(cellXml, /<t>&apos;=HYPERLINK\(/);
    assert.doesNotMatch(cellXml, /<f>/);

    const ws = sheet(wb, 'Findings');
    const c = col(ws, 'Image Name');
    const cell = records(ws).map((r, i) => ({ r, i })).find(({ r }) => r['Finding ID'] === doc.findings[0]!.id);
    assert.ok(cell);
    const raw = ws.getRow(cell.i + 2).getCell(c);
    assert.equal(raw.text, `'${HOSTILE_TAG}`);
    assert.notEqual(raw.type, ExcelJS.ValueType.Formula);
    assert.ok(raw.type === ExcelJS.ValueType.RichText || raw.type === ExcelJS.ValueType.String);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xlsx: account ids keep their leading zeros as text; timestamps are real dates; severity is coloured', async () => {
  const { dir, wb, doc } = await written();
  try {
    const ws = sheet(wb, 'Findings');
    const acct = col(ws, 'Account ID');
    const sev = col(ws, 'Severity');
    let seen = 0;
    for (let r = 2; r <= ws.rowCount; r++) {
      const cell = ws.getRow(r).getCell(acct);
      assert.notEqual(cell.type, ExcelJS.ValueType.Number, `${cell.address} is not a number`);
      if (cell.text === LEADING_ZERO_ACCOUNT) seen++;
      const s = ws.getRow(r).getCell(sev);
      const fill = s.fill as ExcelJS.FillPattern | undefined;
      assert.equal(fill?.type, 'pattern', `${s.address} (${s.text}) is filled`);
      assert.match(String(fill?.fgColor?.argb), /^FF[0-9A-F]{6}$/);
    }
    assert.equal(seen, doc.findings.filter((f) => f.accountId === LEADING_ZERO_ACCOUNT).length);
    assert.equal(ws.getRow(2).getCell(acct).numFmt, '@', 'id columns are formatted as text');

    const inst = sheet(wb, 'Instances');
    const launch = inst.getRow(2).getCell(col(inst, 'Launch Time (UTC)'));
    assert.ok(launch.value instanceof Date, 'launch time is a date');
    assert.equal((launch.value as Date).toISOString(), '2026-11-01T12:30:00.000Z');
    assert.match(String(launch.numFmt), /yyyy-mm-dd/);

    const summary = records(sheet(wb, 'Summary'));
    assert.equal(summary[0]?.['Section'], 'WARNING', 'a partial scan is the first row of the summary');
    const total = summary.find((r) => r['Section'] === 'Findings' && r['Item'] === 'Total');
    assert.equal(total?.['Value'], String(doc.counts.total));
    const started = sheet(wb, 'Summary').getRow(summary.findIndex((r) => r['Item'] === 'Started (UTC)') + 2).getCell(3);
    assert.ok(started.value instanceof Date);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xlsx: without an inventory the Instances and Images sheets say so; Public AMIs come from the findings', async () => {
  const { dir, wb } = await written(false);
  try {
    assert.match(sheet(wb, 'Instances').getRow(2).getCell(1).text, /inventory\.json was not available/);
    assert.match(sheet(wb, 'Images').getRow(2).getCell(1).text, /inventory\.json was not available/);
    const pub = records(sheet(wb, 'Public AMIs'));
    assert.deepEqual(pub.map((r) => r['Image ID']), ['ami-0ccc000000000004']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xlsx: after a comparison the Findings sheet carries the change and the resolved findings', async () => {
  const previous = assemble({ findings: [...sampleFindings(), { ...sampleFindings()[0]!, id: 'f-gone-1', resourceId: 'i-0gone' }], coverage: sampleCoverage(false), runId: '2026-11-16T10-15-00Z-aaaa' });
  const doc = compareRuns(sampleDoc(), previous, '/reports/2026-11-16T10-15-00Z-aaaa');
  const { dir, wb } = await written(true, doc);
  try {
    const rows = records(sheet(wb, 'Findings'));
    assert.equal(rows.length, doc.findings.length + 1);
    assert.equal(rows.filter((r) => r['Change'] === 'persisting').length, doc.findings.length);
    assert.equal(rows.find((r) => r['Finding ID'] === 'f-gone-1')?.['Change'], 'resolved');
    const summary = records(sheet(wb, 'Summary'));
    assert.equal(summary.find((r) => r['Section'] === 'Comparison' && r['Item'] === 'Resolved')?.['Value'], '1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('xlsx: findings the run did not re-check: Not Re-checked sheet, Findings rows with the reason, Summary counts', async () => {
  const lost = { ...sampleFindings()[0]!, id: 'f-lost', accountId: '333333333333', region: 'eu-west-1', resourceId: 'i-0lost' };
  const previous = assemble({ findings: [...sampleFindings(), lost], coverage: sampleCoverage(false), runId: '2026-11-16T10-15-00Z-aaaa' });
  const doc = compareRuns(sampleDoc(), previous, '/reports/2026-11-16T10-15-00Z-aaaa');
  const { dir, wb } = await written(true, doc);
  try {
    const nr = records(sheet(wb, 'Not Re-checked'));
    assert.deepEqual(nr.map((r) => [r['Finding ID'], r['Reason Code'], r['Account ID'], r['Region']]), [['f-lost', 'access-denied', '333333333333', 'eu-west-1']]);
    assert.match(nr[0]!['Reason']!, /333333333333 eu-west-1 was access-denied/);
    const row = records(sheet(wb, 'Findings')).find((r) => r['Finding ID'] === 'f-lost')!;
    assert.equal(row['Change'], 'not-rechecked');
    assert.match(row['Not Re-checked Because']!, /^access-denied: 333333333333 eu-west-1 was access-denied/);
    const summary = records(sheet(wb, 'Summary'));
    assert.equal(summary.find((r) => r['Section'] === 'Comparison' && r['Item'] === 'Resolved')?.['Value'], '0');
    assert.equal(summary.find((r) => r['Section'] === 'Comparison' && r['Item'] === 'Not re-checked')?.['Value'], '1');
    assert.equal(summary.find((r) => r['Section'] === 'Comparison' && r['Item'] === '  access-denied')?.['Value'], '1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('excelText: formula prefix, XML-invalid characters, Excel cell limit', () => {
  for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) assert.equal(excelText(s), `'${s}`);
  assert.equal(excelText('ami-0abc'), 'ami-0abc');
  assert.equal(excelText('a\u0000b\u001fc'), 'a\uFFFDb\uFFFDc');
  const long = excelText('x'.repeat(40_000));
  assert.equal(long.length, 32_767);
  assert.match(long, /truncated/);
  assert.ok(HOSTILE_NAME.length > 0);
});
