/**
 * Builds valid inventories for rule tests: `inventory().account(..).image(..).instance(..).build()`.
 * Defaults follow what the scanner writes: an account gets `ok` coverage in its regions; an instance's
 * image reference is filled from the image record of the same region when there is one (else it is an
 * unknown image); an image owned by a built account is seen from its owner's listing, with its tags.
 */
import type {
  AutoScalingGroup,
  Fleet,
  LaunchConfiguration,
  PinnedLaunchTemplateVersion,
  AccountRecord,
  CoverageEntry,
  Image,
  ImageReference,
  Instance,
  InstanceImageRef,
  Inventory,
  LaunchTemplate,
  RegionSettings,
} from '../../src/model/inventory.ts';
import { INVENTORY_SCHEMA_VERSION } from '../../src/model/inventory.ts';
import { resolveAllowlist, type ResolvedAllowlist } from '../../src/config/allowlist.ts';
import { validateConfig } from '../../src/config/load.ts';
import type { PublisherConfig } from '../../src/config/schema.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type EvaluateOptions } from '../../src/evaluate/evaluate.ts';
import type { Finding, FindingsDocument } from '../../src/model/findings.ts';
import { RULES } from '../../src/rules/index.ts';

export const OPS = '123456738923';
export const VENDOR = '111122223333';
export const EXC_MIGRATION = '777788889999'; // expires 2026-02-28
export const EXC_ML = '222233334444'; // expires 2026-03-15
export const WORKLOAD = '210987654321';
export const WORKLOAD_2 = '310987654321';
export const OUTSIDER = '999988887777';
export const AMAZON = '137112412989';
export const REGION = 'us-east-1';

// AMI ids (hex, as real ones: remediation commands refuse anything else).
export const AMI_OPS = 'ami-00000000000000001';
export const AMI_VENDOR = 'ami-0000000000000000b';
export const AMI_OUTSIDER = 'ami-0000000000000000c';
export const AMI_SELF = 'ami-0000000000000000d';
export const AMI_MIGRATION = 'ami-0000000000000000e';
export const AMI_ML = 'ami-0000000000000000f';
export const AMI_AMAZON = 'ami-000000000000000a1';
export const AMI_MARKETPLACE = 'ami-000000000000000a2';
export const AMI_GONE = 'ami-000000000000000de';

/** The sample config (as config/ami_publishers.json), with optional top-level / policy_config overrides. */
export function testConfig(over: { policy_config?: Record<string, unknown>; [k: string]: unknown } = {}): PublisherConfig {
  const { policy_config, ...rest } = over;
  return validateConfig({
    ops_publisher_account: { account_id: OPS, name: 'Ops golden AMI publisher' },
    vendor_publisher_accounts: [{ account_id: VENDOR, vendor: 'InfoBlox' }],
    exception_accounts: [
      { account_id: EXC_MIGRATION, reason: 'Migration', approved_date: '2026-01-05', expiry_date: '2026-02-28', ticket: 'CHG-2026-0142', approved_by: 'sec@example.com' },
      { account_id: EXC_ML, reason: 'ML POC', approved_date: '2026-01-10', expiry_date: '2026-03-15', ticket: 'CHG-2026-0187', approved_by: 'sec@example.com' },
    ],
    provider_aliases: [],
    policy_config: {
      enforcement_mode: 'audit_mode',
      exception_request_url: 'https://wiki.example.com/cloud/ami-exception-request',
      ...policy_config,
    },
    ...rest,
  });
}

export function testAllowlist(asOf = '2026-02-01', over: Parameters<typeof testConfig>[0] = {}): ResolvedAllowlist {
  return resolveAllowlist(testConfig(over), asOf);
}

export interface AccountOpts {
  name?: string;
  ouPath?: string[];
  ouIds?: string[];
  /** Regions scanned ok (default [REGION]). */
  regions?: string[];
}

export interface ImageOpts {
  id: string;
  owner?: string;
  ownerAlias?: string;
  region?: string;
  name?: string;
  public?: boolean;
  tags?: Record<string, string>;
  /** Each launching account's own tags on the image (Image.accountTags). */
  accountTags?: Record<string, Record<string, string>>;
  state?: string;
  /** default: 'owner' when the owner is a built account, else 'reference'. */
  seenVia?: 'owner' | 'reference';
  tagsVisible?: boolean;
  found?: boolean;
  notFoundReason?: string;
  /** How the lookup ended. Default: 'found' for a found record; absent (an inventory from before the field existed) otherwise. */
  lookup?: Image['lookup'] | null;
  lookupError?: Image['lookupError'];
  launchPermissions?: Image['launchPermissions'];
  /** default 2025-06-01T00:00:00.000Z */
  creationDate?: string;
  deprecationTime?: string;
  productCodes?: string[];
  /** AWS's Allowed AMIs verdict (ImageAllowed), as the describing account saw it. */
  imageAllowed?: boolean;
}

export interface InstanceOpts {
  id?: string;
  account: string;
  region?: string;
  image: string;
  state?: string;
  tags?: Record<string, string>;
  /** Override fields of the instance's image reference (e.g. { source: 'unknown' }). */
  imageRef?: Partial<InstanceImageRef>;
}

export interface LaunchTemplateOpts {
  id: string;
  name?: string;
  account: string;
  region?: string;
  /**
   * [versionNumber, image] where image is an AMI id, 'resolve:ssm:/param', or null. A resolved parameter:
   * 'resolve:ssm:/param=>ami-...'; one whose resolution failed: 'resolve:ssm:/param=>!why'.
   */
  default?: [number, string | null];
  latest?: [number, string | null];
}

function imageRef(s: string | null): ImageReference {
  if (s === null) return { kind: 'none' };
  if (s.startsWith('resolve:ssm:')) {
    const [parameter, resolved] = s.slice('resolve:ssm:'.length).split('=>') as [string, string | undefined];
    if (resolved === undefined) return { kind: 'ssm', parameter };
    return resolved.startsWith('!') ? { kind: 'ssm', parameter, resolutionError: resolved.slice(1) } : { kind: 'ssm', parameter, resolvedImageId: resolved };
  }
  return { kind: 'ami', imageId: s };
}

export class InventoryBuilder {
  private accounts: AccountRecord[] = [];
  private coverageEntries: CoverageEntry[] = [];
  private images: ImageOpts[] = [];
  private instances: InstanceOpts[] = [];
  private templates: LaunchTemplate[] = [];
  private settings: RegionSettings[] = [];
  private groups: AutoScalingGroup[] = [];
  private launchConfigs: LaunchConfiguration[] = [];
  private fleetList: Fleet[] = [];
  private pinned: PinnedLaunchTemplateVersion[] = [];
  private nextInstance = 1;
  private parameters: Record<string, unknown> = {};

  constructor(
    private asOf: string,
    private orgId: string | null,
  ) {}

  account(accountId: string, opts: AccountOpts = {}): this {
    this.accounts.push({
      accountId,
      name: opts.name ?? `acct-${accountId.slice(-4)}`,
      ouPath: opts.ouPath ?? ['Root', 'Workloads'],
      ouIds: opts.ouIds ?? ['r-ab12', 'ou-ab12-11111111'],
      access: 'assumed-role',
      status: 'ACTIVE',
    });
    for (const region of opts.regions ?? [REGION]) this.coverageEntries.push({ accountId, region, status: 'ok', instancePath: 'instance-image-metadata' });
    return this;
  }

  /** Sets (replaces) the coverage status of an account x region. */
  coverage(accountId: string, region: string, status: CoverageEntry['status'], reason?: string, degraded?: CoverageEntry['degraded']): this {
    this.coverageEntries = this.coverageEntries.filter((c) => !(c.accountId === accountId && c.region === region));
    this.coverageEntries.push({ accountId, region, status, ...(reason ? { reason } : {}), ...(degraded ? { degraded } : {}) });
    return this;
  }

  image(opts: ImageOpts): this {
    this.images.push(opts);
    return this;
  }

  instance(opts: InstanceOpts): this {
    this.instances.push({ ...opts, id: opts.id ?? `i-${(this.nextInstance++).toString(16).padStart(17, '0')}` });
    return this;
  }

  launchTemplate(opts: LaunchTemplateOpts): this {
    this.templates.push({
      accountId: opts.account,
      region: opts.region ?? REGION,
      launchTemplateId: opts.id,
      launchTemplateName: opts.name ?? opts.id,
      ...(opts.default ? { defaultVersion: { versionNumber: opts.default[0], image: imageRef(opts.default[1]) } } : {}),
      ...(opts.latest ? { latestVersion: { versionNumber: opts.latest[0], image: imageRef(opts.latest[1]) } } : {}),
    });
    return this;
  }

  /** An Auto Scaling group (defaults: region, size 1/1/2, no instances, no tags). */
  autoScalingGroup(g: Partial<AutoScalingGroup> & { name: string; accountId: string }): this {
    this.groups.push({ region: REGION, minSize: 1, desiredCapacity: 1, maxSize: 2, instanceIds: [], tags: {}, ...g });
    return this;
  }

  launchConfiguration(name: string, account: string, image: string | null, region = REGION): this {
    this.launchConfigs.push({ accountId: account, region, name, image: imageRef(image) });
    return this;
  }

  fleet(f: Partial<Fleet> & { fleetId: string; accountId: string; kind: Fleet['kind'] }): this {
    this.fleetList.push({ region: REGION, state: 'active', type: 'maintain', targetCapacity: 2, tags: {}, launchTemplateConfigs: [], launchSpecifications: [], ...f });
    return this;
  }

  /** A launch template version pinned by number (not the template's default or latest). */
  pinnedVersion(account: string, launchTemplateId: string, versionNumber: number, image: string | null, region = REGION): this {
    this.pinned.push({ accountId: account, region, launchTemplateId, versionNumber, image: imageRef(image) });
    return this;
  }

  regionSettings(s: {
    account: string;
    region?: string;
    bpa?: RegionSettings['imageBlockPublicAccess']['state'];
    bpaManagedBy?: string;
    allowed?: RegionSettings['allowedImages']['state'];
    criteria?: RegionSettings['allowedImages']['criteria'];
    /** GetAllowedImagesSettings ManagedBy: 'account' or 'declarative-policy'. */
    allowedManagedBy?: string;
    reason?: string;
  }): this {
    this.settings.push({
      accountId: s.account,
      region: s.region ?? REGION,
      imageBlockPublicAccess: { state: s.bpa ?? 'block-new-sharing', ...(s.bpaManagedBy ? { managedBy: s.bpaManagedBy } : {}), ...(s.reason ? { reason: s.reason } : {}) },
      allowedImages: {
        state: s.allowed ?? 'audit-mode',
        ...(s.criteria ? { criteria: s.criteria } : {}),
        ...(s.allowedManagedBy ? { managedBy: s.allowedManagedBy } : {}),
        ...(s.reason ? { reason: s.reason } : {}),
      },
    });
    return this;
  }

  runParameters(p: Record<string, unknown>): this {
    Object.assign(this.parameters, p);
    return this;
  }

  build(allowlist: ResolvedAllowlist = testAllowlist(this.asOf)): Inventory {
    const accountIds = new Set(this.accounts.map((a) => a.accountId));
    const images: Image[] = this.images.map((o) => {
      const region = o.region ?? REGION;
      const owned = o.owner !== undefined && accountIds.has(o.owner);
      const seenVia = o.seenVia ?? (owned ? 'owner' : 'reference');
      return {
        region,
        imageId: o.id,
        ...(o.owner !== undefined ? { ownerId: o.owner } : {}),
        ...(o.ownerAlias !== undefined ? { ownerAlias: o.ownerAlias } : {}),
        ...(o.name !== undefined ? { name: o.name } : { name: `image-${o.id}` }),
        creationDate: o.creationDate ?? '2025-06-01T00:00:00.000Z',
        ...(o.deprecationTime ? { deprecationTime: o.deprecationTime } : {}),
        ...(o.productCodes ? { productCodes: o.productCodes } : {}),
        ...(o.imageAllowed !== undefined ? { imageAllowed: o.imageAllowed } : {}),
        state: o.state ?? 'available',
        public: o.public ?? false,
        tags: o.tags ?? {},
        tagsVisible: o.tagsVisible ?? seenVia === 'owner',
        ...(o.accountTags ? { accountTags: o.accountTags } : {}),
        seenVia,
        seenFromAccountId: seenVia === 'owner' && o.owner ? o.owner : (this.accounts[0]?.accountId ?? WORKLOAD),
        found: o.found ?? true,
        ...(o.notFoundReason ? { notFoundReason: o.notFoundReason } : {}),
        ...(o.lookup ? { lookup: o.lookup } : o.lookup === undefined && (o.found ?? true) ? { lookup: 'found' as const } : {}),
        ...(o.lookupError ? { lookupError: o.lookupError } : {}),
        ...(o.launchPermissions ? { launchPermissions: o.launchPermissions } : {}),
      };
    });
    const instances: Instance[] = this.instances.map((o) => {
      const region = o.region ?? REGION;
      const rec = images.find((i) => i.region === region && i.imageId === o.image && i.found);
      const ref: InstanceImageRef = rec
        ? {
            imageId: o.image,
            source: 'describe-images',
            ...(rec.name !== undefined ? { name: rec.name } : {}),
            ...(rec.ownerId !== undefined ? { ownerId: rec.ownerId } : {}),
            ...(rec.ownerAlias !== undefined ? { ownerAlias: rec.ownerAlias } : {}),
            ...(rec.state !== undefined ? { state: rec.state } : {}),
          }
        : { imageId: o.image, source: 'unknown' };
      return {
        accountId: o.account,
        region,
        instanceId: o.id!,
        instanceType: 't3.micro',
        state: o.state ?? 'running',
        launchTime: '2025-07-01T00:00:00.000Z',
        tags: o.tags ?? {},
        image: { ...ref, ...o.imageRef },
      };
    });
    return {
      schemaVersion: INVENTORY_SCHEMA_VERSION,
      kind: 'amigov.inventory',
      run: {
        runId: '2026-02-01T00-00-00Z-test',
        toolVersion: '0.0.0-test',
        startedAt: `${this.asOf}T00:00:00.000Z`,
        finishedAt: `${this.asOf}T00:01:00.000Z`,
        asOf: this.asOf,
        configPath: 'config/ami_publishers.json',
        parameters: { roleName: 'OrganizationAccountAccessRole', ...this.parameters },
        organization: this.orgId ? { id: this.orgId, managementAccountId: OPS } : null,
      },
      allowlist,
      accounts: this.accounts,
      coverage: this.coverageEntries,
      instances,
      images,
      launchTemplates: this.templates,
      ...(this.groups.length ? { autoScalingGroups: this.groups } : {}),
      ...(this.launchConfigs.length ? { launchConfigurations: this.launchConfigs } : {}),
      ...(this.fleetList.length ? { fleets: this.fleetList } : {}),
      ...(this.pinned.length ? { launchTemplateVersions: this.pinned } : {}),
      regionSettings: this.settings,
      stats: { durationMs: 1, apiCalls: {}, apiCallsTotal: 0, retries: 0, throttled: 0, accountsTotal: this.accounts.length, accountRegionsTotal: this.coverageEntries.length },
    };
  }
}

export function inventory(opts: { asOf?: string; orgId?: string | null } = {}): InventoryBuilder {
  return new InventoryBuilder(opts.asOf ?? '2026-02-01', opts.orgId === undefined ? 'o-abcdefghij' : opts.orgId);
}

// ---- running rules in tests ------------------------------------------------------------------------


export interface JudgeOpts {
  asOf?: string;
  config?: Parameters<typeof testConfig>[0];
  options?: EvaluateOptions;
}

/** Evaluates an inventory with the given rules only (the whole path: rules, engine, commands). */
export function judgeDoc(inv: Inventory, rules: string[] | undefined, o: JudgeOpts = {}): FindingsDocument {
  const cfg = testConfig(o.config);
  const allowlist = resolveAllowlist(cfg, o.asOf ?? inv.run.asOf);
  return evaluate(inv, allowlist, {
    imageBlockPublicAccess: cfg.policy_config.image_block_public_access,
    now: new Date('2026-02-01T12:00:00Z'),
    ...(rules ? { rules } : {}),
    ...o.options,
  });
}

export function judge(inv: Inventory, ruleId: string, o: JudgeOpts = {}): Finding[] {
  return judgeDoc(inv, [ruleId], o).findings;
}

/** What a table case expects of one finding; unspecified fields are not checked. */
export interface Expected {
  resourceId: string;
  status?: Finding['status'];
  severity?: Finding['severity'];
  blockedBy?: Finding['blockedBy'];
  accountId?: string;
  resourceType?: Finding['resourceType'];
  imageId?: string;
  /** The message the rule chose (a key of its meta.messages). */
  messageId?: string;
  /**
   * Values of the message's placeholders: the message must be exactly the template of `messageId` with
   * these values (placeholders not named here match anything).
   */
  data?: Record<string, string | number>;
  /** Details the finding must carry (as findings.json has them); others are not checked. */
  details?: Record<string, string | number | boolean | null>;
  /** Substrings the message must contain (end-to-end checks of the rendered text). */
  message?: string[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `message` is `template` rendered with `data` (placeholders missing from `data` match any text). */
export function rendersTemplate(message: string, template: string, data: Record<string, string | number>): boolean {
  const re = template
    .split(/(\{\{[^{}]+?\}\})/)
    .map((part) => {
      const name = /^\{\{([^{}]+?)\}\}$/.exec(part)?.[1]?.trim();
      if (name === undefined) return escapeRe(part);
      return Object.hasOwn(data, name) ? escapeRe(String(data[name])) : '[^]*?';
    })
    .join('');
  return new RegExp(`^${re}$`).test(message);
}

export interface RuleCase {
  name: string;
  build: () => Inventory;
  judge?: JudgeOpts;
  /** [] for a valid (compliant) case. */
  expect: Expected[];
}

/** Checks findings against expectations: same resources, and every given field equal. */
export function matchFindings(findings: Finding[], expected: Expected[]): string | undefined {
  const got = findings.map((f) => f.resourceId).sort();
  const want = expected.map((e) => e.resourceId).sort();
  if (JSON.stringify(got) !== JSON.stringify(want)) return `resources: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}\n${findings.map((f) => f.message).join('\n')}`;
  for (const e of expected) {
    const f = findings.find((x) => x.resourceId === e.resourceId)!;
    for (const k of ['status', 'severity', 'blockedBy', 'accountId', 'resourceType', 'imageId'] as const) {
      if (e[k] !== undefined && f[k] !== e[k]) return `${e.resourceId}: ${k} is ${JSON.stringify(f[k])}, want ${JSON.stringify(e[k])} (${f.message})`;
    }
    if (e.messageId !== undefined && f.messageId !== e.messageId) return `${e.resourceId}: messageId is ${JSON.stringify(f.messageId)}, want ${JSON.stringify(e.messageId)} (${f.message})`;
    if (e.data) {
      const template = RULES.find((r) => r.meta.id === f.ruleId)?.meta.messages[f.messageId ?? ''];
      if (template === undefined) return `${e.resourceId}: no template for messageId ${JSON.stringify(f.messageId)}`;
      if (!rendersTemplate(f.message, template, e.data)) return `${e.resourceId}: message is not ${JSON.stringify(template)} with ${JSON.stringify(e.data)}: ${f.message}`;
    }
    for (const [k, v] of Object.entries(e.details ?? {})) {
      if (f.details?.[k] !== v) return `${e.resourceId}: details.${k} is ${JSON.stringify(f.details?.[k])}, want ${JSON.stringify(v)}`;
    }
    for (const m of e.message ?? []) if (!f.message.includes(m)) return `${e.resourceId}: message lacks ${JSON.stringify(m)}: ${f.message}`;
  }
  return undefined;
}

/** Registers one node:test per table case. */
export function runCases(ruleId: string, cases: RuleCase[]): void {
  for (const c of cases) {
    test(`${ruleId}: ${c.name}`, () => {
      const problem = matchFindings(judge(c.build(), ruleId, c.judge), c.expect);
      assert.equal(problem, undefined, problem);
    });
  }
}
