/**
 * A validator of OCSF events built from the ocsf/ocsf-schema files vendored in test/fixtures/schemas/ocsf (their
 * repository paths and commits are in test/fixtures/schemas/README.md). For the event class and every vendored
 * object present in an event it checks:
 * - every attribute the class (with the class it extends) or the object marks `"requirement": "required"` is there;
 * - an object has no attribute its file does not define (OCSF objects take no extension attributes here;
 *   `unmapped` is where a producer's own fields go);
 * - an attribute with an `enum` (the `*_id` attributes) has one of its values, and its sibling caption attribute
 *   (`status` for `status_id`, `activity_name` for `activity_id`) the value's caption;
 * - each attribute's type from the dictionary (string_t, integer_t, long_t, timestamp_t: ms since the epoch,
 *   boolean_t, arrays with `is_array`, objects by name), where the vendored dictionary subset defines it.
 * What it cannot check (the corpus lacks a matching file) is listed in the README, not guessed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../fixtures/schemas/ocsf/', import.meta.url));
const load = (p: string) => JSON.parse(readFileSync(`${dir}${p}`, 'utf8')) as OcsfFile;

interface OcsfAttr {
  requirement?: string;
  enum?: Record<string, { caption: string }>;
}
interface OcsfFile {
  name: string;
  extends?: string;
  attributes: Record<string, OcsfAttr | string[]>;
}
interface DictEntry {
  type: string;
  is_array?: boolean;
}

const dictionary = JSON.parse(readFileSync(`${dir}dictionary.subset.json`, 'utf8')) as { attributes: Record<string, DictEntry> };
const classes: Record<string, OcsfFile> = {
  compliance_finding: load('events/findings/compliance_finding.json'),
  finding: load('events/findings/finding.json'),
};
/** The vendored objects, by the attribute name (dictionary type) that holds them. */
export const OCSF_OBJECTS: Record<string, OcsfFile> = Object.fromEntries(
  ['metadata', 'cloud', 'finding_info', 'compliance'].map((n) => [n, load(`objects/${n}.json`)]),
);
/** Event attributes holding an object whose dictionary entry is missing from the corpus' dictionary. */
const OBJECT_ATTRS: Record<string, string> = { finding_info: 'finding_info' };

const attrsOf = (f: OcsfFile): Record<string, OcsfAttr> => Object.fromEntries(Object.entries(f.attributes).filter(([k]) => k !== '$include')) as Record<string, OcsfAttr>;

/** The class's attributes merged down its `extends` chain (the class's own definitions win). */
function classAttributes(name: string): Record<string, OcsfAttr> {
  const c = classes[name];
  if (!c) return {};
  return { ...(c.extends ? classAttributes(c.extends) : {}), ...attrsOf(c) };
}

/** The sibling caption attribute of an enum attribute, as OCSF names them. */
const siblingOf = (k: string) => (k === 'activity_id' ? 'activity_name' : k.endsWith('_id') ? k.slice(0, -3) : undefined);

function typeCheck(name: string, value: unknown, path: string, errors: string[]): void {
  const d = dictionary.attributes[name];
  if (!d) return;
  const one = (v: unknown, p: string) => {
    switch (d.type) {
      case 'string_t':
        if (typeof v !== 'string') errors.push(`${p}: string_t expected`);
        return;
      case 'integer_t':
      case 'long_t':
        if (!Number.isInteger(v)) errors.push(`${p}: ${d.type} expected`);
        return;
      case 'timestamp_t':
        if (!Number.isInteger(v) || (v as number) < 0) errors.push(`${p}: timestamp_t (ms since the epoch) expected`);
        return;
      case 'boolean_t':
        if (typeof v !== 'boolean') errors.push(`${p}: boolean_t expected`);
        return;
      default:
        if (typeof v !== 'object' || v === null || Array.isArray(v)) errors.push(`${p}: object ${d.type} expected`);
    }
  };
  if (d.is_array) {
    if (!Array.isArray(value)) errors.push(`${path}: array expected`);
    else value.forEach((v, i) => one(v, `${path}[${i}]`));
  } else one(value, path);
}

function checkAttributes(obj: Record<string, unknown>, attrs: Record<string, OcsfAttr>, path: string, closed: boolean, errors: string[]): void {
  for (const [k, a] of Object.entries(attrs)) if (a.requirement === 'required' && obj[k] === undefined) errors.push(`${path}: required attribute ${k} is missing`);
  for (const [k, v] of Object.entries(obj)) {
    const a = attrs[k];
    if (!a) {
      if (closed) errors.push(`${path}: attribute ${k} is not defined by the schema`);
    } else if (a.enum) {
      const e = a.enum[String(v)];
      if (!e) errors.push(`${path}.${k}: ${JSON.stringify(v)} is not one of ${Object.keys(a.enum).join(', ')}`);
      const sib = siblingOf(k);
      if (e && sib && obj[sib] !== undefined && obj[sib] !== e.caption) errors.push(`${path}.${sib}: ${JSON.stringify(obj[sib])} is not the caption ${JSON.stringify(e.caption)} of ${k} ${String(v)}`);
    }
    typeCheck(k, v, `${path}.${k}`, errors);
    const objName = dictionary.attributes[k]?.type ?? OBJECT_ATTRS[k];
    const o = objName ? OCSF_OBJECTS[objName] : undefined;
    if (o && v && typeof v === 'object') {
      for (const [i, item] of (Array.isArray(v) ? v : [v]).entries()) {
        if (item && typeof item === 'object') checkAttributes(item as Record<string, unknown>, attrsOf(o), Array.isArray(v) ? `${path}.${k}[${i}]` : `${path}.${k}`, true, errors);
      }
    }
  }
}

/**
 * Every problem of one event of the given class (e.g. compliance_finding). The event's own top level is not
 * closed: the base event's attributes (class_uid, time, metadata, ...) come from base_event.json, which the
 * corpus holds only in a pre-1.0 version (see the README).
 */
export function validateOcsfEvent(event: unknown, className: string, path = 'event'): string[] {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return [`${path}: must be an object`];
  const errors: string[] = [];
  checkAttributes(event as Record<string, unknown>, classAttributes(className), path, false, errors);
  return errors;
}
