/**
 * Errors that must not mislead: Organizations throttling that outlives the retries, base credentials that
 * expire in the middle of a scan (an SSO session ending), and STS deactivated in the home region of the
 * accounts being assumed. Faults are injected with AWS's own codes, statuses and messages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization, ScanStoppedError } from '../../src/scan/scanner.ts';
import { runScan } from '../../src/pipeline/run-scan.ts';
import { UserError } from '../../src/errors.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { CALLER, miniOrg, NOROLE, PROD, scanOptions, useSandboxCredentials } from '../scan/helpers.ts';

const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });
const EXPIRED_CODES = ['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'];

describe('errors that used to mislead', () => {
  let sb: RunningSandbox;
  let dir: string;
  before(async () => {
    sb = await startSandbox({ fixture: miniOrg() });
    useSandboxCredentials(sb.credentials);
    dir = mkdtempSync(join(tmpdir(), 'amigov-cred-'));
  });
  after(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('Organizations throttling that outlives the retries says so, and what to do', async () => {
    sb.setFaults([
      {
        action: 'organizations:*',
        error: {
          code: 'TooManyRequestsException',
          status: 400,
          message: 'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.',
        },
      },
    ]);
    try {
      await assert.rejects(
        runScan({ endpointUrl: sb.endpoint, region: 'us-east-1', out: join(dir, 'throttled'), maxAttempts: '2', quiet: true }, { stdout: quiet(), stderr: quiet() }),
        (err: unknown) => {
          assert.ok(err instanceof UserError);
          assert.equal(err.exitCode, 4);
          assert.match(err.message, /Organizations kept throttling .*TooManyRequestsException.* after 2 attempts/);
          assert.match(err.hint ?? '', /later/);
          assert.match(err.hint ?? '', /--max-attempts/);
          assert.match(err.hint ?? '', /--concurrency/);
          assert.doesNotMatch(`${err.message} ${err.hint}`, /management account|delegated administrator/);
          return true;
        },
      );
      assert.ok(!existsSync(join(dir, 'throttled')), 'nothing written');
    } finally {
      sb.setFaults([]);
    }
  });

  test('expired credentials at the start are a fatal "credentials expired", not "cannot identify the caller"', async () => {
    sb.setFaults([{ action: 'sts:GetCallerIdentity', error: { code: 'ExpiredToken', status: 403, message: 'The security token included in the request is expired' } }]);
    try {
      await assert.rejects(
        runScan({ endpointUrl: sb.endpoint, region: 'us-east-1', out: join(dir, 'expired-start'), quiet: true }, { stdout: quiet(), stderr: quiet() }),
        (err: unknown) => err instanceof UserError && err.exitCode === 4 && /credentials expired/.test(err.message) && /aws sso login/.test(err.hint ?? ''),
      );
    } finally {
      sb.setFaults([]);
    }
  });

  test('base credentials expiring mid-scan (AssumeRole: ExpiredToken) stop the scan with one fatal error; no account reads access-denied', async () => {
    // Discovery worked; then every AssumeRole signed with the base credentials is refused as expired.
    sb.setFaults([{ action: 'sts:AssumeRole', accountId: CALLER, error: { code: 'ExpiredToken', status: 403, message: 'The security token included in the request is expired' } }]);
    const out = join(dir, 'expired-mid');
    try {
      await assert.rejects(
        runScan({ endpointUrl: sb.endpoint, region: 'us-east-1', out, quiet: true }, { stdout: quiet(), stderr: quiet() }),
        (err: unknown) => {
          assert.ok(err instanceof UserError, String(err));
          assert.equal(err.exitCode, 4);
          assert.match(err.message, /credentials expired during the scan \(ExpiredToken/);
          assert.match(err.hint ?? '', /aws sso login/);
          assert.match(err.hint ?? '', /inventory\.json/, 'says where what was gathered is');
          return true;
        },
      );
      // What was gathered is kept, and it never blames the accounts' roles.
      const inv = JSON.parse(readFileSync(join(out, 'inventory.json'), 'utf8')) as Inventory;
      assertNoExpiryAsAccessDenied(inv);
      assert.deepEqual(inv.coverage.filter((c) => c.status === 'access-denied'), [], 'every AssumeRole failed on expiry: no account is access-denied');
      assert.ok(inv.coverage.some((c) => c.accountId === NOROLE && c.errorCode === 'ExpiredToken'), 'the account whose AssumeRole failed on expiry is an error, not access-denied');
      // Every account x region is accounted for: scanned before the stop, or an error naming the expiry.
      assert.ok(inv.accounts.length > 0);
      for (const c of inv.coverage.filter((x) => x.status !== 'skipped')) {
        assert.ok(c.status === 'ok' || (c.status === 'error' && c.errorCode === 'ExpiredToken' && /credentials expired/.test(c.reason ?? '')), `${c.accountId} ${c.region}: ${c.status} ${c.reason}`);
      }
    } finally {
      sb.setFaults([]);
    }
  });

  test('EC2 answering RequestExpired to the base credentials stops the scan too', async () => {
    sb.setFaults([{ action: 'ec2:DescribeImages', accountId: CALLER, error: { code: 'RequestExpired', status: 400, message: 'Request has expired.' } }]);
    try {
      await assert.rejects(scanOrganization(scanOptions(sb.endpoint)), (err: unknown) => {
        assert.ok(err instanceof ScanStoppedError, String(err));
        assert.equal(err.exitCode, 4);
        assert.match(err.message, /credentials expired during the scan \(RequestExpired/);
        assertNoExpiryAsAccessDenied(err.inventory);
        const caller = err.inventory.coverage.filter((c) => c.accountId === CALLER && c.status !== 'skipped');
        assert.ok(caller.length > 0 && caller.every((c) => c.status === 'error'));
        return true;
      });
    } finally {
      sb.setFaults([]);
    }
  });

  test('STS RegionDisabledException is an actionable error per account, not "role missing"', async () => {
    sb.setFaults([
      {
        action: 'sts:AssumeRole',
        region: 'us-east-1',
        error: { code: 'RegionDisabledException', status: 403, message: 'STS is not activated in this region for account:300000000003. Your account administrator can activate STS in this region using the IAM Console.' },
      },
    ]);
    try {
      const inv = await scanOrganization(scanOptions(sb.endpoint));
      const prod = inv.coverage.filter((c) => c.accountId === PROD);
      assert.ok(prod.length > 0);
      for (const c of prod) {
        assert.equal(c.status, 'error');
        assert.equal(c.errorCode, 'RegionDisabledException');
        assert.match(c.reason!, /STS is not activated in us-east-1 for account 300000000003/);
        assert.match(c.reason!, /activate/i);
        assert.match(c.reason!, /--region/);
        assert.doesNotMatch(c.reason!, /role is missing/);
      }
      assert.ok(!inv.coverage.some((c) => c.status === 'access-denied' && c.errorCode === 'RegionDisabledException'));
    } finally {
      sb.setFaults([]);
    }
  });
});

function assertNoExpiryAsAccessDenied(inv: Inventory): void {
  for (const c of inv.coverage) {
    if (c.errorCode && EXPIRED_CODES.includes(c.errorCode)) {
      assert.equal(c.status, 'error', `${c.accountId} ${c.region}: ${c.reason}`);
      assert.doesNotMatch(c.reason ?? '', /role is missing/i, `${c.accountId} ${c.region}`);
    }
  }
}
