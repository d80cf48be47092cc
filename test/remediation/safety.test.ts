// Hostile names and tags never change a command's meaning: every command parses back (shell-quote and
// bash itself) to exactly the argv amigov meant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as cmd from '../../src/remediation/commands.ts';
import { InvalidIdentifierError } from '../../src/remediation/ids.ts';
import { HOSTILE, bashArgv, canon, parseArgv } from './shell-check.ts';
import { AMI_OPS, AMI_OUTSIDER, AMI_SELF, OPS, OUTSIDER, WORKLOAD, WORKLOAD_2, inventory, judgeDoc } from '../helpers/inventory-builder.ts';

const T = { accountId: WORKLOAD, region: 'eu-central-1' };
const env = (over: Partial<cmd.CommandEnv> = {}): cmd.CommandEnv => ({ accountName: () => undefined, ...over });

function assertSameArgv(commands: string[], expected: string[][], shellEnv: Record<string, string> = {}) {
  const viaBash = bashArgv(commands, shellEnv);
  commands.forEach((c, i) => {
    assert.deepEqual(parseArgv(c, shellEnv), expected[i]!.map(canon), `shell-quote argv of: ${c}`);
    assert.deepEqual(viaBash[i], expected[i], `bash argv of: ${c}`);
  });
}

test('safety: hostile approval tag key/value in create-tags stay one JSON argument', () => {
  const commands = HOSTILE.map((h) => cmd.tagImageApproved(env(), T, AMI_OPS, h, `v${h}`).command);
  const expected = HOSTILE.map((h) => ['aws', 'ec2', 'create-tags', '--resources', AMI_OPS, '--tags', JSON.stringify([{ Key: h, Value: `v${h}` }]), '--region', 'eu-central-1']);
  assertSameArgv(commands, expected);
});

test('safety: hostile golden-image name filter stays inside the --filters argument', () => {
  const commands = HOSTILE.map((h) => cmd.findGoldenReplacement(env({ goldenImageNameFilter: h }), T, OPS).command);
  const expected = HOSTILE.map((h) => [
    'aws', 'ec2', 'describe-images', '--owners', OPS,
    '--filters', JSON.stringify([{ Name: 'name', Values: [h] }, { Name: 'state', Values: ['available'] }]),
    '--query', 'sort_by(Images, &CreationDate)[-1].[ImageId,Name,CreationDate]', '--output', 'text', '--region', 'eu-central-1',
  ]);
  assertSameArgv(commands, expected);
});

test('safety: hostile account names in --profile-template become exactly one --profile argument', () => {
  const commands = HOSTILE.map((h) => cmd.removePublicLaunchPermission(env({ profileTemplate: '{accountName}-admin', accountName: () => h }), T, AMI_SELF).command);
  const expected = HOSTILE.map((h) => [
    'aws', 'ec2', 'modify-image-attribute', '--image-id', AMI_SELF, '--launch-permission', 'Remove=[{Group=all}]', '--region', 'eu-central-1', '--profile', `${h}-admin`,
  ]);
  assertSameArgv(commands, expected);
  // A hostile template itself is data too.
  const t = cmd.verifyImageBlockPublicAccess(env({ profileTemplate: "$(id)'{accountId}`x`" }), T).command;
  assertSameArgv([t], [['aws', 'ec2', 'get-image-block-public-access-state', '--query', 'ImageBlockPublicAccessState', '--output', 'text', '--region', 'eu-central-1', '--profile', `$(id)'${WORKLOAD}\`x\``]]);
});

test('safety: constant shell text (queries, $Latest, the launch template data variable) parses as intended', () => {
  const lt = cmd.createLaunchTemplateVersion(env(), T, 'lt-0123456789abcdef0', 7, AMI_OUTSIDER).command;
  const refs = cmd.launchTemplatesUsingImage(env(), T, AMI_OUTSIDER).command;
  const outside = cmd.removeOutsideLaunchPermissions(env(), T, AMI_SELF, [OUTSIDER, 'arn:aws:organizations::999988887777:organization/o-zzzzzzzzzz']).command;
  assertSameArgv(
    [lt, refs, outside],
    [
      ['aws', 'ec2', 'create-launch-template-version', '--launch-template-id', 'lt-0123456789abcdef0', '--source-version', '7', '--version-description', `amigov: replace ${AMI_OUTSIDER} with an approved AMI`, '--launch-template-data', '{"ImageId":"ami-0fedcba9876543210"}', '--region', 'eu-central-1'],
      ['aws', 'ec2', 'describe-launch-template-versions', '--versions', '$Latest', '$Default', '--filters', `Name=image-id,Values=${AMI_OUTSIDER}`, '--query', 'LaunchTemplateVersions[].[LaunchTemplateId,LaunchTemplateName,VersionNumber,DefaultVersion]', '--output', 'text', '--region', 'eu-central-1'],
      ['aws', 'ec2', 'modify-image-attribute', '--image-id', AMI_SELF, '--launch-permission', JSON.stringify({ Remove: [{ UserId: OUTSIDER }, { OrganizationArn: 'arn:aws:organizations::999988887777:organization/o-zzzzzzzzzz' }] }), '--region', 'eu-central-1'],
    ],
    { REPLACEMENT_AMI_ID: 'ami-0fedcba9876543210' },
  );
});

test('safety: invalid ids are refused (internal error), never interpolated', () => {
  const bad: [string, () => unknown][] = [
    ['ami with substitution', () => cmd.removePublicLaunchPermission(env(), T, 'ami-$(id)')],
    ['ami with space', () => cmd.describeImageReferences(env(), T, 'ami-0123 --x')],
    ['uppercase ami', () => cmd.describeImage(env(), T, 'ami-0123456789ABCDEF')],
    ['account', () => cmd.getAllowedImagesSettings(env(), { accountId: '12345678901;', region: 'us-east-1' })],
    ['region', () => cmd.getAllowedImagesSettings(env(), { accountId: WORKLOAD, region: 'us-east-1; id' })],
    ['launch template', () => cmd.describeLaunchTemplateVersions(env(), T, 'lt-x`id`')],
    ['ops account', () => cmd.findGoldenReplacement(env(), T, '1234')],
    ['grantee', () => cmd.removeOutsideLaunchPermissions(env(), T, AMI_SELF, ['all'])],
    ['version', () => cmd.createLaunchTemplateVersion(env(), T, 'lt-0123456789abcdef0', 0)],
  ];
  for (const [name, fn] of bad) assert.throws(fn, InvalidIdentifierError, name);
});

test('safety: a whole evaluation over hostile names, tags and account names yields commands that keep their meaning', () => {
  let b = inventory().account(OPS, { name: 'ops' });
  const accounts = [WORKLOAD, WORKLOAD_2];
  HOSTILE.slice(0, 2).forEach((h, i) => (b = b.account(accounts[i]!, { name: h })));
  b = b
    .image({ id: AMI_OPS, owner: OPS, name: HOSTILE[2], tags: { Environment: HOSTILE[3]! } })
    .image({ id: AMI_SELF, owner: WORKLOAD, name: HOSTILE[13], public: true })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER, name: HOSTILE[17] })
    .launchTemplate({ id: 'lt-0000000000000000a', name: HOSTILE[6], account: WORKLOAD_2, default: [1, AMI_OUTSIDER] })
    .regionSettings({ account: WORKLOAD_2, bpa: 'unblocked', allowed: 'disabled' });
  HOSTILE.forEach((h, i) => {
    b = b.instance({ account: accounts[i % 2]!, image: [AMI_OPS, AMI_SELF, AMI_OUTSIDER][i % 3]!, tags: { Name: h, Environment: 'Prod', [h || 'k']: h } });
  });
  const names = new Map([[OPS, 'ops'], [WORKLOAD, HOSTILE[0]!], [WORKLOAD_2, HOSTILE[1]!]]);
  const doc = judgeDoc(b.build(), undefined, { options: { profileTemplate: '{accountName}-admin', goldenImageNameFilter: HOSTILE[4] } });
  const commands = doc.findings.flatMap((f) => f.commands).filter((c) => c.kind !== 'request');
  assert.ok(commands.length > 30, `${commands.length} commands`);
  const shellEnv = { REPLACEMENT_AMI_ID: 'ami-0fedcba9876543210' };
  const viaBash = bashArgv(commands.map((c) => c.command), shellEnv);
  commands.forEach((c, i) => {
    const argv = viaBash[i]!;
    assert.deepEqual(parseArgv(c.command, shellEnv), argv.map(canon), c.command);
    if (argv[0] !== 'aws') {
      assert.equal(argv[0], 'amigov');
      return;
    }
    // The profile is exactly the account's (hostile) name + "-admin", and the region is the command's.
    assert.deepEqual(argv.slice(-4), ['--region', c.region, '--profile', `${names.get(c.accountId!) ?? c.accountId}-admin`], c.command);
    assert.equal(argv.filter((a) => a === '--profile').length, 1);
  });
});
