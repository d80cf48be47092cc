/**
 * The sandbox's HTTP front: one endpoint on 127.0.0.1 for EC2, STS, Organizations, Auto Scaling and AWS Backup. A
 * request is routed by its X-Amz-Target header (Organizations, JSON 1.1) or by the service of its SigV4 credential
 * scope (EC2 / STS / Auto Scaling, Query protocol; AWS Backup, REST-JSON by method and path), attributed to the account of its access key and the region of its scope, counted, and then
 * put through the knobs (latency, faults, throttling) before its handler runs.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { CredentialStore, parseAuthorization } from './auth.js';
import type { Principal, ServiceName } from './auth.js';
import { ApiError } from './errors.js';
import type { OrgFixture } from './fixture-types.js';
import type { BucketCategory, DenySpec, FaultSpec, RegionLatency, SandboxStats, ThrottleSettings } from './knobs.js';
import { deniedBy, ec2BucketFor, FaultInjector, RegionLatencyModel, RequestCounter, Throttler } from './knobs.js';
import { QueryParams, ec2ErrorResponse, ec2Response, queryErrorResponse, queryResultResponse, stsErrorResponse, stsResponse } from './protocol/query.js';
import { AUTO_SCALING_ACTIONS, AUTO_SCALING_NAMESPACE } from './autoscaling.js';
import { JSON_CONTENT_TYPE, jsonErrorBody, organizationsAction } from './protocol/json.js';
import { SandboxState } from './state.js';
import { EC2_ACTIONS } from './ec2/index.js';
import { STS_ACTIONS } from './sts.js';
import { ORGANIZATIONS_ACTIONS } from './organizations.js';
import { BACKUP_ACTIONS, BACKUP_CONTENT_TYPE, backupErrorBody, routeBackup, type BackupRequest } from './backup.js';

export interface SandboxOptions {
  fixture: OrgFixture;
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Added to every response. */
  latencyMs?: number;
  /** Per-region latency with a seeded long tail (knobs.ts RegionLatency); replaces latencyMs when given. */
  regionLatency?: RegionLatency;
  /** true = AWS's documented buckets (see knobs.ts); an object overrides some of them. */
  throttling?: boolean | ThrottleSettings;
  /**
   * The throttling clock in milliseconds (default performance.now): a test passes its own to step time instead of
   * waiting for buckets to refill.
   */
  throttleClock?: () => number;
  faults?: FaultSpec[];
  /** SCP-style explicit denials (see knobs.ts DenySpec). */
  denials?: DenySpec[];
  /** Seed of the generator that decides which requests a fault with a rate < 1 hits. */
  faultSeed?: number;
}

export interface RunningSandbox {
  /** http://127.0.0.1:PORT: one endpoint serves EC2, STS and Organizations. */
  endpoint: string;
  port: number;
  /** The fixture caller's base credentials. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The region to configure clients with when nothing else matters. */
  region: string;
  stats(): SandboxStats;
  resetStats(): void;
  setFaults(faults: FaultSpec[]): void;
  /** Replaces the SCP-style denials (see knobs.ts DenySpec). */
  setDenials(denials: DenySpec[]): void;
  /** The live in-memory state (tests inspect mutations through it). */
  state: SandboxState;
  close(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

interface Routed {
  service: ServiceName;
  action: string;
  params?: QueryParams;
  input?: Record<string, unknown>;
  /** AWS Backup (REST-JSON): the action and inputs its method, path and query name. */
  backup?: BackupRequest;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError('RequestEntityTooLarge', 'Request body too large', 413));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function throttleError(service: ServiceName): ApiError {
  switch (service) {
    case 'ec2':
      return new ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    case 'sts':
      return new ApiError('Throttling', 'Rate exceeded', 400);
    case 'autoscaling':
      return new ApiError('Throttling', 'Rate exceeded', 400);
    case 'backup':
      // AWS Backup, Common Errors: "ThrottlingException: The request was denied due to request throttling. HTTP Status Code: 400"
      return new ApiError('ThrottlingException', 'The request was denied due to request throttling.', 400);
    case 'organizations':
      return new ApiError(
        'TooManyRequestsException',
        'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.',
        400,
        { Type: 'ACCOUNT' },
      );
  }
}

export async function startSandbox(opts: SandboxOptions): Promise<RunningSandbox> {
  const state = new SandboxState(opts.fixture);
  const credentials = new CredentialStore();
  const caller = opts.fixture.caller;
  credentials.addUser(caller.accountId, caller.accessKeyId, caller.secretAccessKey, caller.userName);
  for (const u of opts.fixture.users ?? []) credentials.addUser(u.accountId, u.accessKeyId, u.secretAccessKey, u.userName);

  const counter = new RequestCounter();
  const faults = new FaultInjector(opts.faults ?? [], opts.faultSeed ?? 1);
  const throttler = opts.throttling ? new Throttler(opts.throttling === true ? true : opts.throttling) : undefined;
  const latencyMs = opts.latencyMs ?? 0;
  // Validated before the server listens: a bad map is an error at start, not a silent 0 ms.
  const regional = opts.regionLatency ? new RegionLatencyModel(opts.regionLatency) : undefined;
  let denials: DenySpec[] = [...(opts.denials ?? [])];

  // Timers of requests still waiting (latency, hangs): close() releases them so nothing outlives the server.
  const pending = new Set<() => void>();
  let closing = false;
  const sleep = (ms: number, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || closing) return resolve();
      const done = () => {
        clearTimeout(t);
        pending.delete(done);
        res.off('close', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      pending.add(done);
      res.once('close', done);
    });

  function send(res: ServerResponse, status: number, contentType: string, body: string, requestId: string, headers: Record<string, string> = {}): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': requestId,
      'x-amz-request-id': requestId,
      ...headers,
    });
    res.end(body);
  }

  function sendError(res: ServerResponse, service: ServiceName, err: ApiError, requestId: string): void {
    if (service === 'organizations') send(res, err.status, JSON_CONTENT_TYPE, jsonErrorBody(err), requestId);
    // REST-JSON: the code in the x-amzn-ErrorType header (which the SDK reads first), the members in the body.
    else if (service === 'backup') send(res, err.status, BACKUP_CONTENT_TYPE, backupErrorBody(err), requestId, { 'x-amzn-errortype': err.code });
    else if (service === 'sts') send(res, err.status, 'text/xml', stsErrorResponse(err, requestId), requestId);
    else if (service === 'autoscaling') send(res, err.status, 'text/xml', queryErrorResponse(AUTO_SCALING_NAMESPACE, err, requestId), requestId);
    else send(res, err.status, 'text/xml;charset=UTF-8', ec2ErrorResponse(err, requestId), requestId);
  }

  function route(req: IncomingMessage, body: string, scopeService: string | undefined): Routed {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.length > 0) {
      const action = organizationsAction(target) ?? target;
      let input: Record<string, unknown> = {};
      if (body.trim().length > 0) {
        try {
          const parsed: unknown = JSON.parse(body);
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
          else throw new Error('not an object');
        } catch {
          throw Object.assign(new ApiError('SerializationException', 'Start of structure or map found where not expected.', 400), { service: 'organizations' });
        }
      }
      return { service: 'organizations', action, input };
    }
    if (scopeService === 'backup') {
      const backup = routeBackup(req.method ?? 'GET', req.url ?? '/');
      // No page read says what AWS Backup answers a path it has no operation for; the sandbox says "unknown operation".
      if (!backup) throw Object.assign(new ApiError('UnknownOperationException', `No AWS Backup operation for ${req.method} ${(req.url ?? '').split('?')[0]}`, 404), { service: 'backup' });
      return { service: 'backup', action: backup.action, backup };
    }
    const params = QueryParams.parse(body);
    const action = params.action ?? '';
    const service: ServiceName =
      scopeService === 'sts' ? 'sts' : scopeService === 'autoscaling' ? 'autoscaling' : scopeService === 'ec2' ? 'ec2' : action in STS_ACTIONS ? 'sts' : 'ec2';
    return { service, action, params };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const scope = parseAuthorization(req.headers.authorization);
    let routed: Routed;
    try {
      const body = await readBody(req);
      routed = route(req, body, scope?.service);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('InternalError', String(err), 500);
      return sendError(res, (err as { service?: ServiceName }).service ?? 'ec2', e, requestId);
    }
    const { service, action } = routed;
    const region = scope?.region ?? 'us-east-1';
    const now = Date.now();
    const token = req.headers['x-amz-security-token'];
    let principal: Principal;
    try {
      principal = credentials.authenticate(scope, typeof token === 'string' ? token : undefined, service, now);
    } catch (err) {
      counter.count({ action: `${service}:${action}`, accountId: 'unauthenticated', region });
      return sendError(res, service, err as ApiError, requestId);
    }
    const key = { action: `${service}:${action}`, accountId: principal.accountId, region };
    counter.count(key);

    await sleep(regional ? regional.delayMs(region) : latencyMs, res);
    const fault = faults.pick(key);
    if (fault) {
      counter.fault();
      if (fault.hangMs !== undefined) await sleep(fault.hangMs, res);
      if (fault.raw) return send(res, fault.raw.status, fault.raw.contentType, fault.raw.body, requestId);
      if (fault.error) {
        return sendError(res, service, new ApiError(fault.error.code, fault.error.message ?? `Injected fault: ${fault.error.code}`, fault.error.status), requestId);
      }
    }
    if (res.destroyed) return;
    const deny = deniedBy(denials, key, principal.arn);
    if (deny && service === 'backup') {
      // AWS Backup, Common Errors: "AccessDeniedException: You do not have sufficient access to perform this action. HTTP Status Code: 400"
      return sendError(
        res,
        service,
        new ApiError('AccessDeniedException', `User: ${principal.arn} is not authorized to perform: ${deny.action} with an explicit deny in a service control policy`, 400),
        requestId,
      );
    }
    if (deny) {
      return sendError(
        res,
        service,
        new ApiError(
          'UnauthorizedOperation',
          `You are not authorized to perform this operation. User: ${principal.arn} is not authorized to perform: ${deny.action} with an explicit deny in a service control policy`,
          403,
        ),
        requestId,
      );
    }

    try {
      if (service === 'organizations') {
        const handler = ORGANIZATIONS_ACTIONS[action];
        if (!handler) throw new ApiError('UnknownOperationException', `The action ${action} is not valid for this web service.`, 400);
        if (!allow('organizations', principal.accountId)) throw throttleError(service);
        const out = handler({ state, principal }, routed.input ?? {});
        return send(res, 200, JSON_CONTENT_TYPE, JSON.stringify(out), requestId);
      }
      if (service === 'backup') {
        const handler = BACKUP_ACTIONS[action]!;
        if (!state.isRegionEnabled(principal.accountId, region)) {
          throw new ApiError('InvalidClientTokenId', 'The X.509 certificate or AWS access key ID provided does not exist in our records.', 403);
        }
        const out = handler({ state, principal, accountId: principal.accountId, region }, routed.backup!);
        return send(res, 200, BACKUP_CONTENT_TYPE, JSON.stringify(out), requestId);
      }
      const params = routed.params!;
      if (service === 'sts') {
        const handler = STS_ACTIONS[action];
        if (!handler) throw new ApiError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`, 400);
        if (!allow('sts', principal.accountId)) throw throttleError(service);
        const out = handler({ state, credentials, principal, now: Date.now() }, params);
        return send(res, 200, 'text/xml', stsResponse(action, requestId, out), requestId);
      }
      if (service === 'autoscaling') {
        const handler = AUTO_SCALING_ACTIONS[action];
        if (!handler) throw new ApiError('InvalidAction', `Could not find operation ${action} for version 2011-01-01`, 400);
        if (!state.isRegionEnabled(principal.accountId, region)) {
          throw new ApiError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
        }
        const out = handler({ state, principal, accountId: principal.accountId, region }, params);
        return send(res, 200, 'text/xml', queryResultResponse(AUTO_SCALING_NAMESPACE, action, requestId, out), requestId);
      }
      const ec2 = EC2_ACTIONS[action];
      if (!ec2) throw new ApiError('InvalidAction', `The action ${action || '(none)'} is not valid for this web service.`, 400);
      if (!state.isRegionEnabled(principal.accountId, region)) {
        // What EC2 answers in an opt-in region the account has not enabled.
        throw new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
      }
      const category = ec2BucketFor(action, {
        mutating: ec2.mutating,
        unfilteredUnpaginated: !params.has('MaxResults') && !params.has('NextToken') && params.structs('Filter').length === 0 && !hasIds(params),
      });
      if (!allow(category, `${principal.accountId}|${region}|${action}`)) throw throttleError(service);
      const out = ec2.handler({ state, principal, accountId: principal.accountId, region, now: Date.now() }, params);
      return send(res, 200, 'text/xml;charset=UTF-8', ec2Response(action, requestId, out), requestId);
    } catch (err) {
      if (err instanceof ApiError) return sendError(res, service, err, requestId);
      const message = err instanceof Error ? err.message : String(err);
      return sendError(res, service, new ApiError('InternalError', `The sandbox failed on this request: ${message}`, 500), requestId);
    }
  }

  const throttleNow = opts.throttleClock ?? (() => performance.now());
  function allow(category: BucketCategory | string, key: string): boolean {
    if (!throttler) return true;
    if (throttler.allow(category, key, throttleNow())) return true;
    counter.throttled();
    return false;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    });
  });
  // How long AWS's endpoints keep an idle connection open is not documented; a client must expect the server to
  // close one (the SDK retries a reset as a transient error). Node's default here (5 s) made that happen inside
  // short test scans: on a loaded machine the event loop can stall past the 1 s margin Node's agent keeps below
  // the server's announced keep-alive timeout, the client reuses a socket the server is closing, the request is
  // reset before the sandbox reads it and the SDK retries it (one attempt more than the sandbox received; seen
  // in CI as 1072 attempts for 1070 requests). Reproduced at load 13 with the bench test's scan: 2 ECONNRESET on
  // reused sockets in 12 scans at 5 s, none in 12 scans at 65 s at load 17. 65 s outlasts any test or demo scan.
  server.keepAliveTimeout = 65_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;

  return {
    endpoint: `http://${hostForUrl}:${port}`,
    port,
    credentials: { accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey },
    region: 'us-east-1',
    stats: () => counter.snapshot(),
    resetStats: () => counter.reset(),
    setFaults: (f) => faults.set(f),
    setDenials: (d) => {
      denials = [...d];
    },
    state,
    close: async () => {
      closing = true;
      for (const release of [...pending]) release();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Describe calls naming ids are neither unfiltered nor unpaginated in EC2's throttling sense. */
function hasIds(params: QueryParams): boolean {
  return ['InstanceId.1', 'ImageId.1', 'LaunchTemplateId.1', 'LaunchTemplateName.1', 'Owner.1'].some((k) => params.has(k)) || params.has('LaunchTemplateId') || params.has('LaunchTemplateName');
}
