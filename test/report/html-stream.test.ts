// report.html is written in pieces (the data block row by row): the file holds exactly the page renderHtml
// builds, its data block is exactly jsonForScript of the table data (so the same bytes as the one-string
// writer), and hostile strings stay inert in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { htmlChunks, jsonForScript, renderHtml, tableDataChunks, writeHtml } from '../../src/report/html.ts';
import { HOSTILE_NAME, assemble, finding, sampleCoverage, sampleDoc, sampleInventory } from './fixtures.ts';

const META = { generatedAt: '2026-11-23T10:20:00.000Z', toolVersion: '0.1.0' };

function bigDoc(n: number) {
  const findings = Array.from({ length: n }, (_, i) =>
    finding({ ruleId: 'unapproved-ami', accountId: '111111111111', region: 'us-east-1', resourceId: `i-${String(i).padStart(17, '0')}`, imageName: `${HOSTILE_NAME} ${i}`, message: `</script><!-- ${i} \u2028` }),
  );
  return assemble({ findings, coverage: sampleCoverage(false) });
}

const dataBlock = (html: string) => /<script type="application\/json" id="findings-data">([\s\S]*?)<\/script>/.exec(html)?.[1];

test('report.html streamed: the file is byte for byte the rendered page, across many 1 MB writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-html-stream-'));
  try {
    const doc = bigDoc(6000);
    const target = join(dir, 'report.html');
    await writeHtml(doc, META, target);
    const file = readFileSync(target, 'utf8');
    assert.ok(file.length > 2 * 2 ** 20);
    assert.equal(file, renderHtml(doc, META));
    assert.deepEqual(readdirSync(dir), ['report.html'], 'no temp file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report.html streamed: the data block is one piece per finding and exactly jsonForScript of its value', () => {
  const doc = bigDoc(500);
  const pieces = [...tableDataChunks(doc)];
  assert.equal(pieces.length, 502, 'head, one per row, tail');
  const block = pieces.join('');
  const value = JSON.parse(block) as { rows: unknown[][]; rules: unknown[]; accounts: unknown[]; severities: string[]; compared: boolean };
  assert.equal(jsonForScript(value), block, 'the same bytes as escaping the whole table data at once');
  assert.deepEqual(Object.keys(value), ['severities', 'rules', 'accounts', 'rows', 'compared']);
  assert.equal(value.rows.length, 500);
  assert.ok(value.rows.some((r) => String(r[9]).startsWith(HOSTILE_NAME)), 'the hostile name survives as data');
});

test('report.html streamed: hostile names cannot close the data block', () => {
  const doc = sampleDoc();
  const html = [...htmlChunks(doc, { ...META, inventory: sampleInventory(doc) })].join('');
  const block = dataBlock(html);
  assert.ok(block);
  assert.doesNotMatch(block, /[<>&\u2028\u2029]/);
  assert.equal(html.split(HOSTILE_NAME).length, 1, 'the raw hostile markup appears nowhere in the page');
  assert.doesNotMatch(html, /<!--amigov-data-/, 'the placeholder is replaced');
});
