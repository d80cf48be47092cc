/**
 * API call accounting through SDK middleware, so every call of every client is counted the same way,
 * paginators and retries included, without wrapping call sites.
 *
 * - calls: logical operations by "<service>:<Action>" (one per page; counted at the initialize step,
 *   outside the retry loop).
 * - attempts / retries: HTTP attempts (counted at the deserialize step, which the SDK's retry
 *   middleware in finalizeRequest wraps, so it runs once per attempt).
 * - throttled: attempts answered with a throttling error.
 */
import { isThrottlingError } from './errors.js';

export type ServiceName = 'ec2' | 'sts' | 'organizations' | 'autoscaling' | 'backup';

export interface MetricsSnapshot {
  calls: Record<string, number>;
  callsTotal: number;
  attempts: number;
  retries: number;
  throttled: number;
  /** Calls that failed after their retries. */
  failedCalls: number;
}

/** A counter; counters form a tree so one account x region's counts also roll up into the run's. */
export class ApiMetrics {
  readonly calls = new Map<string, number>();
  callsTotal = 0;
  attempts = 0;
  retries = 0;
  throttled = 0;
  failedCalls = 0;

  constructor(private readonly parent?: ApiMetrics) {}

  child(): ApiMetrics {
    return new ApiMetrics(this);
  }

  recordCall(action: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
    this.callsTotal++;
    this.parent?.recordCall(action);
  }

  recordAttempt(isRetry: boolean, throttled: boolean): void {
    this.attempts++;
    if (isRetry) this.retries++;
    if (throttled) this.throttled++;
    this.parent?.recordAttempt(isRetry, throttled);
  }

  recordFailure(): void {
    this.failedCalls++;
    this.parent?.recordFailure();
  }

  /** Counts made elsewhere (a scan worker thread's), added as if recorded here. */
  add(s: MetricsSnapshot): void {
    for (const [action, n] of Object.entries(s.calls)) this.calls.set(action, (this.calls.get(action) ?? 0) + n);
    this.callsTotal += s.callsTotal;
    this.attempts += s.attempts;
    this.retries += s.retries;
    this.throttled += s.throttled;
    this.failedCalls += s.failedCalls;
    this.parent?.add(s);
  }

  /** Counts since the last take(), and starts again from zero (a worker thread sends its counts as it goes). */
  take(): MetricsSnapshot | undefined {
    if (this.callsTotal === 0 && this.attempts === 0 && this.failedCalls === 0) return undefined;
    const s = this.snapshot();
    this.calls.clear();
    this.callsTotal = this.attempts = this.retries = this.throttled = this.failedCalls = 0;
    return s;
  }

  snapshot(): MetricsSnapshot {
    const calls = Object.fromEntries([...this.calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
    return {
      calls,
      callsTotal: this.callsTotal,
      attempts: this.attempts,
      retries: this.retries,
      throttled: this.throttled,
      failedCalls: this.failedCalls,
    };
  }
}

/** The part of an SDK v3 client this module needs (all generated clients have it). */
interface InstrumentableClient {
  middlewareStack: {
    // The SDK's add() is overloaded per step; any-typed here so every generated client fits.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    add(...args: any[]): void;
  };
}

const ATTEMPTS = Symbol('amigov.attempts');

/** Adds the counting middleware to a client. Call once per client. */
export function instrumentClient(client: InstrumentableClient, service: ServiceName, metrics: ApiMetrics): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      metrics.recordCall(`${service}:${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`);
      try {
        return await next(args);
      } catch (err) {
        metrics.recordFailure();
        throw err;
      }
    },
    { step: 'initialize', name: 'amigovCountCalls', override: true },
  );
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: Record<symbol, number>) => async (args: unknown) => {
      const attempt = (context[ATTEMPTS] ?? 0) + 1;
      context[ATTEMPTS] = attempt;
      try {
        const out = await next(args);
        metrics.recordAttempt(attempt > 1, false);
        return out;
      } catch (err) {
        metrics.recordAttempt(attempt > 1, isThrottlingError(err));
        throw err;
      }
    },
    { step: 'deserialize', name: 'amigovCountAttempts', priority: 'high', override: true },
  );
}
