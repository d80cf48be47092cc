/**
 * Phase 2 of a scan on worker threads (issue #18: the AWS SDK and Node's HTTP stack cost ~1 ms of CPU per call,
 * so one thread saturates one core): the accounts are dealt out to N workers (worker.ts; an account's regions stay
 * on its worker, so its role is assumed once), each with its share of --concurrency, and everything they record is
 * merged here, as it arrives, into the scan's one coverage tracker, its outcomes and its call counts. Phase 3's
 * DescribeImages batches are sent to the worker holding the account's credentials. Abort (Ctrl-C, or the scan
 * stopping for expired credentials) is passed to every worker; what one learns an endpoint does not implement is
 * passed to the others.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { UnitOutcome } from '../unit.js';
import type { ExternalImageReference, InstanceRefresh } from '../../model/inventory.js';
import { ApiMetrics } from '../../aws/metrics.js';
import type { AccountState, CallerIdentity, ScanRun } from '../scanner.js';
import { splitConcurrency } from './count.js';
import { deserializeError, type DescribeImagesAnswer, type FromScanWorker, type ToScanWorker, type WorkerInit, type WorkerRequestKind, type WorkerRequests } from './protocol.js';

export interface WorkerPool {
  /** Every worker has scanned its accounts (phase 2 done). */
  scanned: Promise<void>;
  /** Phase 3: DescribeImages by id from `accountId`, on the worker that holds its credentials. */
  describeImages(accountId: string, region: string, ids: string[]): Promise<DescribeImagesAnswer>;
  /** Phase 3c: DescribeImageReferences for `ids` from `accountId`, on the worker that holds its credentials. */
  imageReferences(accountId: string, region: string, ids: string[]): Promise<ExternalImageReference[]>;
  /** Phase 3c: DescribeInstanceRefreshes for the groups `names` of `accountId`, on the worker that holds its credentials. */
  instanceRefreshes(accountId: string, region: string, names: string[]): Promise<[string, InstanceRefresh[]][]>;
  /** Collects each worker's per-unit call counts and learned capabilities, and lets the workers end. */
  finish(): Promise<void>;
  /** Ends every worker now (the scan is over, or failed). */
  close(): void;
}

const RUNNING_FROM_SOURCE = import.meta.url.endsWith('.ts');

/**
 * Each scan worker's young generation, at most 48 MB (16 MiB semi-spaces). Node sizes it from the heap limit,
 * which it sizes from the machine's memory: "The default value depends on the memory limit" (Node.js CLI docs,
 * --max-semi-space-size; "the young generation size of the V8 heap is three times ... the size of the
 * semi-space"). On this 24 GB VM that is 192 MB per thread, and a scan's workers, whose objects are mostly
 * short-lived SDK requests and responses, fill it. `resourceLimits.maxYoungGenerationSizeMb` is the Worker
 * option for it ("The maximum size of a heap space for recently created objects", worker_threads docs); the
 * old generation keeps its default. Measured by `amigov bench` at 200 accounts x 17 regions, 2 workers
 * (2026-12-03, Node 24): scanner peak RSS 879-894 -> 711-735 MB, CPU per call 882-976 -> 735-811 µs; 24 MB
 * saved no more memory and cost CPU. At 1,000 accounts x 17 regions: 1,102 -> 933 MB, CPU per call the same
 * (698 / 712 µs).
 */
export const WORKER_YOUNG_GENERATION_MB = 48;
/** The Worker options every scan worker is started with (besides its entry and workerData). */
export const WORKER_LIMITS = { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } } as const satisfies WorkerOptions;

function startWorker(init: WorkerInit): Worker {
  if (!RUNNING_FROM_SOURCE) return new Worker(new URL('./worker.js', import.meta.url), { workerData: init, ...WORKER_LIMITS });
  // From src/ (tsx: tests, development): Node 20 does not run the parent's --import loader for a worker's entry
  // (ERR_UNKNOWN_FILE_EXTENSION), so the worker registers tsx itself, then imports the .ts entry.
  const entry = new URL('./worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`, { eval: true, workerData: init, ...WORKER_LIMITS });
}

/** Deals the accounts out (sorted by id, round robin: neighbours in a big organization are alike) and starts the workers. */
export async function startWorkerPool(run: ScanRun, identity: CallerIdentity, states: AccountState[], n: number, outcomes: Map<string, UnitOutcome>): Promise<WorkerPool> {
  const sorted = [...states].sort((a, b) => a.plan.record.accountId.localeCompare(b.plan.record.accountId));
  const byId = new Map(sorted.map((s) => [s.plan.record.accountId, s]));
  const groups: AccountState[][] = Array.from({ length: n }, () => []);
  sorted.forEach((s, i) => groups[i % n]!.push(s));
  const owner = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((s) => owner.set(s.plan.record.accountId, i)));
  const shares = splitConcurrency(run.options.concurrency, n);
  const { signal: _signal, allowlist: _allowlist, ...options } = run.options;

  let failure: Error | undefined;
  let scannedCount = 0;
  let resolveScanned!: () => void;
  let rejectScanned!: (err: Error) => void;
  const scanned = new Promise<void>((res, rej) => ((resolveScanned = res), (rejectScanned = rej)));
  const finished: boolean[] = groups.map(() => false);
  const finishWaiters: (() => void)[] = [];
  // Phase 3's requests waiting for their worker's reply, by id.
  const pending = new Map<number, { resolve: (a: WorkerRequests[WorkerRequestKind]) => void; reject: (e: Error) => void }>();
  let nextId = 0;

  const fail = (err: Error) => {
    if (failure) return;
    failure = err;
    rejectScanned(err);
    for (const d of pending.values()) d.reject(err);
    pending.clear();
    for (const w of finishWaiters.splice(0)) w();
  };

  const workers: Worker[] = groups.map((g, i) =>
    startWorker({
      options,
      concurrency: shares[i]!,
      homeRegion: run.homeRegion,
      runId: run.runId,
      caller: identity.caller,
      partition: identity.partition,
      callerRegions: identity.callerRegions,
      clientDefaults: run.settings.clientDefaults,
      accounts: g.map((s) => s.plan),
      learned: run.settings.capabilities?.entries() ?? [],
    }),
  );
  const tell = (i: number, m: ToScanWorker) => {
    if (!finished[i]) workers[i]!.postMessage(m);
  };
  const broadcast = (m: ToScanWorker, except?: number) => workers.forEach((_, i) => i !== except && tell(i, m));

  const handle = (i: number, m: FromScanWorker) => {
    if (m.metrics) run.metrics.add(m.metrics);
    switch (m.type) {
      case 'plan':
        run.tracker.plan(m.n);
        run.emit();
        break;
      case 'record':
        if (run.tracker.record(m.entry)) run.emit();
        break;
      case 'provisional':
        if (run.tracker.provisional(m.entry)) run.emit();
        break;
      case 'unit':
        outcomes.set(`${m.outcome.coverage.accountId}|${m.outcome.coverage.region}`, m.outcome);
        break;
      case 'account': {
        const state = byId.get(m.result.accountId);
        if (state) {
          if (m.result.failure) state.failure = m.result.failure;
          if (m.result.regions) state.regions = m.result.regions;
          if (m.result.accessError) state.plan.record.accessError = m.result.accessError;
        }
        run.progress.accountsDone++;
        run.emit();
        break;
      }
      case 'stop':
        // The scan's credentials failed in a worker: the scan stops (and aborts every worker), as in-process.
        run.stopScan(deserializeError(m.err), m.where);
        break;
      case 'warn':
        run.warn(m.message);
        break;
      case 'learned':
        run.settings.capabilities?.teach(m.key, m.learned);
        broadcast({ type: 'learned', key: m.key, learned: m.learned }, i);
        break;
      case 'metrics':
        run.emit();
        break;
      case 'scanned':
        if (++scannedCount === workers.length) resolveScanned();
        break;
      case 'reply': {
        const d = pending.get(m.id);
        pending.delete(m.id);
        if (!d) break;
        if (m.err) d.reject(deserializeError(m.err));
        else d.resolve(m.answer!);
        break;
      }
      case 'finished':
        for (const [k, calls] of m.unitCalls) {
          const um = new ApiMetrics();
          um.callsTotal = calls;
          run.unitMetrics.set(k, um);
        }
        for (const l of m.learned) run.settings.capabilities?.teach(l.key, l.learned);
        finished[i] = true;
        if (finished.every(Boolean)) for (const w of finishWaiters.splice(0)) w();
        break;
      case 'crashed':
        fail(new Error(`a scan worker thread failed: ${m.message}${m.stack ? `\n${m.stack}` : ''}`));
        break;
    }
  };
  workers.forEach((w, i) => {
    w.on('message', (m: FromScanWorker) => handle(i, m));
    w.on('error', (err) => fail(err instanceof Error ? err : new Error(String(err))));
    w.on('exit', (code) => {
      if (!finished[i]) fail(new Error(`a scan worker thread exited (code ${code}) before it had finished`));
    });
  });

  const onAbort = () => broadcast({ type: 'abort' });
  if (run.signal.aborted) onAbort();
  else run.signal.addEventListener('abort', onAbort, { once: true });

  /** Asks the worker holding `accountId`'s credentials; its reply (or the call's error) settles the promise. */
  const request = <K extends WorkerRequestKind>(kind: K, accountId: string, region: string, ids: string[]): Promise<WorkerRequests[K]> => {
    if (failure) return Promise.reject(failure);
    const i = owner.get(accountId);
    if (i === undefined) return Promise.reject(new Error(`account ${accountId} was not scanned by a worker`));
    const id = nextId++;
    return new Promise<WorkerRequests[K]>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (a: WorkerRequests[WorkerRequestKind]) => void, reject });
      tell(i, { type: 'request', id, kind, accountId, region, ids });
    });
  };

  return {
    scanned,
    describeImages: (accountId, region, ids) => request('describe-images', accountId, region, ids),
    imageReferences: (accountId, region, ids) => request('image-references', accountId, region, ids),
    instanceRefreshes: (accountId, region, names) => request('instance-refreshes', accountId, region, names),
    async finish() {
      if (!failure && !finished.every(Boolean)) {
        const done = new Promise<void>((resolve) => finishWaiters.push(resolve));
        broadcast({ type: 'finish' });
        await done;
      }
      if (failure) throw failure;
    },
    close() {
      run.signal.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
    },
  };
}
