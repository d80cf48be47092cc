/**
 * How many worker threads a scan uses (issue #18: the AWS SDK and Node's HTTP stack cost ~1 ms of CPU per call,
 * so one thread saturates a core long before the latency bound). SDK-free: option validation uses it too.
 */
import { availableParallelism } from 'node:os';
import type { ScanOptions } from '../options.js';

/** The default uses at most this many threads: beyond it the endpoint, not the scanner, is the limit. */
export const DEFAULT_MAX_WORKERS = 4;
/**
 * Below this many account x region units the default stays in-process: a worker loads the AWS SDK (~0.3-0.5 s of
 * CPU) and one unit costs ~5-8 ms of CPU, so a few hundred units are where a second core starts to pay.
 */
export const WORKERS_MIN_UNITS = 400;

/** The most --workers accepts: four per core (more threads than that only contend for the cores). */
export function maxWorkers(): number {
  return Math.max(4, availableParallelism() * 4);
}

/** The default: one per core up to DEFAULT_MAX_WORKERS. */
export function defaultWorkers(): number {
  return Math.min(availableParallelism(), DEFAULT_MAX_WORKERS);
}

/**
 * The worker threads for this scan: --workers N as given (1 = in-process), else the default once the scan has at
 * least WORKERS_MIN_UNITS units (accounts x the regions asked for, or the caller's enabled regions). Never more
 * threads than accounts (an account's units stay on one thread: one AssumeRole) or than --concurrency (each thread
 * runs at least one unit at a time).
 */
export function workerCount(
  options: Pick<ScanOptions, 'workers' | 'concurrency' | 'regions'>,
  accounts: number,
  callerRegions: readonly { enabled: boolean }[] | undefined,
): number {
  let n = options.workers;
  if (n === undefined) {
    const regions = options.regions?.length ?? callerRegions?.filter((r) => r.enabled).length ?? 17;
    n = accounts * regions >= WORKERS_MIN_UNITS ? defaultWorkers() : 1;
  }
  return Math.max(1, Math.min(n, accounts, options.concurrency));
}

/** --concurrency split over the threads: as even as possible, the total unchanged. */
export function splitConcurrency(total: number, workers: number): number[] {
  return Array.from({ length: workers }, (_, i) => Math.floor(total / workers) + (i < total % workers ? 1 : 0));
}
