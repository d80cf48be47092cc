/**
 * The check list of `policy validate` and its runner: the table is well-formed (unique ids, every fact a
 * check needs is there from the start or provided by an earlier check, documented in docs/policies.md),
 * and the runner, not the checks, reports skipped checks with the root cause.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CHECKS } from '../../src/policy/checks/index.ts';
import { check, fail, pass, runChecks, type AnyCheck } from '../../src/policy/checks/runner.ts';
import type { ConfigFacts, FactKey, Facts } from '../../src/policy/checks/facts.ts';

const INITIAL: FactKey[] = ['config', 'declarative.read', 'scp.read', 'tagPolicy.read', 'cliCriteria.read'];

test('check ids are unique and each check needs only facts that exist before it runs', () => {
  const ids = CHECKS.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate check id');
  const available = new Set<FactKey>(INITIAL);
  const providedBy = new Map<FactKey, string>();
  for (const c of CHECKS) {
    assert.match(c.id, /^[a-z-]+(\.[a-zA-Z-]+)+(\.<[a-z-]+>)?$/, c.id);
    assert.ok(c.verifies.length > 0 && !c.verifies.includes('\n'), `${c.id}: verifies is one line`);
    for (const n of c.needs) assert.ok(available.has(n), `${c.id} needs ${n}, which no earlier check provides`);
    for (const p of Object.keys(c.provides ?? {}) as FactKey[]) {
      assert.ok(!available.has(p), `${p} is provided twice (${providedBy.get(p) ?? 'initial'} and ${c.id})`);
      available.add(p);
      providedBy.set(p, c.id);
    }
  }
});

test('docs/policies.md lists every check id, in the order they run, and no other', () => {
  const docs = readFileSync('docs/policies.md', 'utf8');
  const section = docs.slice(docs.indexOf('## 4. Validation'), docs.indexOf('## 5.'));
  const documented = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented, CHECKS.map((c) => c.id));
});

// ----- the runner, on a small list of made-up checks -----

const config = { configPath: 'c.json' } as ConfigFacts;
const provider = (status: 'pass' | 'fail', give: boolean): AnyCheck =>
  check({
    id: 'a.provider',
    section: 'policies',
    verifies: 'provides the owners',
    needs: ['config'],
    provides: { 'scp.owners': 'owner list' },
    run: () => ({ ...(status === 'pass' ? pass('ok') : fail('bad')), provide: { 'scp.owners': give ? ['111122223333'] : undefined } }),
  });
const consumer = check({ id: 'b.consumer', section: 'policies', verifies: 'uses the owners', needs: ['scp.owners'], provides: { 'declarative.state': 'a state' }, run: (f) => ({ ...pass(`owners: ${f['scp.owners'].join(',')}`), provide: { 'declarative.state': 'enabled' } }) });
const second = check({ id: 'c.second', section: 'policies', verifies: 'uses the state', needs: ['declarative.state'], run: (f) => pass(`state ${f['declarative.state']}`) });

test('runner: a check runs when its facts are there, and sees exactly what it needs', () => {
  let seen: string[] = [];
  const spy = check({ id: 'd.spy', section: 'config', verifies: 'spy', needs: ['config'], run: (f) => ((seen = Object.keys(f)), pass('x')) });
  const r = runChecks([provider('pass', true), consumer, second, spy], { config, 'scp.read': { name: 'n', path: 'p' } } as Partial<Facts>);
  assert.deepEqual(r.map((c) => [c.id, c.status, c.message]), [
    ['a.provider', 'pass', 'ok'],
    ['b.consumer', 'pass', 'owners: 111122223333'],
    ['c.second', 'pass', 'state enabled'],
    ['d.spy', 'pass', 'x'],
  ]);
  assert.deepEqual(seen, ['config']);
});

test('runner: when a provider fails, every check down the chain is skipped naming it', () => {
  const r = runChecks([provider('fail', false), consumer, second], { config });
  assert.deepEqual(r.map((c) => [c.id, c.status, c.message]), [
    ['a.provider', 'fail', 'bad'],
    ['b.consumer', 'skip', 'not checked: uses the owners (a.provider failed)'],
    ['c.second', 'skip', 'not checked: uses the state (a.provider failed)'],
  ]);
});

test('runner: a provider that passes without the fact: its dependants are skipped saying what is missing', () => {
  const r = runChecks([provider('pass', false), consumer], { config });
  assert.deepEqual(r[1], { id: 'b.consumer', section: 'policies', status: 'skip', message: 'not checked: uses the owners (no owner list)' });
});

test('runner: per-item checks get one line per item; undeclared facts are refused', () => {
  const perItem = check({ id: 'e.item.<account>', section: 'config', verifies: 'each', needs: ['config'], run: () => [{ ...pass('one'), item: '1' }, { ...fail('two'), item: '2' }] });
  assert.deepEqual(runChecks([perItem], { config }).map((c) => `${c.id} ${c.status}`), ['e.item.1 pass', 'e.item.2 fail']);
  const noItem = check({ id: 'e.item.<account>', section: 'config', verifies: 'each', needs: ['config'], run: () => pass('x') });
  assert.throws(() => runChecks([noItem], { config }), /an item is required/);
  const sneaky = check({ id: 'f.sneaky', section: 'config', verifies: 'x', needs: ['config'], run: () => ({ ...pass('x'), provide: { scp: {} } }) as never });
  assert.throws(() => runChecks([sneaky], { config }), /provides scp, which it does not declare/);
});
