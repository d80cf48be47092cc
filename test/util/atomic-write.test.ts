// A writer killed mid-write (kill -9) leaves its temp file behind; the next write into that folder removes
// it, but never a live writer's file, and temp files are never listed as outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteStream, isTempName, sweepStaleTemps, writeFileAtomic } from '../../src/util/atomic-write.ts';
import { writeReports } from '../../src/report/index.ts';
import { sampleDoc } from '../report/fixtures.ts';

/** The pid of a process that has exited (and been reaped): no process has it now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const minutesAgo = (path: string, m: number) => {
  const t = new Date(Date.now() - m * 60_000);
  utimesSync(path, t, t);
};

test('a temp file left by a killed writer is removed when the folder is next written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-atomic-'));
  const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const dead = deadPid();
    const files = {
      killed: `.report.xlsx.${dead}.0a1b2c3d.tmp`, // dead writer, 5 minutes old: stale
      killedJustNow: `.report.html.${dead}.0a1b2c3e.tmp`, // dead writer, seconds old: kept for now (a writer in another pid namespace looks dead)
      liveWriter: `.findings.csv.${live.pid}.0a1b2c3f.tmp`, // a live process, recent: never touched
      liveIdle: `.findings.jsonl.${live.pid}.0a1b2c43.tmp`, // a live process, 5 minutes idle: still its file
      mine: `.findings.json.${process.pid}.0a1b2c40.tmp`, // this process, recent
      abandoned: `.inventory.json.${live.pid}.0a1b2c41.tmp`, // pid alive (or reused) but untouched for 2 hours: stale
      notOurs: '.report.xlsx.tmp', // another program's name pattern
      notOurs2: `notes.${dead}.0a1b2c42.tmp`, // no leading dot
      output: 'report.xlsx',
    };
    for (const f of Object.values(files)) writeFileSync(join(dir, f), 'x');
    minutesAgo(join(dir, files.killed), 5);
    minutesAgo(join(dir, files.liveIdle), 5);
    minutesAgo(join(dir, files.abandoned), 120);
    minutesAgo(join(dir, files.notOurs), 600);
    minutesAgo(join(dir, files.notOurs2), 600);

    writeFileAtomic(join(dir, 'findings.json'), '{}');

    const left = new Set(readdirSync(dir));
    assert.ok(!left.has(files.killed), 'the killed writer\'s temp file is gone');
    assert.ok(!left.has(files.abandoned), 'a 2-hour-old temp file is gone');
    for (const keep of [files.killedJustNow, files.liveWriter, files.liveIdle, files.mine, files.notOurs, files.notOurs2, files.output, 'findings.json']) {
      assert.ok(left.has(keep), `${keep} is kept`);
    }
  } finally {
    live.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an open streaming writer of this process is never swept, even when its file looks old', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-atomic-'));
  try {
    const w = atomicWriteStream(join(dir, 'report.xlsx'));
    w.stream.write('partial');
    await once(w.stream, 'ready');
    minutesAgo(w.tempPath, 120);
    assert.equal(sweepStaleTemps(dir, { force: true }), 0);
    assert.ok(existsSync(w.tempPath));
    w.stream.end();
    await once(w.stream, 'finish');
    w.commit();
    assert.deepEqual(readdirSync(dir), ['report.xlsx']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('temp names are recognised; written reports list only real outputs', async () => {
  assert.ok(isTempName(`.report.xlsx.${process.pid}.0a1b2c3d.tmp`));
  assert.ok(!isTempName('report.xlsx') && !isTempName('.report.xlsx.tmp') && !isTempName('.a.12.xyz.tmp'));
  const dir = mkdtempSync(join(tmpdir(), 'amigov-atomic-'));
  try {
    const stale = join(dir, `.report.xlsx.${deadPid()}.0a1b2c3d.tmp`);
    writeFileSync(stale, 'x');
    minutesAgo(stale, 5);
    const paths = await writeReports({ doc: sampleDoc(), outDir: dir, formats: ['html', 'xlsx', 'csv', 'json', 'jsonl'] });
    assert.ok(paths.every((p) => !isTempName(p.split('/').pop()!)));
    assert.deepEqual(readdirSync(dir).filter(isTempName), [], 'no temp file left in the run folder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kill -9 during a streaming write: the temp file stays until it is a minute old, then the next write removes it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-atomic-'));
  try {
    const code = `import { atomicWriteStream } from ${JSON.stringify(join(process.cwd(), 'src/util/atomic-write.ts'))};
      const w = atomicWriteStream(${JSON.stringify(join(dir, 'report.xlsx'))});
      w.stream.write('PK partial', () => process.stdout.write('writing\\n'));
      setTimeout(() => {}, 60000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(child.stdout!, 'data');
    const [tmp] = readdirSync(dir);
    assert.ok(tmp && isTempName(tmp), `the writer's temp file: ${tmp}`);
    assert.equal(sweepStaleTemps(dir, { force: true }), 0, 'a live writer\'s file is never swept');
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.equal(sweepStaleTemps(dir, { force: true }), 0, 'just killed: still within the grace minute');
    assert.equal(sweepStaleTemps(dir, { force: true, now: Date.now() + 2 * 60_000 }), 1);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
