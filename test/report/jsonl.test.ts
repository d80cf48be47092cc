import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonl } from '../../src/report/jsonl.ts';
import { parseFormats, reportFileName, writeReports } from '../../src/report/index.ts';
import { compareRuns } from '../../src/report/compare.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { HOSTILE_NAME, sampleDoc } from './fixtures.ts';

async function written(doc: FindingsDocument): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-jsonl-'));
  try {
    const path = join(dir, 'findings.jsonl');
    await writeJsonl(doc, { generatedAt: '2026-11-23T10:20:00.000Z', toolVersion: '0.1.0' }, path);
    return readFileSync(path, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Splits like the strictest line readers: LF, CR, and the Unicode line ends Python's splitlines() knows. */
const splitLines = (text: string) => text.split(/\r\n|[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/);

test('findings.jsonl: one JSON.parse per line, one line per finding, exact values', async () => {
  const doc = sampleDoc();
  doc.findings[0]!.message = 'two\nlines\r\nand \u2028 \u2029 \u0085 and \u001b]0;pwned\u0007 and x;=1+1';
  doc.findings[1]!.tags = { Name: 'line\u2028break', ['__proto__']: 'x' };
  const text = await written(doc);
  assert.ok(text.endsWith('\n') && !text.startsWith('\uFEFF'));
  const lines = splitLines(text.slice(0, -1));
  assert.equal(lines.length, doc.findings.length, 'exactly one line per finding, whatever the line splitter');
  const parsed = lines.map((l) => JSON.parse(l));
  parsed.forEach((p, i) => {
    const f = doc.findings[i]!;
    const { accountName, ...rest } = p;
    assert.deepEqual(rest, JSON.parse(JSON.stringify(f)), 'the finding as in findings.json');
    assert.equal(accountName, doc.accounts.find((a) => a.accountId === f.accountId)!.name);
  });
  assert.equal(parsed[0].message, doc.findings[0]!.message, 'values are exact (no formula guard, no escaping)');
  assert.equal(parsed[0].imageName, HOSTILE_NAME);
  assert.ok(Object.hasOwn(parsed[1].tags, '__proto__') && parsed[1].tags['__proto__'] === 'x');
  assert.ok(!/\u001b|\u2028|\u0085/.test(text), 'nothing a terminal or a line splitter acts on is written raw');
});

test('findings.jsonl after a comparison: resolved findings follow with change=resolved', async () => {
  const previous = sampleDoc();
  previous.findings.push({ ...previous.findings[0]!, id: 'f-gone', resourceId: 'i-0gone' });
  const doc = compareRuns(sampleDoc(), previous, '/runs/previous');
  const lines = (await written(doc)).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, doc.findings.length + doc.comparison!.resolved.length);
  assert.equal(lines.at(-1).id, 'f-gone');
  assert.equal(lines.at(-1).change, 'resolved');
  assert.ok(lines.slice(0, -1).every((l) => l.change === 'persisting' || l.change === 'new'));
});

test('jsonl is a report format, part of "all", written as findings.jsonl', async () => {
  assert.ok(parseFormats('all').includes('jsonl'));
  assert.deepEqual(parseFormats('JSONL,csv'), ['jsonl', 'csv']);
  assert.equal(reportFileName('jsonl'), 'findings.jsonl');
  const dir = mkdtempSync(join(tmpdir(), 'amigov-jsonl-'));
  try {
    const paths = await writeReports({ doc: sampleDoc(), outDir: dir, formats: ['jsonl'] });
    assert.deepEqual(paths, [join(dir, 'findings.jsonl')]);
    assert.equal(readFileSync(paths[0]!, 'utf8').trimEnd().split('\n').length, sampleDoc().findings.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
