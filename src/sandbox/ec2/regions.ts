/** DescribeRegions: the account's enabled regions, or all of them with their opt-in status (AllRegions). */
import type { Ec2Handler } from './common.js';
import { applyFilters, checkDryRun } from './common.js';
import { items } from '../protocol/query.js';
import { invalidParameterValue } from '../errors.js';

interface RegionRow {
  name: string;
  optInStatus: 'opt-in-not-required' | 'opted-in' | 'not-opted-in';
}

export const describeRegions: Ec2Handler = (ctx, params) => {
  const { state, accountId } = ctx;
  const account = state.accounts.get(accountId);
  const rows: RegionRow[] = state.regions.map((r) => ({
    name: r.name,
    optInStatus: !r.optIn ? 'opt-in-not-required' : account?.enabledRegions.includes(r.name) ? 'opted-in' : 'not-opted-in',
  }));
  const names = params.list('RegionName');
  for (const n of names) {
    if (!rows.some((r) => r.name === n)) throw invalidParameterValue(`Invalid region: ${n}`);
  }
  let selected = names.length > 0 ? rows.filter((r) => names.includes(r.name)) : rows;
  // Without AllRegions, EC2 lists only the regions enabled for the account.
  if (!params.bool('AllRegions') && names.length === 0) selected = selected.filter((r) => r.optInStatus !== 'not-opted-in');
  selected = applyFilters(selected, params.filters(), {
    'region-name': (r) => r.name,
    'opt-in-status': (r) => r.optInStatus,
    endpoint: (r) => `ec2.${r.name}.amazonaws.com`,
  });
  checkDryRun(params);
  return {
    regionInfo: items(
      selected.map((r) => ({ regionName: r.name, regionEndpoint: `ec2.${r.name}.amazonaws.com`, optInStatus: r.optInStatus })),
    ),
  };
};
