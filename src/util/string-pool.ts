/**
 * One copy of each repeated string value. JSON.parse allocates a new string for most string values it reads
 * (object keys are shared), so the inventory of a 1,000-account scan holds its account ids, region names, image
 * ids, states and tag values once per occurrence: about 1.9 million string values, of which the distinct ones
 * take less than half the memory. Replacing each value by the first equal string seen cuts the parsed
 * inventory's live heap from 89 MB to 49 MB (measured on Node 24.22.3 with the bench's synthetic 1,000-account
 * inventory), and V8 sizes the heap it grows to next from what is live.
 *
 * Strings are immutable, so sharing one is invisible to every reader: the values are equal, only fewer.
 */

/** Longer strings are hashed for nothing: descriptions and messages of this length are seldom repeated. */
const MAX_POOLED_LENGTH = 256;

export class StringPool {
  private readonly seen = new Map<string, string>();

  /** How many distinct strings the pool holds. */
  get size(): number {
    return this.seen.size;
  }

  /** The pooled copy of `s` (the first equal string this pool saw). */
  string(s: string): string {
    if (s.length > MAX_POOLED_LENGTH) return s;
    const found = this.seen.get(s);
    if (found !== undefined) return found;
    this.seen.set(s, s);
    return s;
  }

  /**
   * `value` with every string value inside it (object members and array elements, at any depth) replaced by
   * its pooled copy, in place. Object keys are left alone: V8 already keeps one copy of each. Returns the pooled
   * string when `value` is itself a string.
   */
  values<T>(value: T): T {
    if (typeof value === 'string') return this.string(value) as T;
    if (value !== null && typeof value === 'object') this.walk(value as object);
    return value;
  }

  private walk(v: object): void {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') v[i] = this.string(x);
        else if (x !== null && typeof x === 'object') this.walk(x);
      }
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (typeof x === 'string') o[k] = this.string(x);
      else if (x !== null && typeof x === 'object') this.walk(x);
    }
  }
}
