/**
 * findings.ocsf.json: the findings as OCSF Compliance Finding events (class_uid 2003, category Findings 2), a
 * JSON array that SIEMs and Security Hub's OCSF ingestion take as is.
 *
 * OCSF (ocsf-schema, events/findings/compliance_finding.json): "Compliance Finding events describe results of
 * evaluations performed against resources, to check compliance with various Industry Frameworks or Security
 * Standards"; it extends Finding, which requires finding_info, and adds `compliance` (required). The base event
 * requires activity_id, category_uid, class_uid, type_uid, severity_id, time and metadata; metadata requires
 * product and version (the OCSF schema version); compliance requires standards; finding_info requires uid.
 *
 * Lifecycle: a current finding is activity Create (new, or no comparison) or Update (persisting); a finding of
 * the previous run that this run resolved is activity Close with status Resolved and compliance Pass. Findings
 * not re-checked are left out: this run says nothing new about them.
 */
import type { Finding, FindingsDocument, Severity } from '../model/findings.js';
import { writeChunksAtomic } from '../util/json-stream.js';
import { accountNames } from './rows.js';
import { firstSeenMs } from './first-seen.js';
import type { ReportMeta } from './meta.js';

/** The OCSF schema version these events follow (metadata.version). */
export const OCSF_VERSION = '1.1.0';

const CLASS_UID = 2003;
const CATEGORY_UID = 2;

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
const SEVERITY: Record<Severity, { id: number; name: string }> = {
  info: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

const ACTIVITY = { create: { id: 1, name: 'Create' }, update: { id: 2, name: 'Update' }, close: { id: 3, name: 'Close' } } as const;

/** Finding status_id: 1 New, 2 In Progress, 4 Resolved. */
const STATUS = { new: { id: 1, name: 'New' }, inProgress: { id: 2, name: 'In Progress' }, resolved: { id: 4, name: 'Resolved' } } as const;

/** Compliance status_id: 1 Pass, 2 Warning ("did not yield a result due to missing information"), 3 Fail. */
function complianceStatus(f: Finding, resolved: boolean): { id: number; name: string } {
  if (resolved) return { id: 1, name: 'Pass' };
  return f.status === 'fail' ? { id: 3, name: 'Fail' } : { id: 2, name: 'Warning' };
}

const RESOURCE_TYPE: Record<Finding['resourceType'], string> = {
  instance: 'AWS::EC2::Instance',
  image: 'AWS::EC2::Image',
  'launch-template': 'AWS::EC2::LaunchTemplate',
  'account-region': 'AWS::::Account',
  'auto-scaling-group': 'AWS::AutoScaling::AutoScalingGroup',
  'ec2-fleet': 'AWS::EC2::EC2Fleet',
  'spot-fleet': 'AWS::EC2::SpotFleet',
  rule: 'amigov rule',
};

export type OcsfEvent = Record<string, unknown>;

export function ocsfEvents(doc: FindingsDocument, meta: Pick<ReportMeta, 'toolVersion'>): OcsfEvent[] {
  return [...ocsfEventStream(doc, meta)];
}

/** The events of ocsfEvents one at a time (findings.ocsf.json is written without all of them in memory). */
function* ocsfEventStream(doc: FindingsDocument, meta: Pick<ReportMeta, 'toolVersion'>): Generator<OcsfEvent> {
  const names = accountNames(doc);
  const owners = new Map(doc.accounts.map((a) => [a.accountId, a]));
  const time = Date.parse(doc.run.finishedAt);
  const partition = doc.run.caller?.arn.split(':')[1] || 'aws';
  const event = (f: Finding, activity: (typeof ACTIVITY)[keyof typeof ACTIVITY], status: (typeof STATUS)[keyof typeof STATUS], resolved: boolean): OcsfEvent => {
    const sev = SEVERITY[f.severity];
    const cs = complianceStatus(f, resolved);
    const account = owners.get(f.accountId);
    const ouPath = f.ouPath ?? account?.ouPath ?? [];
    const fix = f.commands.find((c) => c.kind === 'fix');
    return {
      activity_id: activity.id,
      activity_name: activity.name,
      category_uid: CATEGORY_UID,
      category_name: 'Findings',
      class_uid: CLASS_UID,
      class_name: 'Compliance Finding',
      type_uid: CLASS_UID * 100 + activity.id,
      type_name: `Compliance Finding: ${activity.name}`,
      severity_id: sev.id,
      severity: sev.name,
      time,
      status_id: status.id,
      status: status.name,
      message: f.message,
      metadata: {
        version: OCSF_VERSION,
        product: { name: 'amigov', vendor_name: 'amigov', version: meta.toolVersion, uid: 'amigov' },
        uid: `${doc.run.runId}/${f.id}`,
        profiles: ['cloud'],
      },
      cloud: {
        provider: 'AWS',
        ...(f.region ? { region: f.region } : {}),
        account: { uid: f.accountId, type: 'AWS Account', type_id: 10, ...(names.get(f.accountId) ? { name: names.get(f.accountId) } : {}) },
        ...(doc.run.organization ? { org: { uid: doc.run.organization.id, ...(ouPath.length ? { ou_name: ouPath.join('/') } : {}) } } : {}),
      },
      finding_info: {
        uid: f.id,
        title: f.title,
        desc: f.message,
        types: [f.ruleId],
        // finding_info: "first_seen_time: The time when the finding was first observed." (the history's first run);
        // "last_seen_time: The time when the finding was most recently observed." (this run, unless resolved).
        first_seen_time: firstSeenMs(doc, f),
        ...(resolved ? {} : { last_seen_time: time }),
        analytic: { uid: f.ruleId, name: f.ruleId, type: 'Rule', type_id: 1 },
      },
      compliance: {
        standards: ['amigov AMI governance'],
        control: f.ruleId,
        status_id: cs.id,
        status: cs.name,
        status_detail: f.message,
      },
      resources: [
        {
          uid: f.resourceId,
          type: RESOURCE_TYPE[f.resourceType],
          cloud_partition: partition,
          ...(f.region ? { region: f.region } : {}),
          ...(f.owner !== undefined ? { owner: { name: f.owner } } : {}),
          ...(f.tags && Object.keys(f.tags).length ? { labels: Object.entries(f.tags).map(([k, v]) => `${k}=${v}`) } : {}),
        },
      ],
      ...(fix ? { remediation: { desc: `${fix.title}: ${fix.command}` } } : {}),
      unmapped: {
        amigov: {
          rule_id: f.ruleId,
          status: f.status,
          ...(f.change ? { change: f.change } : {}),
          ...(f.owner !== undefined ? { owner: f.owner, owner_tags: f.ownerTags ?? {} } : {}),
          ou_path: ouPath,
          ...(f.imageId ? { image_id: f.imageId } : {}),
          ...(f.imageOwnerId ? { image_owner_id: f.imageOwnerId } : {}),
          ...(f.blockedBy ? { blocked_by: f.blockedBy } : {}),
        },
      },
    };
  };
  for (const f of doc.findings) {
    const persisting = doc.comparison && f.change === 'persisting';
    yield persisting ? event(f, ACTIVITY.update, STATUS.inProgress, false) : event(f, ACTIVITY.create, STATUS.new, false);
  }
  for (const f of doc.comparison?.resolved ?? []) yield event(f, ACTIVITY.close, STATUS.resolved, true);
}

/**
 * `JSON.stringify(events, null, 2) + "\n"` in pieces, one event at a time (issue #18 item 5: at 1,000 accounts the
 * events and their text were hundreds of MB at once). Exact: JSON.stringify escapes every line break inside a
 * string, so each raw "\n" of an event's text is structure and takes the array's indentation.
 */
function* eventArrayChunks(events: Iterable<OcsfEvent>, count: number): Generator<string> {
  if (count === 0) {
    yield '[]\n';
    return;
  }
  yield '[';
  let i = 0;
  for (const e of events) {
    yield `${i++ === 0 ? '' : ','}\n  ${JSON.stringify(e, null, 2).replace(/\n/g, '\n  ')}`;
  }
  if (i !== count) throw new Error(`findings.ocsf.json: ${i} events written, ${count} expected`);
  yield '\n]\n';
}

export async function writeOcsf(doc: FindingsDocument, meta: ReportMeta, target: string): Promise<void> {
  const count = doc.findings.length + (doc.comparison?.resolved.length ?? 0);
  writeChunksAtomic(target, eventArrayChunks(ocsfEventStream(doc, meta), count));
}
