#!/usr/bin/env node
/**
 * Vendors the published Security Hub API model into test/fixtures/schemas/asff (for the ASFF validator in
 * test/helpers/asff-model.ts). Reproducible, no dependency added:
 *
 *   cd /tmp && npm pack aws-sdk@2.1693.0
 *   node scripts/vendor-asff-model.mjs /tmp/aws-sdk-2.1693.0.tgz
 *
 * Writes
 * - securityhub-2018-10-26.min.json: the file package/apis/securityhub-2018-10-26.min.json of the tarball,
 *   byte for byte (shapes, members, types, `required`; the minified model carries no enums or lengths);
 * - securityhub-2018-10-26.constraints.json: from package/clients/securityhub.d.ts of the same tarball, per
 *   interface reachable from AwsSecurityFinding, each member's type name, its enum values (the d.ts string
 *   unions, `"A"|"B"|string`), the "Length Constraints" / "Array Members" its doc comment states, and
 *   `format: "timestamp"` where the doc lists the "valid timestamp formats" (string members such as CreatedAt).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const tgz = process.argv[2];
if (!tgz) {
  console.error('usage: node scripts/vendor-asff-model.mjs <aws-sdk-VERSION.tgz>');
  process.exit(2);
}
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'schemas', 'asff');
const read = (p) => execFileSync('tar', ['-xzOf', tgz, p], { maxBuffer: 64 << 20 });
const pkg = JSON.parse(read('package/package.json').toString('utf8'));
const model = read('package/apis/securityhub-2018-10-26.min.json');
const dts = read('package/clients/securityhub.d.ts').toString('utf8');

// Type aliases: `export type X = "A"|"B"|string;` (an enum) or `export type X = Y;` / `Y[]`.
const aliases = new Map();
for (const m of dts.matchAll(/^ {2}export type (\w+) = (.+);$/gm)) aliases.set(m[1], m[2]);
const enumOf = (t) => {
  const v = aliases.get(t);
  if (!v || !v.startsWith('"')) return undefined;
  return [...v.matchAll(/"([^"]*)"/g)].map((x) => x[1]);
};
// Interfaces: `export interface X {` ... `  }` with `/** doc */ Member?: Type;` members.
const interfaces = new Map();
for (const m of dts.matchAll(/^ {2}export interface (\w+) \{\n([\s\S]*?)^ {2}\}$/gm)) {
  const members = {};
  for (const mm of m[2].matchAll(/(?:\/\*\*([\s\S]*?)\*\/\s*)?^ {4}(\w+)(\??): ([\w[\]]+);$/gm)) {
    const doc = (mm[1] ?? '').replace(/\s*\n\s*\*\s?/g, ' ');
    members[mm[2]] = { doc, optional: mm[3] === '?', type: mm[4] };
  }
  interfaces.set(m[1], members);
}
const num = (re, s) => {
  const x = re.exec(s);
  return x ? Number(x[1]) : undefined;
};
const constraints = {};
const queue = ['AwsSecurityFinding'];
const seen = new Set(queue);
while (queue.length) {
  const name = queue.shift();
  const members = interfaces.get(name);
  if (!members) continue;
  const outMembers = {};
  for (const [member, { doc, type }] of Object.entries(members)) {
    // Resolve list aliases (`XList = X[]`) to the element type.
    let t = type.replace(/\[\]$/, '');
    const alias = aliases.get(t);
    if (alias && /^\w+\[\]$/.test(alias)) t = alias.slice(0, -2);
    if (interfaces.has(t) && !seen.has(t)) {
      seen.add(t);
      queue.push(t);
    }
    const c = { type };
    const e = enumOf(t);
    if (e) c.enum = e;
    const lc = /Length Constraints:([^.]*\.[^.]*\.?)/.exec(doc)?.[1] ?? '';
    const minLength = num(/Minimum(?: length)? of (\d+)/, lc);
    const maxLength = num(/Maximum(?: length)? of (\d+)/, lc) ?? num(/^\s*(\d+)\.\s*$/, lc);
    if (minLength !== undefined) c.minLength = minLength;
    if (maxLength !== undefined) c.maxLength = maxLength;
    const am = /Array Members:([^.]*\.[^.]*\.?)/.exec(doc)?.[1] ?? '';
    const minItems = num(/Minimum number of (\d+)/, am);
    const maxItems = num(/Maximum number of (\d+)/, am);
    if (minItems !== undefined) c.minItems = minItems;
    // "Here are valid timestamp formats with examples: YYYY-MM-DDTHH:MM:SSZ ..., YYYY-MM-DDTHH:MM:SS.mmmmmmmmmZ ..., YYYY-MM-DDTHH:MM:SS+HH:MM"
    if (/valid timestamp formats/.test(doc)) c.format = 'timestamp';
    if (maxItems !== undefined) c.maxItems = maxItems;
    if (Object.keys(c).length > 1 || interfaces.has(t)) outMembers[member] = c;
  }
  constraints[name] = outMembers;
}
const sha = (b) => createHash('sha256').update(b).digest('hex');
writeFileSync(join(out, 'securityhub-2018-10-26.min.json'), model);
writeFileSync(
  join(out, 'securityhub-2018-10-26.constraints.json'),
  JSON.stringify(
    {
      source: `npm ${pkg.name}@${pkg.version} (licence ${pkg.license}): package/clients/securityhub.d.ts, sha256 ${sha(Buffer.from(dts))}`,
      interfaces: constraints,
    },
    null,
    1,
  ) + '\n',
);
console.log(`${pkg.name}@${pkg.version}: securityhub-2018-10-26.min.json sha256 ${sha(model)}; ${Object.keys(constraints).length} interfaces`);
