/**
 * The benchmark's presets, defaults and latency profile names: light (no sandbox, no zod), so `amigov bench --help`
 * can quote them without loading the benchmark (issue #18). run.ts and profiles.ts re-export them.
 */
import { DEFAULT_CONCURRENCY } from '../scan/options.js';

export const LATENCY_PROFILES = ['flat', 'regional'] as const;
export type LatencyProfile = (typeof LATENCY_PROFILES)[number];

export const FULL_PRESET = { sizes: [50, 200, 1000], regions: 17, populatedRegionsPerAccount: 1, instancesPerRegion: 100, ownedImagesPerRegion: 20 } as const;
/** Finishes in well under 2 minutes on 2 cores: two small organizations over all 17 regions. */
export const QUICK_PRESET = { sizes: [20, 50], regions: 17, populatedRegionsPerAccount: 1, instancesPerRegion: 100, ownedImagesPerRegion: 20 } as const;

export const BENCH_DEFAULTS = {
  latencyMs: 50,
  latencyProfile: 'flat' as LatencyProfile,
  throttling: true,
  concurrency: DEFAULT_CONCURRENCY,
  seed: 7,
  outDir: 'reports/bench',
  configPath: 'config/ami_publishers.json',
  // The generator's AMIs are dated 2026; a fixed date keeps findings comparable across runs.
  asOf: '2026-12-01',
  timeoutMs: 30 * 60_000,
} as const;
