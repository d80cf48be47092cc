/**
 * A validator of ASFF findings built from AWS's published Security Hub API model (vendored, see
 * test/fixtures/schemas/README.md): the AwsSecurityFinding shape of securityhub-2018-10-26.min.json (structure /
 * list / map / string / timestamp / integer / long / double / boolean, `required` members, no member the shape
 * does not have) plus the enums and length / array limits of the same package's securityhub.d.ts
 * (securityhub-2018-10-26.constraints.json, written by scripts/vendor-asff-model.mjs).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../fixtures/schemas/asff/', import.meta.url));

interface Shape {
  type?: string;
  shape?: string;
  required?: string[];
  members?: Record<string, Shape>;
  member?: Shape;
  key?: Shape;
  value?: Shape;
}
interface Constraint {
  type: string;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  format?: 'timestamp';
}

interface Model {
  shapes: Record<string, Shape>;
  operations: Record<string, { input: Shape }>;
}
const model = JSON.parse(readFileSync(`${dir}securityhub-2018-10-26.min.json`, 'utf8')) as Model;
const constraints = (JSON.parse(readFileSync(`${dir}securityhub-2018-10-26.constraints.json`, 'utf8')) as { interfaces: Record<string, Record<string, Constraint>> }).interfaces;
const aliasesToInterface = (type: string): string => type.replace(/\[\]$/, '').replace(/List$/, '');

/** The BatchImportFindings request shape, and the finding shape its Findings list holds. */
export const batchImportInput = model.operations.BatchImportFindings!.input;
const findingShape = batchImportInput.members!.Findings!.member!;

const resolve = (s: Shape): Shape => (s.shape ? resolve({ ...model.shapes[s.shape]!, ...s, shape: undefined }) : s);

/** The d.ts interface a member's constraint leads to (a structure or a list of them). */
function nextInterface(c: Constraint | undefined): string | undefined {
  if (!c) return undefined;
  const t = c.type.replace(/\[\]$/, '');
  if (constraints[t]) return t;
  const base = aliasesToInterface(t);
  return constraints[base] ? base : undefined;
}

function check(value: unknown, shape: Shape, iface: string | undefined, c: Constraint | undefined, path: string, errors: string[]): void {
  const s = resolve(shape);
  const type = s.type ?? 'string';
  const err = (m: string): void => {
    errors.push(`${path}: ${m}`);
  };
  switch (type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return err('must be an object');
      const v = value as Record<string, unknown>;
      for (const r of s.required ?? []) if (v[r] === undefined) err(`required member ${r} is missing`);
      for (const [k, mv] of Object.entries(v)) {
        const m = s.members?.[k];
        if (!m) {
          err(`unknown member ${k}`);
          continue;
        }
        const mc = iface ? constraints[iface]?.[k] : undefined;
        check(mv, m, nextInterface(mc), mc, `${path}.${k}`, errors);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return err('must be an array');
      if (c?.minItems !== undefined && value.length < c.minItems) err(`at least ${c.minItems} items`);
      if (c?.maxItems !== undefined && value.length > c.maxItems) err(`at most ${c.maxItems} items`);
      value.forEach((x, i) => check(x, s.member!, iface, c && { type: c.type.replace(/\[\]$/, '') }, `${path}[${i}]`, errors));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return err('must be an object (map)');
      for (const [k, mv] of Object.entries(value)) check(mv, s.value ?? {}, undefined, undefined, `${path}[${JSON.stringify(k)}]`, errors);
      return;
    }
    case 'string':
    case 'timestamp': {
      if (typeof value !== 'string') return err('must be a string');
      if (type === 'timestamp' && Number.isNaN(Date.parse(value))) err('must be a timestamp');
      // securityhub.d.ts: "Timestamps can end with Z or ("+" / "-") time-hour [":" time-minute]. The time-secfrac after
      // seconds is limited to a maximum of 9 digits." (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM))
      if (c?.format === 'timestamp' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:\d{2})?)$/.test(value)) err(`${JSON.stringify(value)} is not a timestamp in a format Security Hub accepts`);
      if (c?.enum && !c.enum.includes(value)) err(`${JSON.stringify(value)} is not one of ${c.enum.join(', ')}`);
      if (c?.minLength !== undefined && value.length < c.minLength) err(`shorter than ${c.minLength}`);
      if (c?.maxLength !== undefined && value.length > c.maxLength) err(`longer than ${c.maxLength}`);
      return;
    }
    case 'integer':
    case 'long':
      if (!Number.isInteger(value)) err('must be an integer');
      return;
    case 'double':
    case 'float':
      if (typeof value !== 'number') err('must be a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') err('must be a boolean');
      return;
    default:
      err(`model type ${type} not handled`);
  }
}

/**
 * Required top-level attributes (Security Hub User Guide, "Required top-level ASFF attributes"): the model's
 * `required` omits Severity and Types, which the guide lists.
 */
export const USER_GUIDE_REQUIRED = ['AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'Resources', 'SchemaVersion', 'Severity', 'Title', 'Types', 'UpdatedAt'];

/** Every problem of one finding against AwsSecurityFinding; empty when it is valid. */
export function validateAsffFinding(finding: unknown, path = 'finding'): string[] {
  const errors: string[] = [];
  check(finding, findingShape, 'AwsSecurityFinding', undefined, path, errors);
  if (typeof finding === 'object' && finding !== null) {
    for (const r of USER_GUIDE_REQUIRED) if ((finding as Record<string, unknown>)[r] === undefined) errors.push(`${path}: ${r} is required (User Guide)`);
  }
  return [...new Set(errors)];
}

/** BatchImportFindings: "Maximum of 100 findings per request." (API reference; the model has no limit). */
export const BATCH_IMPORT_MAX = 100;

/** Every problem of one BatchImportFindings request body. */
export function validateBatchImportRequest(request: unknown, path = 'request'): string[] {
  const errors: string[] = [];
  if (typeof request !== 'object' || request === null) return [`${path}: must be an object`];
  const r = request as Record<string, unknown>;
  for (const k of batchImportInput.required ?? []) if (r[k] === undefined) errors.push(`${path}: required member ${k} is missing`);
  for (const k of Object.keys(r)) if (!batchImportInput.members?.[k]) errors.push(`${path}: unknown member ${k}`);
  const findings = Array.isArray(r.Findings) ? r.Findings : [];
  if (findings.length < 1 || findings.length > BATCH_IMPORT_MAX) errors.push(`${path}.Findings: 1 to ${BATCH_IMPORT_MAX} findings, not ${findings.length}`);
  findings.forEach((f, i) => errors.push(...validateAsffFinding(f, `${path}.Findings[${i}]`)));
  return errors;
}
