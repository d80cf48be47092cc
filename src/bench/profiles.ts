/**
 * Latency profiles of the benchmark. `flat`: the same delay for every call (--latency-ms, 50 by default).
 * `regional`: what a scanner running in us-east-1 sees, per region of the call (issue #18 item 4): tens of ms at
 * home, 60-100 ms to the rest of North America and to Europe, 150-250 ms to Asia Pacific and South America, and a
 * lognormal tail (sigma 0.5: the median call takes the base, the 99th percentile 3.2x it, at most 10x).
 * AWS publishes no inter-region latency figures; the bases are round numbers in the ranges measured between
 * regions over the public internet, a model of distance rather than an AWS behaviour.
 */
import { DEFAULT_REGIONS } from '../sandbox/regions.js';
import { RegionLatencyModel, type RegionLatency } from '../sandbox/knobs.js';

export { LATENCY_PROFILES, type LatencyProfile } from './presets.js';

export const REGIONAL_LATENCY: RegionLatency = {
  defaultMs: 200, // opt-in regions (Africa, Middle East, ...): far away
  regions: {
    'us-east-1': 22, // home: the scanner's own region
    'us-east-2': 60,
    'ca-central-1': 65,
    'us-west-2': 75,
    'us-west-1': 80,
    'eu-west-1': 80,
    'eu-west-2': 85,
    'eu-west-3': 90,
    'eu-central-1': 95,
    'eu-north-1': 100,
    'sa-east-1': 150,
    'ap-northeast-1': 160,
    'ap-northeast-3': 170,
    'ap-northeast-2': 180,
    'ap-south-1': 200,
    'ap-southeast-2': 210,
    'ap-southeast-1': 230,
  },
  tail: { sigma: 0.5, maxMultiplier: 10 },
  seed: 7,
};

/**
 * The mean delay of a call under the profile, over the 17 default regions every bench account has enabled and the
 * scan visits (each account x region makes about the same number of calls: the per-unit listings dominate).
 * Used for the latency bound.
 */
export function meanLatencyMs(spec: RegionLatency): number {
  const model = new RegionLatencyModel(spec);
  const names = DEFAULT_REGIONS.filter((r) => !r.optIn).map((r) => r.name);
  return names.reduce((sum, r) => sum + model.meanMs(r), 0) / Math.max(1, names.length);
}
