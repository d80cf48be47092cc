import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvField, writeCsv } from '../../src/report/csv.js';
import { FINDING_COLUMNS } from '../../src/report/rows.js';
import { compareRuns } from '../../src/report/compare.js';
import { HOSTILE_NAME, HOSTILE_TAG, LEADING_ZERO_ACCOUNT, assemble, sampleCoverage, sampleDoc, sampleFindings } from './fixtures.js';

/** An RFC 4180 parser (quoted fields, doubled quotes, CRLF records), independent of the writer. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i++;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      assert.notEqual(ch, '\n', 'a bare LF outside quotes is not RFC 4180');
      field += ch;
      i++;
    }
  }
  assert.equal(field, '', 'the file ends with CRLF');
  return records;
}

test('csvField: RFC 4180 quoting and the formula guard', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('=1+1'), "'=1+1");
  assert.equal(csvField('+1'), "'+1");
  assert.equal(csvField('-1'), "'-1");
  assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvField('\tx'), "'\tx");
  assert.equal(csvField('\rx'), `"'\rx"`);
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField(undefined), '');
  assert.equal(csvField(7), '7');
  assert.equal(csvField(LEADING_ZERO_ACCOUNT), LEADING_ZERO_ACCOUNT);
});

test('findings.csv: header, one record per finding, hostile values round-trip as inert text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-csv-'));
  try {
    const doc = sampleDoc();
    doc.findings[1]!.imageName = HOSTILE_TAG;
    const path = join(dir, 'findings.csv');
    await writeCsv(doc, { generatedAt: '2026-11-23T10:20:00.000Z', toolVersion: '0.1.0' }, path);
    const text = readFileSync(path, 'utf8');
    assert.ok(!text.startsWith('\uFEFF'), 'no byte-order mark');
    const [header, ...rows] = parseCsv(text);
    assert.deepEqual(header, FINDING_COLUMNS.map((c) => c.header));
    assert.equal(rows.length, doc.findings.length);
    for (const r of rows) assert.equal(r.length, header!.length);
    const h = (name: string) => header!.indexOf(name);
    const first = rows.find((r) => r[h('Finding ID')] === doc.findings[0]!.id)!;
    assert.equal(first[h('Image Name')], HOSTILE_NAME, 'an HTML-looking name is kept verbatim (CSV is not HTML)');
    assert.equal(first[h('Account ID')], LEADING_ZERO_ACCOUNT);
    assert.match(first[h('Tags')]!, new RegExp(`^Environment=Prod\nName=payments-api-1\nTeam=`));
    assert.match(first[h('Commands')]!, /^# Find the approved replacement AMI\naws ec2 describe-images/);
    const second = rows.find((r) => r[h('Finding ID')] === doc.findings[1]!.id)!;
    assert.equal(second[h('Image Name')], `'${HOSTILE_TAG}`);
    for (const r of rows) for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, 'no cell starts like a formula');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('findings.csv: after a comparison, the findings this run did not re-check are rows with their reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-csv-'));
  try {
    const lost = { ...sampleFindings()[0]!, id: 'f-lost', accountId: '333333333333', region: 'eu-west-1', resourceId: 'i-0lost' };
    const previous = assemble({ findings: [...sampleFindings(), lost], coverage: sampleCoverage(false), runId: '2026-11-16T10-15-00Z-aaaa' });
    const doc = compareRuns(sampleDoc(), previous, '/r/prev');
    const path = join(dir, 'findings.csv');
    await writeCsv(doc, { generatedAt: '2026-11-23T10:20:00.000Z', toolVersion: '0.1.0' }, path);
    const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
    const h = (name: string) => header!.indexOf(name);
    const row = rows.find((r) => r[h('Finding ID')] === 'f-lost')!;
    assert.equal(row[h('Change')], 'not-rechecked');
    assert.match(row[h('Not Re-checked Because')]!, /^access-denied: 333333333333 eu-west-1 was access-denied/);
    assert.equal(rows.filter((r) => r[h('Change')] === 'resolved').length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
