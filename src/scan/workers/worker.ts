/**
 * A scan worker thread (started by pool.ts): phase 2 of scanner.ts for its share of the accounts, with the same
 * code (scanAccount: AssumeRole, DescribeRegions, every region as one unit) and its own SDK clients, connections,
 * concurrency share and capability gate. It posts what the in-process scan would record (coverage entries, unit
 * outcomes, the accounts' results, call counts) and answers phase 3's DescribeImages batches for its accounts,
 * whose credentials only it holds. Base credentials come from the SDK's default chain, as in the scan's own thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import type { CoverageEntry } from '../../model/inventory.js';
import { makeStsClient, type CredentialsOption } from '../../aws/clients.js';
import { normaliseRolePath, sessionNameFor } from '../../aws/credentials.js';
import { ApiMetrics } from '../../aws/metrics.js';
import { threadAwsSettings } from '../aws-settings.js';
import { selectUnitCollectors } from '../unit.js';
import { CoverageTracker } from '../tracker.js';
import type { ScanOptions } from '../options.js';
import { describeImagesFrom, imageReferencesFrom, instanceRefreshesFrom, scanAccount, type AccountState, type CallerIdentity, type ScanRun, type SessionSpec } from '../scanner.js';
import { serializeError, type FromScanWorker, type ToScanWorker, type WorkerInit, type WorkerRequestKind, type WorkerRequests } from './protocol.js';

type Message = FromScanWorker extends infer M ? (M extends { type: string } ? Omit<M, 'metrics'> : never) : never;

const port = parentPort!;
const init = workerData as WorkerInit;

/** Calls counted since the last message: each message carries them, so the scan's totals follow as it goes. */
const unsent = new ApiMetrics();
function post(msg: Message): void {
  const metrics = unsent.take();
  port.postMessage(metrics ? { ...msg, metrics } : msg);
}

/** The worker's coverage (its accounts only), every accepted change also sent to the scan's one table. */
class ForwardingTracker extends CoverageTracker {
  override plan(n = 1): void {
    super.plan(n);
    post({ type: 'plan', n });
  }
  override record(entry: CoverageEntry): boolean {
    const ok = super.record(entry);
    if (ok) post({ type: 'record', entry });
    return ok;
  }
  override provisional(entry: CoverageEntry): boolean {
    const ok = super.provisional(entry);
    if (ok) post({ type: 'provisional', entry });
    return ok;
  }
}

async function main(): Promise<void> {
  const options = init.options as ScanOptions;
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const signal = controller.signal;
  // Built exactly as the scan's own thread builds its settings, with this worker's share of --concurrency.
  const settings = threadAwsSettings(options, {
    concurrency: init.concurrency,
    ...(init.clientDefaults ? { clientDefaults: init.clientDefaults } : {}),
    onLearn: (key, learned) => post({ type: 'learned', key, learned }),
  });
  const { transport, capabilities } = settings;
  for (const l of init.learned) capabilities.teach(l.key, l.learned);
  const metrics = new ApiMetrics(unsent);
  const callerMetrics = metrics.child();
  const run: ScanRun = {
    options,
    settings,
    homeRegion: init.homeRegion,
    runId: init.runId,
    signal,
    aborted: () => signal.aborted,
    // Only the scan's own thread knows whether the user interrupted it (it judges that, not the workers).
    interrupted: () => false,
    metrics,
    callerMetrics,
    unitMetrics: new Map(),
    tracker: new ForwardingTracker(),
    progress: { phase: 'scanning', accountsTotal: init.accounts.length, accountsDone: 0 },
    emit: () => {},
    warn: (message) => post({ type: 'warn', message }),
    limit: pLimit(init.concurrency),
    unitCollectors: selectUnitCollectors(options.collectors),
    stopScan(err, where) {
      if (run.stopped) return;
      run.stopped = { err, where };
      // The scan stops every worker (it answers with an abort); this one stops at once, as in-process.
      post({ type: 'stop', err: serializeError(err), where });
      controller.abort();
    },
  };
  // The same STS client as the scan's thread builds: the default credential chain, the home region.
  const sts = makeStsClient(settings, init.homeRegion, undefined, callerMetrics);
  const identity: CallerIdentity = {
    caller: init.caller,
    sts,
    baseCredentials: sts.config.credentials as CredentialsOption,
    partition: init.partition,
    callerRegions: init.callerRegions,
  };
  const states = new Map<string, AccountState>(init.accounts.map((p) => [p.record.accountId, { plan: p }]));
  const session: SessionSpec = { rolePath: normaliseRolePath(options.rolePath), sessionName: sessionNameFor(init.runId) };

  const ticker = setInterval(() => {
    const m = unsent.take();
    if (m) port.postMessage({ type: 'metrics', metrics: m } satisfies FromScanWorker);
  }, 250);
  ticker.unref();

  // Phase 3's requests, answered as the scan's own thread answers them (scanner.ts), under this worker's bound.
  const answer: { [K in WorkerRequestKind]: (state: AccountState, region: string, ids: string[]) => Promise<WorkerRequests[K]> } = {
    'describe-images': (state, region, ids) => describeImagesFrom(run, state, region, ids),
    'image-references': (state, region, ids) => imageReferencesFrom(run, state, region, ids),
    'instance-refreshes': (state, region, names) => instanceRefreshesFrom(run, state, region, names),
  };

  port.on('message', (m: ToScanWorker) => {
    switch (m.type) {
      case 'abort':
        controller.abort();
        break;
      case 'learned':
        capabilities.teach(m.key, m.learned);
        break;
      case 'request': {
        const state = states.get(m.accountId);
        if (!state) {
          post({ type: 'reply', id: m.id, err: { name: 'Error', message: `account ${m.accountId} is not scanned by this worker` } });
          break;
        }
        const ask = answer[m.kind] as (state: AccountState, region: string, ids: string[]) => Promise<WorkerRequests[WorkerRequestKind]>;
        run.limit(() => ask(state, m.region, m.ids)).then(
          (a) => post({ type: 'reply', id: m.id, answer: a }),
          (err: unknown) => post({ type: 'reply', id: m.id, err: serializeError(err) }),
        );
        break;
      }
      case 'finish':
        clearInterval(ticker);
        post({ type: 'finished', unitCalls: [...run.unitMetrics].map(([k, um]) => [k, um.callsTotal]), learned: capabilities.entries() });
        transport.destroy();
        port.close();
        break;
    }
  });

  await Promise.all(
    [...states.values()].map(async (state) => {
      await scanAccount(run, identity, session, state, (outcome) => post({ type: 'unit', outcome }));
      const acct = state.plan.record;
      post({
        type: 'account',
        result: {
          accountId: acct.accountId,
          ...(state.failure ? { failure: state.failure } : {}),
          ...(state.regions ? { regions: state.regions } : {}),
          ...(acct.accessError ? { accessError: acct.accessError } : {}),
        },
      });
    }),
  );
  post({ type: 'scanned' });
}

main().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  port.postMessage({ type: 'crashed', message: e.message, ...(e.stack ? { stack: e.stack } : {}) } satisfies FromScanWorker);
});
