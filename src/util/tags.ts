/**
 * Records keyed by AWS strings (tag keys). A tag key is any string its owner chose, `__proto__` and
 * `constructor` included, so on a plain object two things go wrong:
 *
 * - assignment `out[key] = value` with key `__proto__` calls the prototype setter: the tag is dropped
 *   (object spread and JSON.parse define it as an own key instead);
 * - look-up `tags[key]` for an absent key such as `constructor` or `toString` finds Object.prototype's
 *   member: a tag that is not there reads as present.
 *
 * Every tag record is therefore built with tagRecord (own data properties, defined rather than assigned)
 * and read with tagValue (own properties only). The records stay plain objects, because the same tags
 * come back from inventory.json through JSON.parse as plain objects: the scan and `amigov evaluate`
 * must read them the same way.
 */

/** A tag record from [key, value] pairs; every key, `__proto__` included, becomes an own property. */
export function tagRecord(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** The value of tag `key`, or undefined when the record has no such own key. */
export function tagValue(tags: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return tags !== undefined && Object.hasOwn(tags, key) ? tags[key] : undefined;
}
