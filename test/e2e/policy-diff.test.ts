/**
 * policy diff end to end: the demo organization in the sandbox is scanned with the real scanner, and the
 * inventory it writes is compared with the policy generated from the config (as the weekly job does).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startSandbox, demoOrg, DEMO_AS_OF, DEMO_ACCOUNTS as A, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { demoConfig } from '../../src/sandbox/fixtures/demo-config.ts';
import { scanOptions, useSandboxCredentials } from '../scan/helpers.ts';
import { runCli, seedRaw, tempDir, writeJson } from '../policy/helpers.ts';

let sb: RunningSandbox;
let inventoryPath: string;
let configPath: string;

before(async () => {
  sb = await startSandbox({ fixture: demoOrg });
  useSandboxCredentials(sb.credentials);
  const inv = await scanOrganization(scanOptions(sb.endpoint, { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], asOf: DEMO_AS_OF }));
  const dir = tempDir();
  inventoryPath = writeJson(join(dir, 'inventory.json'), inv);
  // The demo's config (as `amigov demo` builds it): the seed config plus the partner's exception, which expires 7 days
  // after the demo date, and the image criteria the fixture's declarative policy carries.
  const raw = demoConfig(seedRaw() as unknown as Record<string, unknown>, DEMO_AS_OF);
  configPath = writeJson(join(dir, 'config.json'), raw);
});
after(() => sb?.close());

test('the scanned demo organization differs from the policy exactly where the fixture was misconfigured', async () => {
  const r = await runCli('policy', 'diff', '--inventory', inventoryPath, '--config', configPath, '--as-of', DEMO_AS_OF, '--mode', 'audit_mode', '--json');
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.expected.providers, [A.infoblox, A.ops, A.tfe, A.partner].sort());
  const at = (account: string, region: string) =>
    report.entries
      .filter((e: any) => e.accountId === account && e.region === region)
      .map((e: any) => `${e.setting}:${e.status}:${e.actual}`)
      .sort();

  assert.deepEqual(at(A.ops, 'us-east-1'), ['image-block-public-access:differs:unblocked']);
  assert.ok(at(A.dev, 'us-east-1').includes('allowed-images-state:differs:disabled'));
  assert.ok(at(A.dev, 'us-east-1').includes('image-block-public-access:differs:unblocked'));
  const euWest = report.entries.filter((e: any) => e.accountId === A.prod && e.region === 'eu-west-1' && e.setting === 'allowed-images-criteria');
  assert.deepEqual(euWest.filter((e: any) => e.missing).map((e: any) => [e.missing, e.extra]), [[[A.partner], [A.mlPoc]]]);
  // The hand-made criteria are providers only: the demo config's name and age conditions are missing there.
  assert.deepEqual(
    euWest.filter((e: any) => !e.missing).map((e: any) => [e.expected, e.actual]),
    [['conditions image names golden-al2023-*, golden-ubuntu22-* and created within 365 days', 'lacks those conditions']],
  );
  assert.ok(at(A.prod, 'eu-west-1').includes('managed-by:differs:account'));
  assert.ok(at(A.prod, 'ap-southeast-2').includes('allowed-images-state:differs:disabled'));
  // the account whose scan role is missing is unknown in every region, never matching
  for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) assert.deepEqual(at(A.noRole, region).map((s: string) => s.split(':').slice(0, 2).join(':')), ['scan:unknown']);
  // untouched account x regions match
  assert.deepEqual(at(A.prod, 'us-east-1'), []);
  assert.deepEqual(at(A.migration, 'eu-west-1'), []);
  assert.ok(report.matching >= 5, `matching ${report.matching}`);
  assert.ok(report.unknown >= 3);

  const human = await runCli('policy', 'diff', '--inventory', inventoryPath, '--config', configPath, '--as-of', DEMO_AS_OF, '--mode', 'audit_mode');
  assert.match(human.stdout, new RegExp(`${A.prod} eu-west-1\\n(.*\\n)*?  ✗ allowed-images-criteria: expected 4 providers, found 4 providers; missing ${A.partner}; not approved ${A.mlPoc}`));
});
