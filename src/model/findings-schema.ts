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
import { FINDINGS_SCHEMA_VERSION, NOT_RECHECKED_CODES, SEVERITIES } from './findings.js';

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
  resourceType: z.enum(['instance', 'image', 'launch-template', 'account-region', 'rule']),
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
});

const evaluationInfoSchema = z.object({
  evaluatedAt: str,
  source: z.enum(['scan', 'evaluate']),
  inventoryPath: str.optional(),
  scanAsOf: str,
  scanConfigPath: str,
  rulesRun: z.array(str),
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
  Expect<Same<Out<typeof changeCounts>, M.ChangeCounts>>,
];
