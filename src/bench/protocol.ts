/**
 * Messages between the benchmark and its child processes (sandbox, scan, report), over Node's IPC channel.
 * Each child measures itself: CPU time and peak RSS (process.resourceUsage().maxRSS) are clean per process.
 */
import type { GenerateOptions, RegionLatency, SandboxStats } from '../sandbox/index.js';
import type { MinimalModel } from './minimal.js';
import type { ReportFormat } from '../report/formats.js';

export interface ProcessUsage {
  /** user + system CPU time, ms */
  cpuMs: number;
  /** peak resident set size of the process so far, bytes */
  maxRssBytes: number;
}

/** Measures this process: CPU since `since` (process.cpuUsage() value) and its peak RSS. */
export function usageSince(since: NodeJS.CpuUsage): ProcessUsage {
  const cpu = process.cpuUsage(since);
  return { cpuMs: (cpu.user + cpu.system) / 1000, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

// ---- sandbox child -------------------------------------------------------------------------------------------

export interface SandboxChildConfig {
  generate: GenerateOptions;
  latencyMs: number;
  /** per-region latency (the `regional` profile); replaces latencyMs */
  regionLatency?: RegionLatency;
  throttling: boolean;
  /** A targeted scan's collectors (bench --rules): the minimal-call model counts only their calls. */
  collectors?: string[];
  /** The scan's approved providers: the model counts the DescribeImageReferences batches they imply. */
  approvedProviders?: string[];
  /** A scan of these regions only (scan --regions): the minimal-call model counts only their calls. */
  modelRegions?: string[];
}

export type ToSandbox = { type: 'reset' } | { type: 'snapshot' } | { type: 'close' };

export type FromSandbox =
  | {
      type: 'ready';
      endpoint: string;
      credentials: { accessKeyId: string; secretAccessKey: string };
      model: MinimalModel;
      generateMs: number;
      startMs: number;
      rssBytes: number;
    }
  | {
      type: 'snapshot';
      stats: SandboxStats;
      /** since the last reset */
      usage: ProcessUsage;
      /** most requests being served at once since the last reset */
      peakInFlight: number;
    }
  | { type: 'error'; message: string };

// ---- scan child ----------------------------------------------------------------------------------------------

export interface ScanChildConfig {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  concurrency: number;
  configPath: string;
  asOf: string;
  outDir: string;
  /** A targeted scan (bench --rules): the collectors to run. */
  collectors?: string[];
  /** The scan's --workers (bench --workers); absent: the scan's default (src/scan/workers/count.ts). */
  workers?: number;
}

export interface ScanChildResult {
  type: 'scan-result';
  wallMs: number;
  writeMs: number;
  /** whole process, scan and inventory.json write */
  usage: ProcessUsage;
  /** peak RSS when the scan had finished, before inventory.json was serialized */
  scanMaxRssBytes: number;
  inventoryPath: string;
  inventoryBytes: number;
  apiCalls: Record<string, number>;
  apiCallsTotal: number;
  attempts: number;
  retries: number;
  throttled: number;
  failedCalls: number;
  coverage: { total: number; ok: number; skipped: number; accessDenied: number; error: number };
  /** worker threads the scan ran its units on (1: in-process); `usage` is the whole process, every thread */
  workers: number;
  instances: number;
  images: number;
  unresolvedImages: number;
  launchTemplates: number;
}

// ---- report child --------------------------------------------------------------------------------------------

export interface ReportChildConfig {
  inventoryPath: string;
  configPath: string;
  asOf: string;
  outDir: string;
  /** default: every format (src/bench/report-child.ts REPORT_CHILD_FORMATS) */
  formats?: ReportFormat[];
}

/** One step of the report process: its time, the RSS and V8 heap after it, and the peak RSS so far. */
export interface ReportPhase {
  name: string;
  ms: number;
  rssBytes: number;
  heapUsedBytes: number;
  maxRssBytes: number;
}

export interface ReportChildResult {
  type: 'report-result';
  readMs: number;
  evaluateMs: number;
  renderMs: number;
  wallMs: number;
  usage: ProcessUsage;
  findings: number;
  files: { path: string; bytes: number }[];
  /** start, read inventory.json, evaluate, then each format written */
  phases: ReportPhase[];
}

export type FromWorker = ScanChildResult | ReportChildResult | { type: 'error'; message: string; stack?: string };
