/**
 * readJsonFile splits a file at its structure and hands each piece to JSON.parse: the result must be JSON.parse's
 * for every valid file (values, key order, "__proto__" keys), at every chunk size, and an invalid file must fail
 * with JSON.parse's own SyntaxError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotInPieces, readInPieces, readJsonFile } from '../../src/util/json-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'amigov-json-file-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function fileWith(text: string): string {
  const path = join(dir, `${files++}.json`);
  writeFileSync(path, text);
  return path;
}

/** Chunk sizes that cut strings, escapes, multi-byte characters and every separator somewhere. */
const CHUNKS = [1, 2, 3, 5, 7, 64, undefined];

function assertReadsAsJsonParse(text: string, what: string): void {
  const path = fileWith(text);
  const expected: unknown = JSON.parse(text);
  const isObject = expected !== null && typeof expected === 'object' && !Array.isArray(expected);
  for (const chunkBytes of CHUNKS) {
    const got = readJsonFile(path, chunkBytes === undefined ? {} : { chunkBytes });
    assert.deepStrictEqual(got, expected, `${what} (chunk ${chunkBytes ?? 'default'})`);
    // Same key order, and nothing JSON.stringify would write differently.
    assert.equal(JSON.stringify(got), JSON.stringify(expected), `${what}: order (chunk ${chunkBytes ?? 'default'})`);
    // And it was the splitter that read it, not the whole-file fallback.
    if (isObject) assert.equal(JSON.stringify(readInPieces(path, chunkBytes)), JSON.stringify(expected), `${what}: read in pieces (chunk ${chunkBytes ?? 'default'})`);
    else assert.throws(() => readInPieces(path, chunkBytes), NotInPieces, `${what}: not an object, parsed whole`);
  }
}

test('valid documents read exactly as JSON.parse reads them, at every chunk size', () => {
  const cases: Record<string, string> = {
    'empty object': '{}',
    'empty object, spaced': ' \n\t{ \r\n } \n',
    'empty arrays': '{"a":[],"b":[ ],"c":[\n\n]}',
    scalars: '{"n":-1.5e3,"t":true,"f":false,"z":null,"s":"x"}',
    'arrays of everything': '{"a":[1,"two",[3,[4]],{"five":[5]},null,true,-0.0,""]}',
    'structure inside strings': '{"s":"a,b]c}d{e[f:g","a":["],[", "}{", ":", ","]}',
    escapes: String.raw`{"q":"say \"hi\", \\ then \\\" and \\\\","a":["\\","\"","\\\\\"",  "\u005d\u002c\u0022"],"k\"ey":1}`,
    unicode: '{"name":"amí-ñame 🚀 日本語","a":["é","€𝄞","\u2028\u2029"],"ключ":"значение"}',
    'nested objects kept whole': '{"run":{"parameters":{"a":[1,{"b":[2]}]},"x":{}},"list":[{"k":{"deep":[[],[[]]]}}]}',
    'pretty-printed': JSON.stringify({ schemaVersion: 1, kind: 'amigov.inventory', instances: [{ id: 'i-1', tags: { a: 'b,]' } }, { id: 'i-2' }], accounts: [] }, null, 2),
    'duplicate keys: the last value, the first position': '{"a":1,"b":2,"a":[3]}',
    'integer-like keys': '{"b":1,"10":2,"2":[3],"a":4}',
    'top-level array (parsed whole)': '[1,{"a":[2]},"3"]',
    'top-level scalar (parsed whole)': ' "just a string" ',
  };
  for (const [what, text] of Object.entries(cases)) assertReadsAsJsonParse(text, what);
});

test('a "__proto__" key is an own property, as JSON.parse makes it, never the prototype', () => {
  const path = fileWith('{"__proto__":{"polluted":true},"a":[{"__proto__":[1]}]}');
  for (const chunkBytes of CHUNKS) {
    const got = readJsonFile(path, chunkBytes === undefined ? {} : { chunkBytes }) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    assert.ok(Object.hasOwn(got, '__proto__'));
    assert.deepEqual(Object.keys(got), ['__proto__', 'a']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(JSON.stringify(got), JSON.stringify(JSON.parse('{"__proto__":{"polluted":true},"a":[{"__proto__":[1]}]}')));
  }
});

test('an invalid file fails with JSON.parse\'s own SyntaxError, whatever the splitter met first', () => {
  const invalid = [
    '',
    '   ',
    '{',
    '{"a":1',
    '{"a":[1,2',
    '{"a":"unterminated',
    '{"a":1,}',
    '{,"a":1}',
    '{"a":[1,]}',
    '{"a":[,1]}',
    '{"a":[1 2]}',
    '{"a":}',
    '{"a" 1}',
    '{a:1}',
    '{"a":1}}',
    '{"a":1} x',
    '{"a":[1]]}',
    '{"a":[1}',
    '{"a":{"b":1]}',
    '{"a":1 "b":2}',
    '{"a":[1] "b":2}',
    '\uFEFF{"a":1}',
    '{"a":[1],}',
    "{'a':1}",
    '{"a":[1,\u00a0]}',
    '{"a":01}',
    '{"a":"tab\there"}',
  ];
  for (const text of invalid) {
    const path = fileWith(text);
    let expected: unknown;
    try {
      JSON.parse(text);
    } catch (err) {
      expected = err;
    }
    assert.ok(expected instanceof SyntaxError, `test case ${JSON.stringify(text)} must be invalid JSON`);
    for (const chunkBytes of CHUNKS) {
      assert.throws(() => readInPieces(path, chunkBytes), NotInPieces, `the splitter accepts ${JSON.stringify(text)} (chunk ${chunkBytes ?? 'default'})`);
      assert.throws(
        () => readJsonFile(path, chunkBytes === undefined ? {} : { chunkBytes }),
        (err: unknown) => err instanceof SyntaxError && err.message === (expected as SyntaxError).message,
        `${JSON.stringify(text)} (chunk ${chunkBytes ?? 'default'})`,
      );
    }
  }
});

test('a missing file throws the file system\'s error (ENOENT), not a parse error', () => {
  assert.throws(() => readJsonFile(join(dir, 'no-such.json')), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
});

/** A seeded generator of JSON values with hostile strings (mulberry32). */
function randomDocument(seed: number): unknown {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const alphabet = ['a', '"', '\\', ',', ']', '[', '{', '}', ':', ' ', '\n', 'é', '🚀', '\u0000', '\u2028', '日'];
  const str = () => Array.from({ length: Math.floor(rand() * 8) }, () => pick(alphabet)).join('');
  const value = (depth: number): unknown => {
    const r = rand();
    if (depth > 3 || r < 0.3) return pick([null, true, false, 0, -1.25, 1e21, 42, str(), str()]);
    if (r < 0.65) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [str(), value(depth + 1)]));
  };
  return Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 5) }, () => [str(), rand() < 0.5 ? Array.from({ length: Math.floor(rand() * 6) }, () => value(1)) : value(1)]));
}

test('200 random documents with hostile strings, compact and indented, read as JSON.parse reads them', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const doc = randomDocument(seed);
    assertReadsAsJsonParse(JSON.stringify(doc), `seed ${seed} compact`);
    assertReadsAsJsonParse(JSON.stringify(doc, null, seed % 2 ? 2 : '\t'), `seed ${seed} indented`);
  }
});
