// Every rule file is listed in the index, its id is its file name, it has a doc page, message templates and commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../src/rules/index.ts';
import { SEVERITIES } from '../../src/model/findings.ts';
import { PACKAGE_ROOT } from '../../src/util/paths.ts';
import { COLLECTORS } from '../../src/scan/collectors/index.ts';

const NOT_RULES = new Set(['index.ts', 'engine.ts', 'types.ts', 'context.ts', 'launch-verdict.ts', 'allowed-images.ts', 'ids.ts']);
const ruleFiles = readdirSync(join(PACKAGE_ROOT, 'src/rules'))
  .filter((f) => f.endsWith('.ts') && !NOT_RULES.has(f))
  .map((f) => f.slice(0, -3))
  .sort();

test('meta: every rule file is in the index, and nothing else is', () => {
  assert.deepEqual(RULES.map((r) => r.meta.id).sort(), ruleFiles);
});

for (const { meta, remediates } of RULES) {
  test(`meta: ${meta.id}`, async () => {
    assert.match(meta.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, 'id is kebab-case');
    const mod = (await import(`../../src/rules/${meta.id}.ts`)) as { default: { meta: { id: string } } };
    assert.equal(mod.default.meta.id, meta.id, 'id equals the file name');
    assert.ok((SEVERITIES as readonly string[]).includes(meta.severity), 'severity is valid');
    assert.ok(meta.title.length > 10 && meta.description.length > 40, 'title and description say something');
    assert.equal(meta.docs, `docs/rules/${meta.id}.md`);
    const page = join(PACKAGE_ROOT, meta.docs);
    assert.ok(existsSync(page), `${meta.docs} exists`);
    const text = readFileSync(page, 'utf8');
    assert.ok(text.startsWith(`# ${meta.id}`), 'doc page starts with "# <id>"');
    for (const section of ['## What it checks', '## Why', '## Severity', '## How to fix', '## False positives']) assert.ok(text.includes(section), `doc has "${section}"`);
    assert.ok(text.includes(meta.severity), 'doc states the severity');
    assert.ok(remediates, 'the rule writes commands for its findings (remediate)');
    // Messages: ESLint-style templates; every id is used by the rule (the engine rejects ids it does not have).
    const ids = Object.keys(meta.messages);
    assert.ok(ids.length > 0, 'meta.messages has at least one message');
    const source = readFileSync(join(PACKAGE_ROOT, 'src/rules', `${meta.id}.ts`), 'utf8');
    for (const id of ids) {
      const template = meta.messages[id]!;
      assert.match(id, /^[a-z][a-zA-Z0-9]*$/, `message id ${id} is camelCase`);
      assert.ok(template.length > 20, `message ${id} says something`);
      assert.ok(!/\{\{|\}\}/.test(template.replace(/\{\{[^{}]+?\}\}/g, '')), `message ${id}: every {{ has its }}`);
      assert.ok(source.includes(`'${id}'`), `message ${id} is used by the rule (a messageId '${id}' in ${meta.id}.ts)`);
      assert.ok(text.includes(`\`${id}\``), `${meta.docs} names the message id \`${id}\` (under "## The finding")`);
    }
    // What it judges, as collector ids: the weekly comparison re-checks a finding only where all of them were collected.
    const collectorIds = COLLECTORS.map((c) => c.id);
    assert.ok(Array.isArray(meta.reads) && meta.reads.length > 0, 'declares the inventory data it reads (meta.reads)');
    for (const id of meta.reads) assert.ok(collectorIds.includes(id), `reads: ${JSON.stringify(id)} is not a collector id (${collectorIds.join(', ')})`);
    assert.equal(new Set(meta.reads).size, meta.reads.length, 'reads lists each collector once');
  });
}

test('meta: the findings schema doc exists', () => {
  assert.ok(existsSync(join(PACKAGE_ROOT, 'docs/findings-schema.md')));
});
