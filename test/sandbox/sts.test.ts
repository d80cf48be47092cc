import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { startSandbox, demoOrg, DEMO_ACCOUNTS } from '../../src/sandbox/index.ts';
import type { OrgFixture, RunningSandbox } from '../../src/sandbox/index.ts';
import { assume, ec2, rejection, sts } from './helpers.ts';

const A = DEMO_ACCOUNTS;
const roleArn = (account: string, role = 'OrganizationAccountAccessRole') => `arn:aws:iam::${account}:role/${role}`;

describe('sandbox STS (Query protocol)', () => {
  let sb: RunningSandbox;
  before(async () => {
    const fixture: OrgFixture = structuredClone(demoOrg);
    const ops = fixture.accounts.find((a) => a.id === A.ops)!;
    ops.roles.push({ name: 'AuditRole', path: '/security/', externalId: 'amigov-ext-1', maxSessionDuration: 7200 });
    sb = await startSandbox({ fixture });
  });
  after(() => sb.close());

  it('identifies the base caller', async () => {
    const id = await sts(sb).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, A.management);
    assert.equal(id.Arn, 'arn:aws:iam::100000000001:user/amigov-demo');
    assert.match(id.UserId!, /^AIDA[A-Z2-7]{17}$/);
  });

  it('assumes a role: credentials bound to the target account, with an expiration', async () => {
    const out = await sts(sb).send(new AssumeRoleCommand({ RoleArn: roleArn(A.prod), RoleSessionName: 'amigov-run-1', DurationSeconds: 900 }));
    const c = out.Credentials!;
    assert.match(c.AccessKeyId!, /^ASIA/);
    assert.ok(c.SessionToken);
    assert.ok(c.Expiration instanceof Date);
    const ttl = c.Expiration!.getTime() - Date.now();
    assert.ok(ttl > 0 && ttl <= 900_000, `expiration ${ttl} ms away`);
    assert.equal(out.AssumedRoleUser?.Arn, `arn:aws:sts::${A.prod}:assumed-role/OrganizationAccountAccessRole/amigov-run-1`);
    const creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const id = await sts(sb, { credentials: creds }).send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, A.prod);
    assert.equal(id.Arn, out.AssumedRoleUser?.Arn);
    assert.match(id.UserId!, /^AROA[A-Z2-7]+:amigov-run-1$/);
  });

  it('denies a missing role with the exact AWS message', async () => {
    const err = await rejection(sts(sb).send(new AssumeRoleCommand({ RoleArn: roleArn(A.noRole), RoleSessionName: 's1' })));
    assert.equal(err.name, 'AccessDenied');
    assert.equal(err.$metadata?.httpStatusCode, 403);
    assert.equal(
      err.message,
      `User: arn:aws:iam::100000000001:user/amigov-demo is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${A.noRole}:role/OrganizationAccountAccessRole`,
    );
  });

  it('denies suspended accounts, accounts outside the org, and untrusted callers', async () => {
    for (const account of [A.suspended, A.infoblox]) {
      const err = await rejection(sts(sb).send(new AssumeRoleCommand({ RoleArn: roleArn(account), RoleSessionName: 's1' })));
      assert.equal(err.name, 'AccessDenied');
    }
    // Role chaining from prod into ops: the role trusts only the management account.
    const prod = await assume(sb, A.prod);
    const err = await rejection(sts(sb, { credentials: prod }).send(new AssumeRoleCommand({ RoleArn: roleArn(A.ops), RoleSessionName: 's1' })));
    assert.equal(err.name, 'AccessDenied');
    assert.match(err.message, /^User: arn:aws:sts::210987654321:assumed-role\/OrganizationAccountAccessRole\/amigov-test is not authorized/);
  });

  it('checks the external id and the role path', async () => {
    const arn = `arn:aws:iam::${A.ops}:role/security/AuditRole`;
    const without = await rejection(sts(sb).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1' })));
    assert.equal(without.name, 'AccessDenied');
    const wrongPath = await rejection(
      sts(sb).send(new AssumeRoleCommand({ RoleArn: roleArn(A.ops, 'AuditRole'), RoleSessionName: 's1', ExternalId: 'amigov-ext-1' })),
    );
    assert.equal(wrongPath.name, 'AccessDenied');
    const ok = await sts(sb).send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's1', ExternalId: 'amigov-ext-1', DurationSeconds: 7200 }));
    assert.equal(ok.AssumedRoleUser?.Arn, `arn:aws:sts::${A.ops}:assumed-role/AuditRole/s1`);
  });

  it('validates DurationSeconds and the session name as STS does', async () => {
    const short = await rejection(sts(sb).send(new AssumeRoleCommand({ RoleArn: roleArn(A.prod), RoleSessionName: 's1', DurationSeconds: 600 })));
    assert.equal(short.name, 'ValidationError');
    assert.match(short.message, /greater than or equal to 900/);
    const long = await rejection(sts(sb).send(new AssumeRoleCommand({ RoleArn: roleArn(A.prod), RoleSessionName: 's1', DurationSeconds: 7200 })));
    assert.equal(long.name, 'ValidationError');
    assert.match(long.message, /MaxSessionDuration/);
    const badName = await rejection(sts(sb).send(new AssumeRoleCommand({ RoleArn: roleArn(A.prod), RoleSessionName: 'has space' })));
    assert.equal(badName.name, 'ValidationError');
  });

  it('refuses unknown keys and temporary keys without their session token', async () => {
    const unknown = await rejection(sts(sb, { credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' } }).send(new GetCallerIdentityCommand({})));
    assert.equal(unknown.name, 'InvalidClientTokenId');
    assert.equal(unknown.$metadata?.httpStatusCode, 403);
    const prod = await assume(sb, A.prod);
    const noToken = await rejection(
      ec2(sb, { credentials: { accessKeyId: prod.accessKeyId, secretAccessKey: prod.secretAccessKey } }).send(new DescribeRegionsCommand({})),
    );
    assert.equal(noToken.name, 'AuthFailure');
    assert.equal(noToken.$metadata?.httpStatusCode, 401);
  });
});
