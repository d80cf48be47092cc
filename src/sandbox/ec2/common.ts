/** What every EC2 action handler gets, and the helpers they share: pagination, filters, ids, DryRun. */
import { ApiError, dryRunOperation, invalidParameterValue } from '../errors.js';
import type { Filter, QueryParams, XmlValue } from '../protocol/query.js';
import type { Principal } from '../auth.js';
import type { SandboxState } from '../state.js';
import { globToRegExp } from '../state.js';
import { items } from '../protocol/query.js';

export interface Ec2Context {
  state: SandboxState;
  principal: Principal;
  /** The caller's account (of its access key). */
  accountId: string;
  /** The region of the request's SigV4 credential scope. */
  region: string;
  now: number;
}

export type Ec2Handler = (ctx: Ec2Context, params: QueryParams) => Record<string, XmlValue>;

/** Answers DryRun=true the way EC2 does once the request has been validated. */
export function checkDryRun(params: QueryParams): void {
  if (params.bool('DryRun')) throw dryRunOperation();
}

interface PageToken {
  /** offset into the sorted result */
  o: number;
  /** action the token belongs to */
  a: string;
}

export function encodeToken(action: string, offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, a: action } satisfies PageToken)).toString('base64url');
}

export function decodeToken(action: string, token: string): number {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageToken;
    if (t.a === action && Number.isInteger(t.o) && t.o >= 0) return t.o;
  } catch {
    // fall through to the error AWS gives for a token it did not issue
  }
  throw new ApiError('InvalidParameterValue', `Invalid value '${token}' for nextToken: the token is not valid or has expired.`);
}

export interface PageLimits {
  min: number;
  max: number;
  /** Page size when MaxResults is absent; undefined = everything in one response (EC2's unpaginated call). */
  defaultSize?: number;
  /** The parameter's name in EC2's error messages. */
  name?: string;
}

/** One page of a sorted result, and the token for the next one (absent on the last page). */
export function paginate<T>(action: string, all: T[], params: QueryParams, limits: PageLimits): { page: T[]; nextToken?: string } {
  const max = params.int('MaxResults');
  if (max !== undefined && (max < limits.min || max > limits.max)) {
    throw invalidParameterValue(
      `Value ( ${max} ) for parameter ${limits.name ?? 'maxResults'} is invalid. Expecting a value between ${limits.min} and ${limits.max}.`,
    );
  }
  const token = params.str('NextToken');
  const start = token ? decodeToken(action, token) : 0;
  const size = max ?? limits.defaultSize ?? all.length;
  const end = Math.min(all.length, start + Math.max(size, 0));
  const page = all.slice(start, end);
  return end < all.length ? { page, nextToken: encodeToken(action, end) } : { page };
}

/** How one filter name reads a value off an item; undefined = the item has no value for it. */
export type FilterResolvers<T> = Record<string, (item: T) => string | string[] | undefined>;

/**
 * EC2 filter semantics: an item matches when every filter matches; a filter matches when any of its values
 * matches (with `*` and `?` wildcards); `tag:<key>`, `tag-key` and `tag-value` read the item's visible tags.
 */
export function applyFilters<T>(
  list: T[],
  filters: Filter[],
  resolvers: FilterResolvers<T>,
  tagsOf?: (item: T) => Map<string, string> | undefined,
): T[] {
  if (filters.length === 0) return list;
  const compiled = filters.map((f) => {
    const patterns = f.values.map(globToRegExp);
    const test = (v: string | string[] | undefined) =>
      v !== undefined && (Array.isArray(v) ? v : [v]).some((x) => patterns.some((p) => p.test(x)));
    if (f.name.startsWith('tag:') && tagsOf) {
      const k = f.name.slice(4);
      return (item: T) => test(tagsOf(item)?.get(k));
    }
    if (f.name === 'tag-key' && tagsOf) return (item: T) => test([...(tagsOf(item)?.keys() ?? [])]);
    if (f.name === 'tag-value' && tagsOf) return (item: T) => test([...(tagsOf(item)?.values() ?? [])]);
    const r = resolvers[f.name];
    if (!r) throw invalidParameterValue(`The filter '${f.name}' is invalid`);
    return (item: T) => test(r(item));
  });
  return list.filter((item) => compiled.every((m) => m(item)));
}

export function tagSet(tags: Map<string, string> | undefined): XmlValue {
  if (!tags || tags.size === 0) return undefined;
  return items([...tags].map(([k, v]) => ({ key: k, value: v })));
}

export const AMI_ID = /^ami-[0-9a-f]{8}([0-9a-f]{9})?$/;
export const INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;
export const LAUNCH_TEMPLATE_ID = /^lt-[0-9a-f]{17}$/;

export function checkAmiIds(ids: string[]): void {
  for (const id of ids) {
    if (!AMI_ID.test(id)) throw new ApiError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
  }
}

export const INSTANCE_STATE_CODES: Record<string, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** us-east-1 -> use1: the prefix of zone ids. */
export function zoneId(az: string): string {
  const m = /^([a-z]{2})-([a-z])[a-z]*-(\d)([a-z])$/.exec(az);
  if (!m) return az;
  return `${m[1]}${m[2]}${m[3]}-az${m[4]!.charCodeAt(0) - 96}`;
}
