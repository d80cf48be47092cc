// remediation.sh run for real with the AWS CLI against the sandbox: the dry run checks every change
// with --dry-run, --apply makes them, and a rescan shows the findings resolved. Slow (the AWS CLI v1
// starts in about a second per call), so opt-in: AMIGOV_AWS_CLI_E2E=1 node test/run-tests.mjs aws-cli-e2e
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, demoOrg, type RunningSandbox } from '../../src/sandbox/index.ts';
import { DEMO_AS_OF } from '../../src/sandbox/fixtures/demo-org.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { resolveAllowlist } from '../../src/config/allowlist.ts';
import { evaluateRun } from '../../src/evaluate/evaluate.ts';
import { renderRemediationScript } from '../../src/remediation/script.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { demoPublisherConfig } from '../helpers/demo-config.ts';
import { scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

const enabled = process.env.AMIGOV_AWS_CLI_E2E === '1' && spawnSync('aws', ['--version']).status === 0;

/** Async: the sandbox lives in this process, so a blocking spawnSync would starve it. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const p = spawn(cmd, args, { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('remediation.sh with the AWS CLI against the sandbox', { skip: !enabled && 'set AMIGOV_AWS_CLI_E2E=1 (needs the aws CLI)' }, () => {
  let sb: RunningSandbox;
  let scan: () => Promise<FindingsDocument>;
  let script: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    const config = demoPublisherConfig();
    sb = await startSandbox({ fixture: demoOrg });
    useSandboxCredentials(sb.credentials);
    scan = async () =>
      evaluateRun({
        inventory: await scanOrganization(scanOptions(sb.endpoint, { regions: ['us-east-1'], asOf: DEMO_AS_OF, allowlist: resolveAllowlist(config, DEMO_AS_OF) })),
        config,
        asOf: DEMO_AS_OF,
      });
    const dir = mkdtempSync(join(tmpdir(), 'amigov-cli-e2e-'));
    script = join(dir, 'remediation.sh');
    writeFileSync(script, renderRemediationScript(await scan()));
    env = { ...process.env, AWS_ENDPOINT_URL: sb.endpoint, AWS_DEFAULT_REGION: 'us-east-1', AWS_MAX_ATTEMPTS: '1' };
  });
  after(() => sb?.close());

  test('dry run: every change would succeed, nothing changes', async () => {
    const r = await run('bash', [script], env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal((r.stdout.match(/dry run: would succeed/g) ?? []).length, 4);
    const fixes = (await scan()).findings.filter((f) => f.ruleId === 'public-ami' || f.ruleId === 'image-block-public-access-off');
    assert.equal(fixes.length, 4, 'still there after the dry run');
  });

  test('--apply fixes public AMIs and block public access; the rescan has no such findings left', async () => {
    const r = await run('bash', [script, '--apply', '--yes'], env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /4 change\(s\) made, 0 failure\(s\)/);
    const left = (await scan()).findings.filter((f) => f.ruleId === 'public-ami' || f.ruleId === 'image-block-public-access-off');
    assert.deepEqual(left, []);
  });
});
