import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { csvText, writeCsv } from '../../src/report/csv.ts';
import { FINDING_COLUMNS } from '../../src/report/rows.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { compareRuns } from '../../src/report/compare.ts';
import { HOSTILE_NAME, HOSTILE_TAG, LEADING_ZERO_ACCOUNT, assemble, sampleCoverage, sampleDoc, sampleFindings } from './fixtures.ts';

/** Values a stranger can put into AMI names, tags, account names and messages. */
const HOSTILE_VALUES = [
  'x;=1+1',
  '@SUM(1)',
  'Ünïcødé 日本語 🚀 \u202e',
  'esc \u001b]0;pwned\u0007',
  '-2+3',
  '+cmd|" /C calc"!A0',
  '\t=1+1',
  '\r=1+1',
  'say "hi"',
  'two\nlines\r\nand CRLF',
  'a,b',
  'a;b',
  'a; -1',
  'a;"=1"',
  HOSTILE_TAG,
];

/** A document whose every untrusted field holds one of the hostile values. */
function hostileDoc(): FindingsDocument {
  const doc = sampleDoc();
  doc.accounts = doc.accounts.map((a, i) => ({ ...a, name: HOSTILE_VALUES[i % HOSTILE_VALUES.length]! }));
  doc.findings.forEach((f, i) => {
    const h = (k: number) => HOSTILE_VALUES[(i + k) % HOSTILE_VALUES.length]!;
    f.imageName = h(0);
    f.imageOwnerAlias = h(1);
    f.message = h(2);
    f.tags = { Name: h(3), [h(4)]: h(5) };
    f.details = { note: h(6), days: -3 };
  });
  return doc;
}

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

async function written(doc: FindingsDocument): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-csv-'));
  try {
    const path = join(dir, 'findings.csv');
    await writeCsv(doc, { generatedAt: '2026-11-23T10:20:00.000Z', toolVersion: '0.1.0' }, path);
    return readFileSync(path, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('csvText: formula guard, no line breaks or control characters, unicode kept', () => {
  assert.equal(csvText('plain'), 'plain');
  assert.equal(csvText('=1+1'), "'=1+1");
  assert.equal(csvText('+1'), "'+1");
  assert.equal(csvText('-2+3'), "'-2+3");
  assert.equal(csvText('@SUM(1)'), "'@SUM(1)");
  assert.equal(csvText('\tx'), "'\tx");
  assert.equal(csvText('\rx'), "'\\rx");
  assert.equal(csvText('\uFF1D1+1'), "'\uFF1D1+1", 'full-width = as well');
  assert.equal(csvText('two\nlines'), 'two\\nlines');
  assert.equal(csvText('x;=1+1'), "x;'=1+1", 'a ;-splitting spreadsheet sees a cell starting with a quote');
  assert.equal(csvText('a; -1'), "a;' -1");
  assert.equal(csvText('a;b'), 'a;b');
  assert.equal(csvText('esc \u001b]0;x\u0007'), 'esc \\u001b]0;x\\u0007');
  assert.equal(csvText('Ünïcødé 日本語 🚀'), 'Ünïcødé 日本語 🚀');
  assert.equal(csvText(undefined), '');
  assert.equal(csvText(7), '7');
  assert.equal(csvText(LEADING_ZERO_ACCOUNT), LEADING_ZERO_ACCOUNT);
});

test('findings.csv: RFC 4180, every field quoted, one physical line per finding, parsed back by csv-parse', async () => {
  const doc = hostileDoc();
  const text = await written(doc);
  assert.ok(!text.startsWith('\uFEFF'), 'no byte-order mark');
  assert.ok(text.endsWith('\r\n'), 'CRLF record ends, the last one included');

  // One physical line per record: no CR or LF anywhere but the record ends.
  const lines = text.slice(0, -2).split('\r\n');
  assert.equal(lines.length, 1 + doc.findings.length, 'header + one line per finding');
  for (const line of lines) assert.doesNotMatch(line, /[\r\n]/);
  // Every field quoted (quotes inside doubled), so a reader never has to guess.
  for (const line of lines) assert.match(line, /^"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*$/, `every field quoted: ${line.slice(0, 80)}`);

  // A real RFC 4180 parser reads it back: the same columns, one record per finding.
  const records = parse(text, { delimiter: ',', record_delimiter: '\r\n' }) as string[][];
  const [header, ...rows] = records;
  assert.deepEqual(header, FINDING_COLUMNS.map((c) => c.header));
  assert.equal(rows.length, doc.findings.length);
  for (const r of rows) assert.equal(r.length, header!.length);
  for (const r of rows) for (const cell of r) assert.doesNotMatch(cell, FORMULA_START, `no cell starts like a formula: ${JSON.stringify(cell)}`);

  // A reader that splits on ";" (Excel with a European list separator) sees no field starting with a formula.
  for (const line of lines) {
    const parts = line.split(';');
    assert.ok(parts[0]!.startsWith('"'));
    for (const p of parts) assert.doesNotMatch(p.replace(/^[\s"]+/, ''), FORMULA_START, `;-field ${JSON.stringify(p.slice(0, 40))}`);
  }

  const h = (name: string) => header!.indexOf(name);
  doc.findings.forEach((f, i) => {
    const r = rows[i]!;
    assert.equal(r[h('Finding ID')], f.id);
    assert.equal(r[h('Image Name')], csvText(f.imageName));
    assert.equal(r[h('Message')], csvText(f.message));
    assert.equal(r[h('Account ID')], f.accountId);
    // Nested values are one JSON column each; they parse back to the finding's own values.
    // (A ";" followed by a formula character gets the guard inside JSON too; the rest is exact.)
    const exact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k, v]) => !/;/.test(k + String(v))));
    assert.deepEqual(exact(JSON.parse(r[h('Tags')]!)), exact(f.tags!));
    assert.equal(Object.keys(JSON.parse(r[h('Tags')]!)).length, Object.keys(f.tags!).length);
    assert.deepEqual(exact(JSON.parse(r[h('Details')]!)), exact(f.details!));
    assert.deepEqual(JSON.parse(r[h('Commands')]!), f.commands);
  });
  const names = rows.map((r) => r[h('Account Name')]);
  assert.ok(names.includes("x;'=1+1"));
  assert.ok(names.includes("'@SUM(1)"));
  const cells = new Set(rows.flat());
  assert.ok(cells.has('say "hi"'), 'embedded quotes survive');
  assert.ok(cells.has('a,b'), 'commas survive');
  assert.ok(cells.has('two\\nlines\\r\\nand CRLF'), 'line breaks are escaped, not written');
  assert.ok(cells.has('Ünïcødé 日本語 🚀 \u202e'), 'unicode verbatim');
  assert.ok(cells.has("'\\r=1+1") && cells.has("'\t=1+1"), 'leading CR and tab guarded');
  assert.ok(rows.some((r) => r[h('Account ID')] === LEADING_ZERO_ACCOUNT), 'account ids are text with their leading zeros');
});

test('findings.csv: the sample report (HTML-looking names verbatim, formula tags guarded)', async () => {
  const doc = sampleDoc();
  doc.findings[1]!.imageName = HOSTILE_TAG;
  const [header, ...rows] = parse(await written(doc)) as string[][];
  const h = (name: string) => header!.indexOf(name);
  const first = rows.find((r) => r[h('Finding ID')] === doc.findings[0]!.id)!;
  assert.equal(first[h('Image Name')], HOSTILE_NAME, 'an HTML-looking name is kept verbatim (CSV is not HTML)');
  assert.equal(first[h('Account ID')], LEADING_ZERO_ACCOUNT);
  assert.deepEqual(JSON.parse(first[h('Tags')]!), { Environment: 'Prod', Name: 'payments-api-1', Team: HOSTILE_TAG });
  assert.match(JSON.parse(first[h('Commands')]!)[0].command, /^aws ec2 describe-images/);
  const second = rows.find((r) => r[h('Finding ID')] === doc.findings[1]!.id)!;
  assert.equal(second[h('Image Name')], `'${HOSTILE_TAG}`);
  const unknown = rows.find((r) => r[h('Rule')] === 'unknown-image')!;
  assert.equal(unknown[h('Tags')], '', 'absent tags are an empty field');
  assert.equal(unknown[h('Commands')], '[]');
});

test('findings.csv after a comparison: resolved findings are extra rows, still one line each', async () => {
  const previous = sampleDoc();
  previous.findings.push({ ...previous.findings[0]!, id: 'f-gone', resourceId: 'i-0gone', message: 'gone\nnow' });
  const doc = compareRuns(sampleDoc(), previous, '/runs/previous');
  const text = await written(doc);
  const rows = (parse(text) as string[][]).slice(1);
  const lines = text.slice(0, -2).split('\r\n');
  assert.equal(lines.length - 1, rows.length);
  for (const line of lines) assert.doesNotMatch(line, /[\r\n]/);
  const gone = rows.find((r) => r[0] === 'f-gone')!;
  assert.equal(gone[1], 'resolved');
});

test('findings.csv: after a comparison, the findings this run did not re-check are rows with their reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-csv-'));
  try {
    const lost = { ...sampleFindings()[0]!, id: 'f-lost', accountId: '333333333333', region: 'eu-west-1', resourceId: 'i-0lost' };
    const previous = assemble({ findings: [...sampleFindings(), lost], coverage: sampleCoverage(false), runId: '2026-11-16T10-15-00Z-aaaa' });
    const doc = compareRuns(sampleDoc(), previous, '/r/prev');
    const path = join(dir, 'findings.csv');
    await writeCsv(doc, { generatedAt: '2026-11-23T10:20:00.000Z', toolVersion: '0.1.0' }, path);
    const [header, ...rows] = parse(readFileSync(path, 'utf8'), { relaxColumnCount: false }) as string[][];
    const h = (name: string) => header!.indexOf(name);
    const row = rows.find((r) => r[h('Finding ID')] === 'f-lost')!;
    assert.equal(row[h('Change')], 'not-rechecked');
    assert.match(row[h('Not Re-checked Because')]!, /^access-denied: 333333333333 eu-west-1 was access-denied/);
    assert.equal(rows.filter((r) => r[h('Change')] === 'resolved').length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
