/**
 * The AWS settings of one thread of a scan (the scan's own, or a worker's, src/scan/workers/worker.ts): its shared
 * keep-alive connections, its capability gate and the options every client takes. One builder, so a worker's
 * clients are built exactly as the scan's own.
 */
import { createSharedTransport, type AwsSettings, type ClientDefaults, type SharedTransport } from '../aws/clients.js';
import { EndpointCapabilities, type LearnedUnsupported } from '../aws/capabilities.js';
import { COLLECTORS } from './collectors/index.js';
import { maxUnitRequestsInFlight } from './unit.js';
import type { ScanOptions } from './options.js';

export type ThreadAwsSettings = AwsSettings & { transport: SharedTransport; capabilities: EndpointCapabilities };

export interface ThreadAwsSettingsInput {
  /** The units this thread runs at once: the scan's --concurrency, or a worker's share of it. */
  concurrency: number;
  /** Resolved once by the scan (resolveClientDefaults); absent until then (each client resolves them itself). */
  clientDefaults?: ClientDefaults;
  /** Called when a call of this thread learns an action is unsupported (a worker tells the scan). */
  onLearn?: (key: string, learned: LearnedUnsupported) => void;
}

export function threadAwsSettings(
  options: Pick<ScanOptions, 'profile' | 'endpointUrl' | 'maxAttempts' | 'requestTimeoutMs' | 'deep'>,
  input: ThreadAwsSettingsInput,
): ThreadAwsSettings {
  // Every client of the thread shares keep-alive connections: a unit's client lives for a handful of calls.
  // Sockets for every unit's requests in flight (maxUnitRequestsInFlight), plus a few for account
  // preparation and the referenced-image batches.
  const transport = createSharedTransport(input.concurrency * maxUnitRequestsInFlight(options.deep === true) + 8);
  return {
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    maxAttempts: options.maxAttempts,
    requestTimeoutMs: options.requestTimeoutMs,
    transport,
    ...(input.clientDefaults ? { clientDefaults: input.clientDefaults } : {}),
    // The optional collectors' actions may be missing on an endpoint: learned once per endpoint x region, then skipped.
    capabilities: new EndpointCapabilities(new Set(COLLECTORS.filter((c) => c.optional).flatMap((c) => c.permissions)), input.onLearn),
  };
}
