// remediation.sh, byte for byte: the script rendered for fixed findings documents equals the golden
// files captured from the renderer before its constant prelude moved to templates/remediation/. A change
// to the generated script must show up here as a reviewed diff of a golden file.
//
// To accept an intended change: AMIGOV_UPDATE_GOLDEN=1 node test/run-tests.mjs remediation/golden
// and review `git diff test/remediation/fixtures/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRemediationScript, type ScriptOptions } from '../../src/remediation/script.js';
import type { FindingsDocument } from '../../src/model/findings.js';

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
