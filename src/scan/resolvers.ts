/**
 * Which referencing account describes which images (phase 3, DescribeImages by id): greedily the account that
 * references the most still-unassigned images (ties: lowest id), so a region needs as few DescribeImages batches as
 * possible and every image is described exactly once. Pure: the scanner and the benchmark's synthetic inventory
 * (src/bench/synthetic-inventory.ts) both use it, so they batch alike.
 */
export function assignResolvers(byImage: Map<string, string[]>): Map<string, string[]> {
  const remaining = new Map(byImage);
  const out = new Map<string, string[]>();
  while (remaining.size > 0) {
    const counts = new Map<string, number>();
    for (const refs of remaining.values()) for (const a of refs) counts.set(a, (counts.get(a) ?? 0) + 1);
    const [best] = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]!;
    const ids: string[] = [];
    for (const [imageId, refs] of remaining) {
      if (refs.includes(best)) {
        ids.push(imageId);
        remaining.delete(imageId);
      }
    }
    out.set(best, ids.sort());
  }
  return out;
}
