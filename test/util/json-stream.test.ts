// The streaming JSON writer writes exactly JSON.stringify(value, null, 2) + "\n", on hostile and on large
// documents, and a failure mid-write leaves the target as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonChunks, writeJsonStreamAtomic } from '../../src/util/json-stream.ts';
import { HOSTILE_DESC, HOSTILE_NAME, HOSTILE_TAG, sampleDoc } from '../report/fixtures.ts';

const HOSTILE = {
  name: HOSTILE_NAME,
  tag: HOSTILE_TAG,
  desc: HOSTILE_DESC,
  // line breaks, quotes, backslashes, separators, lone surrogates, NUL: every escape JSON.stringify makes
  text: 'a\nb\r\n\t"q"\\ \u2028\u2029 \ud800 \u0000 </script><!--',
  '\n"key"\\': ['\n', { '': '' }],
  date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
  boxed: [new Number(1), new String('s'), new Boolean(false)],
  dropped: { u: undefined, f: () => 1, s: Symbol('x') },
  holes: [undefined, () => 1, Symbol('y'), NaN, Infinity, -0],
  nested: [[[[[[{ deep: [1, [2, { x: 'y\nz' }]] }]]]]]],
  empty: [{}, [], [[]], { a: {} }],
  custom: { toJSON: (key: string) => `toJSON(${key})` },
};

const stringify = (v: unknown, indent = 2) => JSON.stringify(v, null, indent);

test('jsonChunks: the pieces join to JSON.stringify exactly, at every depth and indent, hostile strings included', () => {
  for (const value of [HOSTILE, [HOSTILE, HOSTILE], {}, [], 'str', 0, null, [null], sampleDoc()]) {
    for (const indent of [0, 2, 4]) {
      for (const depth of [0, 1, 2, 3, 8]) {
        assert.equal([...jsonChunks(value, { indent, depth })].join(''), stringify(value, indent), `indent ${indent}, depth ${depth}`);
      }
    }
  }
});

test('jsonChunks: a large document comes in many pieces, none of them the whole', () => {
  const findings = Array.from({ length: 20_000 }, (_, i) => ({ id: `f-${i}`, name: `${HOSTILE_NAME} ${i}`, tags: { Name: HOSTILE_TAG, n: String(i) } }));
  const doc = { schemaVersion: 1, findings, instances: findings.map((f) => ({ ...f, imageId: 'ami-1' })) };
  const pieces = [...jsonChunks(doc)];
  const whole = stringify(doc);
  assert.equal(pieces.join(''), whole);
  assert.ok(pieces.length > 40_000, `${pieces.length} pieces`);
  assert.ok(pieces.reduce((m, p) => Math.max(m, p.length), 0) < 1000, 'no piece holds more than one item');
});

test('jsonChunks: a circular structure is refused as JSON.stringify refuses it', () => {
  const a: Record<string, unknown> = { x: 1 };
  a.self = a;
  assert.throws(() => [...jsonChunks(a)], /circular/);
});

test('writeJsonStreamAtomic: the same bytes as JSON.stringify(value, null, 2) + newline, across write boundaries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-json-stream-'));
  try {
    const big = { rows: Array.from({ length: 30_000 }, (_, i) => ({ i, s: `${HOSTILE_NAME}\n${'x'.repeat(i % 97)}` })), hostile: HOSTILE };
    const target = join(dir, 'findings.json');
    writeJsonStreamAtomic(target, big);
    const bytes = readFileSync(target);
    assert.ok(bytes.length > 2 * 2 ** 20, 'more than one 1 MB write');
    assert.ok(bytes.equals(Buffer.from(`${stringify(big)}\n`, 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writeJsonStreamAtomic: a failure mid-write leaves the previous file and no temp file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-json-stream-'));
  try {
    const target = join(dir, 'inventory.json');
    writeFileSync(target, '{"previous":true}\n');
    const rows: unknown[] = Array.from({ length: 50_000 }, (_, i) => ({ i, pad: 'y'.repeat(50) }));
    rows.push({ toJSON: () => { throw new Error('boom at the end'); } });
    assert.throws(() => writeJsonStreamAtomic(target, { rows }), /boom at the end/);
    assert.equal(readFileSync(target, 'utf8'), '{"previous":true}\n');
    assert.deepEqual(readdirSync(dir), ['inventory.json']);
    assert.ok(existsSync(target));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
