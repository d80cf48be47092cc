// Terminal escapes and bidi overrides from config and AWS strings never reach the terminal or a shell
// comment raw: they are shown as visible escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonSafe, singleLine, terminalSafe, terminalSafeLines } from '../../src/util/sanitize.ts';
import { renderRemediationScript } from '../../src/remediation/script.ts';
import { reportError } from '../../src/cli/main.ts';
import { UserError } from '../../src/errors.ts';
import { AMI_OPS, AMI_SELF, OPS, WORKLOAD, inventory, judgeDoc } from '../helpers/inventory-builder.ts';
import { runCli, seedRaw, tempDir, writeJson } from '../policy/helpers.ts';

const OSC = '\u001b]0;pwned\u0007';
const RLO = '\u202e';
const NEWLINE_CMD = '\n rm -rf ~';
const HOSTILE = `name ${OSC} ${RLO}gnp.exe ${NEWLINE_CMD}`;
/** Anything a terminal acts on or that reorders text. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('sanitize: controls, C1, line separators and bidi controls become visible escapes; the rest stays', () => {
  assert.equal(terminalSafe(HOSTILE), 'name \\u001b]0;pwned\\u0007 \\u202egnp.exe \\n rm -rf ~');
  assert.equal(terminalSafe('a\tb\rc\u009bd\u0085e\u2028f\u2066g\u2069h\u200ei\u200fj\u061ck\u007f'), 'a\\tb\\rc\\u009bd\\u0085e\\u2028f\\u2066g\\u2069h\\u200ei\\u200fj\\u061ck\\u007f');
  assert.equal(terminalSafe('ünïcødé ✓ 日本語 🚀 "quoted" $(x)'), 'ünïcødé ✓ 日本語 🚀 "quoted" $(x)');
  assert.equal(terminalSafeLines(`line 1\nline 2 ${OSC}`), 'line 1\nline 2 \\u001b]0;pwned\\u0007');
  assert.equal(singleLine('a\nb\tc\u202e'), 'a\\nb\tc\u202e', 'files keep tab and bidi (data), lose line breaks');
  const json = JSON.stringify({ v: `x${RLO}\u0085\u2028${OSC}` });
  assert.doesNotMatch(jsonSafe(json), UNSAFE);
  assert.deepEqual(JSON.parse(jsonSafe(json)), JSON.parse(json), 'the same JSON value');
});

test('config check prints hostile reasons, tickets and approvers as visible escapes (text and --json)', async () => {
  const raw = seedRaw();
  raw.exception_accounts[0].reason = HOSTILE;
  raw.exception_accounts[0].ticket = `CHG-1${OSC}`;
  raw.exception_accounts[0].approved_by = `sec${RLO}@example.com`;
  raw.vendor_publisher_accounts[0].vendor = HOSTILE;
  const cfg = writeJson(join(tempDir(), 'hostile.json'), raw);
  for (const args of [[], ['--json']]) {
    const r = await runCli('config', 'check', '--config', cfg, '--as-of', '2026-02-01', ...args);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, UNSAFE, `raw control or bidi character in config check ${args.join(' ')}`);
    for (const line of r.stdout.split('\n')) assert.doesNotMatch(line, /^\s*rm -rf/, 'a newline in a value never starts a line');
    if (args.length) assert.equal(JSON.parse(r.stdout).exceptions[0].reason, HOSTILE, '--json still carries the exact value');
    else assert.ok(r.stdout.includes('\\u001b]0;pwned\\u0007'), 'shown, not dropped');
  }
});

test('error messages and hints are printed without raw controls', () => {
  const writes: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (writes.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    reportError(new UserError(`bad value ${HOSTILE}`, { hint: `hint ${OSC}\nsecond line` }), false);
    reportError(new Error(`internal ${OSC}`), false);
  } finally {
    process.stderr.write = orig;
  }
  const text = writes.join('');
  assert.doesNotMatch(text, UNSAFE);
  // Messages may span lines (a config error lists its problems), so line feeds stay; nothing else does.
  assert.match(text, /^second line$/m);
  assert.ok(text.includes('hint \\u001b]0;pwned\\u0007'));
});

function hostileDoc(profileTemplate?: string) {
  const inv = inventory()
    .account(OPS, { name: `ops ${HOSTILE}` })
    .account(WORKLOAD, { name: HOSTILE })
    .image({ id: AMI_OPS, owner: OPS, name: HOSTILE, tags: {} })
    .image({ id: AMI_SELF, owner: WORKLOAD, name: HOSTILE, public: true })
    .instance({ account: WORKLOAD, image: AMI_OPS, tags: { Environment: 'Prod', Name: HOSTILE } })
    .regionSettings({ account: WORKLOAD, bpa: 'unblocked', allowed: 'audit-mode' })
    .build();
  return judgeDoc(inv, undefined, { options: profileTemplate ? { profileTemplate } : {} });
}

test('remediation.sh: comments carry no raw newline, escape or bidi character; a newline never starts a command', () => {
  const script = renderRemediationScript(hostileDoc());
  assert.ok(script.includes('\\u001b]0;pwned\\u0007'), 'the hostile text is there, escaped');
  assert.doesNotMatch(script, UNSAFE, 'no raw control or bidi character anywhere in the script');
  for (const line of script.split('\n')) {
    if (/rm -rf/.test(line)) assert.match(line, /^\s*#/, `only ever inside a comment: ${line}`);
  }
  assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0, 'valid bash');
});

test('remediation.sh: a newline or ESC inside a quoted argument reaches the AWS CLI as one exact argument', () => {
  const name = `x${OSC}${NEWLINE_CMD}`;
  const inv = inventory()
    .account(WORKLOAD, { name })
    .image({ id: AMI_SELF, owner: WORKLOAD, name: 'own', public: true })
    .build();
  const script = renderRemediationScript(judgeDoc(inv, ['public-ami'], { options: { profileTemplate: '{accountName}-admin' } }));
  assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0);
  const dir = tempDir();
  const home = join(dir, 'home');
  mkdirSync(join(dir, 'bin'));
  mkdirSync(home);
  writeFileSync(join(home, 'canary'), '');
  writeFileSync(join(dir, 'bin', 'aws'), `#!/usr/bin/env bash\nprintf '%s\\0' "$@" >> "$LOG"\nfor a in "$@"; do [[ $a == --dry-run ]] && { echo "(DryRunOperation) Request would have succeeded" >&2; exit 254; }; done\necho ok\n`);
  chmodSync(join(dir, 'bin', 'aws'), 0o755);
  writeFileSync(join(dir, 'remediation.sh'), script);
  const log = join(dir, 'aws.log');
  const r = spawnSync('bash', [join(dir, 'remediation.sh')], { cwd: dir, encoding: 'utf8', env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, HOME: home, LOG: log } });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(home, 'canary')), 'nothing was deleted');
  const args = readFileSync(log, 'utf8').split('\0');
  assert.equal(args[args.indexOf('--profile') + 1], `${name}-admin`, 'the profile name arrives exactly, newline and ESC included');
});

test('policy generate prints hostile exception reasons and tickets as visible escapes', async () => {
  const raw = seedRaw();
  raw.exception_accounts[0].reason = HOSTILE;
  raw.exception_accounts[1].ticket = `CHG-2${OSC}`;
  const cfg = writeJson(join(tempDir(), 'hostile.json'), raw);
  const r = await runCli('policy', 'generate', '--config', cfg, '--as-of', '2026-03-01', '--out', tempDir());
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes('\\u202egnp.exe'), r.stdout);
  assert.doesNotMatch(r.stdout + r.stderr, UNSAFE);
  for (const line of r.stdout.split('\n')) assert.doesNotMatch(line, /^\s*rm -rf/);
});
