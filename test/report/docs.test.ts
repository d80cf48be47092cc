/** docs/reports.md documents every sheet, every column and every format the code writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/util/paths.ts';
import { FINDING_COLUMNS } from '../../src/report/rows.ts';
import { COMMAND_COLUMNS, COVERAGE_COLUMNS, IMAGE_COLUMNS, INSTANCE_COLUMNS, NOT_RECHECKED_COLUMNS, PUBLIC_AMI_COLUMNS, SUMMARY_COLUMNS, TREND_COLUMNS, WAIVER_COLUMNS } from '../../src/report/sheets.ts';
import { REPORT_FORMATS, reportFileName } from '../../src/report/index.ts';

// Line breaks inside a paragraph do not matter.
const doc = readFileSync(join(PACKAGE_ROOT, 'docs', 'reports.md'), 'utf8').replace(/\s+/g, ' ');

test('docs/reports.md names every sheet column, sheet, format and file', () => {
  const sheets: Record<string, { header: string }[]> = {
    Summary: SUMMARY_COLUMNS,
    Findings: FINDING_COLUMNS,
    'Not Re-checked': NOT_RECHECKED_COLUMNS,
    // The Trend sheet's fixed columns (one more per rule follows them).
    Trend: TREND_COLUMNS({ history: { trend: [] } } as never),
    Waivers: WAIVER_COLUMNS,
    Instances: INSTANCE_COLUMNS,
    Images: IMAGE_COLUMNS,
    'Public AMIs': PUBLIC_AMI_COLUMNS,
    Coverage: COVERAGE_COLUMNS,
    Commands: COMMAND_COLUMNS,
  };
  for (const [sheet, columns] of Object.entries(sheets)) {
    assert.ok(doc.includes(`**${sheet}**`), `sheet ${sheet} has its paragraph`);
    for (const c of columns) assert.ok(doc.includes(c.header), `${sheet} column "${c.header}" is documented`);
  }
  for (const f of REPORT_FORMATS) {
    assert.ok(doc.includes(`\`${f}\``), `format ${f}`);
    assert.ok(doc.includes(reportFileName(f)), `file ${reportFileName(f)}`);
  }
  for (const opt of ['--run', '--format', '--compare', '--out']) assert.ok(doc.includes(opt), `option ${opt}`);
});
