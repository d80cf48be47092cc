/**
 * Capabilities learned once (issue #18). Against an endpoint that does not implement an action (moto and LocalStack
 * answer DescribeInstanceImageMetadata, GetImageBlockPublicAccessState and GetAllowedImagesSettings with an HTML 500
 * or a 501), a scan used to retry every such call up to --max-attempts times in every account x region. Two parts,
 * both on the SDK's own seams:
 *
 * - LearningRetryStrategy: the SDK's standard adaptive strategy (backoff, client-side rate limiting), except that a
 *   "not implemented" answer (isNotImplemented in errors.ts) is never retried: the endpoint answers the same every
 *   time. Everything else, a transient AWS InternalError included, keeps its normal retries.
 * - EndpointCapabilities: one per scan, shared by every client. For the actions it is told may be missing (the
 *   optional collectors' actions), the first call per endpoint x region x action goes alone while the others wait
 *   for its answer; once an endpoint answered "not implemented", every later call of that action there fails at
 *   once, without a request, with an EndpointUnsupportedError (classified "unsupported", so optional collectors
 *   degrade with "endpoint does not support X"). At most one wasted call per endpoint and region.
 *   A scan on worker threads has one instance per thread; what one learns is passed to the others (onLearn,
 *   teach), but a first call already under way in another thread is not held back: at most one wasted call per
 *   endpoint, region and worker thread.
 */
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';
import { ENDPOINT_UNSUPPORTED, isNotImplemented, notImplementedDetail } from './errors.js';

/** The adaptive strategy the SDK builds for `retryMode: 'adaptive'`, with "not implemented" answers not retried. */
export class LearningRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'adaptive';
  private readonly inner: AdaptiveRetryStrategy;

  constructor(maxAttempts: number) {
    this.inner = new AdaptiveRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return this.inner.acquireInitialRetryToken(retryTokenScope);
  }

  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    // Refusing the token ends the SDK's retry loop: it throws the call's error with $metadata.attempts set.
    if (isNotImplemented(errorInfo.error)) return Promise.reject(errorInfo.error);
    return this.inner.refreshRetryTokenForRetry(token as StandardRetryToken, errorInfo);
  }

  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess(token as StandardRetryToken);
  }
}

/** Raised instead of a call the endpoint already answered as not implemented. */
export class EndpointUnsupportedError extends Error {
  override readonly name = ENDPOINT_UNSUPPORTED;
  constructor(
    readonly action: string,
    /** how the endpoint answered the first call (notImplementedDetail) */
    readonly firstAnswer: string,
  ) {
    super(`endpoint does not support ${action} (${firstAnswer}); not called again`);
  }
}

/** What was learned, for the run record: the action, where, and how the endpoint answered. */
export interface LearnedUnsupported {
  endpoint: string;
  region: string;
  action: string;
  answer: string;
}

interface HttpRequestLike {
  protocol?: string;
  hostname?: string;
  port?: number;
  path?: string;
}

/** The part of an SDK client the gate needs (every generated client has it). */
interface MiddlewareClient {
  middlewareStack: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    add(...args: any[]): void;
  };
}

const DONE = Symbol('probed');

export class EndpointCapabilities {
  private readonly unsupported = new Map<string, LearnedUnsupported>();
  /** endpoint|region|action -> the first call's answer pending, or DONE once it came */
  private readonly probes = new Map<string, Promise<void> | typeof DONE>();

  /**
   * @param learnable "<service>:<Action>" names that may be missing on an endpoint, e.g. "ec2:GetAllowedImagesSettings"
   * @param onLearn called when a call of this instance learns something (a scan worker tells the other workers, see src/scan/workers)
   */
  constructor(
    private readonly learnable: ReadonlySet<string>,
    private readonly onLearn?: (key: string, learned: LearnedUnsupported) => void,
  ) {}

  /** The actions learned unsupported so far, sorted. */
  learned(): LearnedUnsupported[] {
    return [...this.unsupported.values()].sort((a, b) => `${a.region}|${a.action}`.localeCompare(`${b.region}|${b.action}`));
  }

  /** The same, with their keys, to hand to another instance (teach). */
  entries(): { key: string; learned: LearnedUnsupported }[] {
    return [...this.unsupported].map(([key, learned]) => ({ key, learned }));
  }

  /** Something another instance (another scan worker) learned: later calls here are refused as if learned here. */
  teach(key: string, learned: LearnedUnsupported): void {
    if (!this.unsupported.has(key)) this.unsupported.set(key, learned);
  }

  /**
   * Adds the gate to a client. Build step: the request already carries its endpoint (resolved at serialize), and
   * the retry middleware (finalizeRequest) runs inside it, so one gated call is one call with all its attempts.
   */
  install(client: MiddlewareClient, service: string, region: string): void {
    if (this.learnable.size === 0) return;
    client.middlewareStack.add(
      (next: (args: { request?: unknown }) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { request?: unknown }) => {
          const name = (context.commandName ?? '').replace(/Command$/, '');
          if (!this.learnable.has(`${service}:${name}`)) return next(args);
          const r = (args.request ?? {}) as HttpRequestLike;
          const endpoint = `${r.protocol ?? ''}//${r.hostname ?? ''}${r.port ? `:${r.port}` : ''}${r.path ?? ''}`;
          const key = `${endpoint}|${region}|${service}:${name}`;
          this.refuseIfKnown(key, name);
          const probe = this.probes.get(key);
          if (probe === undefined) {
            let release!: () => void;
            this.probes.set(key, new Promise<void>((resolve) => (release = resolve)));
            try {
              return await this.learnFrom(next(args), key, { endpoint, region, action: name });
            } finally {
              this.probes.set(key, DONE);
              release();
            }
          }
          if (probe !== DONE) {
            await probe;
            this.refuseIfKnown(key, name);
          }
          return this.learnFrom(next(args), key, { endpoint, region, action: name });
        },
      { step: 'build', name: 'amigovEndpointCapabilities', priority: 'low', override: true },
    );
  }

  private refuseIfKnown(key: string, action: string): void {
    const known = this.unsupported.get(key);
    if (known) throw new EndpointUnsupportedError(action, known.answer);
  }

  private async learnFrom<T>(call: Promise<T>, key: string, where: Omit<LearnedUnsupported, 'answer'>): Promise<T> {
    try {
      return await call;
    } catch (err) {
      if (isNotImplemented(err) && !this.unsupported.has(key)) {
        const learned = { ...where, answer: notImplementedDetail(err) };
        this.unsupported.set(key, learned);
        this.onLearn?.(key, learned);
      }
      throw err;
    }
  }
}
