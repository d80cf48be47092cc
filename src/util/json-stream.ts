/**
 * Streaming JSON: the text of `JSON.stringify(value, null, indent)`, byte for byte, produced in pieces so a large
 * document (findings.json, inventory.json at 1,000 accounts) is never one string in memory.
 *
 * The top levels of the value (objects and arrays down to `depth`) are walked here; everything below is handed to
 * JSON.stringify itself and re-indented. Re-indenting is exact: JSON.stringify escapes every line break inside a
 * string (as `\n`), so each raw "\n" in its output is structure, followed by the indentation of its level.
 * The walk follows JSON.stringify's own rules (ECMA-262 SerializeJSONProperty): toJSON(key) first, boxed
 * primitives unwrapped, undefined / functions / symbols left out of objects and written as null in arrays.
 * One difference no amigov document meets: below `depth`, a toJSON whose result has a toJSON of its own would
 * be applied twice.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { atomicTarget } from './atomic-write.js';

export interface JsonChunksOptions {
  /** spaces per level, as JSON.stringify's third argument (default 2) */
  indent?: number;
  /** container levels walked piece by piece (default 2: the document and its arrays; each item is stringified whole) */
  depth?: number;
}

type Json = unknown;

/** The value JSON.stringify would serialize for `holder[key]` (toJSON, boxed primitives). */
function prepare(value: Json, key: string): Json {
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint')) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = (toJSON as (k: string) => unknown).call(value, key);
  }
  if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  return value;
}

const skipped = (v: Json) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** Yields the pieces of JSON.stringify(value, null, indent); their concatenation equals it exactly. */
export function* jsonChunks(value: Json, opts: JsonChunksOptions = {}): Generator<string> {
  const indent = opts.indent ?? 2;
  const maxDepth = opts.depth ?? 2;
  const unit = ' '.repeat(indent);
  const stack = new Set<object>();

  /** v has been through prepare() already (toJSON is applied once, as JSON.stringify does). */
  function* walk(v: Json, level: number): Generator<string> {
    if (v === null || typeof v !== 'object' || level >= maxDepth) {
      const text = JSON.stringify(v, null, indent);
      // Inside an object or array, a value JSON.stringify leaves out is handled by the caller.
      if (text === undefined) return;
      yield level === 0 || indent === 0 ? text : text.replace(/\n/g, `\n${unit.repeat(level)}`);
      return;
    }
    if (stack.has(v)) throw new TypeError('Converting circular structure to JSON');
    stack.add(v);
    const inner = indent ? `\n${unit.repeat(level + 1)}` : '';
    const close = indent ? `\n${unit.repeat(level)}` : '';
    if (Array.isArray(v)) {
      if (v.length === 0) yield '[]';
      else {
        yield '[';
        for (let i = 0; i < v.length; i++) {
          yield i === 0 ? inner : `,${inner}`;
          const item = prepare(v[i], String(i));
          if (skipped(item)) yield 'null';
          else yield* walk(item, level + 1);
        }
        yield `${close}]`;
      }
    } else {
      let first = true;
      for (const k of Object.keys(v)) {
        const item = prepare((v as Record<string, unknown>)[k], k);
        if (skipped(item)) continue;
        yield `${first ? '{' : ','}${inner}${JSON.stringify(k)}:${indent ? ' ' : ''}`;
        first = false;
        yield* walk(item, level + 1);
      }
      yield first ? '{}' : `${close}}`;
    }
    stack.delete(v);
  }

  // Top level: JSON.stringify(undefined) is undefined; there is nothing to write then.
  yield* walk(prepare(value, ''), 0);
}

/** Gathers pieces into writes of about this size. */
const WRITE_BYTES = 1 << 20;

/**
 * Writes the pieces to target atomically (temp file, then rename), gathering them into writes of about 1 MB.
 * On any failure (a piece that throws, a full disk) the temp file is removed and the target is left as it was.
 */
export function writeChunksAtomic(target: string, pieces: Iterable<string>): void {
  const t = atomicTarget(target);
  let fd: number | undefined;
  try {
    fd = openSync(t.tempPath, 'w');
    let buf = '';
    for (const piece of pieces) {
      buf += piece;
      if (buf.length >= WRITE_BYTES) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    if (buf) writeSync(fd, buf);
    closeSync(fd);
    fd = undefined;
    t.commit();
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    t.abort();
    throw err;
  }
}

/**
 * Writes `JSON.stringify(value, null, 2) + "\n"` to target atomically, in pieces: the same bytes writeJsonAtomic
 * writes, without the whole text in memory.
 */
export function writeJsonStreamAtomic(target: string, value: unknown, opts: JsonChunksOptions = {}): void {
  writeChunksAtomic(target, (function* () {
    yield* jsonChunks(value, opts);
    yield '\n';
  })());
}
