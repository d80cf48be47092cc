/**
 * Hostile inputs through a whole `amigov scan` (sandbox, real SDK, every report written): credentials in
 * the endpoint URL never reach a file or the terminal.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { runScanAndReport } from '../../src/cli/commands/scan.ts';
import { miniOrg, useSandboxCredentials } from '../scan/helpers.ts';
import { readZip } from '../report/zip.ts';

const sink = () => {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
};

/** Every file below dir with its text; a zip (the XLSX) as the text of all its entries. */
function filesBelow(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .map((path) => ({ path, text: path.endsWith('.xlsx') ? [...readZip(path).values()].map((b) => b.toString('utf8')).join('\n') : readFileSync(path, 'utf8') }));
}

describe('scan with hostile inputs', () => {
  let sb: RunningSandbox;
  let dir: string;

  before(async () => {
    sb = await startSandbox({ fixture: miniOrg() });
    useSandboxCredentials(sb.credentials);
    dir = mkdtempSync(join(tmpdir(), 'amigov-hostile-'));
  });
  after(() => {
    sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('credentials in --endpoint-url are written nowhere: inventory, findings, reports, script, terminal', async () => {
    const port = new URL(sb.endpoint).port;
    const out = sink();
    const err = sink();
    const runDir = join(dir, 'userinfo');
    const run = await runScanAndReport(
      { endpointUrl: `http://scanner:s3cr3t-pass@127.0.0.1:${port}/`, region: 'us-east-1', out: runDir, asOf: '2026-01-15', allowPartial: true },
      { stdout: out.stream, stderr: err.stream },
    );
    assert.equal(run.exitCode, 0, err.text());
    assert.ok(run.inventory.instances.length > 0, 'the scan itself worked through that endpoint');
    assert.equal(run.inventory.run.endpoint, `http://127.0.0.1:${port}/`, 'the endpoint is recorded without its userinfo');
    const files = filesBelow(runDir);
    assert.ok(files.length >= 7, files.map((f) => f.path).join(', '));
    for (const f of files) assert.doesNotMatch(f.text, /s3cr3t|scanner:/, `${f.path} carries the endpoint's credentials`);
    assert.doesNotMatch(out.text() + err.text(), /s3cr3t/);
  });
});

