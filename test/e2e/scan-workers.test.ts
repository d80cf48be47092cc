/**
 * A scan on worker threads (--workers N, issue #18) against the sandbox: the same inventory and findings as the
 * in-process scan (--workers 1) of the same organization, whichever worker finishes first; one coverage table
 * merged from the workers; progress counted; an interrupt, a failing account and expired base credentials
 * behave as in-process; capabilities learned cost at most one call per endpoint, region and worker.
 * The workers run the TypeScript sources here (the pool registers tsx in each worker).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, demoOrg, type RunningSandbox } from '../../src/sandbox/index.ts';
import { scanOrganization, ScanStoppedError, type ScanProgress } from '../../src/scan/scanner.ts';
import { evaluate } from '../../src/evaluate/evaluate.ts';
import { validateScanOptions } from '../../src/scan/options.ts';
import { UserError } from '../../src/errors.ts';
import type { Inventory } from '../../src/model/inventory.ts';
import { assertMatchesFixture, CALLER, expectedFrom, miniOrg, NOROLE, PROD, scanOptions, testAllowlist, useSandboxCredentials } from '../scan/helpers.ts';

/** The inventory without what differs from run to run (times, the run id). */
function normalized(inv: Inventory): unknown {
  const copy = structuredClone(inv) as unknown as { run: Record<string, unknown> & { parameters: Record<string, unknown> }; stats: Record<string, unknown>; coverage: Record<string, unknown>[] };
  for (const k of ['runId', 'startedAt', 'finishedAt']) delete copy.run[k];
  delete copy.run.parameters.workers;
  // Attempts and retries depend on timing (a loaded machine retries timed-out or reset attempts); calls do not.
  for (const k of ['durationMs', 'attempts', 'retries', 'throttled']) delete copy.stats[k];
  for (const c of copy.coverage) delete c.durationMs;
  return copy;
}

function findingsOf(inv: Inventory): unknown {
  const doc = evaluate(inv, testAllowlist()) as unknown as Record<string, unknown>;
  const { generatedAt: _g, run: _r, ...rest } = doc as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest, (k, v) => (['durationMs', 'runId', 'evaluatedAt'].includes(k) ? undefined : v)));
}

const HTML_500 = { status: 500, contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html><body><h1>Internal Server Error</h1></body></html>' };

describe('scan on worker threads', () => {
  describe('the demo organization', () => {
    let sb: RunningSandbox;
    before(async () => {
      sb = await startSandbox({ fixture: demoOrg });
      useSandboxCredentials(sb.credentials);
    });
    after(() => sb.close());

    test('--workers 2 and 3 give the inventory and findings of --workers 1, with one coverage entry per account x region', async () => {
      const one = await scanOrganization(scanOptions(sb.endpoint, { workers: 1 }));
      assertMatchesFixture(one, demoOrg, expectedFrom(demoOrg));
      for (const workers of [2, 3]) {
        const progress: ScanProgress[] = [];
        const many = await scanOrganization(scanOptions(sb.endpoint, { workers }), { onProgress: (p) => progress.push(p) });
        assert.equal(many.run.parameters.workers, workers);
        assert.equal(one.run.parameters.workers, 1);
        assert.deepEqual(normalized(many), normalized(one), `--workers ${workers}`);
        assert.deepEqual(findingsOf(many), findingsOf(one), `--workers ${workers}: findings`);
        // (stats.apiCalls, compared above: the same calls by action, so each account's role assumed once.)
        const keys = many.coverage.map((c) => `${c.accountId}|${c.region}`);
        assert.equal(new Set(keys).size, keys.length);
        const last = progress.at(-1)!;
        assert.equal(last.phase, 'done');
        assert.equal(last.unitsDone, many.coverage.length);
        assert.equal(last.unitsTotal, many.coverage.length);
        assert.equal(last.accountsDone, last.accountsTotal);
        assert.equal(last.apiCalls, many.stats.apiCallsTotal);
        assert.equal(last.status.ok, many.coverage.filter((c) => c.status === 'ok').length);
        assert.ok(progress.some((p) => p.phase === 'scanning' && p.unitsDone > 0 && p.unitsDone < many.coverage.length), 'progress moved during the scan');
      }
    });
  });

  describe('the scanner test organization', () => {
    const fixture = miniOrg();
    let sb: RunningSandbox;
    before(async () => {
      sb = await startSandbox({ fixture });
      useSandboxCredentials(sb.credentials);
    });
    after(() => sb.close());

    test('the same inventory whichever worker finishes first', async () => {
      const base = normalized(await scanOrganization(scanOptions(sb.endpoint, { workers: 1 })));
      // Hold back the calls of one account, then of another: the other worker finishes first each time.
      for (const slow of [PROD, CALLER]) {
        sb.setFaults([{ accountId: slow, action: 'ec2:DescribeImages', hangMs: 300 }]);
        try {
          assert.deepEqual(normalized(await scanOrganization(scanOptions(sb.endpoint, { workers: 2 }))), base, `slow ${slow}`);
        } finally {
          sb.setFaults([]);
        }
      }
    });

    test('a failing account keeps its degraded reason and its verdict', async () => {
      sb.setFaults([{ accountId: PROD, action: 'ec2:GetImageBlockPublicAccessState', error: { code: 'UnauthorizedOperation', status: 403, message: 'You are not authorized to perform this operation.' } }]);
      try {
        const one = await scanOrganization(scanOptions(sb.endpoint, { workers: 1 }));
        const two = await scanOrganization(scanOptions(sb.endpoint, { workers: 2 }));
        assert.deepEqual(normalized(two), normalized(one));
        const prod = two.coverage.find((c) => c.accountId === PROD && c.region === 'us-east-1')!;
        assert.match(prod.degraded?.['image-block-public-access'] ?? '', /UnauthorizedOperation/);
        const noRole = two.coverage.filter((c) => c.accountId === NOROLE);
        assert.ok(noRole.length > 0 && noRole.every((c) => c.status === 'access-denied' && /AssumeRole into .* was denied/.test(c.reason ?? '')));
        assert.equal(two.accounts.find((a) => a.accountId === NOROLE)?.accessError?.code, one.accounts.find((a) => a.accountId === NOROLE)?.accessError?.code);
      } finally {
        sb.setFaults([]);
      }
    });

    test('an interrupt stops every worker: the inventory is marked interrupted, every account x region still has its one entry', async () => {
      const controller = new AbortController();
      const inv = await scanOrganization(scanOptions(sb.endpoint, { workers: 2, concurrency: 2, signal: controller.signal }), {
        onProgress: (p) => {
          if (p.unitsDone >= 2) controller.abort();
        },
      });
      assert.equal(inv.run.interrupted, true);
      const keys = inv.coverage.map((c) => `${c.accountId}|${c.region}`);
      assert.equal(new Set(keys).size, keys.length);
      for (const a of inv.accounts.filter((x) => x.status === 'ACTIVE')) assert.ok(inv.coverage.some((c) => c.accountId === a.accountId), `${a.accountId} has coverage`);
      assert.ok(inv.coverage.some((c) => c.errorCode === 'Interrupted'), 'some units were cut short');
    });

    test('expired base credentials in one worker stop the whole scan (exit 4) with what was gathered', async () => {
      // The sandbox files STS calls under the signing (caller's) account, as scan-credentials.test.ts does.
      sb.setFaults([{ action: 'sts:AssumeRole', accountId: CALLER, error: { code: 'ExpiredToken', status: 403, message: 'The security token included in the request is expired' } }]);
      try {
        await assert.rejects(scanOrganization(scanOptions(sb.endpoint, { workers: 2 })), (err: unknown) => {
          assert.ok(err instanceof ScanStoppedError, String(err));
          assert.match(err.message, /credentials expired during the scan \(ExpiredToken/);
          assert.ok(!err.inventory.coverage.some((c) => c.status === 'access-denied' && c.accountId !== NOROLE), 'no account blamed');
          return true;
        });
      } finally {
        sb.setFaults([]);
      }
    });

    test('an action the endpoint does not implement costs at most one call per region and worker', async () => {
      sb.setFaults([{ action: 'ec2:GetAllowedImagesSettings', raw: HTML_500 }]);
      sb.resetStats();
      const warnings: string[] = [];
      try {
        const workers = 2;
        const inv = await scanOrganization(scanOptions(sb.endpoint, { workers }), { onWarning: (w) => warnings.push(w) });
        assertMatchesFixture(inv, fixture, expectedFrom(fixture));
        const ok = inv.coverage.filter((c) => c.status === 'ok');
        const regions = new Set(ok.map((c) => c.region));
        const calls = sb.stats().byAction['ec2:GetAllowedImagesSettings'] ?? 0;
        assert.ok(calls >= regions.size && calls <= regions.size * workers, `${calls} calls for ${regions.size} regions`);
        for (const c of ok) assert.match(c.degraded?.['allowed-images-settings'] ?? '', /^endpoint does not support GetAllowedImagesSettings/);
        for (const r of regions) assert.equal(warnings.filter((w) => w.includes(`does not support GetAllowedImagesSettings in ${r}`)).length, 1, `one warning for ${r}`);
      } finally {
        sb.setFaults([]);
      }
    });

    test('--workers is checked before any call', () => {
      for (const workers of [0, -1, 1.5, 10_000]) {
        assert.throws(() => validateScanOptions(scanOptions(sb.endpoint, { workers })), (e: unknown) => e instanceof UserError && /--workers/.test(e.message));
      }
      validateScanOptions(scanOptions(sb.endpoint, { workers: 2 }));
    });
  });
});
