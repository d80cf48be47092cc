/**
 * The remediation log of a run folder (remediation-log.jsonl): one JSON line per change `amigov remediate`
 * attempted — what, when, in which account and region, as which principal, the result, the verification, and
 * the exact change (and AWS CLI command) that undoes it. Appended, never rewritten: every remediation of the
 * run adds its lines. remediation-undo.sh is regenerated from it after each remediation.
 */
import { appendFileSync, chmodSync, existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { oneLine, shellWord } from './shell.js';
import { describeAction, type ChangeAction, type PlannedChange } from './plan.js';

export interface LogEntry {
  schemaVersion: 1;
  kind: 'amigov.remediation';
  /** One remediation (one `amigov remediate` invocation). */
  session: string;
  at: string;
  runId: string;
  changeId: string;
  findingId: string;
  ruleId: string;
  accountId: string;
  region: string;
  resource: string;
  action: ChangeAction;
  /** The AWS CLI command the change is equivalent to. */
  command: string;
  principal: string;
  result: 'applied' | 'failed' | 'not-applied';
  verified?: 'yes' | 'no' | 'pending';
  detail?: string;
  error?: { code: string; message: string };
  undo: { action: ChangeAction; command: string };
  /** Set on an undo: the changeId of the entry it reverses. */
  undoes?: string;
}

const action = z.union([
  z.object({ op: z.enum(['remove-public-launch-permission', 'add-public-launch-permission']), imageId: z.string() }).strict(),
  z.object({ op: z.enum(['remove-launch-permissions', 'add-launch-permissions']), imageId: z.string(), grantees: z.array(z.string()) }).strict(),
  z.object({ op: z.enum(['enable-image-block-public-access', 'disable-image-block-public-access']) }).strict(),
]);
const entrySchema = z
  .object({
    schemaVersion: z.literal(1),
    kind: z.literal('amigov.remediation'),
    session: z.string(),
    at: z.string(),
    runId: z.string(),
    changeId: z.string(),
    findingId: z.string(),
    ruleId: z.string(),
    accountId: z.string().regex(/^\d{12}$/),
    region: z.string(),
    resource: z.string(),
    action,
    command: z.string(),
    principal: z.string(),
    result: z.enum(['applied', 'failed', 'not-applied']),
    verified: z.enum(['yes', 'no', 'pending']).optional(),
    detail: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    undo: z.object({ action, command: z.string() }),
    undoes: z.string().optional(),
  })
  .strict();

export function appendLog(path: string, entry: LogEntry): void {
  appendFileSync(path, `${JSON.stringify(entry)}\n`);
}

export function readLog(path: string): LogEntry[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new UserError(`${path}:${i + 1} is not JSON`, { hint: 'The remediation log is written by amigov remediate; restore it from a copy.' });
      }
      const r = entrySchema.safeParse(parsed);
      if (!r.success) throw new UserError(`${path}:${i + 1} is not a remediation log entry: ${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`);
      return r.data as LogEntry;
    });
}

/** Applied changes no later applied undo has reversed, oldest first. */
export function undoable(entries: LogEntry[]): LogEntry[] {
  const undone = new Set(entries.filter((e) => e.undoes && e.result === 'applied').map((e) => e.undoes!));
  return entries.filter((e) => e.result === 'applied' && !e.undoes && !undone.has(e.changeId));
}

/** The undo of logged changes, as planned changes (newest first: the reverse order they were made in). */
export function undoPlan(entries: LogEntry[]): PlannedChange[] {
  return [...undoable(entries)].reverse().map((e) => ({
    id: `${e.changeId}:undo`,
    findingId: e.findingId,
    ruleId: e.ruleId,
    accountId: e.accountId,
    region: e.region,
    resource: e.resource,
    title: `undo: ${describeAction(e.undo.action)}`,
    action: e.undo.action,
    undo: e.action,
  }));
}

/** remediation-undo.sh: the undo commands of every applied change not undone yet; prints them unless --apply. */
export function writeUndoScript(path: string, entries: LogEntry[]): void {
  const todo = [...undoable(entries)].reverse();
  const lines = [
    '#!/usr/bin/env bash',
    '# Written by amigov remediate from remediation-log.jsonl: undoes every applied change not undone yet, newest first.',
    '# Prints the commands; run with --apply to run them. Or: amigov remediate --run <this folder> --undo',
    'set -euo pipefail',
    'APPLY=0',
    'case "${1:-}" in --apply) APPLY=1 ;; "") ;; -h|--help) echo "usage: $0 [--apply]"; exit 0 ;; *) echo "unknown flag: $1 (usage: $0 [--apply])" >&2; exit 2 ;; esac',
    'run() { if [ "$APPLY" = 1 ]; then echo "+ $*" >&2; "$@"; else echo "would run: $*"; fi; }',
    `echo ${shellWord(`${todo.length} change(s) to undo`)}`,
  ];
  for (const e of todo) {
    lines.push(`# ${oneLine(`${e.accountId} ${e.region} ${e.resource}: undo ${e.changeId} (${describeAction(e.action)}, ${e.at})`)}`);
    lines.push(`echo ${shellWord(`[account ${e.accountId} ${e.region}] ${describeAction(e.undo.action)}`)}`);
    lines.push(`run ${e.undo.command}`);
  }
  writeFileAtomic(path, `${lines.join('\n')}\n`);
  chmodSync(path, 0o755);
}
