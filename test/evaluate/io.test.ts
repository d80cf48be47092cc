// findings.json + remediation.sh as a run writes them: the script streamed to its file piece by piece, the same
// bytes renderRemediationScript returns; its text kept for the HTML report only while short enough to show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFindingsOutputs } from '../../src/evaluate/io.ts';
import { renderRemediationScript } from '../../src/remediation/script.ts';
import { readScriptView } from '../../src/report/load.ts';
import { SHOWN_SCRIPT_MAX_BYTES } from '../../src/report/meta.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { bigDoc, sampleDoc } from '../report/fixtures.ts';

const newlines = (s: string) => s.split('\n').length - 1;

/** bigDoc with finding ids remediation.sh accepts (16 hex digits) and commands placed in their account x region. */
function bigValidDoc(n: number): FindingsDocument {
  const doc = bigDoc(n);
  doc.findings.forEach((f, i) => {
    f.id = i.toString(16).padStart(16, '0');
    f.commands = f.commands.map((c) => ({ ...c, accountId: f.accountId, region: f.region }));
  });
  return doc;
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-io-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writeFindingsOutputs: remediation.sh is the rendered script, executable, and its text is kept when short', () => {
  withDir((dir) => {
    const doc = sampleDoc();
    const out = writeFindingsOutputs(doc, dir, { toolVersion: '9.9.9', generatedAt: '2026-12-03T00:00:00Z' });
    const expected = renderRemediationScript(doc, { toolVersion: '9.9.9', generatedAt: '2026-12-03T00:00:00Z' });
    assert.equal(readFileSync(out.script!, 'utf8'), expected);
    assert.ok(statSync(out.script!).mode & 0o100, 'executable');
    assert.deepEqual(out.scriptView, { lines: newlines(expected), bytes: Buffer.byteLength(expected), text: expected });
    assert.deepEqual(readdirSync(dir).sort(), ['findings.json', 'remediation.sh'], 'no temp files left');
  });
});

test('writeFindingsOutputs: a script too long for the HTML report is written whole, and only its size is kept', () => {
  withDir((dir) => {
    const doc = bigValidDoc(9000);
    const out = writeFindingsOutputs(doc, dir, { generatedAt: '2026-12-03T00:00:00Z' });
    const expected = renderRemediationScript(doc, { generatedAt: '2026-12-03T00:00:00Z' });
    assert.ok(Buffer.byteLength(expected) > SHOWN_SCRIPT_MAX_BYTES, `the fixture's script (${expected.length} chars) is over the limit`);
    assert.equal(readFileSync(out.script!, 'utf8'), expected, 'the file is byte-identical to the script rendered as one string');
    assert.deepEqual(out.scriptView, { lines: newlines(expected), bytes: Buffer.byteLength(expected) });
    // amigov report reads it back the same way: counted, not held.
    assert.deepEqual(readScriptView(out.script!), out.scriptView);
  });
});

test('writeFindingsOutputs: a script that cannot be rendered leaves neither file, nor a temp file', () => {
  withDir((dir) => {
    const doc = bigValidDoc(3000);
    doc.findings[2500]!.id = 'not-an-id'; // refused late, after chunks were already written
    assert.throws(() => writeFindingsOutputs(doc, dir), /invalid finding id/);
    assert.deepEqual(readdirSync(dir), []);
  });
});

test('readScriptView: a short script is read whole; a long one is counted in pieces, a last line without a break counted too', () => {
  withDir((dir) => {
    const short = join(dir, 'short.sh');
    writeFileSync(short, '#!/bin/sh\necho hi');
    assert.deepEqual(readScriptView(short), { lines: 2, bytes: 17, text: '#!/bin/sh\necho hi' });
    const line = `echo ${'é'.repeat(60)}\n`;
    const count = Math.ceil((SHOWN_SCRIPT_MAX_BYTES * 1.5) / Buffer.byteLength(line));
    const long = join(dir, 'long.sh');
    writeFileSync(long, line.repeat(count) + 'tail');
    assert.deepEqual(readScriptView(long), { lines: count + 1, bytes: Buffer.byteLength(line) * count + 4 });
    assert.ok(existsSync(long));
  });
});
