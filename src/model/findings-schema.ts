/**
 * Runtime schema of findings.json: the same contract as the interfaces in findings.ts, checked when a saved
 * file is read back (model/files.ts): by `amigov report`, and for the previous run of a comparison.
 *
 * Kept in step with the interfaces by the compile-time checks at the bottom: a field added to an interface
 * and not here (or the other way round) fails `npm run typecheck`. Adding an optional field is one line, e.g.
 * in comparisonSchema: `notRechecked: z.array(findingSchema).optional(),`.
 */
import { z } from 'zod';
import { coverageEntrySchema, resolvedAllowlistSchema, runMetaSchema, type Expect, type Same } from './inventory-schema.js';
import type * as M from './findings.js';
import { FINDINGS_SCHEMA_VERSION, LAUNCH_PATH_KINDS, NOT_RECHECKED_CODES, SEVERITIES } from './findings.js';

const str = z.string();
const count = z.number();
const severity = z.enum(SEVERITIES);

const remediationCommandSchema = z.object({
  title: str,
  command: str,
  kind: z.enum(['fix', 'verify', 'investigate', 'request']),
  needsReview: z.boolean().optional(),
  accountId: str.optional(),
  region: str.optional(),
  supportsDryRun: z.boolean().optional(),
});

export const findingSchema = z.object({
  id: str,
  ruleId: str,
  title: str,
  severity,
  status: z.enum(['fail', 'cannot-verify', 'error']),
  accountId: str,
  accountName: str.optional(),
  region: str,
  resourceType: z.enum(['instance', 'image', 'launch-template', 'auto-scaling-group', 'ec2-fleet', 'spot-fleet', 'account-region', 'rule']),
  resourceId: str,
  imageId: str.optional(),
  imageName: str.optional(),
  imageOwnerId: str.optional(),
  imageOwnerAlias: str.optional(),
  tags: z.record(z.string(), z.string()).optional(),
  message: str,
  messageId: str.optional(),
  blockedBy: z.enum(['declarative-policy', 'scp', 'both', 'none']).optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  commands: z.array(remediationCommandSchema),
  change: z.enum(['new', 'persisting', 'resolved', 'not-rechecked']).optional(),
  notRechecked: z.object({ code: z.enum(NOT_RECHECKED_CODES), reason: str }).optional(),
  history: z
    .object({
      firstSeen: str,
      firstRunId: str,
      lastSeen: str,
      ageDays: count,
      runsSeen: count,
      resolvedAt: str.optional(),
      reopenedAfter: str.optional(),
      slaDays: count.optional(),
      dueDate: str.optional(),
      overdue: z.boolean().optional(),
    })
    .optional(),
  waiver: z
    .object({
      id: str,
      status: z.enum(['active', 'expired']),
      reason: str,
      ticket: str,
      approvedBy: str,
      approvedDate: str,
      expiryDate: str,
      note: str,
    })
    .optional(),
  owner: str.optional(),
  ownerTags: z.record(z.string(), z.string()).optional(),
  ouPath: z.array(str).optional(),
});

const ruleMetaSchema = z.object({ id: str, title: str, severity, description: str, docs: str });

// notRechecked and its lists arrived after 0.1: documents written by 0.1 lack them (readFindingsDocument fills them in).
const changeCounts = z.object({ new: count, persisting: count, resolved: count, notRechecked: count.default(0) });

const comparisonSchema = z.object({
  previousRunId: str,
  previousRunDir: str,
  counts: changeCounts,
  byRule: z.record(z.string(), changeCounts),
  byAccount: z.record(z.string(), changeCounts),
  resolved: z.array(findingSchema),
  notRechecked: z.array(findingSchema).default([]),
  notRecheckedByReason: z.partialRecord(z.enum(NOT_RECHECKED_CODES), count).default({}),
  notRescanned: z.array(findingSchema).optional(),
  waived: z.object({ new: count, persisting: count }).optional(),
});

const evaluationInfoSchema = z.object({
  evaluatedAt: str,
  source: z.enum(['scan', 'evaluate']),
  inventoryPath: str.optional(),
  scanAsOf: str,
  scanConfigPath: str,
  rulesRun: z.array(str),
  rulesNotCollected: z.array(z.object({ ruleId: str, missing: z.array(str) })).optional(),
  severityThreshold: severity.nullable().optional(),
  severityOverrides: z.record(z.string(), severity).optional(),
  deep: z.boolean(),
  ruleErrors: z.array(z.object({ ruleId: str, message: str })),
  belowThresholdIds: z.array(str).optional(),
  derivedFrom: z.object({ command: z.enum(['evaluate', 'report']), runId: str, runDir: str }).optional(),
});

const remediationAuthSchema = z.object({
  mode: z.enum(['profile', 'environment']),
  profileTemplate: str.optional(),
  roleName: str,
  rolePath: str.optional(),
});

const bySeverity = z.record(severity, count);

const trendPointSchema = z.object({
  runId: str,
  date: str,
  open: count,
  bySeverity,
  byRule: z.record(z.string(), count),
  new: count,
  resolved: count,
  notRechecked: count,
  waived: count,
  newWaived: count.optional(),
});

const historyInfoSchema = z.object({
  dir: str,
  indexFile: str,
  runsRead: count,
  firstRunId: str.optional(),
  firstRunDate: str.optional(),
  slaDays: z.partialRecord(severity, count),
  overdue: z.object({ total: count, bySeverity }),
  resolved: count,
  trend: z.array(trendPointSchema),
});

const waiverEntrySchema = z.object({
  id: str,
  status: z.enum(['active', 'expiring', 'expired']),
  expiryDate: str,
  daysLeft: count,
  matched: count,
  stale: z.boolean(),
  reason: str,
  ticket: str,
  approvedBy: str,
});

const waiverInfoSchema = z.object({
  file: str,
  asOf: str,
  waived: z.array(findingSchema),
  entries: z.array(waiverEntrySchema),
  counts: z.object({ waived: count, expired: count, stale: count, expiredFindings: count }),
});

const pathKind = z.enum(LAUNCH_PATH_KINDS);
const layerCounts = z.object({ declarativePolicy: count, scp: count, unavailable: count, cannotVerify: count });
const byPathOf = <T extends z.ZodType>(v: T) => z.object({ instance: v, 'launch-template': v, 'auto-scaling-group': v, 'ec2-fleet': v, 'spot-fleet': v });
const blastResource = z.object({ kind: pathKind, accountId: str, region: str, resourceId: str });
export const blastRadiusSchema = z.object({
  byPath: byPathOf(layerCounts),
  byAccount: z.record(z.string(), layerCounts),
  images: z.array(
    z.object({
      region: str,
      imageId: str,
      imageName: str.optional(),
      imageOwnerId: str.optional(),
      reason: str,
      blockedBy: z.enum(['declarative-policy', 'scp', 'both']).optional(),
      paths: z.array(blastResource),
      references: z.array(z.object({ accountId: str, region: str, resourceType: str, arn: str, note: str })).optional(),
    }),
  ),
  rollout: z.array(
    z.object({
      id: str,
      name: str,
      path: z.array(str),
      accounts: count,
      accountsNotFullyScanned: count,
      counts: layerCounts,
      byPath: byPathOf(count),
      safeForDeclarativePolicy: z.boolean(),
      safeForScp: z.boolean(),
    }),
  ),
  timeline: z.object({
    horizonDays: count,
    from: str,
    until: str,
    events: z.array(
      z.object({
        date: str,
        cause: z.literal('exception-expiry'),
        exceptionAccountId: str,
        ticket: str,
        expiryDate: str,
        counts: layerCounts,
        resources: z.array(blastResource),
      }),
    ),
  }),
});

export const findingsDocumentSchema = z.object({
  schemaVersion: z.literal(FINDINGS_SCHEMA_VERSION),
  kind: z.literal('amigov.findings'),
  run: runMetaSchema,
  allowlist: resolvedAllowlistSchema,
  rules: z.array(ruleMetaSchema),
  counts: z.object({
    total: count,
    byRule: z.record(z.string(), count),
    bySeverity: z.record(severity, count),
    byAccount: z.record(z.string(), count),
  }),
  impact: z.object({
    instancesAffected: count,
    accountsAffected: count,
    launchTemplatesAffected: count,
    instancesByLayer: z.object({ declarativePolicyAndScp: count, scpOnly: count, declarativePolicyOnly: count.optional() }).optional(),
    instancesCannotVerify: count.optional(),
    launchTemplatesCannotVerify: count.optional(),
    blastRadius: blastRadiusSchema.optional(),
    verdictSources: z.object({ aws: count, amigov: count }).optional(),
  }),
  coverage: z.object({
    entries: z.array(coverageEntrySchema),
    counts: z.record(coverageEntrySchema.shape.status, count),
    complete: z.boolean(),
    percent: count.nullable().optional(),
    empty: z.boolean().optional(),
    accountsWithoutScannedRegion: z.array(str).optional(),
  }),
  accounts: z.array(
    z.object({
      accountId: str,
      name: str,
      ouPath: z.array(str),
      scanned: z.enum(['complete', 'partial', 'none']).optional(),
      owner: str.optional(),
    }),
  ),
  findings: z.array(findingSchema),
  comparison: comparisonSchema.optional(),
  evaluation: evaluationInfoSchema.optional(),
  remediation: remediationAuthSchema.optional(),
  outcome: z
    .object({
      exitCode: count,
      summary: str,
      conditions: z.array(z.object({ kind: z.enum(['interrupted', 'empty', 'partial', 'findings']), exitCode: count, message: str })),
    })
    .optional(),
  history: historyInfoSchema.optional(),
  waivers: waiverInfoSchema.optional(),
});

// ---- compile-time: the schemas and the interfaces are the same types (see inventory-schema.ts) ----------

type Out<S extends z.ZodType> = z.output<S>;
export type FindingsSchemaChecks = [
  Expect<Same<Out<typeof remediationCommandSchema>, M.RemediationCommand>>,
  Expect<Same<Out<typeof findingSchema>, M.Finding>>,
  Expect<Same<Out<typeof ruleMetaSchema>, M.RuleMeta>>,
  Expect<Same<Out<typeof comparisonSchema>, M.Comparison>>,
  Expect<Same<Out<typeof evaluationInfoSchema>, M.EvaluationInfo>>,
  Expect<Same<Out<typeof remediationAuthSchema>, M.RemediationAuth>>,
  Expect<Same<Out<typeof findingsDocumentSchema>, M.FindingsDocument>>,
  Expect<Same<Out<typeof blastRadiusSchema>, M.BlastRadius>>,
  Expect<Same<Out<typeof changeCounts>, M.ChangeCounts>>,
  Expect<Same<Out<typeof trendPointSchema>, M.TrendPoint>>,
  Expect<Same<Out<typeof historyInfoSchema>, M.HistoryInfo>>,
  Expect<Same<Out<typeof waiverInfoSchema>, M.WaiverInfo>>,
  Expect<Same<Out<typeof waiverEntrySchema>, M.WaiverEntry>>,
];
