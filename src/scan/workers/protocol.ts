/**
 * Messages between a scan and its worker threads (pool.ts, worker.ts). Everything is plain structured-cloneable
 * data; errors travel as the fields src/aws/errors.ts reads, so a worker's failure is classified and worded
 * exactly as the same failure in-process.
 */
import type { AccountRecord, CoverageEntry, ExternalImageReference, Image, InstanceRefresh } from '../../model/inventory.js';
import type { ScanOptions } from '../options.js';
import type { PlannedAccount } from '../accounts.js';
import type { RegionInfo } from '../collectors/regions.js';
import type { UnitOutcome } from '../unit.js';
import type { MetricsSnapshot } from '../../aws/metrics.js';
import type { LearnedUnsupported } from '../../aws/capabilities.js';
import type { ClientDefaults } from '../../aws/clients.js';
import type { NotFound } from '../collectors/referenced-images.js';
import type { CoverageStatus } from '../../model/inventory.js';

/** What a worker starts with (workerData). */
export interface WorkerInit {
  /** The scan's options without the parts that cannot cross a thread (the signal) or are not needed there (the allowlist). */
  options: Omit<ScanOptions, 'signal' | 'allowlist'>;
  /** This worker's share of --concurrency. */
  concurrency: number;
  homeRegion: string;
  runId: string;
  caller: { accountId: string; arn: string };
  partition: string;
  callerRegions: RegionInfo[] | undefined;
  clientDefaults: ClientDefaults | undefined;
  /** The accounts this worker scans, all their regions (an account's units never leave its worker: one AssumeRole). */
  accounts: PlannedAccount[];
  /** What the scan already learned its endpoints do not implement. */
  learned: { key: string; learned: LearnedUnsupported }[];
}

export interface SerializedError {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; attempts?: number };
  firstAnswer?: string;
}

export function serializeError(err: unknown): SerializedError {
  const e = (err ?? {}) as SerializedError & { $metadata?: Record<string, unknown> };
  const out: SerializedError = {};
  if (typeof e.name === 'string') out.name = e.name;
  out.message = typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.Code === 'string') out.Code = e.Code;
  if (typeof e.code === 'string') out.code = e.code;
  if (e.$fault === 'client' || e.$fault === 'server') out.$fault = e.$fault;
  if (e.$metadata) {
    const m: NonNullable<SerializedError['$metadata']> = {};
    if (typeof e.$metadata.httpStatusCode === 'number') m.httpStatusCode = e.$metadata.httpStatusCode;
    if (typeof e.$metadata.attempts === 'number') m.attempts = e.$metadata.attempts;
    out.$metadata = m;
  }
  if (typeof e.firstAnswer === 'string') out.firstAnswer = e.firstAnswer;
  return out;
}

/** An Error carrying the same name, code, status and message (what classifyError, errorCode and errorMessage read). */
export function deserializeError(s: SerializedError): Error {
  const err = new Error(s.message ?? '');
  const { message: _m, ...rest } = s;
  return Object.assign(err, rest);
}

export interface AccountResult {
  accountId: string;
  failure?: { status: CoverageStatus; errorCode: string; reason: string };
  regions?: RegionInfo[];
  accessError?: AccountRecord['accessError'];
}

export interface DescribeImagesAnswer {
  found: Image[];
  missing: Map<string, NotFound>;
}

/**
 * Phase 3's questions a worker answers from an account it holds the credentials of, by kind: each asks about `ids`
 * in one region of one account, and gets back its answer (or the call's error).
 */
export interface WorkerRequests {
  /** DescribeImages by id (collectors/referenced-images.ts). */
  'describe-images': DescribeImagesAnswer;
  /** DescribeImageReferences (collectors/image-references.ts). */
  'image-references': ExternalImageReference[];
  /** DescribeInstanceRefreshes for the Auto Scaling groups named by `ids` (collectors/instance-refreshes.ts). */
  'instance-refreshes': [string, InstanceRefresh[]][];
}
export type WorkerRequestKind = keyof WorkerRequests;

/** Worker -> scan. `metrics`: the calls counted since the worker's previous message. */
export type FromScanWorker = (
  | { type: 'plan'; n: number }
  | { type: 'record'; entry: CoverageEntry }
  | { type: 'provisional'; entry: CoverageEntry }
  | { type: 'unit'; outcome: UnitOutcome }
  | { type: 'account'; result: AccountResult }
  | { type: 'stop'; err: SerializedError; where: string }
  | { type: 'warn'; message: string }
  | { type: 'learned'; key: string; learned: LearnedUnsupported }
  | { type: 'metrics' }
  | { type: 'scanned' }
  | { type: 'reply'; id: number; answer?: WorkerRequests[WorkerRequestKind]; err?: SerializedError }
  | { type: 'finished'; unitCalls: [string, number][]; learned: { key: string; learned: LearnedUnsupported }[] }
  | { type: 'crashed'; message: string; stack?: string }
) & { metrics?: MetricsSnapshot };

/** Scan -> worker. */
export type ToScanWorker =
  | { type: 'abort' }
  | { type: 'learned'; key: string; learned: LearnedUnsupported }
  | { type: 'request'; id: number; kind: WorkerRequestKind; accountId: string; region: string; ids: string[] }
  | { type: 'finish' };
