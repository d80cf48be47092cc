/**
 * `amigov remediate` end to end against the sandbox: the plan, dry runs that pass and fail (an SCP-style
 * denial), confirmation on a terminal, --yes and no terminal, apply + verify + the log, a partial failure,
 * and undoing from the log. Also: flags are checked before any AWS call.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { runScanAndReport } from '../../src/pipeline/run-scan.ts';
import { cliIo } from '../../src/cli/io.ts';
import { readLog } from '../../src/remediation/log.ts';
import { miniOrg, PROD, DEV, sink, useSandboxCredentials } from '../scan/helpers.ts';
import { runCli } from '../policy/helpers.ts';

const PUBLIC_PROD = 'ami-0000000000000b001'; // owned by PROD in eu-west-1, public

describe('amigov remediate', () => {
  let sb: RunningSandbox;
  let root: string;
  let run: string;
  const fixture = miniOrg();
  for (const a of fixture.accounts) a.roles.push({ name: 'amigov-remediation' });
  // DEV's own AMI made public too, so a plan has changes in two accounts.
  fixture.images.find((i) => i.imageId === 'ami-0000000000000d002')!.public = true;

  const isPublic = (imageId: string) => [...sb.state.publicImagesIn('eu-west-1'), ...sb.state.publicImagesIn('us-east-1')].some((r) => r.imageId === imageId);

  /** Runs the CLI with a stdin that is (or is not) a terminal and answers `answer`. */
  async function remediate(args: string[], tty?: { answer: string }) {
    const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
    if (tty) {
      stdin.isTTY = true;
      stdin.end(`${tty.answer}\n`);
    }
    const orig = cliIo.stdin;
    cliIo.stdin = stdin;
    try {
      return await runCli('remediate', '--run', run, '--endpoint-url', sb.endpoint, '--region', 'us-east-1', ...args);
    } finally {
      cliIo.stdin = orig;
    }
  }

  before(async () => {
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
    root = mkdtempSync(join(tmpdir(), 'amigov-remediate-'));
  });
  beforeEach(async () => {
    // A fresh run (and sandbox state) per test: the public AMIs public again.
    for (const id of [PUBLIC_PROD, 'ami-0000000000000d002']) {
      const rec = [...sb.state.ownedBy(PROD, 'eu-west-1'), ...sb.state.ownedBy(DEV, 'us-east-1')].find((r) => r.imageId === id)!;
      rec.public = true;
      sb.state.indexSharing(rec);
    }
    sb.setDenials([]);
    run = mkdtempSync(join(root, 'run-'));
    await runScanAndReport(
      { endpointUrl: sb.endpoint, region: 'us-east-1', asOf: '2026-01-15', out: run, quiet: true, format: 'json', allowPartial: true, rules: 'public-ami' },
      { stdout: sink().stream, stderr: sink().stream },
    );
    sb.resetStats();
  });
  after(() => {
    sb.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('bad flags, no terminal without --yes: exit 2 before any AWS call, nothing written', async () => {
    for (const args of [['--aply'], ['--accounts', '12345'], ['--rules', 'public-amy'], ['--rules', 'unapproved-publisher'], ['--finding', 'xyz'], ['--finding', '0123456789abcdef', '--yes'], []]) {
      const r = await remediate(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    }
    const noTty = await remediate([]);
    assert.match(noTty.stderr, /no terminal.*--yes/);
    // A run folder that does not exist is named first, before how to confirm (which would not help).
    const missing = join(root, 'no-such-run');
    const noRun = await remediate(['--run', missing]);
    assert.equal(noRun.code, 2);
    assert.ok(noRun.stderr.includes(missing), noRun.stderr);
    assert.doesNotMatch(noRun.stderr, /no terminal/);
    assert.equal(sb.stats().total, 0, 'no AWS call');
    assert.ok(!existsSync(join(run, 'remediation-log.jsonl')));
    assert.ok(isPublic(PUBLIC_PROD));
  });

  test('--dry-run: the plan (account, region, resource, command) and the dry runs; nothing changes', async () => {
    const r = await remediate(['--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 changes in 2 accounts/);
    assert.match(r.stdout, new RegExp(`\\[account ${PROD} \\(prod\\) eu-west-1\\] ${PUBLIC_PROD}: make ${PUBLIC_PROD} private`));
    assert.match(r.stdout, new RegExp(`aws ec2 modify-image-attribute --image-id ${PUBLIC_PROD} --launch-permission "Remove=\\[\\{Group=all\\}\\]" --region eu-west-1`));
    assert.match(r.stdout, /2 changes would succeed, 0 changes would fail/);
    assert.equal(sb.stats().byAction['ec2:ModifyImageAttribute'], 2, 'one DryRun each');
    assert.ok(isPublic(PUBLIC_PROD), 'a DryRun changes nothing');
    assert.ok(!existsSync(join(run, 'remediation-log.jsonl')));
  });

  test('on a terminal: anything but "yes" changes nothing (exit 2); "yes" applies, verifies and logs', async () => {
    const no = await remediate([], { answer: 'y' });
    assert.equal(no.code, 2);
    assert.ok(isPublic(PUBLIC_PROD));
    const yes = await remediate([], { answer: 'yes' });
    assert.equal(yes.code, 0, yes.stdout + yes.stderr);
    assert.match(yes.stdout, new RegExp(`\\[account ${PROD} eu-west-1\\] ${PUBLIC_PROD}: applied, verified`));
    assert.ok(!isPublic(PUBLIC_PROD));
    const log = readLog(join(run, 'remediation-log.jsonl'));
    assert.equal(log.length, 2);
    const e = log.find((x) => x.resource === PUBLIC_PROD)!;
    assert.equal(e.result, 'applied');
    assert.equal(e.verified, 'yes');
    assert.equal(e.accountId, PROD);
    assert.match(e.principal, new RegExp(`^arn:aws:sts::${PROD}:assumed-role/amigov-remediation/`));
    assert.match(e.undo.command, /--launch-permission "Add=\[\{Group=all\}\]"/);
    assert.ok(!Number.isNaN(Date.parse(e.at)));
    assert.match(readFileSync(join(run, 'remediation-undo.sh'), 'utf8'), /run aws ec2 modify-image-attribute --image-id ami-0000000000000b001 --launch-permission "Add=\[\{Group=all\}\]"/);
  });

  test('an SCP-style denial: the dry run says which change would fail and why; --yes applies the rest; exit 3 (partial)', async () => {
    sb.setDenials([{ action: 'ec2:ModifyImageAttribute', accountId: PROD }]);
    const r = await remediate(['--yes']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`\\[account ${PROD} eu-west-1\\] ${PUBLIC_PROD}: would FAIL: UnauthorizedOperation: denied by a service control policy`));
    assert.match(r.stdout, /1 change would succeed, 1 change would fail/);
    assert.ok(isPublic(PUBLIC_PROD), 'the denied change was not made');
    assert.ok(!isPublic('ami-0000000000000d002'), 'the other one was');
    const log = readLog(join(run, 'remediation-log.jsonl'));
    assert.equal(log.find((x) => x.resource === PUBLIC_PROD)!.result, 'not-applied');
    assert.equal(log.find((x) => x.resource === 'ami-0000000000000d002')!.result, 'applied');
  });

  test('the SCP exemption lets the remediation role through; the plan warns for another role', async () => {
    // The generated SCP's exemption, as the sandbox emulates it: every principal but the remediation role is denied.
    sb.setDenials([{ action: 'ec2:ModifyImageAttribute', exceptPrincipalArns: ['arn:*:iam::*:role/amigov-remediation'] }]);
    const ok = await remediate(['--yes', '--accounts', PROD]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.ok(!isPublic(PUBLIC_PROD));
    const other = await remediate(['--dry-run', '--accounts', DEV, '--role-name', 'OrganizationAccountAccessRole']);
    assert.match(other.stderr, /warning: the SCP amigov generates \(DenyPublicAMISharing\) would deny/);
    assert.equal(other.code, 3);
  });

  test('--undo: reverses what the log applied, newest first, and logs it (blocked while image block public access is on)', async () => {
    await remediate(['--yes']);
    assert.ok(!isPublic(PUBLIC_PROD));
    // Making an AMI public again is what image block public access stops: the dry run says so.
    sb.state.regionSettings(PROD, 'eu-west-1').imageBlockPublicAccess = 'block-new-sharing';
    const blocked = await remediate(['--undo', '--yes']);
    assert.equal(blocked.code, 3);
    assert.match(blocked.stdout, /would FAIL: OperationNotPermitted: .*block public access/);
    assert.ok(!isPublic(PUBLIC_PROD));
    sb.state.regionSettings(PROD, 'eu-west-1').imageBlockPublicAccess = 'unblocked';
    sb.state.regionSettings(DEV, 'us-east-1').imageBlockPublicAccess = 'unblocked';
    const u = await remediate(['--undo', '--yes']);
    assert.equal(u.code, 0, u.stdout + u.stderr);
    assert.match(u.stdout, /Undo plan .*: 2 changes in 2 accounts/);
    assert.ok(isPublic(PUBLIC_PROD) && isPublic('ami-0000000000000d002'));
    const log = readLog(join(run, 'remediation-log.jsonl'));
    assert.equal(log.filter((e) => e.undoes && e.result === 'applied').length, 2);
    const again = await remediate(['--undo', '--yes']);
    assert.match(again.stdout, /Nothing to change/);
  });
});
