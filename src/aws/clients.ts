/**
 * SDK client construction: one place decides endpoint, retries, timeouts and counting.
 *
 * - Credentials: the SDK's default provider chain (env, shared config/credentials files incl. SSO
 *   profiles, web identity, ECS/EC2 instance roles); `profile` selects a named profile (fromIni).
 * - Endpoint: `--endpoint-url` wins; otherwise the SDK itself honours AWS_ENDPOINT_URL and the
 *   service-specific AWS_ENDPOINT_URL_EC2 / _STS / _ORGANIZATIONS (and `endpoint_url` in the shared
 *   config), see @smithy/core endpoints getEndpointUrlConfig: the variable is AWS_ENDPOINT_URL_ + the
 *   service id upper-cased with spaces as underscores.
 * - Retries: adaptive mode, whose client-side rate limiter is per client; EC2 throttles per account
 *   and region, so the scanner builds one EC2 client per account x region and never shares them.
 * - Timeouts: requestTimeout bounds each attempt (throwOnRequestTimeout: recent @smithy/node-http-handler
 *   versions otherwise only log a warning); a hung call is retried, then fails that account x region only.
 */
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ApiMetrics, instrumentClient } from './metrics.js';

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
}

function commonConfig(settings: AwsSettings, region: string, credentials?: CredentialsOption) {
  return {
    region,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpointUrl ? { endpoint: settings.endpointUrl } : {}),
    ...(credentials ? { credentials } : {}),
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts,
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs,
      // Without this, @smithy/node-http-handler only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
      connectionTimeout: Math.min(settings.requestTimeoutMs, 10_000),
    },
  } as const;
}

export function makeEc2Client(settings: AwsSettings, region: string, credentials: CredentialsOption | undefined, metrics: ApiMetrics): EC2Client {
  const client = new EC2Client(commonConfig(settings, region, credentials));
  instrumentClient(client, 'ec2', metrics);
  return client;
}

export function makeStsClient(settings: AwsSettings, region: string, credentials: CredentialsOption | undefined, metrics: ApiMetrics): STSClient {
  const client = new STSClient(commonConfig(settings, region, credentials));
  instrumentClient(client, 'sts', metrics);
  return client;
}

export function makeOrganizationsClient(settings: AwsSettings, region: string, credentials: CredentialsOption | undefined, metrics: ApiMetrics): OrganizationsClient {
  const client = new OrganizationsClient(commonConfig(settings, region, credentials));
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
 * variable, else AWS_ENDPOINT_URL (the precedence the SDK applies). null means real AWS.
 */
export function effectiveEndpoint(settings: Pick<AwsSettings, 'endpointUrl'>, service: 'EC2' | 'STS' | 'ORGANIZATIONS', env: NodeJS.ProcessEnv = process.env): string | null {
  if (settings.endpointUrl) return settings.endpointUrl;
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return null;
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || null;
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
