/**
 * findings.asff.json: the findings in the AWS Security Finding Format, in BatchImportFindings requests of at
 * most 100 findings, one account x region per batch, with the `aws securityhub batch-import-findings` command
 * of each. amigov itself never calls Security Hub: a person or pipeline runs the commands.
 *
 * AWS (BatchImportFindings): Findings is "A list of findings to import. To successfully import a finding, it
 * must follow the AWS Security Finding Format. Maximum of 100 findings per request." It "must be called by ...
 * The AWS account that is associated with a finding if you are using the default product ARN ... the identifier
 * of the account that you are calling BatchImportFindings from needs to be the same as the AwsAccountId
 * attribute for the finding." Hence one batch per account, run with that account's credentials, and the default
 * product ARN arn:<partition>:securityhub:<region>:<account>:product/<account>/default.
 *
 * Required top-level attributes (Security Hub User Guide, "Required top-level ASFF attributes"): AwsAccountId,
 * CreatedAt, Description, GeneratorId, Id, ProductArn, Resources, SchemaVersion, Severity, Title, Types,
 * UpdatedAt. Lengths as the ASFF reference limits them (Title 256, Description 1024, Recommendation.Text 512).
 */
import { basename } from 'node:path';
import type { Finding, FindingsDocument, Severity } from '../model/findings.js';
import { writeJsonStreamAtomic } from '../util/json-stream.js';
import { isValidId } from '../remediation/ids.js';
import { profileFor } from '../remediation/commands.js';
import { renderArgv, raw } from '../remediation/shell.js';
import { RUN_FILES } from '../model/run-files.js';
import { accountNames } from './rows.js';
import { firstSeenMs } from './first-seen.js';
import type { ReportMeta } from './meta.js';

export const ASFF_SCHEMA_VERSION = '2018-10-08';
/** BatchImportFindings: "Maximum of 100 findings per request." */
export const ASFF_BATCH_SIZE = 100;

const LABEL: Record<Severity, string> = { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFORMATIONAL' };

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export interface AsffBatch {
  accountId: string;
  region: string;
  /** The shell command that imports this batch (run with credentials of accountId). */
  command: string;
  /** The BatchImportFindings request; `Findings` is built anew on each read (asffFile: never all batches at once). */
  request: { Findings: Record<string, unknown>[] };
}

export interface AsffFile {
  schemaVersion: 1;
  kind: 'amigov.asff';
  runId: string;
  note: string;
  findings: number;
  batches: AsffBatch[];
}

function resource(f: Finding, partition: string, region: string): Record<string, unknown> {
  const base = { Partition: partition, Region: region };
  switch (f.resourceType) {
    case 'instance':
      return { Type: 'AwsEc2Instance', Id: `arn:${partition}:ec2:${region}:${f.accountId}:instance/${f.resourceId}`, ...base };
    case 'launch-template':
      return { Type: 'AwsEc2LaunchTemplate', Id: `arn:${partition}:ec2:${region}:${f.accountId}:launch-template/${f.resourceId}`, ...base };
    case 'image':
      return { Type: 'Other', Id: `arn:${partition}:ec2:${region}::image/${f.resourceId}`, ...base };
    case 'account-region':
      return { Type: 'AwsAccount', Id: `AWS::::Account:${f.accountId}`, ...base };
    default:
      return { Type: 'Other', Id: cut(f.resourceId || f.ruleId, 512), ...base };
  }
}

/** The ASFF finding of one amigov finding; `resolved`: a finding of the previous run this run found fixed. */
function asffFinding(doc: FindingsDocument, f: Finding, region: string, partition: string, names: Map<string, string>, resolved: boolean): Record<string, unknown> {
  const at = new Date(Date.parse(doc.run.finishedAt)).toISOString();
  // "CreatedAt: Indicates when the security findings provider created the potential security issue that a finding
  // captured." "FirstObservedAt: Indicates when the security findings provider first observed the potential
  // security issue that a finding captured." (AwsSecurityFinding): the first run that saw it, from the history.
  const first = new Date(firstSeenMs(doc, f)).toISOString();
  const fields: Record<string, string> = {
    'amigov/RuleId': f.ruleId,
    'amigov/FindingId': f.id,
    'amigov/Status': f.status,
    'amigov/RunId': doc.run.runId,
  };
  const name = f.accountName ?? names.get(f.accountId);
  if (name) fields['amigov/AccountName'] = cut(name, 2048);
  if (f.owner !== undefined) fields['amigov/Owner'] = cut(f.owner, 2048);
  if (f.ouPath?.length) fields['amigov/OUPath'] = cut(f.ouPath.join(' / '), 2048);
  if (f.imageId) fields['amigov/ImageId'] = f.imageId;
  if (f.imageOwnerId) fields['amigov/ImageOwnerId'] = f.imageOwnerId;
  if (f.blockedBy) fields['amigov/BlockedBy'] = f.blockedBy;
  if (f.change) fields['amigov/Change'] = f.change;
  const fix = f.commands.find((c) => c.kind === 'fix') ?? f.commands[0];
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    // Stable across runs (the finding id is), so a later import updates the same Security Hub finding.
    Id: `amigov/${f.accountId}/${region}/${f.id}`,
    ProductArn: `arn:${partition}:securityhub:${region}:${f.accountId}:product/${f.accountId}/default`,
    GeneratorId: `amigov/${f.ruleId}`,
    AwsAccountId: f.accountId,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    FirstObservedAt: first,
    // "LastObservedAt: Indicates when the security findings provider most recently observed a change in the
    // resource that is involved in the finding." A resolved finding was last seen by the previous run: left out.
    ...(resolved ? {} : { LastObservedAt: at }),
    CreatedAt: first,
    UpdatedAt: at,
    Severity: { Label: resolved ? 'INFORMATIONAL' : LABEL[f.severity], Original: f.severity },
    Title: cut(f.title, 256),
    Description: cut(f.message || f.title, 1024),
    Resources: [resource(f, partition, region)],
    Compliance: { Status: resolved ? 'PASSED' : f.status === 'fail' ? 'FAILED' : f.status === 'cannot-verify' ? 'WARNING' : 'NOT_AVAILABLE' },
    RecordState: resolved ? 'ARCHIVED' : 'ACTIVE',
    ProductFields: fields,
    ...(fix ? { Remediation: { Recommendation: { Text: cut(`${fix.title}: ${fix.command}`, 512) } } } : {}),
  };
}

/** Every finding in batches of at most 100, one account x region per batch (the account must import its own). */
export function asffFile(doc: FindingsDocument, asffPath: string = RUN_FILES.asff): AsffFile {
  const names = accountNames(doc);
  const partition = doc.run.caller?.arn.split(':')[1] || 'aws';
  const fallbackRegion = doc.run.homeRegion && isValidId('region', doc.run.homeRegion) ? doc.run.homeRegion : 'us-east-1';
  // Each group holds the findings themselves; a batch builds its ASFF findings only when it is read (a getter: once
  // per batch while the file is streamed), so the 1,000-account export never holds every ASFF object at once.
  const groups = new Map<string, { accountId: string; region: string; findings: { f: Finding; resolved: boolean }[] }>();
  const add = (f: Finding, resolved: boolean) => {
    if (!isValidId('account id', f.accountId)) return;
    // Security Hub is regional: a finding goes to the Security Hub of its region (global ones to the home region).
    const region = isValidId('region', f.region) ? f.region : fallbackRegion;
    const key = `${f.accountId}|${region}`;
    const g = groups.get(key) ?? groups.set(key, { accountId: f.accountId, region, findings: [] }).get(key)!;
    g.findings.push({ f, resolved });
  };
  for (const f of doc.findings) add(f, false);
  for (const f of doc.comparison?.resolved ?? []) add(f, true);
  const batches: AsffBatch[] = [];
  let total = 0;
  for (const g of [...groups.values()].sort((a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region))) {
    total += g.findings.length;
    for (let i = 0; i < g.findings.length; i += ASFF_BATCH_SIZE) {
      const index = batches.length;
      const profile = doc.remediation?.mode === 'profile' && doc.remediation.profileTemplate ? profileFor(doc.remediation.profileTemplate, g.accountId, names.get(g.accountId)) : undefined;
      const argv = [
        'aws', 'securityhub', 'batch-import-findings', '--region', g.region,
        ...(profile !== undefined ? ['--profile', profile] : []),
        '--cli-input-json', raw(`"$(jq -c '.batches[${index}].request' ${renderArgv([asffPath])})"`),
      ];
      const slice = g.findings.slice(i, i + ASFF_BATCH_SIZE);
      const request = {
        get Findings(): Record<string, unknown>[] {
          return slice.map(({ f, resolved }) => asffFinding(doc, f, g.region, partition, names, resolved));
        },
      };
      batches.push({ accountId: g.accountId, region: g.region, command: renderArgv(argv), request });
    }
  }
  return {
    schemaVersion: 1,
    kind: 'amigov.asff',
    runId: doc.run.runId,
    note:
      'AWS Security Finding Format, ready for aws securityhub batch-import-findings (amigov never imports them itself). ' +
      "Each batch is one BatchImportFindings request (at most 100 findings) of one account and region: run its command with that account's credentials (the default product ARN must be the caller's own account).",
    findings: total,
    batches,
  };
}

export async function writeAsff(doc: FindingsDocument, _meta: ReportMeta, target: string): Promise<void> {
  // The commands in the file name it by its own name: run them from the run folder.
  // Streamed (the bytes of JSON.stringify(file, null, 2) + "\n"): the file's text is never one string in memory.
  writeJsonStreamAtomic(target, asffFile(doc, RUN_FILES.asff));
}

/**
 * What `amigov scan` and `amigov report` print after the list of files when they wrote findings.asff.json
 * (`written`: the paths written; `show`: how a path is printed), else ''.
 */
export function asffImportNote(doc: FindingsDocument, written: readonly string[], show: (path: string) => string = (p) => p): string {
  const asff = written.find((p) => basename(p) === RUN_FILES.asff);
  return asff ? '\n' + formatAsffImport(doc, show(asff)) : '';
}

/** What a run prints about findings.asff.json: that nothing was imported, and the first commands to import it. */
export function formatAsffImport(doc: FindingsDocument, asffPath: string, shown = 5): string {
  const file = asffFile(doc, asffPath);
  if (file.batches.length === 0) return `Security Hub: no findings to import (${asffPath} has no batch).\n`;
  const lines = [
    `Security Hub (not imported: amigov never writes to Security Hub): ${file.findings} findings in ${file.batches.length} batch${file.batches.length === 1 ? '' : 'es'} of at most ${ASFF_BATCH_SIZE}, one per account x region.`,
    "  Import each batch with its account's credentials (needs jq):",
    ...file.batches.slice(0, shown).map((b) => `  ${b.command}    # account ${b.accountId}`),
  ];
  if (file.batches.length > shown) lines.push(`  ... and ${file.batches.length - shown} more: every batch's command is in ${asffPath} (batches[].command)`);
  return lines.join('\n') + '\n';
}
