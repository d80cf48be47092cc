/**
 * The CLI sits on top: no module below src/cli/ may import from it (errors live in src/errors.ts,
 * shared helpers in src/util/). A lower module reaching up into the CLI is how one idea ends up in two places.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXIT, UserError } from '../src/errors.ts';

const SRC = join(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('no module outside src/cli imports from src/cli', () => {
  const offenders: string[] = [];
  for (const file of sources(SRC)) {
    const rel = relative(SRC, file);
    if (rel.startsWith(`cli/`) || rel.startsWith('cli\\')) continue;
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/(?:from\s+|import\s*\(\s*|import\s+)['"](?:\.\.\/)+cli\//.test(line)) offenders.push(`src/${rel}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, [], `lower modules import the CLI:\n${offenders.join('\n')}`);
});

test('a UserError carries a kind, and each kind has its exit code', () => {
  assert.equal(new UserError('x').kind, 'usage');
  assert.equal(new UserError('x').exitCode, EXIT.USAGE);
  assert.equal(new UserError('x').hint, undefined);
  const e = new UserError('x', { kind: 'fatal', hint: 'do this' });
  assert.deepEqual([e.kind, e.exitCode, e.hint], ['fatal', EXIT.FATAL, 'do this']);
  assert.equal(new UserError('x', { kind: 'interrupted' }).exitCode, EXIT.INTERRUPTED);
  assert.equal(new UserError('x', { kind: 'partial' }).exitCode, EXIT.PARTIAL);
  assert.equal(new UserError('x', { kind: 'findings' }).exitCode, EXIT.FINDINGS);
});

test('a command never imports another command: what two commands share lives in src/pipeline or below', () => {
  const dir = join(SRC, 'cli', 'commands');
  const offenders: string[] = [];
  for (const file of sources(dir).filter((f) => !f.endsWith('index.ts'))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/from\s+['"]\.\/[^'"]+['"]/.test(line)) offenders.push(`src/cli/commands/${relative(dir, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, [], `commands import each other:\n${offenders.join('\n')}`);
});

const TESTS = join(import.meta.dirname);

test('tests import source and helper files by their own .ts name (one extension throughout)', () => {
  const offenders: string[] = [];
  for (const file of sources(TESTS)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/(?:from\s+|import\s*\(\s*)['"]\.{1,2}\/[^'"]+\.js['"]/.test(line)) offenders.push(`test/${relative(TESTS, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(offenders, [], `imports with .js:\n${offenders.join('\n')}`);
});

test('tests that start the sandbox are end-to-end tests and live in test/e2e (or test the sandbox or the bench itself)', () => {
  const offenders = sources(TESTS)
    .map((f) => relative(TESTS, f))
    .filter((rel) => rel.endsWith('.test.ts') && !/^(e2e|sandbox|bench)\//.test(rel))
    .filter((rel) => /\bstartSandbox\s*\(/.test(readFileSync(join(TESTS, rel), 'utf8')));
  assert.deepEqual(offenders, [], `end-to-end tests outside test/e2e: ${offenders.join(', ')}`);
});
