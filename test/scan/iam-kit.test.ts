/**
 * The scan-role kit (`amigov iam`): every format holds exactly the collectors' declared permissions, the
 * CloudFormation template validates against the CloudFormation resource schemas (@aws-cdk/aws-service-spec),
 * the Terraform module parses as HCL (@cdktf/hcl2json) with the expected resources, the policies pass the IAM
 * grammar of src/policy/syntax.ts, the StackSet recipe is valid bash with the documented options, and docs/iam/
 * is the generated kit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseShell } from 'shell-quote';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { COLLECTORS } from '../../src/scan/collectors/index.ts';
import { KIT_FILES } from '../../src/scan/iam-kit-names.ts';
import { DOCS_KIT_OPTIONS, cloudFormationTemplate, kitFiles, kitProblems, stackSetRecipe, terraformModule, trustPolicy, type KitOptions } from '../../src/scan/iam-kit.ts';
import { iamPolicySchema } from '../../src/policy/syntax.ts';
import { validateCloudFormation } from '../helpers/cfn-validate.ts';
import { runCli, tempDir } from '../policy/helpers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const declared = [...new Set(COLLECTORS.filter((c) => c.scope !== 'caller').flatMap((c) => c.permissions))].sort();
const ROLE_ARN = 'arn:aws:iam::222222222222:role/ci/amigov-runner';
const FULL: KitOptions = { trusted: ROLE_ARN, roleName: 'amigov-scan', externalId: 'ext-123', organizationId: 'o-abcdefghij' };

const actionsOf = (doc: { Statement: { Action?: string | string[] }[] }) => doc.Statement.flatMap((s) => [s.Action ?? []].flat()).sort();

test('docs/iam/ is the kit generated for the placeholder scanner account (regenerate: amigov iam --trusted 111111111111 --out docs/iam)', () => {
  for (const f of kitFiles(DOCS_KIT_OPTIONS)) assert.equal(readFileSync(join(root, 'docs/iam', f.path), 'utf8'), f.content, `docs/iam/${f.path} is out of date`);
});

test('every format grants exactly the permissions the scan-role collectors declare', async () => {
  const files = Object.fromEntries(kitFiles(FULL).map((f) => [f.path, f.content]));
  const scan = iamPolicySchema.parse(JSON.parse(files[KIT_FILES.scanPolicy]!));
  assert.deepEqual(actionsOf(scan), declared);
  const cfn = JSON.parse(files[KIT_FILES.cloudFormation]!);
  const inline = cfn.Resources.ScanRole.Properties.Policies;
  assert.equal(inline.length, 1);
  assert.deepEqual(actionsOf(iamPolicySchema.parse(inline[0].PolicyDocument)), declared);
  const tf = (await parseHcl('main.tf', files[KIT_FILES.terraform]!)) as any;
  const policy = tf.resource.aws_iam_role_policy.amigov_scan_read_only[0].policy as string;
  assert.deepEqual(actionsOf(iamPolicySchema.parse(JSON.parse(policy.replace(/^\$\{jsonencode\(/, '').replace(/\)\}$/, '')))), declared);
  // the caller may assume the role by its name, and scans its own account with the same actions
  const caller = iamPolicySchema.parse(JSON.parse(files[KIT_FILES.callerPolicy]!));
  assert.deepEqual(caller.Statement.find((s) => s.Sid === 'AmigovAssumeScanRole')?.Resource, 'arn:*:iam::*:role/amigov-scan');
  assert.deepEqual([caller.Statement.find((s) => s.Sid === 'AmigovScanOwnAccount')?.Action].flat().sort(), declared);
});

test('trust policy: the scanner account, narrowed to a role, an external id and the organization when given', () => {
  assert.deepEqual(trustPolicy({ trusted: '123456789012' }).Statement, [
    { Sid: 'AmigovScanner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' },
  ]);
  const full = trustPolicy(FULL).Statement[0]!;
  assert.deepEqual(full.Principal, { AWS: 'arn:aws:iam::222222222222:root' });
  assert.deepEqual(full.Condition, {
    StringEquals: { 'sts:ExternalId': 'ext-123', 'aws:PrincipalOrgID': 'o-abcdefghij' },
    ArnEquals: { 'aws:PrincipalArn': ROLE_ARN },
  });
  // the rest of the statement is IAM grammar (Principal aside, which trust policies need)
  const { Principal, ...rest } = full;
  assert.ok(Principal);
  iamPolicySchema.parse({ Version: '2012-10-17', Statement: [{ ...rest, Resource: '*' }] });
  // in CloudFormation the partition is the stack's
  const cfnTrust = (cloudFormationTemplate({ trusted: '123456789012' }) as any).Resources.ScanRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS;
  assert.deepEqual(cfnTrust, { 'Fn::Sub': 'arn:${AWS::Partition}:iam::123456789012:root' });
});

test('the CloudFormation template validates against the CloudFormation resource schemas', async () => {
  for (const o of [DOCS_KIT_OPTIONS, FULL]) assert.deepEqual(await validateCloudFormation(cloudFormationTemplate(o)), []);
  // and the validator does catch a wrong template
  const bad = cloudFormationTemplate(FULL) as any;
  bad.Resources.ScanRole.Properties.RoleNmae = 'x';
  delete bad.Resources.ScanRole.Properties.AssumeRolePolicyDocument;
  bad.Outputs.ScanRoleArn.Value['Fn::GetAtt'][1] = 'RoleArn';
  const errors = await validateCloudFormation(bad);
  assert.equal(errors.length, 3, errors.join('\n'));
  assert.deepEqual(await validateCloudFormation({ Resources: { X: { Type: 'AWS::IAM::Rol', Properties: {} } } }), ['Resources.X: AWS::IAM::Rol is not a CloudFormation resource type']);
});

test('the Terraform module parses as HCL and creates the role with its trust and inline policy', async () => {
  const tf = (await parseHcl('main.tf', terraformModule(FULL))) as any;
  assert.deepEqual(Object.keys(tf.resource).sort(), ['aws_iam_role', 'aws_iam_role_policy']);
  const role = tf.resource.aws_iam_role.amigov_scan[0];
  assert.equal(role.name, '${var.role_name}');
  assert.equal(tf.variable.role_name[0].default, 'amigov-scan');
  const trust = JSON.parse(role.assume_role_policy.replace(/^\$\{jsonencode\(/, '').replace(/\)\}$/, ''));
  assert.equal(trust.Statement[0].Principal.AWS, 'arn:${data.aws_partition.current.partition}:iam::222222222222:root');
  assert.deepEqual(trust.Statement[0].Condition.StringEquals['sts:ExternalId'], 'ext-123');
  assert.equal(tf.resource.aws_iam_role_policy.amigov_scan_read_only[0].role, '${aws_iam_role.amigov_scan.id}');
  assert.ok(tf.data.aws_partition.current);
  assert.equal(tf.output.scan_role_arn[0].value, '${aws_iam_role.amigov_scan.arn}');
  await assert.rejects(parseHcl('bad.tf', terraformModule(FULL).replace('= var.role_name', '=')));
});

test('the StackSet recipe: valid bash, service-managed, automatic deployment, from the management account or a delegated administrator', () => {
  const commands = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('aws '))
      .map((l) => parseShell(l, { TARGETS: 'r-abcd' }).filter((t): t is string => typeof t === 'string'));
  const flag = (argv: string[], name: string) => argv[argv.indexOf(name) + 1];
  for (const delegatedAdmin of [false, true]) {
    const text = stackSetRecipe({ ...FULL, delegatedAdmin, targets: ['ou-ab12-34cd5678'] });
    assert.equal(spawnSync('bash', ['-n'], { input: text }).status, 0);
    const cmds = commands(text);
    const create = cmds.find((c) => c[2] === 'create-stack-set')!;
    assert.equal(flag(create, '--permission-model'), 'SERVICE_MANAGED');
    assert.equal(flag(create, '--auto-deployment'), 'Enabled=true,RetainStacksOnAccountRemoval=false');
    assert.equal(flag(create, '--capabilities'), 'CAPABILITY_NAMED_IAM');
    assert.equal(flag(create, '--template-body'), `file://${KIT_FILES.cloudFormation}`);
    assert.equal(flag(create, '--call-as'), delegatedAdmin ? 'DELEGATED_ADMIN' : 'SELF');
    const instances = cmds.find((c) => c[2] === 'create-stack-instances')!;
    assert.equal(flag(instances, '--deployment-targets'), 'OrganizationalUnitIds=r-abcd');
    assert.equal(flag(instances, '--regions'), 'us-east-1');
    assert.equal(flag(instances, '--call-as'), delegatedAdmin ? 'DELEGATED_ADMIN' : 'SELF');
    assert.match(text, /^TARGETS=ou-ab12-34cd5678$/m);
    assert.equal(cmds.some((c) => c[2] === 'enable-aws-service-access'), !delegatedAdmin);
  }
  assert.match(stackSetRecipe(DOCS_KIT_OPTIONS), /TARGETS=\$\(aws organizations list-roots --query 'Roots\[0\]\.Id' --output text\)/);
});

test('bad kit options are refused, one message each', () => {
  assert.deepEqual(kitProblems(FULL), []);
  const problems = kitProblems({ trusted: '12345', roleName: 'a b', externalId: 'x', organizationId: 'org', targets: ['ou-1'], region: 'mars' });
  assert.equal(problems.length, 6, problems.join('\n'));
});

test('amigov iam prints one part, writes them all with --out, and refuses bad input without writing', async () => {
  const printed = await runCli('iam', 'scan-policy');
  assert.equal(printed.code, 0, printed.stderr);
  assert.deepEqual(actionsOf(JSON.parse(printed.stdout)), declared);
  const trust = await runCli('iam', 'trust-policy', '--trusted', ROLE_ARN, '--external-id', 'ext-123');
  assert.equal(trust.code, 0, trust.stderr);
  assert.equal(JSON.parse(trust.stdout).Statement[0].Condition.ArnEquals['aws:PrincipalArn'], ROLE_ARN);

  const noTrusted = await runCli('iam', 'cloudformation');
  assert.equal(noTrusted.code, 2);
  assert.match(noTrusted.stderr, /needs --trusted/);
  assert.equal((await runCli('iam')).code, 2);

  const out = join(tempDir(), 'kit');
  const bad = await runCli('iam', '--trusted', 'nobody', '--out', out);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--trusted "nobody" is neither a 12-digit account id nor an IAM role ARN/);
  assert.ok(!existsSync(out));

  const all = await runCli('iam', '--trusted', '111111111111', '--out', out);
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(readdirSync(out, { recursive: true }).map(String).sort(), [...Object.values(KIT_FILES), 'terraform'].sort());
  for (const f of kitFiles(DOCS_KIT_OPTIONS)) assert.equal(readFileSync(join(out, f.path), 'utf8'), f.content);
});
