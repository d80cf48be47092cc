/**
 * Test helpers that recover the argv a shell would see from a command string, two ways: shell-quote's
 * parse (a shell-word parser) and bash itself (printf '%s\0' in a directory full of glob bait).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'shell-quote';

/**
 * argv by shell-quote's parser. Any operator (;, &&, |, >, $(...) substitution, comments) means the
 * command did not stay one simple command and fails. shell-quote reports a backslash-escaped `*` or `?`
 * as a glob token although a shell takes it literally; those are returned as their text, and the bash
 * check below confirms they stay literal.
 */
export function parseArgv(command: string, env: Record<string, string> = {}): string[] {
  return parse(command, env).map((t) => {
    // shell-quote's parser keeps the backslash of \` inside double quotes, where bash drops it; the
    // bash check is exact, this one is canonicalized (see canon()).
    if (typeof t === 'string') return canon(t);
    if (typeof t === 'object' && t !== null && 'op' in t && t.op === 'glob') return (t as { pattern: string }).pattern;
    throw new Error(`command contains a shell operator or comment ${JSON.stringify(t)}: ${command}`);
  });
}

/** Canonical form for comparing with shell-quote's parse: see parseArgv. */
export function canon(s: string): string {
  return s.replaceAll('\\`', '`');
}

const END = '@@amigov-end-of-command@@';

/** argv by bash for many commands at once; every file in the cwd is glob bait. */
export function bashArgv(commands: string[], env: Record<string, string> = {}): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'amigov-argv-'));
  for (const f of ['a.txt', 'x', 'pwned', 'ImageId=ami-1']) writeFileSync(join(dir, f), '');
  const script = commands.map((c) => `printf '%s\\0' ${c}\nprintf '%s\\0' ${END}`).join('\n');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', script], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bash failed (${r.status}): ${r.stderr}`);
  const words = r.stdout.split('\0').slice(0, -1);
  const out: string[][] = [];
  let cur: string[] = [];
  for (const w of words) {
    if (w === END) {
      out.push(cur);
      cur = [];
    } else cur.push(w);
  }
  if (out.length !== commands.length) throw new Error(`bash produced ${out.length} commands for ${commands.length}: a command broke out of its line`);
  return out;
}

/** Strings from strangers: quotes, substitutions, separators, globs, newlines, unicode. */
export const HOSTILE: string[] = [
  "it's",
  'say "hi"',
  '$(touch pwned)',
  '`touch pwned`',
  '${HOME}',
  'a; rm -rf /',
  'a && touch pwned',
  'a | tee x',
  'a > x',
  '*',
  '*.txt',
  '?',
  '[a-z]*',
  'line1\nline2',
  'tab\there',
  'cr\rhere',
  "mixed ' \" $ ` \\ !",
  "'; touch pwned; echo '",
  '#not-a-comment',
  '~root',
  '--region=eu-west-1',
  '-rf',
  'ünïcødé ✓ 日本語 \u202e',
  '',
  ' ',
  '\\',
  'a\\nb',
  '{a,b}',
  '!!',
  "it's `date` $(id)",
  'trailing\\',
];
