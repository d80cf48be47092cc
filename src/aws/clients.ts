/**
 * SDK client construction: one place decides endpoint, retries, timeouts and counting.
 *
 * - Credentials: the SDK's default provider chain (env, shared config/credentials files incl. SSO
 *   profiles, web identity, ECS/EC2 instance roles); `profile` selects a named profile (fromIni).
 * - Endpoint: `--endpoint-url` wins; otherwise the SDK itself honours AWS_ENDPOINT_URL and the
 *   service-specific AWS_ENDPOINT_URL_EC2 / _STS / _ORGANIZATIONS (and `endpoint_url` in the shared
 *   config), see @smithy/core endpoints getEndpointUrlConfig: the variable is AWS_ENDPOINT_URL_ + the
 *   service id upper-cased with spaces as underscores.
 * - Retries: adaptive mode (LearningRetryStrategy: no retry of a "not implemented" answer), whose client-side rate limiter is per client; EC2 throttles per account
 *   and region, so the scanner builds one EC2 client per account x region and never shares them.
 * - Timeouts: requestTimeout bounds each attempt (throwOnRequestTimeout: recent @smithy/node-http-handler
 *   versions otherwise only log a warning); a hung call is retried, then fails that account x region only.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { BackupClient } from '@aws-sdk/client-backup';
import { ApiMetrics, instrumentClient } from './metrics.js';
import { LearningRetryStrategy, type EndpointCapabilities } from './capabilities.js';
import { redactUrl } from '../util/redact.js';

export type CredentialsOption = EC2ClientConfig['credentials'];

export interface AwsSettings {
  /** Named profile of the shared config files (--profile). */
  profile?: string;
  /** Endpoint override for every service (--endpoint-url). */
  endpointUrl?: string;
  /** Total attempts per call, first one included (SDK maxAttempts). */
  maxAttempts: number;
  /** Per-attempt timeout in ms. */
  requestTimeoutMs: number;
  /** Connections shared by every client built with these settings (see createSharedTransport). */
  transport?: SharedTransport;
  /**
   * Client settings the SDK would otherwise look up in the environment and shared config files for every new
   * client (see resolveClientDefaults): resolved once per scan, they make a client per account x region cheap.
   */
  clientDefaults?: ClientDefaults;
  /** What the scan learned its endpoints do not implement (src/aws/capabilities.ts); EC2 clients consult it. */
  capabilities?: EndpointCapabilities;
}

/**
 * Keep-alive connection pools shared by all of a scan's clients. Without it every SDK client owns its own
 * agents, so each account x region unit opened (and closed) fresh TCP/TLS connections for its five calls:
 * measured by `amigov bench`, connect + close was ~15% of the scanner's CPU. The scanner destroys the
 * transport once, at the end; clients built on it must not be destroyed one by one (destroying an SDK
 * client destroys its agents, which are these shared ones).
 */
export interface SharedTransport {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  destroy(): void;
}

/** maxSockets is per host (one EC2 endpoint per region): size it to the requests the scan may have in flight. */
export function createSharedTransport(maxSockets: number): SharedTransport {
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets });
  return {
    httpAgent,
    httpsAgent,
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * Settings each SDK client resolves from env / shared config; the same for every client of one scan. Plain data
 * (a worker thread receives them as structured clones).
 */
export interface ClientDefaults {
  useFipsEndpoint: boolean;
  useDualstackEndpoint: boolean;
  /** AWS_SDK_UA_APP_ID / sdk_ua_app_id (the user agent's app id); absent when neither is set. */
  userAgentAppId?: string;
  /** AWS_AUTH_SCHEME_PREFERENCE / auth_scheme_preference ([] when neither is set). */
  authSchemePreference?: string[];
}

/**
 * Resolves, through the SDK's own providers (AWS_USE_FIPS_ENDPOINT, use_fips_endpoint in the profile, ...),
 * the settings every new client would otherwise look up again. Each lookup walks env -> shared config files
 * -> default, building an error object (and a regex over the selector's source) at each miss: cheap once, not
 * for tens of thousands of clients. The app id and the auth scheme preference are looked up on every client's
 * first call (measured by `amigov bench` with a CPU profile: ~0.5% of the scanner's CPU, a client per unit).
 */
export async function resolveClientDefaults(client: EC2Client): Promise<ClientDefaults> {
  const appId = await client.config.userAgentAppId();
  const preference = client.config.authSchemePreference;
  return {
    useFipsEndpoint: await client.config.useFipsEndpoint(),
    useDualstackEndpoint: await client.config.useDualstackEndpoint(),
    ...(typeof appId === 'string' ? { userAgentAppId: appId } : {}),
    authSchemePreference: typeof preference === 'function' ? await preference() : (preference ?? []),
  };
}

/** A client's config from the scan's resolved defaults: an absent app id is a provider answering none (undefined would make the SDK look it up). */
function defaultsConfig(d: ClientDefaults | undefined) {
  if (!d) return {};
  return {
    useFipsEndpoint: d.useFipsEndpoint,
    useDualstackEndpoint: d.useDualstackEndpoint,
    userAgentAppId: d.userAgentAppId ?? noAppId,
    ...(d.authSchemePreference ? { authSchemePreference: d.authSchemePreference } : {}),
  };
}
const noAppId = async (): Promise<string | undefined> => undefined;

/**
 * Every client of a scan leaves out the SDK's logger middleware. The SDK logs only to a `logger` given in the
 * client's config ("To turn on the logger and print log entries in the console, configure the service client
 * using the optional logger parameter", AWS SDK for JavaScript v3 developer guide, Logging AWS SDK for
 * JavaScript Calls); amigov never gives one, yet the middleware still walks every call's input and output
 * through the sensitive-data filter to build a log entry the no-op logger drops (~2% of the scanner's CPU,
 * more for large pages). Removing a default middleware by name is the middleware stack's documented use
 * ("You can add your custom actions to the SDK and/or remove the default ones", AWS Developer Tools Blog,
 * Introducing Middleware Stack in Modular AWS SDK for JavaScript).
 */
function withoutLogging<C extends { middlewareStack: { remove(name: string): boolean } }>(client: C): C {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

function commonConfig(settings: AwsSettings, region: string, credentials?: CredentialsOption) {
  return {
    region,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
    ...(credentials ? { credentials } : {}),
    ...defaultsConfig(settings.clientDefaults),
    // The SDK's adaptive strategy, except that an action the endpoint does not implement is not retried.
    retryStrategy: new LearningRetryStrategy(settings.maxAttempts),
    maxAttempts: settings.maxAttempts,
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs,
      // Without this, @smithy/node-http-handler only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(settings.requestTimeoutMs, 10_000),
      ...(settings.transport ? { httpAgent: settings.transport.httpAgent, httpsAgent: settings.transport.httpsAgent } : {}),
    },
  } as const;
}

export function makeEc2Client(settings: AwsSettings, region: string, credentials: CredentialsOption | undefined, metrics: ApiMetrics): EC2Client {
  const client = withoutLogging(new EC2Client(commonConfig(settings, region, credentials)));
  instrumentClient(client, 'ec2', metrics);
  settings.capabilities?.install(client, 'ec2', region);
  return client;
}

export function makeStsClient(settings: AwsSettings, region: string, credentials: CredentialsOption | undefined, metrics: ApiMetrics): STSClient {
  const client = withoutLogging(new STSClient(commonConfig(settings, region, credentials)));
  instrumentClient(client, 'sts', metrics);
  return client;
}

export function makeOrganizationsClient(settings: AwsSettings, region: string, credentials: CredentialsOption | undefined, metrics: ApiMetrics): OrganizationsClient {
  const client = withoutLogging(new OrganizationsClient(commonConfig(settings, region, credentials)));
  instrumentClient(client, 'organizations', metrics);
  return client;
}

/**
 * Organizations has a single endpoint per partition (us-east-1 in the commercial partition); the
 * client's region only selects the partition.
 */
export function organizationsRegion(homeRegion: string): string {
  if (homeRegion.startsWith('cn-')) return 'cn-northwest-1';
  if (homeRegion.startsWith('us-gov-')) return 'us-gov-west-1';
  return 'us-east-1';
}

/**
 * The endpoint in effect for a service, for the run record: the flag, else the service-specific
 * variable, else AWS_ENDPOINT_URL (the precedence the SDK applies). null means real AWS. Any
 * `user:password@` in it is removed: the record is written into every report.
 */
export function effectiveEndpoint(settings: Pick<AwsSettings, 'endpointUrl'>, service: 'EC2' | 'STS' | 'ORGANIZATIONS', env: NodeJS.ProcessEnv = process.env): string | null {
  if (settings.endpointUrl) return redactUrl(settings.endpointUrl);
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return null;
  const url = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL;
  return url ? redactUrl(url) : null;
}

/** The region the user's environment names (AWS_REGION, AWS_DEFAULT_REGION, or the profile's), if any. */
export async function configuredRegion(settings: AwsSettings): Promise<string | undefined> {
  if (process.env.AWS_REGION) return process.env.AWS_REGION;
  if (process.env.AWS_DEFAULT_REGION) return process.env.AWS_DEFAULT_REGION;
  try {
    // The SDK's own region provider chain reads the shared config file for the profile.
    const probe = new STSClient(settings.profile ? { profile: settings.profile } : {});
    const region = await probe.config.region();
    probe.destroy();
    return region || undefined;
  } catch {
    return undefined;
  }
}

export function makeAutoScalingClient(settings: AwsSettings, region: string, credentials: CredentialsOption | undefined, metrics: ApiMetrics): AutoScalingClient {
  const client = withoutLogging(new AutoScalingClient(commonConfig(settings, region, credentials)));
  instrumentClient(client, 'autoscaling', metrics);
  return client;
}

/** AWS Backup (recovery points: which AMIs AWS Backup made); its actions are optional, so the capability gate applies. */
export function makeBackupClient(settings: AwsSettings, region: string, credentials: CredentialsOption | undefined, metrics: ApiMetrics): BackupClient {
  const client = new BackupClient(commonConfig(settings, region, credentials));
  instrumentClient(client, 'backup', metrics);
  settings.capabilities?.install(client, 'backup', region);
  return client;
}
