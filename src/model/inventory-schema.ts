/**
 * Runtime schema of inventory.json: the same contract as the interfaces in inventory.ts (and ResolvedAllowlist
 * in config/allowlist.ts), checked when a saved file is read back (model/files.ts), so that an edited or
 * damaged file is a clear usage error instead of a crash or, worse, a wrong answer deep inside a rule.
 *
 * Kept in step with the interfaces by the compile-time checks at the bottom: a field added to an interface
 * and not here (or the other way round) fails `npm run typecheck`. Adding an optional field is one line:
 * `name: z.string().optional(),`.
 *
 * Objects are z.object (unknown keys allowed, see readSaved in files.ts for why): strict on the types and
 * values of the fields we know, tolerant of fields we do not.
 */
import { z } from 'zod';
import type { ResolvedAllowlist } from '../config/allowlist.js';
import { ENFORCEMENT_MODES, PROVIDER_ALIASES } from '../config/schema.js';
import type * as M from './inventory.js';
import { INVENTORY_SCHEMA_VERSION } from './inventory.js';

const str = z.string();
const tags = z.record(z.string(), z.string());
const tagMatch = z.object({ key: str, values: z.array(str) });

export const runMetaSchema = z.object({
  runId: str,
  toolVersion: str,
  startedAt: str,
  finishedAt: str,
  asOf: str,
  configPath: str,
  parameters: z.record(z.string(), z.unknown()),
  caller: z.object({ accountId: str, arn: str }).optional(),
  organization: z.object({ id: str, managementAccountId: str }).nullable().optional(),
  endpoint: str.nullable().optional(),
  homeRegion: str.optional(),
  collectors: z.array(str).optional(),
  interrupted: z.boolean().optional(),
});

const approvedPublisherSchema = z.object({
  accountId: str,
  kind: z.enum(['ops', 'vendor', 'exception']),
  label: str,
  expiryDate: str.optional(),
  ticket: str.optional(),
  daysLeft: z.number().optional(),
});

const exceptionStatusSchema = z.object({
  accountId: str,
  reason: str,
  expiryDate: str,
  ticket: str,
  approvedBy: str,
  daysLeft: z.number(),
});

const imageCriterionSchema = z.object({
  imageProviders: z.array(str).optional(),
  imageNames: z.array(str).optional(),
  marketplaceProductCodes: z.array(str).optional(),
  creationDateCondition: z.object({ maximumDaysSinceCreated: z.number().optional() }).optional(),
  deprecationTimeCondition: z.object({ maximumDaysSinceDeprecated: z.number().optional() }).optional(),
});

export const resolvedAllowlistSchema = z.object({
  asOf: str,
  enforcementMode: z.enum(ENFORCEMENT_MODES),
  approvedProviders: z.array(str),
  publishers: z.array(approvedPublisherSchema),
  aliases: z.array(z.enum(PROVIDER_ALIASES)),
  activeExceptions: z.array(exceptionStatusSchema),
  expiredExceptions: z.array(exceptionStatusSchema),
  expiringExceptions: z.array(exceptionStatusSchema),
  warningDays: z.number(),
  exceptionRequestUrl: str,
  approvedAmiTag: tagMatch,
  production: z.object({ instanceTag: tagMatch, accountIds: z.array(str), ouIds: z.array(str) }),
  ownerTagKeys: z.array(str).optional(),
  imageCriteria: z.array(imageCriterionSchema).optional(),
});

const accountRecordSchema = z.object({
  accountId: str,
  name: str,
  email: str.optional(),
  status: str.optional(),
  ouPath: z.array(str),
  ouIds: z.array(str),
  access: z.enum(['assumed-role', 'caller', 'none']),
  accessError: z.object({ code: str, message: str }).optional(),
  tags: tags.optional(),
  tagsError: z.object({ code: str, message: str }).optional(),
});

export const coverageEntrySchema = z.object({
  accountId: str,
  region: str,
  status: z.enum(['ok', 'skipped', 'access-denied', 'error']),
  reason: str.optional(),
  errorCode: str.optional(),
  instancePath: z.enum(['instance-image-metadata', 'describe-instances']).optional(),
  degraded: z.record(z.string(), z.string()).optional(),
  durationMs: z.number().optional(),
  apiCalls: z.number().optional(),
});

const instanceImageRefSchema = z.object({
  imageId: str,
  source: z.enum(['instance-image-metadata', 'describe-images', 'unknown']),
  name: str.optional(),
  ownerId: str.optional(),
  ownerAlias: str.optional(),
  state: str.optional(),
  creationDate: str.optional(),
  deprecationTime: str.optional(),
  imageAllowed: z.boolean().optional(),
  isPublic: z.boolean().optional(),
});

const instanceSchema = z.object({
  accountId: str,
  region: str,
  instanceId: str,
  instanceType: str.optional(),
  state: str,
  launchTime: str.optional(),
  tags,
  image: instanceImageRefSchema,
  operator: z.object({ managed: z.boolean(), principal: str.optional(), hiddenByDefault: z.boolean().optional() }).optional(),
});

const imageSchema = z.object({
  region: str,
  imageId: str,
  ownerId: str.optional(),
  ownerAlias: str.optional(),
  name: str.optional(),
  description: str.optional(),
  creationDate: str.optional(),
  deprecationTime: str.optional(),
  state: str.optional(),
  public: z.boolean().optional(),
  tags,
  tagsVisible: z.boolean(),
  accountTags: z.record(z.string(), tags).optional(),
  seenVia: z.enum(['owner', 'reference']),
  seenFromAccountId: str,
  imageAllowed: z.boolean().optional(),
  productCodes: z.array(str).optional(),
  sourceImageId: str.optional(),
  sourceImageRegion: str.optional(),
  lastLaunchedTime: str.optional(),
  deregistrationProtection: str.optional(),
  snapshotIds: z.array(str).optional(),
  platform: str.optional(),
  launchPermissions: z
    .object({ userIds: z.array(str), groups: z.array(str), organizationArns: z.array(str), organizationalUnitArns: z.array(str) })
    .optional(),
  found: z.boolean(),
  notFoundReason: str.optional(),
  lookup: z.enum(['found', 'not-found', 'failed']).optional(),
  lookupError: z.object({ code: str, message: str }).optional(),
});

const imageReferenceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ami'), imageId: str }),
  z.object({ kind: z.literal('ssm'), parameter: str, resolvedImageId: str.optional(), resolutionError: str.optional() }),
  z.object({ kind: z.literal('none') }),
]);

const launchTemplateVersionSchema = z.object({ versionNumber: z.number(), image: imageReferenceSchema });

const launchTemplateSpecSchema = z.object({ launchTemplateId: str.optional(), launchTemplateName: str.optional(), version: str.optional() });

const groupMixedInstancesPolicySchema = z.object({
  launchTemplate: launchTemplateSpecSchema,
  overrides: z.array(z.object({ instanceType: str.optional(), launchTemplate: launchTemplateSpecSchema.optional() })),
});

const instanceRefreshSchema = z.object({
  instanceRefreshId: str,
  status: str,
  statusReason: str.optional(),
  percentageComplete: z.number().optional(),
  instancesToUpdate: z.number().optional(),
  startTime: str.optional(),
  desiredConfiguration: z.object({ launchTemplate: launchTemplateSpecSchema.optional(), mixedInstancesPolicy: groupMixedInstancesPolicySchema.optional() }).optional(),
});

const autoScalingGroupSchema = z.object({
  accountId: str,
  region: str,
  name: str,
  minSize: z.number(),
  maxSize: z.number(),
  desiredCapacity: z.number(),
  instanceIds: z.array(str),
  status: str.optional(),
  tags,
  launchTemplate: launchTemplateSpecSchema.optional(),
  launchConfigurationName: str.optional(),
  mixedInstancesPolicy: groupMixedInstancesPolicySchema.optional(),
  lifecycleStates: z.record(z.string(), z.number()).optional(),
  instanceRefreshes: z.array(instanceRefreshSchema).optional(),
});

const launchConfigurationSchema = z.object({ accountId: str, region: str, name: str, image: imageReferenceSchema });

const fleetSchema = z.object({
  accountId: str,
  region: str,
  kind: z.enum(['ec2-fleet', 'spot-fleet']),
  fleetId: str,
  state: str,
  type: str.optional(),
  targetCapacity: z.number().optional(),
  tags,
  launchTemplateConfigs: z.array(
    z.object({ launchTemplate: launchTemplateSpecSchema, overrides: z.array(z.object({ instanceType: str.optional(), image: imageReferenceSchema.optional() })) }),
  ),
  launchSpecifications: z.array(z.object({ instanceType: str.optional(), image: imageReferenceSchema })),
});

const pinnedVersionSchema = z.object({ accountId: str, region: str, launchTemplateId: str, versionNumber: z.number(), image: imageReferenceSchema });

const launchTemplateSchema = z.object({
  accountId: str,
  region: str,
  launchTemplateId: str,
  launchTemplateName: str,
  defaultVersion: launchTemplateVersionSchema.optional(),
  latestVersion: launchTemplateVersionSchema.optional(),
});


const regionSettingsSchema = z.object({
  accountId: str,
  region: str,
  imageBlockPublicAccess: z.object({
    state: z.enum(['block-new-sharing', 'unblocked', 'unknown']),
    managedBy: str.optional(),
    reason: str.optional(),
  }),
  allowedImages: z.object({
    state: z.enum(['enabled', 'audit-mode', 'disabled', 'unknown']),
    criteria: z.array(imageCriterionSchema).optional(),
    managedBy: str.optional(),
    reason: str.optional(),
  }),
  managedResourceVisibility: z.object({ state: z.enum(['hidden', 'visible', 'unknown']), reason: str.optional() }).optional(),
});

const externalImageReferenceSchema = z.object({
  accountId: str,
  region: str,
  imageId: str,
  resourceType: str,
  arn: str,
});

const backupRecoveryPointSchema = z.object({
  accountId: str,
  region: str,
  imageId: str,
  recoveryPointArn: str,
  backupVaultName: str,
  status: str.optional(),
  creationDate: str.optional(),
  resourceArn: str.optional(),
});

const scanStatsSchema = z.object({
  durationMs: z.number(),
  apiCalls: z.record(z.string(), z.number()),
  apiCallsTotal: z.number(),
  retries: z.number(),
  throttled: z.number(),
  accountsTotal: z.number(),
  accountRegionsTotal: z.number(),
  attempts: z.number().optional(),
  failedCalls: z.number().optional(),
});

export const inventorySchema = z.object({
  schemaVersion: z.literal(INVENTORY_SCHEMA_VERSION),
  kind: z.literal('amigov.inventory'),
  run: runMetaSchema,
  allowlist: resolvedAllowlistSchema,
  accounts: z.array(accountRecordSchema),
  coverage: z.array(coverageEntrySchema),
  instances: z.array(instanceSchema),
  images: z.array(imageSchema),
  launchTemplates: z.array(launchTemplateSchema),
  autoScalingGroups: z.array(autoScalingGroupSchema).optional(),
  launchConfigurations: z.array(launchConfigurationSchema).optional(),
  fleets: z.array(fleetSchema).optional(),
  launchTemplateVersions: z.array(pinnedVersionSchema).optional(),
  imageReferences: z.array(externalImageReferenceSchema).optional(),
  backupRecoveryPoints: z.array(backupRecoveryPointSchema).optional(),
  regionSettings: z.array(regionSettingsSchema),
  stats: scanStatsSchema,
});

// ---- compile-time: the schemas and the interfaces are the same types ------------------------------------

/** true when A and B are the same type (not merely assignable: an extra optional field makes them differ). */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Fails to compile unless T is true. Read a failure as "this schema and that interface differ". */
export type Expect<T extends true> = T;

type Out<S extends z.ZodType> = z.output<S>;
export type InventorySchemaChecks = [
  Expect<Same<Out<typeof runMetaSchema>, M.RunMeta>>,
  Expect<Same<Out<typeof resolvedAllowlistSchema>, ResolvedAllowlist>>,
  Expect<Same<Out<typeof accountRecordSchema>, M.AccountRecord>>,
  Expect<Same<Out<typeof coverageEntrySchema>, M.CoverageEntry>>,
  Expect<Same<Out<typeof instanceImageRefSchema>, M.InstanceImageRef>>,
  Expect<Same<Out<typeof instanceSchema>, M.Instance>>,
  Expect<Same<Out<typeof imageSchema>, M.Image>>,
  Expect<Same<Out<typeof imageReferenceSchema>, M.ImageReference>>,
  Expect<Same<Out<typeof launchTemplateSchema>, M.LaunchTemplate>>,
  Expect<Same<Out<typeof autoScalingGroupSchema>, M.AutoScalingGroup>>,
  Expect<Same<Out<typeof fleetSchema>, M.Fleet>>,
  Expect<Same<Out<typeof imageCriterionSchema>, M.ImageCriterion>>,
  Expect<Same<Out<typeof regionSettingsSchema>, M.RegionSettings>>,
  Expect<Same<Out<typeof scanStatsSchema>, M.ScanStats>>,
  Expect<Same<Out<typeof backupRecoveryPointSchema>, M.BackupRecoveryPoint>>,
  Expect<Same<Out<typeof inventorySchema>, M.Inventory>>,
];
