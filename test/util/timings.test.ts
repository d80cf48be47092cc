// AMIGOV_TIMINGS=1 adds one line of phase timings to stderr; without it nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitTimings, mark, parseTimings, TIMINGS_ENV } from '../../src/util/timings.ts';

test('timings: nothing without AMIGOV_TIMINGS=1; one parseable line with it, marks in order', () => {
  const saved = process.env[TIMINGS_ENV];
  try {
    delete process.env[TIMINGS_ENV];
    let out = '';
    mark('scanStart');
    emitTimings({ write: (s: string) => (out += s) });
    assert.equal(out, '');
    process.env[TIMINGS_ENV] = '1';
    mark('scanStart');
    mark('scanEnd');
    emitTimings({ write: (s: string) => (out += s) });
    assert.equal(out.split('\n').length, 2, 'one line');
    const t = parseTimings(`other output\n${out}`);
    assert.ok(t && t.scanStart !== undefined && t.scanEnd !== undefined);
    assert.ok(t.scanStart! <= t.scanEnd! && t.scanEnd! <= t.end);
    assert.equal(parseTimings('no timings here'), undefined);
  } finally {
    if (saved === undefined) delete process.env[TIMINGS_ENV];
    else process.env[TIMINGS_ENV] = saved;
  }
});
