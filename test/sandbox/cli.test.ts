import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startSandbox, demoOrg, loadFixture, FixtureError, DEMO_ACCOUNTS } from '../../src/sandbox/index.ts';
import { parseGenerateSpec } from '../../src/cli/commands/sandbox.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const awsInstalled = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * Runs the AWS CLI against a sandbox with only the sandbox's credentials in its environment. Asynchronous: the
 * sandbox answers from this very process, so a synchronous spawn would block it.
 */
function awsCli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('aws', [...args, '--output', 'json'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PYENV_ROOT: process.env.PYENV_ROOT ?? '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_EC2_METADATA_DISABLED: 'true', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function waitFor(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        child.stdout.off('data', onData);
        resolve(out);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing ${pattern}: ${out}`)));
  });
}

describe('sandbox from the command line', () => {
  it('serves the AWS CLI (describe-regions, describe-images --owners self)', { skip: awsInstalled ? false : 'aws CLI not installed' }, async () => {
    const sb = await startSandbox({ fixture: demoOrg });
    try {
      const env = { AWS_ACCESS_KEY_ID: sb.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: sb.credentials.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1' };
      const regions = await awsCli(['--endpoint-url', sb.endpoint, 'ec2', 'describe-regions', '--all-regions'], env);
      assert.equal(regions.status, 0, regions.stderr);
      const parsed = JSON.parse(regions.stdout) as { Regions: { RegionName: string; OptInStatus: string }[] };
      assert.equal(parsed.Regions.find((r) => r.RegionName === 'af-south-1')?.OptInStatus, 'not-opted-in');
      // AWS_ENDPOINT_URL, as `amigov sandbox` prints it
      const images = await awsCli(['ec2', 'describe-images', '--owners', 'self'], { ...env, AWS_ENDPOINT_URL: sb.endpoint });
      assert.equal(images.status, 0, images.stderr);
      assert.deepEqual(JSON.parse(images.stdout), { Images: [] }, 'the management account owns no AMI');
      const denied = await awsCli(['--endpoint-url', sb.endpoint, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${DEMO_ACCOUNTS.noRole}:role/OrganizationAccountAccessRole`, '--role-session-name', 'amigov'], env);
      assert.notEqual(denied.status, 0);
      assert.match(denied.stderr, /AccessDenied.*is not authorized to perform: sts:AssumeRole on resource/);
      const accounts = await awsCli(['--endpoint-url', sb.endpoint, 'organizations', 'list-accounts'], env);
      assert.equal(accounts.status, 0, accounts.stderr);
      assert.equal(JSON.parse(accounts.stdout).Accounts.length, demoOrg.accounts.length, 'the CLI follows NextToken itself');
    } finally {
      await sb.close();
    }
  });

  it('`amigov sandbox` prints the endpoint and env, serves requests, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sandbox', '--port', '0', '--latency-ms', '1'], { cwd: ROOT });
    const printed = await waitFor(child, /Press Ctrl\+C to stop/);
    const endpoint = /Endpoint: (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1];
    assert.ok(endpoint, printed);
    assert.match(printed, /export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+ AWS_ACCESS_KEY_ID=AKIAAMIGOVSANDBOX001 AWS_SECRET_ACCESS_KEY=\S+ AWS_REGION=us-east-1/);
    assert.match(printed, /aws ec2 describe-images --owners self/);
    const res = await fetch(endpoint, { method: 'POST', body: 'Action=DescribeRegions&Version=2016-11-15', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(res.status, 401, 'unsigned requests are refused as by AWS');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('rejects a bad fixture file with the path of each problem', () => {
    // In process (the CLI prints this UserError's message and exits 2): spawning another tsx costs seconds.
    assert.throws(
      () => loadFixture(join(ROOT, 'test/sandbox/fixtures/bad-fixture.json')),
      (err: Error) => {
        assert.ok(err instanceof FixtureError);
        assert.equal(err.exitCode, 2);
        assert.match(err.message, /bad-fixture\.json: 2 problems in the sandbox fixture/);
        assert.match(err.message, /\$\.accounts\[0\]\.id: must be a 12-digit account id/);
        assert.match(err.message, /\$\.images\[0\]\.imageId: must look like ami-/);
        return true;
      },
    );
    assert.throws(() => loadFixture(join(ROOT, 'test/sandbox/fixtures/missing.json')), /cannot read sandbox fixture/);
  });

  it('parses --generate specs and refuses unknown keys', () => {
    assert.deepEqual(parseGenerateSpec('accounts=50,regions=17,instances=100,seed=3'), { seed: 3, accounts: 50, regions: 17, instancesPerRegion: 100 });
    assert.deepEqual(parseGenerateSpec('accounts=2'), { seed: 1, accounts: 2 });
    assert.throws(() => parseGenerateSpec('accounts=2,colour=blue'), /--generate: cannot read "colour=blue"/);
    assert.throws(() => parseGenerateSpec('regions=3'), /--generate needs accounts=N/);
  });
});
