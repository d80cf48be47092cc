/**
 * The AWS Query protocol as EC2 and STS speak it: form-encoded requests with flattened lists
 * (`Filter.1.Name`, `Filter.1.Value.1`, `Owner.1`, `LaunchPermission.Remove.1.Group`), XML responses in the
 * service's namespace, and each service's own error envelope.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { ApiError } from '../errors.js';
import { invalidParameterValue } from '../errors.js';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Read access to one request's parameters, including its flattened lists and nested structures. */
export class QueryParams {
  private constructor(private readonly map: Map<string, string>) {}

  static parse(body: string): QueryParams {
    const map = new Map<string, string>();
    for (const [k, v] of new URLSearchParams(body)) map.set(k, v);
    return new QueryParams(map);
  }

  static fromEntries(entries: Iterable<[string, string]>): QueryParams {
    return new QueryParams(new Map(entries));
  }

  get action(): string | undefined {
    return this.map.get('Action');
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  str(name: string): string | undefined {
    return this.map.get(name);
  }

  bool(name: string): boolean {
    const v = this.map.get(name);
    if (v === undefined) return false;
    if (v === 'true' || v === 'True' || v === '1') return true;
    if (v === 'false' || v === 'False' || v === '0') return false;
    throw invalidParameterValue(`Value (${v}) for parameter ${name} is invalid. Expected a boolean.`);
  }

  int(name: string): number | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw invalidParameterValue(`Value (${v}) for parameter ${name} is invalid. Expected an integer.`);
    return Number(v);
  }

  /** `Prefix.1`, `Prefix.2`, ... in index order. */
  list(prefix: string): string[] {
    const found: [number, string][] = [];
    const p = `${prefix}.`;
    for (const [k, v] of this.map) {
      if (!k.startsWith(p)) continue;
      const rest = k.slice(p.length);
      if (/^\d+$/.test(rest)) found.push([Number(rest), v]);
    }
    return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  }

  /** `Prefix.N.Member...` as one QueryParams per N, in index order. */
  structs(prefix: string): QueryParams[] {
    const groups = new Map<number, Map<string, string>>();
    const p = `${prefix}.`;
    for (const [k, v] of this.map) {
      if (!k.startsWith(p)) continue;
      const m = /^(\d+)\.(.+)$/.exec(k.slice(p.length));
      if (!m) continue;
      const n = Number(m[1]);
      let g = groups.get(n);
      if (!g) groups.set(n, (g = new Map()));
      g.set(m[2]!, v);
    }
    return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => new QueryParams(g));
  }

  /** `Prefix.Member...` as a QueryParams (a nested structure). */
  sub(prefix: string): QueryParams {
    const p = `${prefix}.`;
    const g = new Map<string, string>();
    for (const [k, v] of this.map) if (k.startsWith(p)) g.set(k.slice(p.length), v);
    return new QueryParams(g);
  }

  /** EC2 filters: `Filter.N.Name` with `Filter.N.Value.M`. */
  filters(): Filter[] {
    return this.structs('Filter').map((f) => ({ name: f.str('Name') ?? '', values: f.list('Value') }));
  }
}

export interface Filter {
  name: string;
  values: string[];
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: false, suppressEmptyNode: false });

// XML 1.0 cannot carry these; AWS itself rejects them in names and tags.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** A value tree for the XML builder: lists become `<xxxSet><item>..</item></xxxSet>` via {@link items}. */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [k: string]: XmlValue };

function clean(v: XmlValue): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.replace(XML_INVALID, '');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(clean);
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) {
    const c = clean(child);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

/** An EC2-style list: `<name><item>…</item>…</name>`; an empty list is an empty element. */
export function items(list: XmlValue[]): XmlValue {
  return list.length === 0 ? '' : { item: list };
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n';

export function ec2Response(action: string, requestId: string, body: Record<string, XmlValue>): string {
  return XML_DECL + builder.build({ [`${action}Response`]: { '@_xmlns': EC2_NAMESPACE, requestId, ...(clean(body) as object) } });
}

export function ec2ErrorResponse(err: ApiError, requestId: string): string {
  return (
    XML_DECL +
    builder.build({
      Response: { Errors: { Error: clean({ Code: err.code, Message: err.message }) }, RequestID: requestId },
    })
  );
}

/**
 * A Query-protocol service with the `<ActionResponse><ActionResult>` envelope (STS, Auto Scaling), in its own
 * namespace; its errors in `<ErrorResponse>` with Type Sender or Receiver.
 */
export function queryResultResponse(namespace: string, action: string, requestId: string, result: Record<string, XmlValue>): string {
  return (
    XML_DECL +
    builder.build({
      [`${action}Response`]: {
        '@_xmlns': namespace,
        [`${action}Result`]: clean(result),
        ResponseMetadata: { RequestId: requestId },
      },
    })
  );
}

export function queryErrorResponse(namespace: string, err: ApiError, requestId: string): string {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return (
    XML_DECL +
    builder.build({
      ErrorResponse: {
        '@_xmlns': namespace,
        Error: clean({ Type: type, Code: err.code, Message: err.message }),
        RequestId: requestId,
      },
    })
  );
}

export function stsResponse(action: string, requestId: string, result: Record<string, XmlValue>): string {
  return queryResultResponse(STS_NAMESPACE, action, requestId, result);
}

export function stsErrorResponse(err: ApiError, requestId: string): string {
  return queryErrorResponse(STS_NAMESPACE, err, requestId);
}
