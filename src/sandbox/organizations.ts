/**
 * Organizations over JSON 1.1: the organization, its roots, OUs and accounts, with NextToken pagination and
 * AWS's page-size limit (MaxResults 1..20). Everything but DescribeOrganization answers only the management
 * account; an account outside the organization gets AWSOrganizationsNotInUseException.
 */
import type { Principal } from './auth.js';
import { ApiError } from './errors.js';
import type { FixtureAccount, FixturePolicy } from './fixture-types.js';
import type { SandboxState } from './state.js';

export interface OrganizationsContext {
  state: SandboxState;
  principal: Principal;
}

type Json = Record<string, unknown>;
export type OrganizationsHandler = (ctx: OrganizationsContext, input: Json) => Json;

const PAGE_MAX = 20;

function invalidInput(message: string, reason: string): ApiError {
  return new ApiError('InvalidInputException', message, 400, { Reason: reason });
}

function requireMember(ctx: OrganizationsContext): void {
  if (!ctx.state.isMember(ctx.principal.accountId)) {
    throw new ApiError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400);
  }
}

function requireManagement(ctx: OrganizationsContext): void {
  requireMember(ctx);
  if (ctx.principal.accountId !== ctx.state.managementAccountId) {
    throw new ApiError('AccessDeniedException', "You don't have permissions to access this resource.", 400);
  }
}

function str(input: Json, name: string, required = true): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) {
    if (required) throw invalidInput(`You must specify a value for ${name}.`, 'INPUT_REQUIRED');
    return undefined;
  }
  if (typeof v !== 'string') throw new ApiError('SerializationException', `Expected a string for ${name}`, 400);
  return v;
}

function page<T>(all: T[], input: Json): { items: T[]; NextToken?: string } {
  const max = input.MaxResults;
  if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > PAGE_MAX)) {
    throw invalidInput(
      `MaxResults must be between 1 and ${PAGE_MAX}.`,
      typeof max === 'number' && max < 1 ? 'MIN_VALUE_EXCEEDED' : 'MAX_VALUE_EXCEEDED',
    );
  }
  let start = 0;
  const token = input.NextToken;
  if (token !== undefined && token !== null) {
    const m = typeof token === 'string' ? /^o(\d+)\.[0-9a-f]{8}$/.exec(token) : null;
    if (!m) throw invalidInput('The specified token is not valid.', 'INVALID_NEXT_TOKEN');
    start = Number(m[1]);
  }
  const end = Math.min(all.length, start + ((max as number | undefined) ?? PAGE_MAX));
  const items = all.slice(start, end);
  return end < all.length ? { items, NextToken: `o${end}.${(end * 2654435761 >>> 0).toString(16).padStart(8, '0').slice(-8)}` } : { items };
}

function accountJson(ctx: OrganizationsContext, a: FixtureAccount): Json {
  const s = ctx.state;
  const status = a.status ?? 'ACTIVE';
  return {
    Id: a.id,
    Arn: `arn:aws:organizations::${s.managementAccountId}:account/${s.organizationId}/${a.id}`,
    Email: a.email,
    Name: a.name,
    Status: status,
    State: status,
    JoinedMethod: a.id === s.managementAccountId ? 'CREATED' : 'INVITED',
    JoinedTimestamp: Date.parse(a.joinedTimestamp ?? '2024-03-01T12:00:00Z') / 1000,
  };
}

function ouJson(ctx: OrganizationsContext, id: string): Json {
  const ou = ctx.state.ous.get(id)!;
  return { Id: ou.id, Arn: ctx.state.ouArn(ou.id), Name: ou.name };
}

/** ListTagsForResource ResourceId: an account, OU, root or policy id (API reference, ResourceId pattern). */
const TAGGABLE_ID = /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}|p-[0-9a-z]{8,128})$/;

const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

function checkParent(ctx: OrganizationsContext, parentId: string): void {
  if (!PARENT_ID.test(parentId)) {
    throw invalidInput(`The parent id '${parentId}' is not a valid root or OU id.`, 'INVALID_PATTERN');
  }
  if (parentId !== ctx.state.rootId && !ctx.state.ous.has(parentId)) {
    throw new ApiError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.", 400);
  }
}

/**
 * ListPolicies' Filter, "Valid Values: SERVICE_CONTROL_POLICY | RESOURCE_CONTROL_POLICY | TAG_POLICY | BACKUP_POLICY |
 * AISERVICES_OPT_OUT_POLICY | CHATBOT_POLICY | DECLARATIVE_POLICY_EC2", "Required: Yes".
 */
const POLICY_TYPES = new Set(['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY', 'TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'CHATBOT_POLICY', 'DECLARATIVE_POLICY_EC2']);

/** DescribePolicy / ListTargetsForPolicy PolicyId: "Pattern: ^p-[0-9a-zA-Z_]{8,128}$". */
const POLICY_ID = /^p-[0-9a-zA-Z_]{8,128}$/;

function policySummary(ctx: OrganizationsContext, p: FixturePolicy): Json {
  const s = ctx.state;
  const type = p.type.toLowerCase();
  return {
    Id: p.id,
    // ARN formats (Service Authorization Reference): an AWS managed policy is arn:aws:organizations::aws:policy/<type>/<id>.
    Arn: p.awsManaged ? `arn:aws:organizations::aws:policy/${type}/${p.id}` : `arn:aws:organizations::${s.managementAccountId}:policy/${s.organizationId}/${type}/${p.id}`,
    Name: p.name,
    Description: p.description ?? '',
    Type: p.type,
    AwsManaged: p.awsManaged ?? false,
  };
}

/** "PolicyNotFoundException: We can't find a policy with the PolicyId that you specified." */
function findPolicy(ctx: OrganizationsContext, input: Json): FixturePolicy {
  const id = str(input, 'PolicyId')!;
  if (!POLICY_ID.test(id)) throw invalidInput(`The policy id '${id}' is not valid.`, 'INVALID_PATTERN');
  const p = (ctx.state.fixture.policies ?? []).find((x) => x.id === id);
  if (!p) throw new ApiError('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.", 400);
  return p;
}

function targetJson(ctx: OrganizationsContext, id: string): Json {
  const s = ctx.state;
  if (id === s.rootId) return { TargetId: id, Arn: `arn:aws:organizations::${s.managementAccountId}:root/${s.organizationId}/${id}`, Name: 'Root', Type: 'ROOT' };
  if (s.ous.has(id)) return { TargetId: id, Arn: s.ouArn(id), Name: s.ous.get(id)!.name, Type: 'ORGANIZATIONAL_UNIT' };
  const a = s.accounts.get(id);
  return { TargetId: id, Arn: `arn:aws:organizations::${s.managementAccountId}:account/${s.organizationId}/${id}`, Name: a?.name ?? id, Type: 'ACCOUNT' };
}

const accountsUnder = (ctx: OrganizationsContext, parentId: string) =>
  (ctx.state.childAccounts.get(parentId) ?? []).map((id) => ctx.state.accounts.get(id)!);

export const ORGANIZATIONS_ACTIONS: Record<string, OrganizationsHandler> = {
  DescribeOrganization: (ctx) => {
    requireMember(ctx);
    const s = ctx.state;
    const mgmt = s.accounts.get(s.managementAccountId);
    return {
      Organization: {
        Id: s.organizationId,
        Arn: s.orgArn,
        FeatureSet: s.fixture.organization.featureSet ?? 'ALL',
        MasterAccountArn: `arn:aws:organizations::${s.managementAccountId}:account/${s.organizationId}/${s.managementAccountId}`,
        MasterAccountId: s.managementAccountId,
        MasterAccountEmail: mgmt?.email ?? `aws-management@example.com`,
        AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    };
  },
  ListAccounts: (ctx, input) => {
    requireManagement(ctx);
    const { items, NextToken } = page(ctx.state.fixture.accounts, input);
    return { Accounts: items.map((a) => accountJson(ctx, a)), NextToken };
  },
  ListRoots: (ctx, input) => {
    requireManagement(ctx);
    const s = ctx.state;
    const { items, NextToken } = page([s.rootId], input);
    return {
      Roots: items.map((id) => ({
        Id: id,
        Arn: `arn:aws:organizations::${s.managementAccountId}:root/${s.organizationId}/${id}`,
        Name: 'Root',
        PolicyTypes: (s.fixture.organization.enabledPolicyTypes ?? ['SERVICE_CONTROL_POLICY', 'DECLARATIVE_POLICY_EC2']).map((Type) => ({ Type, Status: 'ENABLED' })),
      })),
      NextToken,
    };
  },
  ListChildren: (ctx, input) => {
    requireManagement(ctx);
    const parentId = str(input, 'ParentId')!;
    const childType = str(input, 'ChildType')!;
    if (childType !== 'ACCOUNT' && childType !== 'ORGANIZATIONAL_UNIT') {
      throw invalidInput(`ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT, got '${childType}'.`, 'INVALID_ENUM');
    }
    checkParent(ctx, parentId);
    const ids = (childType === 'ACCOUNT' ? ctx.state.childAccounts : ctx.state.childOus).get(parentId) ?? [];
    const { items, NextToken } = page(ids, input);
    return { Children: items.map((Id) => ({ Id, Type: childType })), NextToken };
  },
  ListAccountsForParent: (ctx, input) => {
    requireManagement(ctx);
    const parentId = str(input, 'ParentId')!;
    checkParent(ctx, parentId);
    const { items, NextToken } = page(accountsUnder(ctx, parentId), input);
    return { Accounts: items.map((a) => accountJson(ctx, a)), NextToken };
  },
  ListOrganizationalUnitsForParent: (ctx, input) => {
    requireManagement(ctx);
    const parentId = str(input, 'ParentId')!;
    checkParent(ctx, parentId);
    const { items, NextToken } = page(ctx.state.childOus.get(parentId) ?? [], input);
    return { OrganizationalUnits: items.map((id) => ouJson(ctx, id)), NextToken };
  },
  ListParents: (ctx, input) => {
    requireManagement(ctx);
    const childId = str(input, 'ChildId')!;
    const parentId = ctx.state.accounts.get(childId)?.parentId ?? ctx.state.ous.get(childId)?.parentId;
    if (!parentId) {
      throw new ApiError('ChildNotFoundException', "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.", 400);
    }
    const { items, NextToken } = page([parentId], input);
    return { Parents: items.map((Id) => ({ Id, Type: Id.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' })), NextToken };
  },
  /**
   * AWS: "Lists tags that are attached to the specified resource. You can attach tags to the following resources
   * in AWS Organizations: AWS account, Organization root, Organizational unit (OU), Policy (any type). This
   * operation can be called only from the organization's management account or by a member account that is a
   * delegated administrator." ResourceId: "AWS account – specify the account ID number", an OU id (ou-...), a
   * root id (r-...) or a policy id (p-...). The request has no MaxResults; the page size is not documented, so
   * the sandbox pages at 20 tags to exercise NextToken. An id that names nothing: TargetNotFoundException
   * ("We can't find a root, OU, account, or policy with the TargetId that you specified.").
   */
  ListTagsForResource: (ctx, input) => {
    requireManagement(ctx);
    const id = str(input, 'ResourceId')!;
    if (!TAGGABLE_ID.test(id)) throw invalidInput(`The resource id '${id}' is not a valid account, root, OU or policy id.`, 'INVALID_PATTERN');
    const s = ctx.state;
    const account = s.accounts.get(id);
    if (!account && id !== s.rootId && !s.ous.has(id) && !(s.fixture.policies ?? []).some((p) => p.id === id)) {
      throw new ApiError('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.", 400);
    }
    const tags = Object.entries(account?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const { items, NextToken } = page(tags, { NextToken: input.NextToken });
    return { Tags: items, NextToken };
  },
  /**
   * AWS: "Retrieves the list of all policies in an organization of a specified type." "This operation can be called
   * only from the organization's management account or by a member account that is a delegated administrator."
   * MaxResults "Minimum value of 1. Maximum value of 20." The page lists no PolicyTypeNotEnabledException for
   * ListPolicies (only for attaching or creating), so a type that is not enabled still lists its policies: the
   * caller learns the enabled types from ListRoots' PolicyTypes.
   */
  ListPolicies: (ctx, input) => {
    requireManagement(ctx);
    const filter = str(input, 'Filter')!;
    if (!POLICY_TYPES.has(filter)) throw invalidInput(`Filter must be one of ${[...POLICY_TYPES].join(', ')}, got '${filter}'.`, 'INVALID_ENUM');
    const all = (ctx.state.fixture.policies ?? []).filter((p) => p.type === filter);
    const { items, NextToken } = page(all, input);
    return { Policies: items.map((p) => policySummary(ctx, p)), NextToken };
  },
  /** AWS: "Retrieves information about a policy." Response: Policy { Content (the JSON text), PolicySummary }. */
  DescribePolicy: (ctx, input) => {
    requireManagement(ctx);
    const p = findPolicy(ctx, input);
    return { Policy: { PolicySummary: policySummary(ctx, p), Content: JSON.stringify(p.content) } };
  },
  /**
   * AWS: "Lists all the roots, organizational units (OUs), and accounts that the specified policy is attached to."
   * Targets: PolicyTargetSummary { TargetId, Arn, Name, Type: ACCOUNT | ORGANIZATIONAL_UNIT | ROOT }.
   */
  ListTargetsForPolicy: (ctx, input) => {
    requireManagement(ctx);
    const p = findPolicy(ctx, input);
    const { items, NextToken } = page(p.targets, input);
    return { Targets: items.map((id) => targetJson(ctx, id)), NextToken };
  },
  DescribeOrganizationalUnit: (ctx, input) => {
    requireManagement(ctx);
    const id = str(input, 'OrganizationalUnitId')!;
    if (!ctx.state.ous.has(id)) {
      throw new ApiError('OrganizationalUnitNotFoundException', "We can't find an OU with the OrganizationalUnitId that you specified.", 400);
    }
    return { OrganizationalUnit: ouJson(ctx, id) };
  },
};
