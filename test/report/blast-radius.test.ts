/** The blast radius in the reports (issue #14): the HTML Rollout and timeline sections, the XLSX sheets. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { renderHtml } from '../../src/report/html.ts';
import { writeXlsx } from '../../src/report/xlsx.ts';
import { AMI_MIGRATION, AMI_OPS, AMI_OUTSIDER, EXC_MIGRATION, OPS, OUTSIDER, WORKLOAD, WORKLOAD_2, inventory, judgeDoc } from '../helpers/inventory-builder.ts';

const META = { generatedAt: '2026-02-01T10:20:00.000Z', toolVersion: '0.1.0' };
const HOSTILE_OU = '<img src=x onerror=alert(1)>=HYPERLINK("http://x")';

function doc() {
  const inv = inventory()
    .account(WORKLOAD, { ouPath: ['Root', HOSTILE_OU], ouIds: ['r-ab12', 'ou-ab12-11111111'] })
    .account(WORKLOAD_2, { ouPath: ['Root', 'Safe'], ouIds: ['r-ab12', 'ou-ab12-22222222'] })
    .image({ id: AMI_OPS, owner: OPS })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER, name: '<b>x</b>' })
    .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
    .instance({ account: WORKLOAD, image: AMI_OUTSIDER })
    .autoScalingGroup({ name: 'asg-1', accountId: WORKLOAD, launchConfigurationName: 'lc' })
    .launchConfiguration('lc', WORKLOAD, AMI_MIGRATION)
    .instance({ account: WORKLOAD_2, image: AMI_OPS })
    .build();
  return judgeDoc(inv, undefined);
}

test('HTML: a Rollout section with the OU tree, breakage counts and the safe OUs marked first, escaped', () => {
  const html = renderHtml(doc(), META);
  const rollout = html.slice(html.indexOf('id="rollout"'), html.indexOf('id="timeline"'));
  assert.ok(rollout.length > 0, 'has a Rollout section');
  const rows = [...rollout.matchAll(/<tr data-ou="([^"]+)"( class="row-safe")?/g)].map((m) => [m[1], Boolean(m[2])]);
  assert.deepEqual(rows, [['ou-ab12-22222222', true], ['r-ab12', false], ['ou-ab12-11111111', false]]);
  assert.match(rollout, /safe to enforce now/);
  assert.match(rollout, /\b1 instance\b/);
  assert.doesNotMatch(html, /\b1 (instances|launch templates|Auto Scaling groups|EC2 Fleets|Spot Fleets)\b/);
  assert.ok(!html.includes('<img src=x'), 'OU names are escaped');
  assert.match(rollout, /&lt;img src&#x3D;x/);
  assert.match(rollout, /Root causes/);
});

test('HTML: the timeline table and inline SVG list what flips on each expiry', () => {
  const html = renderHtml(doc(), META);
  const timeline = html.slice(html.indexOf('id="timeline"'));
  assert.match(timeline, /<svg role="img" aria-labelledby="timeline-title"/);
  assert.match(timeline, /<td>2026-03-01<\/td>/);
  assert.match(timeline, /1 Auto Scaling group\b/, 'the group on the migration exception flips on 2026-03-01');
});

test('XLSX: Rollout, Timeline and Blast Radius sheets, formula-guarded', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-blast-'));
  try {
    const path = join(dir, 'report.xlsx');
    await writeXlsx(doc(), META, path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const rollout = wb.getWorksheet('Rollout')!;
    assert.equal(rollout.getRow(1).getCell(1).text, 'OU Path');
    const paths = Array.from({ length: rollout.rowCount - 1 }, (_, i) => rollout.getRow(i + 2).getCell(1).text);
    assert.deepEqual(paths[0], 'Root / Safe');
    assert.ok(paths.some((p) => p.includes('<img')), JSON.stringify(paths));
    for (const p of paths) assert.ok(!p.startsWith('='), 'no formula');
    const timeline = wb.getWorksheet('Timeline')!;
    assert.equal(timeline.getRow(2).getCell(1).text, '2026-03-01');
    assert.match(timeline.getRow(2).getCell(7).text, /auto-scaling-group asg-1/);
    const causes = wb.getWorksheet('Blast Radius')!;
    assert.equal(causes.getRow(2).getCell(1).text, AMI_OUTSIDER);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rollout.csv: one quoted line per OU and the root, safe first, the Rollout sheet columns, formula-guarded', async () => {
  const { parse } = await import('csv-parse/sync');
  const { readFileSync } = await import('node:fs');
  const { writeRolloutCsv } = await import('../../src/report/rollout-csv.ts');
  const { ROLLOUT_COLUMNS } = await import('../../src/report/blast.ts');
  const dir = mkdtempSync(join(tmpdir(), 'amigov-rollout-'));
  try {
    const d = doc();
    // A stranger's OU name that a spreadsheet would run, at the start of the field and after a ';'.
    d.impact.blastRadius!.rollout[0]!.path = ['=HYPERLINK("http://x")', 'a;=1+1'];
    const path = join(dir, 'rollout.csv');
    await writeRolloutCsv(d, META, path);
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\r\n') && !text.startsWith('\ufeff'), 'CRLF records, no BOM');
    const rows = parse(text) as string[][];
    assert.deepEqual(rows[0], ROLLOUT_COLUMNS.map((c) => c.header));
    assert.equal(rows.length, 1 + d.impact.blastRadius!.rollout.length);
    assert.deepEqual(rows.slice(1).map((r) => r[1]), ['ou-ab12-22222222', 'r-ab12', 'ou-ab12-11111111'], 'safe OUs first, as in findings.json');
    assert.equal(rows[1]![0], `'=HYPERLINK("http://x") / a;'=1+1`);
    assert.equal(rows[1]![3], 'yes');
    for (const r of rows) for (const cell of r) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
    const instanceCol = ROLLOUT_COLUMNS.findIndex((c) => c.header === 'SCP Breaks: instances');
    assert.equal(rows.find((r) => r[1] === 'ou-ab12-11111111')![instanceCol], '1');
    // A findings document without a blast radius: the header alone.
    delete d.impact.blastRadius;
    await writeRolloutCsv(d, META, path);
    assert.equal((parse(readFileSync(path, 'utf8')) as string[][]).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HTML and XLSX: an image only an SSM parameter names is a root cause with no launch path, its reference escaped and formula-guarded (issue #14)', async () => {
  const SSM_ONLY = 'ami-0000000000000a0f1';
  const inv = inventory()
    .account(WORKLOAD, { ouPath: ['Root', 'Prod'], ouIds: ['r-ab12', 'ou-ab12-11111111'] })
    .image({ id: SSM_ONLY, owner: OUTSIDER })
    .build();
  const hostile = '=HYPERLINK("http://x")/<script>x</script>';
  inv.imageReferences = [{ accountId: WORKLOAD, region: 'us-east-1', imageId: SSM_ONLY, resourceType: 'ssm:Parameter', arn: `arn:aws:ssm:us-east-1:${WORKLOAD}:parameter/${hostile}` }];
  const d = judgeDoc(inv, undefined);
  const html = renderHtml(d, META);
  const causes = html.slice(html.indexOf('id="root-cause-table"'), html.indexOf('</table>', html.indexOf('id="root-cause-table"')));
  assert.match(causes, new RegExp(SSM_ONLY));
  assert.match(causes, /no launch path amigov reads; only the references below/);
  assert.match(causes, /a launch that resolves it \(resolve:ssm:\/&#x3D;HYPERLINK/);
  assert.ok(!causes.includes('<script>x'), 'the parameter name is escaped');
  const dir = mkdtempSync(join(tmpdir(), 'amigov-blast-ref-'));
  try {
    const path = join(dir, 'report.xlsx');
    await writeXlsx(d, META, path);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    const sheet = wb.getWorksheet('Blast Radius')!;
    assert.equal(sheet.getRow(2).getCell(1).text, SSM_ONLY);
    assert.equal(sheet.getRow(2).getCell(7).text, '0', 'no launch path');
    const refs = sheet.getRow(2).getCell(9).text;
    assert.match(refs, /is refused once enforcement starts \(no launch path amigov reads uses this image\)/);
    assert.ok(!refs.startsWith('='), 'no formula');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
