// The per-region latency knob: validated, deterministic for a seed, the delay each region's requests get, and a
// lognormal tail with the documented median and 99th percentile. Delays are computed, never timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoOrg, RegionLatencyModel, regionLatencySchema, startSandbox } from '../../src/sandbox/index.ts';
import { tailMultiplier } from '../../src/sandbox/knobs.ts';
import { meanLatencyMs, REGIONAL_LATENCY } from '../../src/bench/profiles.ts';

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

test('region latency: each region its base, unlisted regions the default, no tail = exactly the base', () => {
  const m = new RegionLatencyModel({ defaultMs: 200, regions: { 'us-east-1': 20, 'eu-west-1': 90 } });
  assert.deepEqual(['us-east-1', 'eu-west-1', 'ap-south-1', 'af-south-1'].map((r) => m.delayMs(r)), [20, 90, 200, 200]);
  assert.equal(m.meanMs('eu-west-1'), 90);
});

test('region latency: the tail is seeded (same seed, same delays), median ≈ base, p99 ≈ base x exp(2.326 sigma), capped', () => {
  const spec = { defaultMs: 100, tail: { sigma: 0.5, maxMultiplier: 10 }, seed: 42 };
  const a = new RegionLatencyModel(spec);
  const b = new RegionLatencyModel(spec);
  const draws = Array.from({ length: 20_000 }, () => a.delayMs('us-east-1'));
  assert.deepEqual(Array.from({ length: 20_000 }, () => b.delayMs('us-east-1')), draws);
  const other = new RegionLatencyModel({ ...spec, seed: 43 });
  assert.notDeepEqual(Array.from({ length: 100 }, () => other.delayMs('us-east-1')), draws.slice(0, 100), 'another seed, other delays');
  const median = quantile(draws, 0.5);
  const p99 = quantile(draws, 0.99);
  assert.ok(median >= 95 && median <= 105, `median ${median}`);
  const expectedP99 = 100 * Math.exp(2.326 * 0.5); // 320 ms
  assert.ok(p99 >= expectedP99 * 0.9 && p99 <= expectedP99 * 1.1, `p99 ${p99}`);
  assert.ok(Math.max(...draws.slice(0, 10_000)) <= 1000, 'capped at 10x');
  assert.ok(Math.min(...draws.slice(0, 10_000)) > 0);
  assert.ok(Math.abs(a.meanMs('x') - 100 * Math.exp(0.125)) < 1e-9);
});

test('tailMultiplier: the lognormal factor of two uniform draws (Box-Muller), exact', () => {
  assert.equal(tailMultiplier(0, 10, 0.3, 0.7), 1);
  // u1 = exp(-0.5) and u2 = 0 give z = 1: the factor is exp(sigma).
  assert.ok(Math.abs(tailMultiplier(0.5, 10, Math.exp(-0.5), 0) - Math.exp(0.5)) < 1e-12);
  // u2 = 0.5 gives z = -1.
  assert.ok(Math.abs(tailMultiplier(0.5, 10, Math.exp(-0.5), 0.5) - Math.exp(-0.5)) < 1e-12);
  assert.equal(tailMultiplier(3, 4, 1e-12, 0), 4, 'the cap');
});

test('region latency: the schema refuses unknown keys, negative delays, bad region names and a bad tail', () => {
  for (const bad of [
    { defaultMs: -1 },
    { defaultMs: 10, regions: { 'us-east-1': -5 } },
    { defaultMs: 10, regions: { 'not a region': 5 } },
    { defaultMs: 10, tail: { sigma: -0.1 } },
    { defaultMs: 10, tail: { sigma: 0.5, maxMultiplier: 0.5 } },
    { defaultMs: 10, latency: 5 },
    { regions: {} },
  ]) {
    assert.equal(regionLatencySchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.equal(regionLatencySchema.safeParse(REGIONAL_LATENCY).success, true);
});

test('startSandbox refuses an invalid per-region latency before it listens', async () => {
  await assert.rejects(startSandbox({ fixture: demoOrg, regionLatency: { defaultMs: 10, regions: { 'us-east-1': -1 } } }), /Number must be greater than or equal to 0|too_small|>=0/);
});

test('the regional bench profile: home in tens of ms, the rest of North America and Europe 60-100, APAC and South America 150-250', () => {
  const m = new RegionLatencyModel({ ...REGIONAL_LATENCY, tail: undefined });
  assert.ok(m.baseMs('us-east-1') >= 15 && m.baseMs('us-east-1') <= 30);
  for (const r of ['us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-central-1', 'eu-north-1']) assert.ok(m.baseMs(r) >= 60 && m.baseMs(r) <= 100, r);
  for (const r of ['sa-east-1', 'ap-south-1', 'ap-northeast-1', 'ap-southeast-1', 'ap-southeast-2', 'af-south-1', 'me-south-1']) assert.ok(m.baseMs(r) >= 150 && m.baseMs(r) <= 250, r);
  const mean = meanLatencyMs(REGIONAL_LATENCY);
  assert.ok(mean > 120 && mean < 160, `mean ${mean}`);
});
