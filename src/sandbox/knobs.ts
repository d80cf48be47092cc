/**
 * The sandbox's knobs for tests and benchmarks: EC2-style token-bucket throttling, injected faults, per-region
 * latency, and the request counters. Bucket sizes come from AWS documentation (see docs/sandbox.md, "Knobs").
 */
import { z } from 'zod';
import { mulberry32 } from './random.js';
import { REGION_NAME } from './regions.js';
import { arnLike, principalArnOf } from '../util/arn.js';

export interface BucketSpec {
  /** Maximum tokens (the burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface ThrottleSettings {
  /** EC2 request-rate buckets, one per account x region x API action (EC2 evaluates each API separately). */
  ec2NonMutating?: BucketSpec;
  /**
   * The smaller bucket of the "unfiltered and unpaginated non-mutating actions" the page names
   * (EC2_UNFILTERED_UNPAGINATED_ACTIONS), when called with neither filters, ids nor pagination.
   */
  ec2UnfilteredUnpaginated?: BucketSpec;
  ec2Mutating?: BucketSpec;
  /** The page's "Uncategorized actions", each with its own bucket (overrides merge over EC2_ACTION_BUCKETS). */
  ec2Actions?: Record<string, BucketSpec>;
  /** One bucket per account (STS quotas are per account). */
  sts?: BucketSpec;
  /** One bucket per account. */
  organizations?: BucketSpec;
}

/**
 * EC2, "Request throttling for the Amazon EC2 API", table "Request token bucket sizes and refill rates":
 * "Non-mutating actions | The Describe*, List*, Search*, and Get* API actions that are not included in another
 * category | 100 | 20"; "Unfiltered and unpaginated non-mutating actions | DescribeInstances, DescribeInstanceStatus,
 * DescribeNetworkInterfaces, DescribeSecurityGroups, DescribeSnapshots, DescribeSpotInstanceRequests,
 * DescribeVolumes | 50 | 10"; "Mutating actions | All mutating API actions that are not Resource-intensive actions
 * or Uncategorized actions | 50 | 5".
 * STS: 600 requests per second per account. Organizations publishes no figure; 20 burst, 10/s is a
 * conservative stand-in that makes a scanner hammering Organizations visible.
 */
export const DEFAULT_THROTTLE: Required<Omit<ThrottleSettings, 'ec2Actions'>> = {
  ec2NonMutating: { capacity: 100, refillPerSecond: 20 },
  ec2UnfilteredUnpaginated: { capacity: 50, refillPerSecond: 10 },
  ec2Mutating: { capacity: 50, refillPerSecond: 5 },
  sts: { capacity: 600, refillPerSecond: 600 },
  organizations: { capacity: 20, refillPerSecond: 10 },
};

/**
 * The same page: "Unfiltered and unpaginated non-mutating actions — A specific subset of non-mutating API actions
 * that, when requested without specifying either pagination or a filter, use tokens from a smaller token bucket."
 * Only these actions have that smaller bucket (of the sandbox's, DescribeInstances); DescribeImages and the other
 * Describe* calls use the non-mutating bucket however they are called.
 */
export const EC2_UNFILTERED_UNPAGINATED_ACTIONS: ReadonlySet<string> = new Set([
  'DescribeInstances',
  'DescribeInstanceStatus',
  'DescribeNetworkInterfaces',
  'DescribeSecurityGroups',
  'DescribeSnapshots',
  'DescribeSpotInstanceRequests',
  'DescribeVolumes',
]);

/**
 * The same page, table "Uncategorized actions" ("API actions that receive their own token bucket sizes and refill
 * rates, even though by definition they fit in one of the other categories"), for the actions the sandbox serves:
 * "CreateTags | 100 | 10", "DeleteTags | 100 | 10", "DeregisterImage | 100 | 5", "DescribeSpotFleetRequests | 50 | 3",
 * "DisableImageBlockPublicAccess | 1 | 0.1", "EnableImageBlockPublicAccess | 1 | 0.1", "ModifyImageAttribute | 100 | 5".
 * The Allowed AMIs actions (Enable/DisableAllowedImagesSettings, ReplaceImageCriteriaInAllowedImagesSettings) are not
 * in that table, so they are ordinary mutating actions (50 / 5).
 */
export const EC2_ACTION_BUCKETS: Readonly<Record<string, BucketSpec>> = {
  CreateTags: { capacity: 100, refillPerSecond: 10 },
  DeleteTags: { capacity: 100, refillPerSecond: 10 },
  DeregisterImage: { capacity: 100, refillPerSecond: 5 },
  DescribeSpotFleetRequests: { capacity: 50, refillPerSecond: 3 },
  DisableImageBlockPublicAccess: { capacity: 1, refillPerSecond: 0.1 },
  EnableImageBlockPublicAccess: { capacity: 1, refillPerSecond: 0.1 },
  ModifyImageAttribute: { capacity: 100, refillPerSecond: 5 },
};

export type BucketCategory = Exclude<keyof ThrottleSettings, 'ec2Actions'>;

/** Which EC2 bucket a request takes its token from: an uncategorized action's own, else its category's. */
export function ec2BucketFor(action: string, call: { mutating: boolean; unfilteredUnpaginated: boolean }): string {
  if (action in EC2_ACTION_BUCKETS) return `ec2Action:${action}`;
  if (call.mutating) return 'ec2Mutating';
  return call.unfilteredUnpaginated && EC2_UNFILTERED_UNPAGINATED_ACTIONS.has(action) ? 'ec2UnfilteredUnpaginated' : 'ec2NonMutating';
}

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly spec: BucketSpec, now: number) {
    this.tokens = spec.capacity;
    this.last = now;
  }
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.tokens = Math.min(this.spec.capacity, this.tokens + elapsed * this.spec.refillPerSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

export class Throttler {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly settings: Required<Omit<ThrottleSettings, 'ec2Actions'>>;
  private readonly actions: Record<string, BucketSpec>;
  constructor(settings: ThrottleSettings | true) {
    const { ec2Actions, ...rest } = settings === true ? ({} as ThrottleSettings) : settings;
    this.settings = { ...DEFAULT_THROTTLE, ...rest };
    this.actions = { ...EC2_ACTION_BUCKETS, ...ec2Actions };
  }
  /** The bucket spec of a category, or of "ec2Action:<Action>" (see ec2BucketFor). */
  spec(bucket: string): BucketSpec {
    if (bucket.startsWith('ec2Action:')) return this.actions[bucket.slice('ec2Action:'.length)] ?? this.settings.ec2Mutating;
    return this.settings[bucket as BucketCategory];
  }
  /** true when the request may proceed; false when its bucket is empty. */
  allow(bucket: BucketCategory | string, key: string, now: number): boolean {
    const k = `${bucket}|${key}`;
    let b = this.buckets.get(k);
    if (!b) this.buckets.set(k, (b = new TokenBucket(this.spec(bucket), now)));
    return b.take(now);
  }
}

export interface FaultSpec {
  /** "<service>:<Action>", e.g. "ec2:DescribeImages"; a bare action name or "ec2:*" also match. Absent: any. */
  action?: string;
  accountId?: string;
  region?: string;
  /** Answer with this error instead of the real response. */
  error?: { code: string; status: number; message?: string };
  /**
   * Answer with this raw HTTP response instead, no AWS error document: what an emulator sends for an action it
   * does not implement (moto and LocalStack answer some EC2 actions with an HTML page and status 500).
   */
  raw?: { status: number; contentType: string; body: string };
  /** Fraction of matching requests affected, 0..1 (default 1). Drawn from a seeded generator: reproducible. */
  rate?: number;
  /** Hold the response this long before answering (past the client's timeout, to test timeouts). */
  hangMs?: number;
}

export interface RequestKey {
  /** "<service>:<Action>" */
  action: string;
  accountId: string;
  region: string;
}

export class FaultInjector {
  private faults: FaultSpec[] = [];
  private readonly rng: () => number;
  constructor(faults: FaultSpec[] = [], seed = 1) {
    this.rng = mulberry32(seed);
    this.set(faults);
  }
  set(faults: FaultSpec[]): void {
    for (const f of faults) {
      if (f.rate !== undefined && !(f.rate >= 0 && f.rate <= 1)) throw new Error(`fault rate must be within 0..1, got ${f.rate}`);
      if (!f.error && !f.raw && f.hangMs === undefined) throw new Error('a fault needs an error, a raw response or a hangMs');
    }
    this.faults = [...faults];
  }
  /** The first matching fault that fires for this request, if any. */
  pick(req: RequestKey): FaultSpec | undefined {
    for (const f of this.faults) {
      if (!matchesAction(f.action, req.action)) continue;
      if (f.accountId !== undefined && f.accountId !== req.accountId) continue;
      if (f.region !== undefined && f.region !== req.region) continue;
      const rate = f.rate ?? 1;
      if (rate >= 1 || this.rng() < rate) return f;
    }
    return undefined;
  }
}

function matchesAction(pattern: string | undefined, action: string): boolean {
  if (pattern === undefined || pattern === '*') return true;
  if (pattern === action) return true;
  if (pattern.endsWith(':*')) return action.startsWith(pattern.slice(0, -1));
  return !pattern.includes(':') && action.endsWith(`:${pattern}`);
}

export interface SandboxStats {
  total: number;
  byAction: Record<string, number>;
  byAccount: Record<string, number>;
  byRegion: Record<string, number>;
  /** "acct|region|svc:Action" */
  byAccountRegionAction: Record<string, number>;
  /** Requests answered with a throttling error (also counted in the totals above). */
  throttled: number;
  /** Requests answered by an injected fault (error or hang; also counted in the totals above). */
  faults: number;
}

export class RequestCounter {
  private s: SandboxStats = RequestCounter.empty();
  static empty(): SandboxStats {
    return { total: 0, byAction: {}, byAccount: {}, byRegion: {}, byAccountRegionAction: {}, throttled: 0, faults: 0 };
  }
  count(req: RequestKey): void {
    const s = this.s;
    s.total++;
    s.byAction[req.action] = (s.byAction[req.action] ?? 0) + 1;
    s.byAccount[req.accountId] = (s.byAccount[req.accountId] ?? 0) + 1;
    s.byRegion[req.region] = (s.byRegion[req.region] ?? 0) + 1;
    const k = `${req.accountId}|${req.region}|${req.action}`;
    s.byAccountRegionAction[k] = (s.byAccountRegionAction[k] ?? 0) + 1;
  }
  throttled(): void {
    this.s.throttled++;
  }
  fault(): void {
    this.s.faults++;
  }
  snapshot(): SandboxStats {
    return structuredClone(this.s);
  }
  reset(): void {
    this.s = RequestCounter.empty();
  }
}

/**
 * An SCP-style explicit deny, as an organization's service control policy would write it: deny `action` in
 * `accountId` (any when absent) to every principal whose aws:PrincipalArn matches none of `exceptPrincipalArns`
 * (ArnLike patterns, the condition an SCP uses to exempt a role). IAM: aws:PrincipalArn — "For IAM roles, the
 * request context returns the ARN of the role, not the ARN of the user that assumed the role." EC2 answers a
 * denied call, DryRun or not, with UnauthorizedOperation: DryRun "checks whether you have the required
 * permissions for the action ... If you have the required permissions, the error response is DryRunOperation.
 * Otherwise, it is UnauthorizedOperation."
 */
export interface DenySpec {
  /** "<service>:<Action>", e.g. "ec2:ModifyImageAttribute". */
  action: string;
  accountId?: string;
  /** ArnLike patterns of aws:PrincipalArn that are exempt (e.g. "arn:*:iam::*:role/amigov-remediation"). */
  exceptPrincipalArns?: string[];
}

/** The deny that applies to this request, if any. */
export function deniedBy(denials: readonly DenySpec[], req: RequestKey, principalArn: string): DenySpec | undefined {
  const arn = principalArnOf(principalArn);
  return denials.find(
    (d) => d.action === req.action && (d.accountId === undefined || d.accountId === req.accountId) && !(d.exceptPrincipalArns ?? []).some((p) => arnLike(p, arn)),
  );
}

// ---- per-region latency --------------------------------------------------------------------------------------

/**
 * Per-region latency, as a scanner in one region sees it: a base delay per region (the region of the request's
 * SigV4 credential scope; `defaultMs` for regions not listed) times a seeded long-tail factor. The factor is
 * lognormal with median 1: the median delay is the base, the 99th percentile base x exp(2.326 x sigma) (sigma 0.5:
 * 3.2x), capped at `maxMultiplier`. AWS publishes no latency figures; these are the bench's model of distance, not
 * an AWS behaviour.
 */
export const regionLatencySchema = z
  .object({
    defaultMs: z.number().nonnegative().max(600_000),
    regions: z.record(z.string().regex(REGION_NAME, 'must be a region name like us-east-1'), z.number().nonnegative().max(600_000)).default({}),
    tail: z
      .object({
        /** standard deviation of ln(factor); 0 = no tail */
        sigma: z.number().min(0).max(3),
        /** the factor never exceeds this (default 20) */
        maxMultiplier: z.number().min(1).max(1000).default(20),
      })
      .strict()
      .optional(),
    /** seed of the tail's generator (default 1): the same seed draws the same delays in the same order */
    seed: z.number().int().nonnegative().default(1),
  })
  .strict();

export type RegionLatency = z.input<typeof regionLatencySchema>;

/** The tail factor for two uniform draws u1, u2 in (0, 1]: exp(sigma x z), z standard normal (Box-Muller). */
export function tailMultiplier(sigma: number, maxMultiplier: number, u1: number, u2: number): number {
  if (sigma === 0) return 1;
  const z = Math.sqrt(-2 * Math.log(Math.max(u1, Number.MIN_VALUE))) * Math.cos(2 * Math.PI * u2);
  return Math.min(maxMultiplier, Math.exp(sigma * z));
}

export class RegionLatencyModel {
  private readonly spec: z.output<typeof regionLatencySchema>;
  private readonly rng: () => number;
  /** Throws a ZodError naming the bad field when the spec is invalid. */
  constructor(spec: RegionLatency) {
    this.spec = regionLatencySchema.parse(spec);
    this.rng = mulberry32(this.spec.seed);
  }
  baseMs(region: string): number {
    return this.spec.regions[region] ?? this.spec.defaultMs;
  }
  /** The delay of the next request to this region (ms, whole). */
  delayMs(region: string): number {
    const base = this.baseMs(region);
    const t = this.spec.tail;
    if (!t || base === 0) return Math.round(base);
    // 1 - rng(): (0, 1], so the logarithm stays finite.
    return Math.round(base * tailMultiplier(t.sigma, t.maxMultiplier, 1 - this.rng(), this.rng()));
  }
  /** Expected delay of a request to this region: base x E[factor] (exp(sigma²/2) before the cap). */
  meanMs(region: string): number {
    const t = this.spec.tail;
    return this.baseMs(region) * (t ? Math.min(t.maxMultiplier, Math.exp((t.sigma * t.sigma) / 2)) : 1);
  }
}
