/**
 * Reading a large JSON file (inventory.json, findings.json: about 95 and 245 MB at 1,000 accounts) without ever
 * holding its whole text. JSON.parse needs one string, and a 95 MB string is still in V8's old generation when
 * the objects parsed from it are: V8 sizes the heap it grows to next from what is live at a full collection, so
 * reading the file as one string raised the peak of the whole evaluation after it.
 *
 * The file is read in 1 MiB chunks and split at its structure: when the document is an object, each member's
 * value is handed to JSON.parse on its own, and a member whose value is an array has each element parsed on its
 * own. Only the split is done here; every value is still JSON.parse's. The splitter accepts nothing JSON.parse
 * rejects: whatever it does not expect (a document that is not an object, a missing comma, a trailing comma,
 * a byte order mark, truncation) makes it give up, and the file is then parsed whole by JSON.parse, so an
 * invalid file fails with JSON.parse's own SyntaxError and message, as before.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { StringPool } from './string-pool.js';

/**
 * The value of the JSON text in `file`, equal to JSON.parse(readFileSync(file, 'utf8')). Throws what they throw.
 * `chunkBytes` (default 1 MiB) is for tests: a few bytes put every kind of piece across a chunk boundary.
 */
export function readJsonFile(file: string, opts: { chunkBytes?: number } = {}): unknown {
  // Each repeated string value is kept once (src/util/string-pool.ts); the pool goes with this call.
  const pool = new StringPool();
  try {
    return readInPieces(file, opts.chunkBytes ?? CHUNK_BYTES, pool);
  } catch (err) {
    if (!(err instanceof NotInPieces)) throw err;
    return pool.values(JSON.parse(readFileSync(file, 'utf8')));
  }
}

/** The splitter met something it does not read; readJsonFile then parses the file whole. */
export class NotInPieces extends Error {}

const CHUNK_BYTES = 1 << 20;

// Byte values (JSON's structure is ASCII, so a multi-byte UTF-8 sequence never contains one of them).
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
/** JSON's whitespace (RFC 8259 section 2): space, tab, line feed, carriage return; nothing else. */
const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** 1 for the bytes that can change the splitter's state inside a value. */
const STRUCTURAL = new Uint8Array(256);
for (const c of [QUOTE, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA]) STRUCTURAL[c] = 1;
const ONLY_WHITESPACE = /^[ \t\n\r]*$/;

/** Where the splitter is (plain constants: Node's type stripping, which runs the tests, has no enums). */
const Mode = {
  /** before the document's opening brace */
  Start: 0,
  /** a member's key, up to its colon */
  Key: 1,
  /** after the colon, before the value's first byte */
  BeforeValue: 2,
  /** a member's value that is not an array, up to the comma or brace after it */
  Value: 3,
  /** an element of a member's array, up to the comma or bracket after it */
  Element: 4,
  /** after a member's array, before the comma or brace */
  AfterArray: 5,
  /** after the document's closing brace: only whitespace may follow */
  End: 6,
} as const;
type Mode = (typeof Mode)[keyof typeof Mode];

function parsePiece(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new NotInPieces();
  }
}

/** The splitter alone, without the fallback (tests check it reads every valid document itself). Throws NotInPieces. */
export function readInPieces(file: string, chunkBytes: number = CHUNK_BYTES, pool = new StringPool()): Record<string, unknown> {
  const fd = openSync(file, 'r');
  try {
    return splitAndParse(fd, chunkBytes, pool);
  } finally {
    closeSync(fd);
  }
}

function splitAndParse(fd: number, chunkBytes: number, pool: StringPool): Record<string, unknown> {
  const buf = Buffer.allocUnsafe(chunkBytes);
  const doc: Record<string, unknown> = {};
  let mode = Mode.Start as Mode;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let members = 0;
  let key = '';
  let elements: unknown[] = [];
  /** where the piece being collected starts in this chunk, and its bytes from earlier chunks */
  let pieceStart = 0;
  let earlier: Buffer[] = [];
  let n = 0;

  const pieceText = (end: number): string => {
    let bytes = buf.subarray(pieceStart, end);
    if (earlier.length) {
      earlier.push(bytes);
      bytes = Buffer.concat(earlier);
      earlier = [];
    }
    return bytes.toString('utf8');
  };
  const setMember = (value: unknown) => {
    // JSON.parse makes "__proto__" an own property; an assignment would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(doc, key, { value, writable: true, enumerable: true, configurable: true });
    else doc[key] = value;
    members++;
  };
  const endElement = (end: number, closing: boolean) => {
    const text = pieceText(end);
    if (ONLY_WHITESPACE.test(text)) {
      // "[ ]" is an empty array; an empty element anywhere else is a stray comma.
      if (closing && elements.length === 0) return;
      throw new NotInPieces();
    }
    // Pooled while the piece is young: its duplicate strings die in the next scavenge.
    elements.push(pool.values(parsePiece(text)));
  };
  /**
   * Inside a piece: brackets and braces nest. One that would close the piece's own level (`floor`) is not JSON:
   * give up at once rather than read on (the piece's JSON.parse would refuse it anyway).
   */
  const nest = (c: number, floor: number) => {
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      if (depth === floor) throw new NotInPieces();
      depth--;
    }
  };
  /** After a member: a comma starts the next one's key, the closing brace ends the document. */
  const nextMember = (c: number, i: number) => {
    if (c === COMMA) {
      mode = Mode.Key;
      pieceStart = i + 1;
    } else {
      depth = 0;
      mode = Mode.End;
    }
  };

  /**
   * The index of the quote that closes a string whose content runs from `from` in this chunk, or -1 when the
   * string goes on into the next chunk (`escaped` then says whether the chunk ended inside an escape). Strings are
   * most of the bytes: memchr (Buffer.indexOf) finds each candidate quote, and a quote preceded by an odd run of
   * backslashes is escaped.
   */
  const closingQuote = (from: number): number => {
    let p = from;
    for (;;) {
      const q = buf.indexOf(QUOTE, p);
      const end = q === -1 || q >= n ? n : q;
      let backslashes = 0;
      for (let k = end - 1; k >= p && buf[k] === BACKSLASH; k--) backslashes++;
      if (end === n) {
        escaped = backslashes % 2 === 1;
        return -1;
      }
      if (backslashes % 2 === 0) return q;
      p = q + 1;
    }
  };

  while ((n = readSync(fd, buf, 0, chunkBytes, null)) > 0) {
    pieceStart = 0;
    let i = 0;
    if (inString) {
      // The previous chunk ended inside a string (and perhaps right after its backslash).
      const q = escaped ? (n > 1 ? closingQuote(1) : ((escaped = false), -1)) : closingQuote(0);
      if (q === -1) {
        earlier.push(Buffer.from(buf.subarray(0, n)));
        continue;
      }
      inString = false;
      i = q + 1;
    }
    for (; i < n; i++) {
      // Inside a value only quotes, brackets, braces and commas matter: skip the rest in a tight loop.
      if (mode === Mode.Value || mode === Mode.Element) {
        while (i < n && STRUCTURAL[buf[i]!] === 0) i++;
        if (i === n) break;
      }
      const c = buf[i]!;
      if (c === QUOTE && (mode === Mode.Key || mode === Mode.Value || mode === Mode.Element)) {
        const q = closingQuote(i + 1);
        if (q === -1) {
          inString = true;
          break;
        }
        i = q;
        continue;
      }
      switch (mode) {
        case Mode.Start:
          if (isWhitespace(c)) continue;
          if (c !== OPEN_OBJECT) throw new NotInPieces();
          depth = 1;
          mode = Mode.Key;
          pieceStart = i + 1;
          continue;
        case Mode.Key:
          if (c === COLON) {
            const k = parsePiece(pieceText(i));
            if (typeof k !== 'string') throw new NotInPieces();
            key = k;
            mode = Mode.BeforeValue;
          } else if (c === CLOSE_OBJECT) {
            // "{ }" is an empty document; a brace after a comma is a stray comma.
            if (members > 0 || !ONLY_WHITESPACE.test(pieceText(i))) throw new NotInPieces();
            depth = 0;
            mode = Mode.End;
          } else if (!isWhitespace(c)) throw new NotInPieces();
          continue;
        case Mode.BeforeValue:
          if (isWhitespace(c)) continue;
          if (c === OPEN_ARRAY) {
            depth = 2;
            elements = [];
            mode = Mode.Element;
            pieceStart = i + 1;
            continue;
          }
          mode = Mode.Value;
          pieceStart = i;
          i--; // read this byte again as the value's first
          continue;
        case Mode.Value:
          if (depth === 1 && (c === COMMA || c === CLOSE_OBJECT)) {
            setMember(pool.values(parsePiece(pieceText(i))));
            nextMember(c, i);
          } else nest(c, 1);
          continue;
        case Mode.Element:
          if (depth === 2 && c === COMMA) {
            endElement(i, false);
            pieceStart = i + 1;
          } else if (depth === 2 && c === CLOSE_ARRAY) {
            endElement(i, true);
            setMember(elements);
            elements = [];
            depth = 1;
            mode = Mode.AfterArray;
          } else nest(c, 2);
          continue;
        case Mode.AfterArray:
          if (isWhitespace(c)) continue;
          if (c !== COMMA && c !== CLOSE_OBJECT) throw new NotInPieces();
          nextMember(c, i);
          continue;
        case Mode.End:
          if (!isWhitespace(c)) throw new NotInPieces();
          continue;
      }
    }
    // A piece that runs on into the next chunk keeps a copy of its bytes (the buffer is reused).
    if (mode === Mode.Key || mode === Mode.Value || mode === Mode.Element) earlier.push(Buffer.from(buf.subarray(pieceStart, n)));
  }
  if (mode !== Mode.End) throw new NotInPieces();
  return doc;
}
