/**
 * Validation of organization fixture files (`amigov sandbox --fixture FILE.json`): the shape, then the
 * cross-references a typo would break (unknown parents, accounts, images; duplicate ids), with errors that name
 * the file, the JSON path and the problem.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { OrgFixture } from './fixture-types.js';
import { UserError } from '../errors.js';
import { jsonPath } from '../config/load.js';

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id (as a string)');
const region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'must be a region name like us-east-1');
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date');
const tags = z.record(z.string(), z.string());
const criterion = z.object({
  imageProviders: z.array(z.string()).optional(),
  imageNames: z.array(z.string()).optional(),
  marketplaceProductCodes: z.array(z.string()).optional(),
  creationDateCondition: z.object({ maximumDaysSinceCreated: z.number().int().nonnegative().optional() }).optional(),
  deprecationTimeCondition: z.object({ maximumDaysSinceDeprecated: z.number().int().nonnegative().optional() }).optional(),
});
const settings = {
  imageBlockPublicAccess: z.enum(['block-new-sharing', 'unblocked']).optional(),
  imageBlockPublicAccessManagedBy: z.enum(['account', 'declarative-policy']).optional(),
  allowedImages: z
    .object({
      state: z.enum(['enabled', 'audit-mode', 'disabled']),
      managedBy: z.enum(['account', 'declarative-policy']).optional(),
      criteria: z.array(criterion).optional(),
    })
    .optional(),
  managedResourceVisibility: z.enum(['hidden', 'visible']).optional(),
};

const policyType = z.enum([
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
  'TAG_POLICY',
  'BACKUP_POLICY',
  'AISERVICES_OPT_OUT_POLICY',
  'CHATBOT_POLICY',
  'DECLARATIVE_POLICY_EC2',
]);

const ltSpec = z.object({ launchTemplateId: z.string().optional(), launchTemplateName: z.string().optional(), version: z.string().regex(/^(\$Latest|\$Default|[1-9][0-9]*)$/).optional() });

const mixedInstancesPolicy = z.object({ launchTemplate: ltSpec, overrides: z.array(z.object({ instanceType: z.string().optional(), launchTemplate: ltSpec.optional() })).optional() });

export const fixtureSchema = z.object({
  description: z.string().optional(),
  organization: z.object({
    id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must look like o-xxxxxxxxxx'),
    managementAccountId: accountId,
    rootId: z.string().regex(/^r-[0-9a-z]{4,32}$/, 'must look like r-xxxx'),
    featureSet: z.enum(['ALL', 'CONSOLIDATED_BILLING']).optional(),
    enabledPolicyTypes: z.array(policyType).optional(),
  }),
  policies: z
    .array(
      z.object({
        id: z.string().regex(/^p-[0-9a-zA-Z_]{8,128}$/, 'must look like p- and 8 to 128 letters, digits or _'),
        name: z.string().min(1).max(128),
        description: z.string().optional(),
        type: policyType,
        awsManaged: z.boolean().optional(),
        content: z.record(z.string(), z.unknown()),
        targets: z.array(z.string()),
      }),
    )
    .optional(),
  caller: z.object({ accountId, accessKeyId: z.string().min(16), secretAccessKey: z.string().min(1), userName: z.string().optional() }),
  users: z.array(z.object({ accountId, accessKeyId: z.string().min(16), secretAccessKey: z.string().min(1), userName: z.string().optional() })).optional(),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').optional(),
  regions: z.array(z.object({ name: region, optIn: z.boolean() })).optional(),
  organizationalUnits: z.array(
    z.object({ id: z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'must look like ou-xxxx-xxxxxxxx'), name: z.string().min(1), parentId: z.string() }),
  ),
  accounts: z.array(
    z.object({
      id: accountId,
      name: z.string().min(1),
      email: z.string().min(3),
      parentId: z.string(),
      status: z.enum(['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE']).optional(),
      joinedTimestamp: isoDate.optional(),
      roles: z.array(
        z.object({
          name: z.string().regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name'),
          path: z.string().regex(/^\/([\x21-\x7e]*\/)?$/, 'must start and end with /').optional(),
          externalId: z.string().optional(),
          trustedAccountIds: z.array(accountId).optional(),
          maxSessionDuration: z.number().int().min(3600).max(43200).optional(),
        }),
      ),
      enabledRegions: z.array(region),
      tags: tags.optional(),
    }),
  ),
  images: z.array(
    z.object({
      imageId: z.string().regex(/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, 'must look like ami- and 8 or 17 hex digits'),
      ownerId: accountId,
      ownerAlias: z.string().optional(),
      region,
      name: z.string().min(1),
      description: z.string().optional(),
      creationDate: isoDate,
      deprecationTime: isoDate.optional(),
      state: z.enum(['available', 'pending', 'failed', 'deregistered', 'disabled']).optional(),
      public: z.boolean().optional(),
      sharedWith: z.array(accountId).optional(),
      sharedWithOrganizationArns: z.array(z.string()).optional(),
      sharedWithOrganizationalUnitArns: z.array(z.string()).optional(),
      tags: tags.optional(),
      accountTags: z.record(accountId, tags).optional(),
      platform: z.literal('windows').optional(),
      architecture: z.string().optional(),
      snapshotIds: z.array(z.string()).optional(),
      productCodes: z.array(z.string()).optional(),
      sourceImageId: z.string().optional(),
      sourceImageRegion: z.string().optional(),
      lastLaunchedTime: z.string().optional(),
      deregistrationProtection: z.string().optional(),
    }),
  ),
  instances: z.array(
    z.object({
      instanceId: z.string().regex(/^i-[0-9a-f]{8}([0-9a-f]{9})?$/, 'must look like i- and 8 or 17 hex digits'),
      accountId,
      region,
      imageId: z.string().regex(/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/, 'must be an AMI id'),
      instanceType: z.string().optional(),
      state: z.enum(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated']).optional(),
      launchTime: isoDate.optional(),
      tags: tags.optional(),
      reservationId: z.string().regex(/^r-[0-9a-f]+$/).optional(),
      availabilityZone: z.string().optional(),
      operator: z.object({ principal: z.string().min(1) }).optional(),
    }),
  ),
  launchTemplates: z
    .array(
      z.object({
        launchTemplateId: z.string().regex(/^lt-[0-9a-f]{17}$/, 'must look like lt- and 17 hex digits'),
        launchTemplateName: z.string().min(3),
        accountId,
        region,
        defaultVersion: z.number().int().positive(),
        versions: z.array(z.object({ versionNumber: z.number().int().positive(), imageId: z.string().optional(), description: z.string().optional() })).min(1),
      }),
    )
    .optional(),
  autoScalingGroups: z
    .array(
      z.object({
        name: z.string().min(1),
        accountId,
        region,
        minSize: z.number().int().nonnegative(),
        maxSize: z.number().int().nonnegative(),
        desiredCapacity: z.number().int().nonnegative(),
        instanceIds: z.array(z.string()).optional(),
        tags: tags.optional(),
        status: z.string().optional(),
        launchTemplate: ltSpec.optional(),
        launchConfigurationName: z.string().optional(),
        mixedInstancesPolicy: mixedInstancesPolicy.optional(),
        instanceRefreshes: z
          .array(
            z.object({
              instanceRefreshId: z.string().min(1),
              status: z.enum(['Pending', 'InProgress', 'Successful', 'Failed', 'Cancelling', 'Cancelled', 'RollbackInProgress', 'RollbackFailed', 'RollbackSuccessful', 'Baking']),
              statusReason: z.string().optional(),
              startTime: z.string().datetime().optional(),
              endTime: z.string().datetime().optional(),
              percentageComplete: z.number().int().min(0).max(100).optional(),
              instancesToUpdate: z.number().int().nonnegative().optional(),
              desiredConfiguration: z.object({ launchTemplate: ltSpec.optional(), mixedInstancesPolicy: mixedInstancesPolicy.optional() }).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  launchConfigurations: z.array(z.object({ name: z.string().min(1), accountId, region, imageId: z.string(), instanceType: z.string().optional() })).optional(),
  fleets: z
    .array(
      z.object({
        fleetId: z.string().regex(/^(fleet-[0-9a-f-]+|sfr-[0-9a-f-]+)$/, 'must look like fleet-... or sfr-...'),
        kind: z.enum(['ec2-fleet', 'spot-fleet']),
        accountId,
        region,
        state: z.string(),
        type: z.enum(['maintain', 'request', 'instant']).optional(),
        targetCapacity: z.number().int().nonnegative().optional(),
        tags: tags.optional(),
        launchTemplateConfigs: z
          .array(z.object({ launchTemplate: ltSpec, overrides: z.array(z.object({ instanceType: z.string().optional(), imageId: z.string().optional() })).optional() }))
          .optional(),
        launchSpecifications: z.array(z.object({ instanceType: z.string().optional(), imageId: z.string() })).optional(),
      }),
    )
    .optional(),
  ssmParameters: z.array(z.object({ accountId, region, name: z.string().min(1), value: z.string() })).optional(),
  imageReferences: z
    .array(
      z.object({
        resourceType: z.enum(['ssm:Parameter', 'imagebuilder:ImageRecipe', 'imagebuilder:ContainerRecipe']),
        accountId,
        region,
        name: z.string().min(1),
        imageId: z.string(),
      }),
    )
    .optional(),
  backupVaults: z
    .array(
      z.object({
        accountId,
        region,
        name: z.string().regex(/^[a-zA-Z0-9\-_]{2,50}$/, 'must be a backup vault name: 2 to 50 letters, digits, - or _'),
        creationDate: isoDate.optional(),
        recoveryPoints: z
          .array(
            z.object({
              imageId: z.string().regex(/^ami-[0-9a-f]{8,17}$/, 'must be an AMI id'),
              status: z.enum(['COMPLETED', 'PARTIAL', 'DELETING', 'EXPIRED', 'AVAILABLE', 'STOPPED', 'CREATING']).optional(),
              creationDate: isoDate.optional(),
              resourceArn: z.string().optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  regionSettings: z.array(z.object({ accountId, region, ...settings })).optional(),
  defaultRegionSettings: z.object(settings).optional(),
  expectedFindings: z
    .array(z.object({ ruleId: z.string(), accountId, region: z.string(), resourceId: z.string(), why: z.string() }))
    .optional(),
});

export interface FixtureProblem {
  path: string;
  message: string;
}

export class FixtureError extends UserError {
  constructor(
    readonly file: string,
    readonly problems: FixtureProblem[],
  ) {
    super(
      `${file}: ${problems.length === 1 ? 'invalid sandbox fixture' : `${problems.length} problems in the sandbox fixture`}\n` +
        problems.slice(0, 20).map((p) => `  - ${p.path}: ${p.message}`).join('\n') +
        (problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''),
      { hint: 'The fixture format is described in docs/sandbox.md ("Fixture format"); src/sandbox/fixtures/demo-org.ts is a complete example.' },
    );
  }
}

/** References between parts of a fixture that the schema alone cannot check. */
function crossCheck(f: OrgFixture): FixtureProblem[] {
  const problems: FixtureProblem[] = [];
  const dup = <T>(list: T[], id: (t: T) => string, path: string) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      const k = id(t);
      if (seen.has(k)) problems.push({ path: `$.${path}[${i}]`, message: `duplicate id ${k}` });
      seen.add(k);
    });
  };
  dup(f.accounts, (a) => a.id, 'accounts');
  dup(f.organizationalUnits, (o) => o.id, 'organizationalUnits');
  dup(f.images, (i) => i.imageId, 'images');
  dup(f.instances, (i) => i.instanceId, 'instances');
  dup(f.launchTemplates ?? [], (l) => l.launchTemplateId, 'launchTemplates');
  dup(f.backupVaults ?? [], (v) => `${v.accountId}|${v.region}|${v.name}`, 'backupVaults');
  const parents = new Set([f.organization.rootId, ...f.organizationalUnits.map((o) => o.id)]);
  f.organizationalUnits.forEach((o, i) => {
    if (!parents.has(o.parentId)) problems.push({ path: `$.organizationalUnits[${i}].parentId`, message: `unknown parent ${o.parentId} (not the root nor an OU)` });
  });
  f.accounts.forEach((a, i) => {
    if (!parents.has(a.parentId)) problems.push({ path: `$.accounts[${i}].parentId`, message: `unknown parent ${a.parentId} (not the root nor an OU)` });
  });
  dup(f.policies ?? [], (p) => p.id, 'policies');
  (f.policies ?? []).forEach((p, i) => {
    p.targets.forEach((t, j) => {
      if (!parents.has(t) && !f.accounts.some((a) => a.id === t)) {
        problems.push({ path: `$.policies[${i}].targets[${j}]`, message: `unknown target ${t} (not the root, an OU nor an account)` });
      }
    });
  });
  if (!f.accounts.some((a) => a.id === f.organization.managementAccountId)) {
    problems.push({ path: '$.organization.managementAccountId', message: 'the management account must be listed in accounts' });
  }
  const accounts = new Set(f.accounts.map((a) => a.id));
  f.instances.forEach((inst, i) => {
    if (!accounts.has(inst.accountId)) problems.push({ path: `$.instances[${i}].accountId`, message: `account ${inst.accountId} is not in accounts` });
  });
  (f.launchTemplates ?? []).forEach((lt, i) => {
    if (!lt.versions.some((v) => v.versionNumber === lt.defaultVersion)) {
      problems.push({ path: `$.launchTemplates[${i}].defaultVersion`, message: `version ${lt.defaultVersion} is not among the versions` });
    }
  });
  if (f.regions) {
    const names = new Set(f.regions.map((r) => r.name));
    f.images.forEach((img, i) => {
      if (!names.has(img.region)) problems.push({ path: `$.images[${i}].region`, message: `region ${img.region} is not in regions` });
    });
  }
  return problems;
}

/** Validates parsed JSON as a fixture; `file` names it in errors. */
export function parseFixture(data: unknown, file = 'fixture'): OrgFixture {
  const parsed = fixtureSchema.safeParse(data);
  if (!parsed.success) {
    throw new FixtureError(file, parsed.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })));
  }
  const fixture = parsed.data as OrgFixture;
  const problems = crossCheck(fixture);
  if (problems.length > 0) throw new FixtureError(file, problems);
  return fixture;
}

export function loadFixture(file: string): OrgFixture {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read sandbox fixture ${file}: ${(err as Error).message}`, { hint: 'Check the path given to --fixture.' });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new FixtureError(file, [{ path: '$', message: `not valid JSON: ${(err as Error).message}` }]);
  }
  return parseFixture(data, file);
}
