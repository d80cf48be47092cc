/**
 * report.xlsx at scale, written with the streaming writer: prints peak RSS (sampled) and time, asserts
 * neither. 20,000 findings by default; AMIGOV_XLSX_ROWS=200000 for the full-size run (about 35 s on
 * a 2-core machine, so it is not part of the default suite).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeXlsx } from '../../src/report/xlsx.ts';
import { bigDoc } from './fixtures.ts';
import { readZip } from './zip.ts';

const ROWS = Number(process.env.AMIGOV_XLSX_ROWS ?? 20_000);

test(`xlsx: ${ROWS.toLocaleString('en-US')} findings are all written by the streaming writer (time and peak memory printed, not asserted)`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-xlsx-big-'));
  try {
    const doc = bigDoc(ROWS, 1);
    const path = join(dir, 'report.xlsx');
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
    const t0 = Date.now();
    await writeXlsx(doc, { generatedAt: '2026-11-23T10:20:00.000Z', toolVersion: '0.1.0' }, path);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    const mb = (n: number) => Math.round(n / 1e6);
    console.log(
      `# xlsx ${ROWS} findings (+${ROWS} command rows): ${Date.now() - t0} ms, ${mb(statSync(path).size)} MB file, ` +
        `RSS before ${mb(before)} MB (findings document in memory), peak ${mb(peak)} MB (+${mb(peak - before)} MB while writing)`,
    );
    if (ROWS <= 50_000) {
      // Count the rows in the Findings sheet XML (sheet2) without loading the workbook.
      const xml = readZip(path).get('xl/worksheets/sheet2.xml')!.toString('utf8');
      assert.equal(xml.match(/<row /g)?.length, ROWS + 1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
