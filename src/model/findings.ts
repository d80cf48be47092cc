/**
 * The findings model: what the rules produce and every reporter renders. Written to `findings.json`
 * (see docs/findings-schema.md).
 */
import type { AccountId, CoverageEntry, Region, RunMeta } from './inventory.js';
import type { ResolvedAllowlist } from '../config/allowlist.js';

export const FINDINGS_SCHEMA_VERSION = 1 as const;

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type ResourceType = 'instance' | 'image' | 'launch-template' | 'auto-scaling-group' | 'ec2-fleet' | 'spot-fleet' | 'account-region' | 'rule';

export interface RemediationCommand {
  /** What the command does, one line. */
  title: string;
  /** The shell command, ready to run (ids validated, everything else shell-quoted). */
  command: string;
  /** fix: changes AWS; verify: checks a fix; investigate: read-only look-up; request: a link or process. */
  kind: 'fix' | 'verify' | 'investigate' | 'request';
  /** true when a person must review or approve before running it. */
  needsReview?: boolean;
  /** The account whose credentials the command needs (the image owner for create-tags; else the finding's account). */
  accountId?: AccountId;
  /** The region the command targets (it also carries --region). */
  region?: Region;
  /** The EC2 API accepts --dry-run for it: remediation.sh checks it that way before --apply. */
  supportsDryRun?: boolean;
}

export interface Finding {
  /** Stable across runs: hash of ruleId, accountId, region and resourceId. */
  id: string;
  ruleId: string;
  title: string;
  severity: Severity;
  /** 'fail': a violation; 'cannot-verify': not enough visibility to decide; 'error': the rule itself failed. */
  status: 'fail' | 'cannot-verify' | 'error';
  accountId: AccountId;
  accountName?: string;
  region: Region;
  resourceType: ResourceType;
  resourceId: string;
  imageId?: string;
  imageName?: string;
  imageOwnerId?: AccountId;
  imageOwnerAlias?: string;
  /** Tags that matter for this finding (instance Environment/Name, AMI approval tag, ...). */
  tags?: Record<string, string>;
  message: string;
  /** Which of the rule's messages (meta.messages) `message` renders; absent on error findings and in files of amigov 0.1. */
  messageId?: string;
  /** Which enforcement layer stops this once enforced. */
  blockedBy?: 'declarative-policy' | 'scp' | 'both' | 'none';
  /** Extra facts for reports: expiry date, ticket, days left, launch template version, ... */
  details?: Record<string, string | number | boolean | null>;
  commands: RemediationCommand[];
  /**
   * Set by the weekly comparison: `new` and `persisting` on this run's findings; `resolved` and
   * `not-rechecked` on the previous run's findings listed in `comparison.resolved` / `comparison.notRechecked`.
   */
  change?: 'new' | 'persisting' | 'resolved' | 'not-rechecked';
  /** Only on findings in `comparison.notRechecked`: why this run could not re-check it. */
  notRechecked?: NotRechecked;
  /**
   * Its account's owner: the value of the first of the config's owners.tag_keys the account carries in AWS
   * Organizations. Absent when the config names no owner tag keys, or the account has none of them.
   */
  owner?: string;
  /** Every owners.tag_keys tag the account carries, key -> value (owner is the first of them in config order). */
  ownerTags?: Record<string, string>;
  /** Names of the OUs from the root down to its account, e.g. ["Root", "Workloads", "Prod"]; [] without Organizations. */
  ouPath?: string[];
  /** Its history over the earlier runs of the history folder (--history; docs/reports.md "History"). */
  history?: FindingHistory;
  /** The waiver that matches it (config/waivers.json): active (the finding is in `waivers.waived`) or expired (it counts again). */
  waiver?: FindingWaiver;
}

/** A finding's history: when it was first and last seen, how often, and its remediation deadline. */
export interface FindingHistory {
  /** Date (the run's --as-of, YYYY-MM-DD) of the first run that had it, and that run's id. */
  firstSeen: string;
  firstRunId: string;
  /** Date of the last run that had it (this run's, for a current finding). */
  lastSeen: string;
  /** Days from firstSeen to this run's date. */
  ageDays: number;
  /** Runs it was seen in, this one included. */
  runsSeen: number;
  /** Set on resolved findings: the date of the run that re-checked it and found it gone. */
  resolvedAt?: string;
  /** It was resolved once (on this date) and came back. */
  reopenedAfter?: string;
  /** policy_config.remediation_sla_days for its severity, and the deadline it gives. */
  slaDays?: number;
  dueDate?: string;
  /** Open past its deadline (never set on waived or resolved findings). */
  overdue?: boolean;
}

export interface FindingWaiver {
  id: string;
  status: 'active' | 'expired';
  reason: string;
  ticket: string;
  approvedBy: string;
  approvedDate: string;
  expiryDate: string;
  /** "waived until 2026-03-31 (WVR-1, SEC-1)" or "waiver expired on 2026-03-31 (WVR-1, SEC-1)". */
  note: string;
}

/**
 * Why a finding of the previous run, absent from this one, was not re-checked (docs/reports.md,
 * "Weekly comparison"):
 * - rule-not-run: the rule was not in this run's --rules; rule-failed: it threw this run;
 * - below-severity-threshold: this run's --severity-threshold hides it;
 * - collector-not-run: data the rule reads was collected last time but not this time (launch-permissions
 *   without --deep, organization with --no-organizations);
 * - account-not-scanned / region-not-scanned: its account, or its region in that account, was outside
 *   this run's scope; region-skipped: the region is no longer enabled there;
 * - access-denied / error / interrupted: its account x region was not scanned successfully;
 * - collector-degraded: its account x region is ok but a collector the rule reads degraded there.
 */
export const NOT_RECHECKED_CODES = [
  'rule-not-run',
  'rule-failed',
  'below-severity-threshold',
  'collector-not-run',
  'account-not-scanned',
  'region-not-scanned',
  'region-skipped',
  'access-denied',
  'error',
  'interrupted',
  'collector-degraded',
] as const;
export type NotRecheckedCode = (typeof NOT_RECHECKED_CODES)[number];

export interface NotRechecked {
  code: NotRecheckedCode;
  /** One sentence: what was not re-checked and why, e.g. "eu-west-1 was not scanned in account 111122223333 this run". */
  reason: string;
}

export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  /** Relative path of the rule's doc page, e.g. docs/rules/public-ami.md */
  docs: string;
}

export interface ChangeCounts {
  new: number;
  persisting: number;
  resolved: number;
  notRechecked: number;
}

export interface Comparison {
  previousRunId: string;
  previousRunDir: string;
  counts: ChangeCounts;
  byRule: Record<string, ChangeCounts>;
  byAccount: Record<string, ChangeCounts>;
  /**
   * Findings of the previous run that are gone now although this run judged the same rule for the same
   * account x region with complete data for everything the rule reads (change = 'resolved').
   */
  resolved: Finding[];
  /**
   * Findings of the previous run that are absent now but that this run did not re-check (scope, rules,
   * threshold, failed or degraded collection): carried forward with the previous run's data, change =
   * 'not-rechecked', `notRechecked` saying why. Never counted as resolved, and not this run's findings
   * (--fail-on ignores them).
   */
  notRechecked: Finding[];
  /** notRechecked counted by reason code. */
  notRecheckedByReason: Partial<Record<NotRecheckedCode, number>>;
  /**
   * This run's waived findings (waivers.waived), counted apart and never in `counts`: `new` ones the previous run
   * did not have, `persisting` ones it had (waived or not). Absent in documents of earlier versions.
   */
  waived?: { new: number; persisting: number };
  /**
   * Written by earlier amigov versions instead of notRechecked (findings whose account x region was not scanned
   * successfully); read only, reporters show them as not re-checked.
   */
  notRescanned?: Finding[];
}

export interface FindingsDocument {
  schemaVersion: typeof FINDINGS_SCHEMA_VERSION;
  kind: 'amigov.findings';
  run: RunMeta;
  allowlist: ResolvedAllowlist;
  rules: RuleMeta[];
  /** Per-rule, per-severity and per-account counts of findings. */
  counts: {
    total: number;
    byRule: Record<string, number>;
    bySeverity: Record<Severity, number>;
    byAccount: Record<AccountId, number>;
  };
  /** The audit-phase headline: what breaks if Allowed AMIs were `enabled` today. */
  impact: {
    instancesAffected: number;
    accountsAffected: number;
    launchTemplatesAffected: number;
    /** Affected instances by the layer that stops them (optional breakdown). */
    /** declarativePolicyOnly: approved owners' images outside policy_config.image_criteria (absent when none). */
    instancesByLayer?: { declarativePolicyAndScp: number; scpOnly: number; declarativePolicyOnly?: number };
    /** Instances whose AMI owner is unknown, and launch templates resolving via SSM or unresolved: not judged either way. */
    instancesCannotVerify?: number;
    launchTemplatesCannotVerify?: number;
    /** The blast radius (issue #14): every launch path, per account, per OU, and over time. Absent in older files. */
    blastRadius?: BlastRadius;
    /** Image verdicts (instances and launch-template versions) taken from AWS's ImageAllowed, and from amigov's own judgement. */
    verdictSources?: { aws: number; amigov: number };
  };
  coverage: {
    entries: CoverageEntry[];
    counts: Record<CoverageEntry['status'], number>;
    /** Nothing failed, something was judged, and every selected account had a region scanned (see src/model/coverage.ts). */
    complete: boolean;
    /** ok / (ok + access-denied + error) in percent, one decimal; null when nothing was attempted. */
    percent?: number | null;
    /** No account x region was judged. */
    empty?: boolean;
    /** Selected accounts in which no region was scanned and none failed (every region skipped, or none listed). */
    accountsWithoutScannedRegion?: AccountId[];
  };
  accounts: {
    accountId: AccountId;
    name: string;
    ouPath: string[];
    /** How much of the account was scanned: complete (every region ok or skipped), partial, none. */
    scanned?: 'complete' | 'partial' | 'none';
    /** The account's owner (see Finding.owner). */
    owner?: string;
  }[];
  findings: Finding[];
  comparison?: Comparison;
  /** How this document was judged (present on documents written by amigov evaluate/scan). */
  evaluation?: EvaluationInfo;
  /** How remediation commands authenticate; remediation.sh follows it. */
  remediation?: RemediationAuth;
  /** The run's exit code and every condition behind it (written by amigov scan and demo). */
  outcome?: RunOutcome;
  /** History over the earlier runs of the history folder: SLA, overdue counts, trend (--history). */
  history?: HistoryInfo;
  /** The waivers applied (config/waivers.json): waived findings, expired and stale waivers. */
  waivers?: WaiverInfo;
}

/** One run of the trend (the last 12 runs, this one last). */
export interface TrendPoint {
  runId: string;
  /** The run's date (its --as-of). */
  date: string;
  /** Open findings (waived ones not counted), per severity and per rule. */
  open: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  /**
   * Against the run before it in the history: first seen (waived ones not counted, as in `open`), re-checked and
   * gone, and carried forward unchecked.
   */
  new: number;
  resolved: number;
  notRechecked: number;
  waived: number;
  /** Of the waived ones, those first seen in this run (absent in documents of earlier versions). */
  newWaived?: number;
}

export interface HistoryInfo {
  /** The history folder read, and its index file. */
  dir: string;
  indexFile: string;
  /** Earlier scan runs read from it. */
  runsRead: number;
  firstRunId?: string;
  firstRunDate?: string;
  /** policy_config.remediation_sla_days as applied. */
  slaDays: Partial<Record<Severity, number>>;
  /** Open findings past their SLA deadline. */
  overdue: { total: number; bySeverity: Record<Severity, number> };
  /** Findings of earlier runs this run re-checked and found gone (resolvedAt = this run's date). */
  resolved: number;
  /** The last 12 runs, oldest first, this one last. */
  trend: TrendPoint[];
}

export interface WaiverInfo {
  /** The waivers file applied. */
  file: string;
  asOf: string;
  /** Findings matched by an active waiver: not in `findings`, not counted by --fail-on, no commands in remediation.sh. */
  waived: Finding[];
  /** Every waiver with what it matched this run. */
  entries: WaiverEntry[];
  counts: { waived: number; expired: number; stale: number; expiredFindings: number };
}

export interface WaiverEntry {
  id: string;
  status: 'active' | 'expiring' | 'expired';
  expiryDate: string;
  /** Days until expiry (0 = last day is today; negative = expired). */
  daysLeft: number;
  /** Findings it matched in this run. */
  matched: number;
  /**
   * It matched nothing this run. Not set when it matches a finding this run did not re-check (the finding may
   * still be there).
   */
  stale: boolean;
  reason: string;
  ticket: string;
  approvedBy: string;
}

export interface RunOutcome {
  exitCode: number;
  /** One line for a CI log: the exit code, why, and what else holds, e.g. "exit 3 (partial scan); also 4 findings at or above high (--fail-on high would exit 1)". */
  summary: string;
  /** Every condition that holds, strongest first (src/pipeline/exit-codes.ts); the first sets the exit code. */
  conditions: { kind: 'interrupted' | 'empty' | 'partial' | 'findings'; exitCode: number; message: string }[];
}

export interface EvaluationInfo {
  /** ISO 8601 time the rules ran. */
  evaluatedAt: string;
  /** 'scan' when produced by amigov scan, 'evaluate' when re-judged from a saved inventory. */
  source: 'scan' | 'evaluate';
  inventoryPath?: string;
  /** The as-of date and config path the inventory itself was scanned with. */
  scanAsOf: string;
  scanConfigPath: string;
  rulesRun: string[];
  /**
   * Rules left out because the inventory lacks data they read (a targeted scan, `scan --rules`, did not
   * collect it): never judged as "nothing found". Absent when none were left out.
   */
  rulesNotCollected?: { ruleId: string; missing: string[] }[];
  severityThreshold?: Severity | null;
  severityOverrides?: Record<string, Severity>;
  deep: boolean;
  /** Rules that threw (their findings are missing; an `error` finding stands for each). */
  ruleErrors: { ruleId: string; message: string }[];
  /**
   * With a severityThreshold: ids of the findings the rules produced that the threshold dropped, so the
   * weekly comparison tells "still there, below the threshold" (not re-checked) from "gone" (resolved).
   */
  belowThresholdIds?: string[];
  /**
   * Set by `amigov evaluate` and `amigov report`, which write a new folder: the run folder whose files
   * this document was derived from. `--compare latest` never picks such a folder.
   */
  derivedFrom?: DerivedFrom;
}

export interface DerivedFrom {
  /** The command that wrote this folder. */
  command: 'evaluate' | 'report';
  /** Run id of the scan the data comes from. */
  runId: string;
  /** Absolute path of the folder it read (the inventory's folder for evaluate, --run for report). */
  runDir: string;
}

export interface RemediationAuth {
  /** 'profile': commands carry --profile from profileTemplate; 'environment': they rely on the environment (remediation.sh assumes roleName per account). */
  mode: 'profile' | 'environment';
  profileTemplate?: string;
  roleName: string;
  rolePath?: string;
}

/** The launch paths the blast radius counts. */
export const LAUNCH_PATH_KINDS = ['instance', 'launch-template', 'auto-scaling-group', 'ec2-fleet', 'spot-fleet'] as const;
export type LaunchPathKind = (typeof LAUNCH_PATH_KINDS)[number];

/**
 * What breaks, by layer: `declarativePolicy` resources the declarative policy (Allowed AMIs) would refuse,
 * `scp` those the SCP would refuse (a superset: the SCP also stops AMIs the account owns itself),
 * `unavailable` those whose AMI is gone whatever the policies, `cannotVerify` those amigov could not judge.
 */
export interface LayerCounts {
  declarativePolicy: number;
  scp: number;
  unavailable: number;
  cannotVerify: number;
}

export interface BlastResource {
  kind: LaunchPathKind;
  accountId: AccountId;
  region: Region;
  resourceId: string;
}

export interface BlastRadius {
  byPath: Record<LaunchPathKind, LayerCounts>;
  byAccount: Record<AccountId, LayerCounts>;
  /** One root cause per refused or gone image, with every path that uses it (most paths first). */
  images: {
    region: Region;
    imageId: string;
    imageName?: string;
    imageOwnerId?: AccountId;
    /** unapproved, expired-exception, criteria (an Allowed AMIs image criterion is not met) or unavailable */
    reason: string;
    /**
     * The layers that refuse it (absent for an unavailable image): declarative-policy when only an Allowed AMIs image
     * criterion refuses it (the owner-based SCP lets it through), scp, or both (both layers, possibly on different paths).
     */
    blockedBy?: 'declarative-policy' | 'scp' | 'both';
    /** Every launch path that uses it; [] when only references (below) name it. */
    paths: BlastResource[];
    /**
     * Resources amigov does not read itself that name this image (SSM parameters, Image Builder recipes), as
     * ec2:DescribeImageReferences reported them in the inventory (imageReferences). Absent when there are none.
     */
    references?: { accountId: AccountId; region: Region; resourceType: string; arn: string; note: string }[];
  }[];
  /**
   * Per OU (and the root): what breaks if the policy were attached there today. Safe nodes first
   * (nothing breaks by that layer, nothing unjudged, every account fully scanned), then the tree order.
   */
  rollout: {
    id: string;
    name: string;
    /** OU names from the root down. */
    path: string[];
    accounts: number;
    /** Accounts under it that were not scanned completely: their breakage is unknown. */
    accountsNotFullyScanned: number;
    counts: LayerCounts;
    /** Resources the SCP would refuse, by path. */
    byPath: Record<LaunchPathKind, number>;
    safeForDeclarativePolicy: boolean;
    safeForScp: boolean;
  }[];
  /** What flips from allowed to refused on each exception expiry within the horizon. */
  timeline: {
    horizonDays: number;
    from: string;
    until: string;
    events: {
      /** The first day the exception no longer holds (the day after its expiry date). */
      date: string;
      cause: 'exception-expiry';
      exceptionAccountId: AccountId;
      ticket: string;
      expiryDate: string;
      counts: LayerCounts;
      resources: BlastResource[];
    }[];
  };
}
