// remediation.sh, byte for byte: the script rendered for fixed findings documents equals the golden
// files captured from the renderer before its constant prelude moved to templates/remediation/. A change
// to the generated script must show up here as a reviewed diff of a golden file.
//
// To accept an intended change: AMIGOV_UPDATE_GOLDEN=1 node test/run-tests.mjs remediation/golden
// and review `git diff test/remediation/fixtures/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCRIPT_TEMPLATES_DIR, renderRemediationScript, type ScriptOptions } from '../../src/remediation/script.ts';
import type { FindingsDocument } from '../../src/model/findings.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const load = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as FindingsDocument;

// findings.json / findings-profile.json: the sample document of script.test.ts (hostile account, AMI,
// instance and launch template names), judged once and frozen, so that changes elsewhere (rules, command
// builders) do not move these goldens.
const cases: [golden: string, doc: () => FindingsDocument, opts?: ScriptOptions][] = [
  ['remediation.golden.sh', () => load('findings.json')],
  [
    'remediation-role-path.golden.sh',
    () => load('findings.json'),
    { roleName: 'Amigov.Remediator', rolePath: '/ops/amigov/', generatedAt: '2026-02-02T03:04:05Z', toolVersion: '1.2.3' },
  ],
  ['remediation-profile.golden.sh', () => load('findings-profile.json'), { toolVersion: '1.2.3' }],
  ['remediation-empty.golden.sh', () => ({ ...load('findings.json'), findings: [] })],
];

for (const [golden, doc, opts] of cases) {
  test(`remediation.sh is byte-identical to ${golden}`, () => {
    const script = renderRemediationScript(doc(), opts);
    const path = join(FIXTURES, golden);
    if (process.env.AMIGOV_UPDATE_GOLDEN === '1') writeFileSync(path, script);
    assert.equal(script, readFileSync(path, 'utf8'));
  });
}

test('the constant bash comes from templates/remediation-script/, with only the two role placeholders', () => {
  const files = readdirSync(SCRIPT_TEMPLATES_DIR).sort();
  assert.deepEqual(files, ['assume-role.sh', 'end.sh', 'prelude.sh', 'start.sh']);
  const text = (f: string) => readFileSync(join(SCRIPT_TEMPLATES_DIR, f), 'utf8');
  for (const f of files) {
    const placeholders = [...text(f).matchAll(/@([A-Z_]+)@/g)].map((m) => m[1]);
    assert.deepEqual(placeholders, f === 'assume-role.sh' ? ['ROLE_NAME', 'ROLE_PATH'] : [], f);
  }
  const script = renderRemediationScript(load('findings.json'), { roleName: 'Amigov.Remediator', rolePath: '/ops/amigov/' });
  for (const f of ['prelude.sh', 'start.sh', 'end.sh']) assert.ok(script.includes(text(f)), `${f} verbatim in the script`);
  const filled = text('assume-role.sh').replace('@ROLE_NAME@', 'Amigov.Remediator').replace('@ROLE_PATH@', '/ops/amigov/');
  assert.ok(script.includes(filled));
  // the prelude is what --help prints: it starts right after the header comments
  assert.match(script, /\n# Read-only look-ups[^\n]*\n(#[^\n]*\n)*set -euo pipefail\n\nAPPLY=0\n/);
});

test('nothing but an IAM role name or path reaches the placeholders', () => {
  const doc = load('findings.json');
  for (const rolePath of ['/a$(touch pwned)/', '/a"b/', '/a b/', '/a`x`/', '/a\\/']) {
    assert.throws(() => renderRemediationScript(doc, { rolePath }), /invalid IAM role path/, rolePath);
  }
  for (const roleName of ['x"; touch pwned; "', '${HOME}', 'a b', '']) {
    assert.throws(() => renderRemediationScript(doc, { roleName }), /invalid IAM role name/, roleName);
  }
});
