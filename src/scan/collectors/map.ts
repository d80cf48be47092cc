/** Small conversions from SDK shapes to the inventory model. */
import { tagRecord } from '../../util/tags.js';

/** EC2's Tag list as a record; any key, `__proto__` included, is kept (see util/tags.ts). */
export function tagsToRecord(tags: { Key?: string | undefined; Value?: string | undefined }[] | undefined): Record<string, string> {
  return tagRecord((tags ?? []).flatMap((t) => (t.Key !== undefined ? [[t.Key, t.Value ?? ''] as const] : [])));
}

export function isoOf(d: Date | string | undefined): string | undefined {
  if (d === undefined) return undefined;
  if (d instanceof Date) return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  return d;
}

/** Copies only the defined values, so the JSON has no `"x": undefined` noise and objects compare cleanly. */
export function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
