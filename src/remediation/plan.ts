/**
 * The remediation plan `amigov remediate` applies: a run's findings -> the changes amigov can make through the
 * SDK, each with its account, region, resource, the AWS CLI command it is equivalent to, and the change that
 * undoes it. Pure (no AWS, no files). Only changes that are exactly reversible are planned:
 *  - public-ami, public: remove launch permission group "all" (make the AMI private); undo: add it back;
 *  - public-ami, shared outside the organization: remove those grantees; undo: add them back;
 *  - image-block-public-access-off: enable block-new-sharing; undo: disable it.
 * Every other finding stays with remediation.sh and the reports (they need a person: replacing an AMI, a
 * launch template version, an exception request).
 */
import type { Finding, FindingsDocument } from '../model/findings.js';
import { UserError } from '../errors.js';
import * as id from './ids.js';
import { awsCommand, type CommandEnv, type Target } from './commands.js';
import { raw } from './shell.js';

/** What one change does, in API terms (ModifyImageAttribute, Enable/DisableImageBlockPublicAccess). */
export type ChangeAction =
  | { op: 'remove-public-launch-permission'; imageId: string }
  | { op: 'add-public-launch-permission'; imageId: string }
  | { op: 'remove-launch-permissions'; imageId: string; grantees: string[] }
  | { op: 'add-launch-permissions'; imageId: string; grantees: string[] }
  | { op: 'enable-image-block-public-access' }
  | { op: 'disable-image-block-public-access' };

export interface PlannedChange {
  /** The finding it fixes (or, for an undo, the change it reverses: "<id>:undo"). */
  id: string;
  findingId: string;
  ruleId: string;
  accountId: string;
  accountName?: string;
  region: string;
  /** The AMI id, or "account settings" for a region-wide setting. */
  resource: string;
  title: string;
  action: ChangeAction;
  /** The reverse change. */
  undo: ChangeAction;
}

/** The remediation rules and what `--rules` may name. */
export const REMEDIABLE_RULES = ['public-ami', 'image-block-public-access-off'] as const;

export interface PlanScope {
  rules?: string[];
  accounts?: string[];
  regions?: string[];
  findingIds?: string[];
}

export interface PlanResult {
  changes: PlannedChange[];
  /** Findings in scope that amigov remediate does not change, with why (they stay with remediation.sh). */
  notApplied: { finding: Finding; reason: string }[];
}

const reverse = (a: ChangeAction): ChangeAction => {
  switch (a.op) {
    case 'remove-public-launch-permission':
      return { op: 'add-public-launch-permission', imageId: a.imageId };
    case 'add-public-launch-permission':
      return { op: 'remove-public-launch-permission', imageId: a.imageId };
    case 'remove-launch-permissions':
      return { op: 'add-launch-permissions', imageId: a.imageId, grantees: a.grantees };
    case 'add-launch-permissions':
      return { op: 'remove-launch-permissions', imageId: a.imageId, grantees: a.grantees };
    case 'enable-image-block-public-access':
      return { op: 'disable-image-block-public-access' };
    case 'disable-image-block-public-access':
      return { op: 'enable-image-block-public-access' };
  }
};
export { reverse as reverseAction };

const ORG_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;

/** A launch permission grantee as the API names it. */
export function granteeOf(g: string): { UserId: string } | { OrganizationArn: string } | { OrganizationalUnitArn: string } {
  if (id.isValidId('account id', g)) return { UserId: g };
  if (ORG_ARN.test(g)) return { OrganizationArn: g };
  if (OU_ARN.test(g)) return { OrganizationalUnitArn: g };
  throw new id.InvalidIdentifierError('launch permission grantee', g);
}

/** The AWS CLI command a change is equivalent to (ids validated, values quoted, as remediation.sh writes them). */
export function commandOf(env: CommandEnv, t: Target, a: ChangeAction): string {
  const spec = { title: '', kind: 'fix' as const };
  const lp = (v: string) => awsCommand(env, t, 'ec2', 'modify-image-attribute', ['--image-id', id.imageId((a as { imageId: string }).imageId), '--launch-permission', raw(v)], spec).command;
  switch (a.op) {
    case 'remove-public-launch-permission':
      return lp('"Remove=[{Group=all}]"');
    case 'add-public-launch-permission':
      return lp('"Add=[{Group=all}]"');
    case 'remove-launch-permissions':
    case 'add-launch-permissions': {
      const body = JSON.stringify({ [a.op === 'add-launch-permissions' ? 'Add' : 'Remove']: a.grantees.map(granteeOf) });
      return awsCommand(env, t, 'ec2', 'modify-image-attribute', ['--image-id', id.imageId(a.imageId), '--launch-permission', body], spec).command;
    }
    case 'enable-image-block-public-access':
      return awsCommand(env, t, 'ec2', 'enable-image-block-public-access', ['--image-block-public-access-state', 'block-new-sharing'], spec).command;
    case 'disable-image-block-public-access':
      return awsCommand(env, t, 'ec2', 'disable-image-block-public-access', [], spec).command;
  }
}

/** What a change does, one line. */
export function describeAction(a: ChangeAction): string {
  switch (a.op) {
    case 'remove-public-launch-permission':
      return `make ${a.imageId} private (remove launch permission group all)`;
    case 'add-public-launch-permission':
      return `make ${a.imageId} public again (add launch permission group all)`;
    case 'remove-launch-permissions':
      return `stop sharing ${a.imageId} with ${a.grantees.join(', ')}`;
    case 'add-launch-permissions':
      return `share ${a.imageId} again with ${a.grantees.join(', ')}`;
    case 'enable-image-block-public-access':
      return 'enable image block public access (block-new-sharing)';
    case 'disable-image-block-public-access':
      return 'disable image block public access (unblocked)';
  }
}

const list = (v: unknown): string[] => (typeof v === 'string' && v !== '' ? v.split(',') : []);

/** The changes for one finding (none when amigov remediate does not fix it, with why). */
function changesFor(f: Finding): PlannedChange[] | string {
  if (f.status !== 'fail') return `${f.status} findings are not changed (nothing certain to fix)`;
  const base = { findingId: f.id, ruleId: f.ruleId, accountId: f.accountId, ...(f.accountName ? { accountName: f.accountName } : {}), region: f.region };
  if (f.ruleId === 'public-ami') {
    const imageId = f.resourceId;
    const out: PlannedChange[] = [];
    if (f.details?.['public'] === true) {
      const action: ChangeAction = { op: 'remove-public-launch-permission', imageId };
      out.push({ ...base, id: f.id, resource: imageId, title: describeAction(action), action, undo: reverse(action) });
    }
    const grantees = list(f.details?.['sharedOutside']);
    if (grantees.length) {
      const action: ChangeAction = { op: 'remove-launch-permissions', imageId, grantees };
      out.push({ ...base, id: out.length ? `${f.id}:shared` : f.id, resource: imageId, title: describeAction(action), action, undo: reverse(action) });
    }
    return out.length ? out : 'nothing to change';
  }
  if (f.ruleId === 'image-block-public-access-off') {
    if (f.details?.['managedBy'] === 'declarative-policy') return 'managed by a declarative policy here: change the organization policy instead';
    const action: ChangeAction = { op: 'enable-image-block-public-access' };
    return [{ ...base, id: f.id, resource: 'account settings', title: describeAction(action), action, undo: reverse(action) }];
  }
  return 'amigov remediate does not change this (see remediation.sh and the report)';
}

/** The plan for a run's findings within the scope. A --finding id that is not in the run is a usage error. */
export function buildPlan(doc: FindingsDocument, scope: PlanScope): PlanResult {
  const ids = scope.findingIds ? new Set(scope.findingIds) : undefined;
  if (ids) {
    const known = new Set(doc.findings.map((f) => f.id));
    const missing = [...ids].filter((i) => !known.has(i));
    if (missing.length) throw new UserError(`--finding: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not a finding of this run`, { hint: 'Finding ids are in findings.json, findings.csv and the HTML report (16 hex digits).' });
  }
  const rules = new Set(scope.rules ?? REMEDIABLE_RULES);
  const inScope = doc.findings.filter(
    (f) =>
      rules.has(f.ruleId) &&
      (!scope.accounts || scope.accounts.includes(f.accountId)) &&
      (!scope.regions || scope.regions.includes(f.region)) &&
      (!ids || ids.has(f.id)),
  );
  const changes: PlannedChange[] = [];
  const notApplied: PlanResult['notApplied'] = [];
  for (const f of inScope) {
    const r = changesFor(f);
    if (typeof r === 'string') notApplied.push({ finding: f, reason: r });
    else changes.push(...r);
  }
  return { changes, notApplied };
}
