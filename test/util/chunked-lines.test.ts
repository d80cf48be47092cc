import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkedLines } from '../../src/util/chunked-lines.ts';

const ITEMS = ['#!/usr/bin/env bash', '', '# two\n# lines', 'é ü 日本 🚀', 'x'.repeat(300), '\n', 'last'];

test('chunked lines: the chunks, concatenated, are the items joined by line breaks plus a final one, at every chunk size', () => {
  const whole = ITEMS.join('\n') + '\n';
  for (const size of [1, 2, 5, 64, 1000, undefined]) {
    const chunks: string[] = [];
    const out = new ChunkedLines((c) => chunks.push(c), size);
    for (const item of ITEMS.slice(0, 3)) out.push(item);
    out.push(...ITEMS.slice(3));
    out.end();
    assert.equal(chunks.join(''), whole, `chunk size ${size}`);
    assert.equal(out.lines, whole.split('\n').length - 1, `line count at chunk size ${size}`);
    assert.equal(out.bytes, Buffer.byteLength(whole), `UTF-8 bytes at chunk size ${size}`);
    if (size === 1) assert.equal(chunks.length, 4, 'a small chunk size hands on each of the 4 pushes as it comes');
    if (size === undefined) assert.equal(chunks.length, 1, 'a short text is one chunk');
  }
});

test('chunked lines: nothing is handed on before a chunk fills, and an empty writer writes nothing', () => {
  const chunks: string[] = [];
  const out = new ChunkedLines((c) => chunks.push(c), 100);
  out.push('a'.repeat(50));
  assert.equal(chunks.length, 0);
  out.push('b'.repeat(50));
  assert.equal(chunks.length, 1);
  out.end();
  assert.equal(chunks.length, 1, 'end() with nothing pending adds no chunk');
  const none = new ChunkedLines((c) => chunks.push(c));
  none.end();
  assert.equal(chunks.length, 1);
  assert.equal(none.lines, 0);
});
