/**
 * AWS Backup recovery points (issue #12), through the real SDK against the sandbox's REST-JSON Backup API: the scan
 * lists the vaults and their EC2 recovery points (ListBackupVaults, ListRecoveryPointsByBackupVault resourceType EC2),
 * records which AMIs are recovery points, and ami-in-workload-account reports such an AMI at info instead of as
 * side-loaded. A scan role without the Backup permissions, or an endpoint without AWS Backup, degrades this collector
 * only: the account x region stays ok, and the AMI is judged as before (notApproved).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BackupClient, ListBackupVaultsCommand, ListRecoveryPointsByBackupVaultCommand, paginateListRecoveryPointsByBackupVault } from '@aws-sdk/client-backup';
import { startSandbox, type OrgFixture, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization } from '../../src/scan/scanner.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { DEV, PROD, miniOrg, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

const BACKUP_AMI = 'ami-0000000000000d002'; // owned by DEV in us-east-1 (miniOrg)
const fixture: OrgFixture = {
  ...miniOrg(),
  backupVaults: [
    {
      accountId: DEV,
      region: 'us-east-1',
      name: 'dev-nightly',
      recoveryPoints: [{ imageId: BACKUP_AMI, status: 'AVAILABLE', creationDate: '2026-01-14T05:00:00.500Z', resourceArn: `arn:aws:ec2:us-east-1:${DEV}:instance/i-000000000000000b` }],
    },
    { accountId: DEV, region: 'us-east-1', name: 'empty-vault' },
    // A vault in another account listing the same image id does not make DEV's AMI a backup of DEV.
    { accountId: PROD, region: 'eu-west-1', name: 'prod_vault-2' },
  ],
};

const backupFinding = (inv: Inventory) =>
  evaluate(inv, inv.allowlist, { rules: ['ami-in-workload-account'] }).findings.find((f) => f.resourceId === BACKUP_AMI);

describe('AWS Backup recovery points', () => {
  let sb: RunningSandbox;
  before(async () => {
    sb = await startSandbox({ fixture });
    useSandboxCredentials(sb.credentials);
  });
  after(() => sb.close());

  test('the sandbox speaks REST-JSON as the SDK expects: pages, resource type filter, errors', async () => {
    const devKeys = { accessKeyId: 'AKIAMINIDEVUSER00001', secretAccessKey: 'dev-secret' };
    const local = await startSandbox({ fixture: { ...fixture, users: [{ accountId: DEV, ...devKeys }] } });
    try {
      const client = new BackupClient({ region: 'us-east-1', endpoint: local.endpoint, credentials: devKeys });
      const first = await client.send(new ListBackupVaultsCommand({ MaxResults: 1 }));
      assert.deepEqual(first.BackupVaultList?.map((v) => v.BackupVaultName), ['dev-nightly']);
      assert.ok(first.NextToken);
      const second = await client.send(new ListBackupVaultsCommand({ MaxResults: 1, NextToken: first.NextToken }));
      assert.deepEqual(second.BackupVaultList?.map((v) => v.BackupVaultName), ['empty-vault']);
      assert.equal(second.NextToken, undefined);
      const points = [];
      for await (const p of paginateListRecoveryPointsByBackupVault({ client, pageSize: 1 }, { BackupVaultName: 'dev-nightly', ByResourceType: 'EC2' })) points.push(...(p.RecoveryPoints ?? []));
      assert.equal(points.length, 1);
      assert.equal(points[0]!.RecoveryPointArn, `arn:aws:ec2:us-east-1::image/${BACKUP_AMI}`);
      assert.equal(points[0]!.Status, 'AVAILABLE');
      assert.equal(points[0]!.CreationDate?.toISOString(), '2026-01-14T05:00:00.500Z', 'epoch seconds with milliseconds');
      const ebs = await client.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'dev-nightly', ByResourceType: 'EBS' }));
      assert.deepEqual(ebs.RecoveryPoints, []);
      const errorOf = (p: Promise<unknown>) => p.then(() => assert.fail('expected an error'), (e: { name: string; $metadata?: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata?.httpStatusCode}`);
      assert.equal(await errorOf(client.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: 'no-such-vault' }))), 'ResourceNotFoundException 400');
      assert.equal(await errorOf(client.send(new ListBackupVaultsCommand({ MaxResults: 1001 }))), 'InvalidParameterValueException 400');
      local.setDenials([{ action: 'backup:ListBackupVaults' }]);
      assert.equal(await errorOf(client.send(new ListBackupVaultsCommand({}))), 'AccessDeniedException 400');
      client.destroy();
    } finally {
      await local.close();
    }
  });

  for (const workers of [1, 2]) {
    test(`a scan records the recovery point, and the AMI is an info finding with its vault (workers: ${workers})`, async () => {
      sb.setDenials([]);
      sb.setFaults([]);
      sb.resetStats();
      const inv = await scanOrganization(scanOptions(sb.endpoint, { workers }));
      assert.deepEqual(inv.backupRecoveryPoints, [
        {
          accountId: DEV,
          region: 'us-east-1',
          imageId: BACKUP_AMI,
          recoveryPointArn: `arn:aws:ec2:us-east-1::image/${BACKUP_AMI}`,
          backupVaultName: 'dev-nightly',
          status: 'AVAILABLE',
          creationDate: '2026-01-14T05:00:00.500Z',
          resourceArn: `arn:aws:ec2:us-east-1:${DEV}:instance/i-000000000000000b`,
        },
      ]);
      assert.ok(inv.run.collectors?.includes('backup-recovery-points'));
      const ok = inv.coverage.filter((c) => c.status === 'ok');
      assert.ok(ok.length > 0);
      for (const c of ok) assert.equal(c.degraded?.['backup-recovery-points'], undefined, `${c.accountId} ${c.region}`);
      // One vault listing per unit, one recovery-point page per vault (three vaults, each in a scanned unit).
      assert.equal(sb.stats().byAction['backup:ListBackupVaults'], ok.length);
      assert.equal(sb.stats().byAction['backup:ListRecoveryPointsByBackupVault'], 3);
      const f = backupFinding(inv);
      assert.equal(f?.messageId, 'awsBackupRecoveryPoint');
      assert.equal(f.severity, 'info');
      assert.equal(f.details?.['backupVaultName'], 'dev-nightly');
      assert.equal(f.details?.['recoveryPointStatus'], 'AVAILABLE');
      assert.match(f.message, /AWS Backup recovery point in backup vault "dev-nightly" \(status AVAILABLE\)/);
    });
  }

  test('Backup denied by the scan role: degraded coverage for the collector only, and the AMI is judged as before', async () => {
    for (const action of ['backup:ListBackupVaults', 'backup:ListRecoveryPointsByBackupVault']) {
      sb.setDenials([{ action }]);
      try {
        const inv = await scanOrganization(scanOptions(sb.endpoint, { workers: 1 }));
        const dev = inv.coverage.find((c) => c.accountId === DEV && c.region === 'us-east-1')!;
        assert.equal(dev.status, 'ok', action);
        const name = action.slice('backup:'.length);
        assert.match(dev.degraded?.['backup-recovery-points'] ?? '', new RegExp(`^${name} was denied \\(AccessDeniedException\\); add ${action} to the scan role`), action);
        assert.deepEqual(inv.backupRecoveryPoints, [], action);
        assert.equal(backupFinding(inv)?.messageId, 'notApproved', action);
      } finally {
        sb.setDenials([]);
      }
    }
  });

  test('an endpoint without AWS Backup (HTTP 501): asked once per region, degraded, never an error of the unit', async () => {
    sb.setFaults([{ action: 'backup:ListBackupVaults', raw: { status: 501, contentType: 'text/plain', body: 'Not Implemented' } }]);
    sb.resetStats();
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint, { workers: 1 }));
      const ok = inv.coverage.filter((c) => c.status === 'ok');
      assert.ok(ok.some((c) => c.accountId === DEV));
      for (const c of ok) assert.match(c.degraded?.['backup-recovery-points'] ?? '', /^endpoint does not support ListBackupVaults/, `${c.accountId} ${c.region}`);
      assert.equal(sb.stats().byAction['backup:ListBackupVaults'], new Set(ok.map((c) => c.region)).size, 'learned once per region, not retried');
      assert.equal(backupFinding(inv)?.messageId, 'notApproved');
    } finally {
      sb.setFaults([]);
    }
  });
});
