// remediation.sh: valid bash, dry run by default, assumes roles per account, runs only unreviewed fixes,
// and passes hostile values through to the AWS CLI unchanged. A fake `aws` on PATH records every call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderRemediationScript } from '../../src/remediation/script.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';
import { AMI_OPS, AMI_OUTSIDER, AMI_SELF, AMI_VENDOR, OPS, OUTSIDER, VENDOR, WORKLOAD, WORKLOAD_2, inventory, judgeDoc } from '../helpers/inventory-builder.ts';
import { bashArgv } from './shell-check.ts';

const EVIL = "evil'; touch pwned; echo \"$(id)\" `x` *\nnext line";

function sampleDoc(profileTemplate?: string): FindingsDocument {
  const inv = inventory()
    .account(OPS, { name: 'ops' })
    .account(WORKLOAD, { name: EVIL })
    .account(WORKLOAD_2, { name: 'data' })
    .image({ id: AMI_OPS, owner: OPS, name: EVIL, tags: {} })
    .image({ id: AMI_SELF, owner: WORKLOAD, name: EVIL, public: true })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .image({ id: AMI_VENDOR, owner: VENDOR })
    .instance({ account: WORKLOAD, image: AMI_OPS, tags: { Environment: 'Prod', Name: EVIL } })
    .instance({ account: WORKLOAD_2, image: AMI_OPS, tags: { Environment: 'Prod' } })
    .instance({ account: WORKLOAD_2, image: AMI_VENDOR, tags: { Environment: 'Prod' } })
    .instance({ account: WORKLOAD_2, image: AMI_OUTSIDER, tags: { Name: EVIL } })
    .launchTemplate({ id: 'lt-0000000000000000a', name: EVIL, account: WORKLOAD_2, default: [1, AMI_OUTSIDER] })
    .regionSettings({ account: WORKLOAD_2, bpa: 'unblocked', allowed: 'audit-mode' })
    .regionSettings({ account: WORKLOAD, region: 'us-east-1', bpa: 'block-new-sharing', allowed: 'audit-mode' })
    .regionSettings({ account: OPS, bpa: 'block-new-sharing', allowed: 'audit-mode' })
    .build();
  return judgeDoc(inv, undefined, { options: profileTemplate ? { profileTemplate } : {} });
}

const FAKE_AWS = `#!/usr/bin/env bash
{ printf '%s\\0' "$@"; printf '%s\\0' '@@END@@'; } >> "$FAKE_AWS_LOG"
case "$1 $2" in
  "sts get-caller-identity") echo "${OPS}"; exit 0 ;;
  "sts assume-role") printf 'ASIAFAKE%s\\tsecret\\ttoken\\n' "\${*: -5:1}"; exit 0 ;;
esac
for a in "$@"; do
  if [[ $a == --dry-run ]]; then
    if [[ -n \${FAKE_DENY:-} ]]; then echo "An error occurred (UnauthorizedOperation) when calling the operation: You are not authorized" >&2; exit 254; fi
    echo "An error occurred (DryRunOperation) when calling the operation: Request would have succeeded, but DryRun flag is set." >&2; exit 254
  fi
done
echo '{"Return": true}'
`;

function runScript(script: string, args: string[], extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-script-'));
  const bin = join(dir, 'bin');
  spawnSync('mkdir', [bin]);
  writeFileSync(join(bin, 'aws'), FAKE_AWS);
  chmodSync(join(bin, 'aws'), 0o755);
  const path = join(dir, 'remediation.sh');
  writeFileSync(path, script);
  const log = join(dir, 'aws.log');
  const r = spawnSync('bash', [path, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, FAKE_AWS_LOG: log, AWS_ACCESS_KEY_ID: 'AKIABASE', AWS_SECRET_ACCESS_KEY: 'base', ...extraEnv },
  });
  const words = existsSync(log) ? readFileSync(log, 'utf8').split('\0').slice(0, -1) : [];
  const calls: string[][] = [];
  let cur: string[] = [];
  for (const w of words) {
    if (w === '@@END@@') {
      calls.push(cur);
      cur = [];
    } else cur.push(w);
  }
  return { ...r, calls, pwned: existsSync(join(dir, 'pwned')) };
}

test('script: bash -n accepts it; header says what changes per account', () => {
  const doc = sampleDoc();
  const script = renderRemediationScript(doc);
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(script.startsWith('#!/usr/bin/env bash\n'));
  assert.match(script, /^set -euo pipefail$/m);
  assert.match(script, new RegExp(`^#   ${WORKLOAD} \\(evil'; touch pwned; echo "\\$\\(id\\)" \`x\` \\*\\\\nnext line\\): 1 change \\(1 x ec2 modify-image-attribute\\); 1 for review$`, 'm'));
  // The review items of the launching accounts: the approval tag of the ops AMI, which must be set there too.
  assert.match(script, new RegExp(`^#   ${WORKLOAD_2} \\(data\\): 1 change \\(1 x ec2 enable-image-block-public-access\\); 2 for review$`, 'm'));
  assert.match(script, new RegExp(`^#   ${OPS} \\(ops\\): 0 changes; 1 for review$`, 'm'));
  // Only accounts with changes are counted: OPS has review items only.
  assert.match(script, /With --apply this script makes 2 changes in 2 accounts \(and 1 more account with review items only\):/);
  // No line outside a quoted command carries the hostile name unsanitized.
  for (const line of script.split('\n')) if (line.includes('next line') && !line.trimStart().startsWith('#')) assert.fail(`unsanitized: ${line}`);
});

test('script: dry run (default) checks EC2 changes with --dry-run, assumes each account role, runs nothing for review', () => {
  const doc = sampleDoc();
  const r = runScript(renderRemediationScript(doc), []);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /DRY RUN/);
  assert.equal((r.stdout.match(/dry run: would succeed/g) ?? []).length, 2);
  assert.equal(r.pwned, false);
  const ops = r.calls.map((c) => c.slice(0, 3).join(' '));
  assert.equal(ops[0], 'sts get-caller-identity --query');
  // Roles are assumed only where something runs; the caller's own account (OPS) uses base credentials.
  const assumed = r.calls.filter((c) => c[1] === 'assume-role').map((c) => c[3]);
  assert.deepEqual(assumed, [`arn:aws:iam::${WORKLOAD}:role/OrganizationAccountAccessRole`, `arn:aws:iam::${WORKLOAD_2}:role/OrganizationAccountAccessRole`]);
  const changes = r.calls.filter((c) => c[0] === 'ec2');
  const expected = doc.findings.flatMap((f) => f.commands).filter((c) => c.kind === 'fix' && !c.needsReview && c.command.startsWith('aws '));
  assert.equal(changes.length, expected.length);
  const expectedArgv = bashArgv(expected.map((c) => c.command)).map((argv) => [...argv.slice(1), '--dry-run']);
  assert.deepEqual(changes.sort(), expectedArgv.sort());
  assert.ok(!r.calls.some((c) => c[1] === 'create-tags' || c[1] === 'create-launch-template-version'), 'needsReview commands never run');
});

test('script: --apply makes the changes without --dry-run, then verifies', () => {
  const r = runScript(renderRemediationScript(sampleDoc()), ['--apply', '--yes']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const ec2 = r.calls.filter((c) => c[0] === 'ec2');
  assert.ok(ec2.every((c) => !c.includes('--dry-run')));
  assert.deepEqual(ec2.map((c) => c[1]).sort(), ['describe-images', 'enable-image-block-public-access', 'get-image-block-public-access-state', 'modify-image-attribute']);
  assert.match(r.stdout, /2 change\(s\) made, 0 failure\(s\)/);
});

test('script: a denied dry run is reported and the script exits non-zero', () => {
  const r = runScript(renderRemediationScript(sampleDoc()), [], { FAKE_DENY: '1' });
  assert.equal(r.status, 1);
  assert.match(r.stdout, /would fail: .*UnauthorizedOperation/);
});

test('script: with a profile template no role is assumed and hostile profile names arrive intact', () => {
  const doc = sampleDoc('{accountName}-admin');
  const script = renderRemediationScript(doc);
  assert.doesNotMatch(script, /assume_role/);
  const r = runScript(script, []);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.ok(!r.calls.some((c) => c[0] === 'sts'));
  const modify = r.calls.find((c) => c[1] === 'modify-image-attribute')!;
  assert.deepEqual(modify.slice(-3), ['--profile', `${EVIL}-admin`, '--dry-run']);
  assert.equal(r.pwned, false);
});

test('script: unknown arguments are refused; an empty document changes nothing', () => {
  const r = runScript(renderRemediationScript(sampleDoc()), ['--aply']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown argument: --aply \(did you mean --apply\?\)/);
  assert.match(r.stderr, /--help/);
  assert.deepEqual(r.calls, [], 'no AWS call for a usage error');
  for (const bad of [['--accounts'], ['--accounts', 'abc'], ['--regions', 'us east'], ['--finding', 'zz'], ['--rules', 'x;y']]) {
    const b = runScript(renderRemediationScript(sampleDoc()), bad);
    assert.equal(b.status, 2, `${bad.join(' ')}: ${b.stderr}`);
    assert.deepEqual(b.calls, []);
  }
  const empty = { ...sampleDoc(), findings: [] };
  const script = renderRemediationScript(empty);
  assert.match(script, /\(nothing to change\)/);
  const e = runScript(script, []);
  assert.equal(e.status, 0, e.stderr);
});

test('script: role name is validated', () => {
  assert.throws(() => renderRemediationScript(sampleDoc(), { roleName: 'x; rm -rf /' }), /invalid IAM role name/);
});

test('script: AMIGOV_ROLE_NAME and AMIGOV_EXTERNAL_ID reach sts assume-role as single arguments', () => {
  const r = runScript(renderRemediationScript(sampleDoc()), [], { AMIGOV_ROLE_NAME: 'AmigovRemediation', AMIGOV_EXTERNAL_ID: "ext id'with $(x)" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const assume = r.calls.find((c) => c[1] === 'assume-role')!;
  assert.equal(assume[3], `arn:aws:iam::${WORKLOAD}:role/AmigovRemediation`);
  assert.deepEqual(assume.slice(assume.indexOf('--external-id'), assume.indexOf('--external-id') + 2), ['--external-id', "ext id'with $(x)"]);
});

test('script: --help prints the usage and the scope flags, exit 0, no AWS call', () => {
  const r = runScript(renderRemediationScript(sampleDoc()), ['--help']);
  assert.equal(r.status, 0, r.stderr);
  for (const flag of ['--apply', '--yes', '--accounts', '--regions', '--rules', '--finding']) assert.match(r.stdout, new RegExp(flag));
  assert.deepEqual(r.calls, []);
});

test('script: --apply without a terminal and without --yes refuses (exit 2) and changes nothing', () => {
  const r = runScript(renderRemediationScript(sampleDoc()), ['--apply']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--yes/);
  assert.ok(!r.calls.some((c) => c[0] === 'ec2'), 'no EC2 call');
});

test('script: --apply --yes shows the plan (account and region on every line) before it changes anything', () => {
  const r = runScript(renderRemediationScript(sampleDoc()), ['--apply', '--yes']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const planAt = r.stdout.indexOf('Plan:');
  const applyAt = r.stdout.indexOf('APPLYING');
  assert.ok(planAt >= 0 && planAt < applyAt, r.stdout);
  assert.match(r.stdout, new RegExp(`^  \\[account ${WORKLOAD} us-east-1\\] Make ${AMI_SELF} private`, 'm'));
  // Every change and check line names its account and region.
  for (const line of r.stdout.split('\n').filter((l) => l.startsWith('== ') || l.startsWith('-- '))) assert.match(line, /^(==|--) \[account \d{12} [a-z0-9-]+\] /, line);
});

test('script: --accounts / --regions / --rules / --finding limit what runs, and the header of the run says so', () => {
  const doc = sampleDoc();
  const only = runScript(renderRemediationScript(doc), ['--accounts', WORKLOAD_2]);
  assert.equal(only.status, 0, only.stdout + only.stderr);
  const ec2 = only.calls.filter((c) => c[0] === 'ec2');
  assert.deepEqual(ec2.map((c) => c[1]), ['enable-image-block-public-access']);
  assert.deepEqual(only.calls.filter((c) => c[1] === 'assume-role').map((c) => c[3]), [`arn:aws:iam::${WORKLOAD_2}:role/OrganizationAccountAccessRole`]);
  const byRule = runScript(renderRemediationScript(doc), ['--rules', 'public-ami']);
  assert.deepEqual(byRule.calls.filter((c) => c[0] === 'ec2').map((c) => c[1]), ['modify-image-attribute']);
  const f = doc.findings.find((x) => x.ruleId === 'image-block-public-access-off')!;
  const byFinding = runScript(renderRemediationScript(doc), ['--finding', f.id]);
  assert.deepEqual(byFinding.calls.filter((c) => c[0] === 'ec2').map((c) => c[1]), ['enable-image-block-public-access']);
  const none = runScript(renderRemediationScript(doc), ['--regions', 'ap-south-1']);
  assert.deepEqual(none.calls.filter((c) => c[0] === 'ec2'), []);
  assert.ok(!none.calls.some((c) => c[1] === 'assume-role'), 'no role assumed for an account with nothing in scope');
});
