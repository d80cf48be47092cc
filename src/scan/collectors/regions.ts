/**
 * The account's regions: DescribeRegions with AllRegions=true returns every region with its
 * OptInStatus (opt-in-not-required | opted-in | not-opted-in); only the first two can be called.
 */
import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { CollectorMeta } from './types.js';
import { REGIONS } from './metas.js';

export interface RegionInfo {
  name: string;
  enabled: boolean;
  optInStatus: string;
}

export async function describeRegions(client: EC2Client, abortSignal?: AbortSignal): Promise<RegionInfo[]> {
  const out = await client.send(new DescribeRegionsCommand({ AllRegions: true }), abortSignal ? { abortSignal } : {});
  return (out.Regions ?? [])
    .filter((r): r is typeof r & { RegionName: string } => !!r.RegionName)
    .map((r) => ({ name: r.RegionName, optInStatus: r.OptInStatus ?? 'opt-in-not-required', enabled: r.OptInStatus !== 'not-opted-in' }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
