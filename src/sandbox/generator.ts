/**
 * Deterministic synthetic organizations for tests and the benchmark: N accounts x M regions, most regions empty,
 * golden AMIs from an ops account shared with the organization, vendor AMIs, a few public and some unapproved
 * AMIs. Same options and seed, same organization, byte for byte.
 */
import type {
  FixtureAccount,
  FixtureImage,
  FixtureInstance,
  FixtureLaunchTemplate,
  FixtureRegionSettings,
  OrgFixture,
} from './fixture-types.js';
import { DEFAULT_REGIONS } from './regions.js';
import { mulberry32 } from './random.js';

export interface GenerateOptions {
  /** Member accounts besides the management and ops accounts. */
  accounts: number;
  /** Region names, or how many of the 17 default regions to use (default 17). */
  regions?: string[] | number;
  /** Regions with resources per workload account (default 1; the rest stay empty, as in real organizations). */
  populatedRegionsPerAccount?: number;
  /** Instances per populated account x region (default 100). */
  instancesPerRegion?: number;
  /** AMIs each workload account owns per populated region (default 20). */
  ownedImagesPerRegion?: number;
  /** Golden AMIs the ops account publishes per region (default 6). */
  goldenImagesPerRegion?: number;
  /** Launch templates per populated account x region (default 3). */
  launchTemplatesPerRegion?: number;
  /** Share of instances on AMIs outside the allowlist (default 0.05). */
  unapprovedRate?: number;
  /** Share of owned AMIs that are public (default 0.01). */
  publicImageRate?: number;
  /** Share of workload accounts whose scan role is missing (default 0). */
  missingRoleRate?: number;
  /** Share of workload accounts that are SUSPENDED (default 0). */
  suspendedRate?: number;
  seed: number;
}

export const GENERATED_IDS = {
  management: '100000000001',
  ops: '123456738923',
  vendor: '111122223333',
  stranger: '999988887777',
  amazon: '137112412989',
  organizationId: 'o-amigovgen01',
  rootId: 'r-gen0',
} as const;

const G = GENERATED_IDS;

function hex(rng: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rng() * 16).toString(16);
  return s;
}

export function generateOrg(opts: GenerateOptions): OrgFixture {
  const rng = mulberry32(opts.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  const regionNames =
    Array.isArray(opts.regions)
      ? opts.regions
      : DEFAULT_REGIONS.filter((r) => !r.optIn).slice(0, opts.regions ?? 17).map((r) => r.name);
  if (regionNames.length === 0) throw new Error('generateOrg: at least one region is needed');
  const populated = Math.min(opts.populatedRegionsPerAccount ?? 1, regionNames.length);
  const instancesPerRegion = opts.instancesPerRegion ?? 100;
  const ownedPerRegion = opts.ownedImagesPerRegion ?? 20;
  const goldenPerRegion = opts.goldenImagesPerRegion ?? 6;
  const ltPerRegion = opts.launchTemplatesPerRegion ?? 3;
  const unapprovedRate = opts.unapprovedRate ?? 0.05;
  const publicRate = opts.publicImageRate ?? 0.01;
  const missingRoleRate = opts.missingRoleRate ?? 0;
  const suspendedRate = opts.suspendedRate ?? 0;
  const standard = DEFAULT_REGIONS.filter((r) => !r.optIn).map((r) => r.name);
  const enabled = [...new Set([...standard, ...regionNames])];
  const orgArn = `arn:aws:organizations::${G.management}:organization/${G.organizationId}`;
  const role = [{ name: 'OrganizationAccountAccessRole' }];
  const ids = new Set<string>();
  const uniq = (make: () => string) => {
    for (;;) {
      const id = make();
      if (!ids.has(id)) {
        ids.add(id);
        return id;
      }
    }
  };
  const amiId = () => uniq(() => `ami-0${hex(rng, 16)}`);

  const ous = [
    { id: 'ou-gen0-platform1', name: 'Platform', parentId: G.rootId },
    { id: 'ou-gen0-workload1', name: 'Workloads', parentId: G.rootId },
    { id: 'ou-gen0-prodwork1', name: 'Prod', parentId: 'ou-gen0-workload1' },
    { id: 'ou-gen0-nonprod01', name: 'NonProd', parentId: 'ou-gen0-workload1' },
    { id: 'ou-gen0-sandbox01', name: 'Sandbox', parentId: 'ou-gen0-workload1' },
  ];
  const workloadOus = ['ou-gen0-prodwork1', 'ou-gen0-nonprod01', 'ou-gen0-sandbox01'];
  const accounts: FixtureAccount[] = [
    { id: G.management, name: 'management', email: 'aws-management@example.com', parentId: G.rootId, roles: role, enabledRegions: enabled },
    { id: G.ops, name: 'ops-golden-ami', email: 'aws-ops@example.com', parentId: 'ou-gen0-platform1', roles: role, enabledRegions: enabled },
  ];
  for (let i = 0; i < opts.accounts; i++) {
    const id = `2${String(i + 1).padStart(11, '0')}`;
    const ou = workloadOus[i % workloadOus.length]!;
    accounts.push({
      id,
      name: `${ou === 'ou-gen0-prodwork1' ? 'prod' : ou === 'ou-gen0-nonprod01' ? 'nonprod' : 'sandbox'}-${String(i + 1).padStart(4, '0')}`,
      email: `aws-${id}@example.com`,
      parentId: ou,
      status: rng() < suspendedRate ? 'SUSPENDED' : 'ACTIVE',
      roles: rng() < missingRoleRate ? [] : role,
      enabledRegions: enabled,
    });
  }

  // A vendor outside the organization shares with account ids, not with the organization.
  const workloadIds = accounts.slice(2).map((a) => a.id);
  const images: FixtureImage[] = [];
  const golden = new Map<string, FixtureImage[]>();
  const vendor = new Map<string, FixtureImage>();
  const strangers = new Map<string, FixtureImage>();
  const amazon = new Map<string, FixtureImage>();
  for (const region of regionNames) {
    const list: FixtureImage[] = [];
    for (let g = 0; g < goldenPerRegion; g++) {
      const base = ['al2023', 'ubuntu22', 'rhel9', 'windows2022', 'al2023-arm', 'ubuntu24'][g % 6]!;
      const untagged = g === goldenPerRegion - 1 && goldenPerRegion > 1; // the one the tagging pipeline missed
      list.push({
        imageId: amiId(), ownerId: G.ops, region, name: `golden-${base}-2026.${String(1 + (g % 11)).padStart(2, '0')}.${g}`,
        description: `Golden ${base}`, creationDate: `2026-${String(1 + (g % 11)).padStart(2, '0')}-10T06:00:00.000Z`,
        sharedWithOrganizationArns: [orgArn], tags: untagged ? { Team: 'platform' } : { Environment: 'Prod', Team: 'platform' },
        ...(base.startsWith('windows') ? { platform: 'windows' as const } : {}),
        ...(base.endsWith('arm') ? { architecture: 'arm64' } : {}),
      });
    }
    golden.set(region, list);
    images.push(...list);
    const v: FixtureImage = { imageId: amiId(), ownerId: G.vendor, region, name: 'vendor-appliance-9.0.5', creationDate: '2026-06-01T00:00:00.000Z', sharedWith: workloadIds, tags: { Vendor: 'InfoBlox' } };
    const s: FixtureImage = { imageId: amiId(), ownerId: G.stranger, region, name: 'community-nginx-1.27', creationDate: '2026-05-01T00:00:00.000Z', public: true };
    const a: FixtureImage = { imageId: amiId(), ownerId: G.amazon, ownerAlias: 'amazon', region, name: 'al2023-ami-2023.9.20261020.0-kernel-6.1-x86_64', creationDate: '2026-10-21T00:00:00.000Z', public: true };
    vendor.set(region, v);
    strangers.set(region, s);
    amazon.set(region, a);
    images.push(v, s, a);
  }

  const instances: FixtureInstance[] = [];
  const launchTemplates: FixtureLaunchTemplate[] = [];
  const regionSettings: FixtureRegionSettings[] = [];
  // The golden SSM parameter the resolve:ssm: templates follow, per account x region that has one (ResolveAlias).
  const ssmParameters: NonNullable<OrgFixture['ssmParameters']> = [];
  // Real organizations concentrate in a few regions: us-east-1 first, then a long tail.
  const weights = regionNames.map((_, i) => 1 / (1 + i * 0.6));
  const pickRegions = (): string[] => {
    const chosen = new Set<string>();
    while (chosen.size < populated) {
      let r = rng() * weights.reduce((a, b) => a + b, 0);
      let idx = 0;
      for (; idx < weights.length - 1 && r > weights[idx]!; idx++) r -= weights[idx]!;
      chosen.add(regionNames[idx]!);
    }
    return [...chosen];
  };
  for (const acct of accounts.slice(2)) {
    const prodAccount = acct.parentId === 'ou-gen0-prodwork1';
    for (const region of pickRegions()) {
      const owned: FixtureImage[] = [];
      for (let k = 0; k < ownedPerRegion; k++) {
        owned.push({
          imageId: amiId(), ownerId: acct.id, region, name: `${acct.name}-app-${k}-2026.${String(1 + (k % 11)).padStart(2, '0')}`,
          creationDate: `2026-${String(1 + (k % 11)).padStart(2, '0')}-${String(1 + (k % 27)).padStart(2, '0')}T12:00:00.000Z`,
          public: rng() < publicRate, tags: { Team: acct.name, ...(k % 3 === 0 ? { Environment: 'Prod' } : {}) },
        });
      }
      images.push(...owned);
      const gold = golden.get(region)!;
      for (let n = 0; n < instancesPerRegion; n++) {
        const r = rng();
        let imageId: string;
        if (r < unapprovedRate) imageId = (rng() < 0.5 ? strangers : amazon).get(region)!.imageId;
        else if (r < unapprovedRate + 0.1 && owned.length > 0) imageId = pick(owned).imageId;
        else if (r < unapprovedRate + 0.15) imageId = vendor.get(region)!.imageId;
        else imageId = pick(gold).imageId;
        const iid = uniq(() => `i-0${hex(rng, 16)}`);
        instances.push({
          instanceId: iid, accountId: acct.id, region, imageId,
          instanceType: pick(['t3.medium', 'm6i.large', 'c6i.xlarge', 'r6i.large']),
          state: rng() < 0.85 ? 'running' : 'stopped',
          launchTime: `2026-${String(1 + Math.floor(rng() * 11)).padStart(2, '0')}-${String(1 + Math.floor(rng() * 27)).padStart(2, '0')}T08:00:00.000Z`,
          tags: { Name: `${acct.name}-${n}`, Environment: prodAccount ? 'Prod' : 'Dev' },
        });
      }
      for (let t = 0; t < ltPerRegion; t++) {
        const unapproved = rng() < unapprovedRate * 4;
        launchTemplates.push({
          launchTemplateId: uniq(() => `lt-0${hex(rng, 16)}`), launchTemplateName: `${acct.name}-lt-${t}`, accountId: acct.id, region,
          defaultVersion: 1,
          versions: [
            { versionNumber: 1, imageId: pick(gold).imageId },
            { versionNumber: 2, imageId: unapproved ? strangers.get(region)!.imageId : t === 2 ? 'resolve:ssm:/golden/al2023/latest' : pick(gold).imageId },
          ],
        });
        if (t === 2 && !unapproved) ssmParameters.push({ accountId: acct.id, region, name: '/golden/al2023/latest', value: gold[0]!.imageId });
      }
      const roll = rng();
      if (roll < 0.1) regionSettings.push({ accountId: acct.id, region, allowedImages: { state: 'disabled' } });
      else if (roll < 0.15) regionSettings.push({ accountId: acct.id, region, imageBlockPublicAccess: 'unblocked' });
    }
  }

  return {
    description: `Synthetic organization: ${opts.accounts} workload accounts x ${regionNames.length} regions, seed ${opts.seed}`,
    organization: { id: G.organizationId, managementAccountId: G.management, rootId: G.rootId, featureSet: 'ALL' },
    caller: { accountId: G.management, accessKeyId: 'AKIAAMIGOVGENERATED1', secretAccessKey: 'amigov/generated/secret/not-a-real-key' },
    organizationalUnits: ous,
    accounts,
    images,
    instances,
    launchTemplates,
    ssmParameters,
    defaultRegionSettings: {
      imageBlockPublicAccess: 'block-new-sharing',
      imageBlockPublicAccessManagedBy: 'declarative-policy',
      allowedImages: { state: 'audit-mode', managedBy: 'declarative-policy', criteria: [{ imageProviders: [G.vendor, G.ops] }] },
    },
    regionSettings,
  };
}
