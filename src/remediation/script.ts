/**
 * remediation.sh: the findings' commands as one reviewable bash script, grouped by account and region.
 * Dry run by default (EC2 changes are checked with --dry-run, others printed); `--apply` makes the
 * changes. Only `fix` commands that need no review are executed; everything needing a person is printed
 * as comments. Untrusted text only ever appears inside already-quoted command strings or sanitized
 * one-line comments.
 */
import { readFileSync } from 'node:fs';
import { plural } from '../util/format.js';
import { join } from 'node:path';
import type { FindingsDocument, RemediationCommand, Finding } from '../model/findings.js';
import { TEMPLATES_DIR } from '../util/paths.js';
import { assertId } from './ids.js';
import { shellWord } from './shell.js';
import { terminalSafe } from '../util/sanitize.js';
import { ChunkedLines } from '../util/chunked-lines.js';

export const DEFAULT_ROLE_NAME = 'OrganizationAccountAccessRole';
const ROLE_NAME_RE = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH_RE = /^\/([\w+=,.@-]+\/)*$/;

export interface ScriptOptions {
  /** Role assumed in each account (default: the document's remediation.roleName, else OrganizationAccountAccessRole). */
  roleName?: string;
  rolePath?: string;
  /** Shown in the header; defaults to the document's evaluation time. */
  generatedAt?: string;
  toolVersion?: string;
}

/**
 * The script's constant bash (option parsing, the change/check helpers with the dry-run/--apply logic, the
 * role-assuming helpers, the closing summary) lives in templates/remediation-script/, shipped with the
 * package and read once per process. Only this file's code puts per-finding text into the script.
 */
const SCRIPT_PARTS = { prelude: 'prelude.sh', assumeRole: 'assume-role.sh', start: 'start.sh', end: 'end.sh' } as const;
type ScriptPart = keyof typeof SCRIPT_PARTS;
export const SCRIPT_TEMPLATES_DIR = join(TEMPLATES_DIR, 'remediation-script');
/** `@NAME@` in a part; the only ones are @ROLE_NAME@ and @ROLE_PATH@ in assume-role.sh. */
const PLACEHOLDER_RE = /@([A-Z_]+)@/g;
/** What a placeholder may be filled with: IAM name/path characters, none of them special inside "...". */
const PLACEHOLDER_VALUE_RE = /^[\w+=,.@/-]+$/;

let parts: Record<ScriptPart, string> | undefined;

/**
 * A part's text without its final newline. The caller checks the role name and path against ROLE_NAME_RE /
 * ROLE_PATH_RE first; a value with a quote, `$`, backtick, backslash or space is refused here too.
 */
function scriptPart(name: ScriptPart, values: Record<string, string> = {}): string {
  parts ??= Object.fromEntries(
    Object.entries(SCRIPT_PARTS).map(([key, file]) => [key, readFileSync(join(SCRIPT_TEMPLATES_DIR, file), 'utf8').replace(/\r\n/g, '\n').replace(/\n$/, '')]),
  ) as Record<ScriptPart, string>;
  return parts[name].replace(PLACEHOLDER_RE, (_, key: string) => {
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    if (value === undefined) throw new Error(`templates/remediation-script/${SCRIPT_PARTS[name]}: no value for @${key}@`);
    if (!PLACEHOLDER_VALUE_RE.test(value)) throw new Error(`unsafe value for @${key}@: ${JSON.stringify(value)}`);
    return value;
  });
}

interface Entry {
  finding: Finding;
  command: RemediationCommand;
}

/**
 * Untrusted text as `#` comment lines: each line break starts a new comment line (a raw newline would end
 * the comment and make the rest a command), and control, C1 and bidi characters are written as visible
 * escapes (util/sanitize.ts), so the comment reads on screen as what it is.
 */
function comment(text: string, prefix = '# '): string {
  return text
    .split(/\r\n|\r|\n|\u2028|\u2029/)
    .map((line) => `${prefix}${oneLine(line)}`.trimEnd())
    .join('\n');
}

/** One line for a comment or an echoed title: nothing a terminal acts on. */
const oneLine = terminalSafe;

function operationOf(c: RemediationCommand): string {
  const words = c.command.split(' ');
  return words[0] === 'aws' && words[2] ? `${words[1]} ${words[2]}` : words[0] ?? c.command;
}

const executable = (c: RemediationCommand) => c.kind === 'fix' && !c.needsReview && c.command.startsWith('aws ');

/** The script as one string (tests, small runs); writeRemediationScript hands it on in chunks instead. */
export function renderRemediationScript(doc: FindingsDocument, opts: ScriptOptions = {}): string {
  const chunks: string[] = [];
  writeRemediationScript(doc, opts, (chunk) => chunks.push(chunk));
  return chunks.join('');
}

/**
 * Renders remediation.sh into `sink`, chunk by chunk (src/util/chunked-lines.ts): at 1,000 accounts the script is
 * ~90 MB, which as one string (and its array of lines) raised the run's peak memory by ~280 MB (829 against 553 MB). Everything that
 * can refuse the script (the role name and path, an id that is not one) is checked before its first line or, for
 * an id, before the line that would hold it: a caller writes the chunks to a temporary file and drops it on error.
 * Returns the script's line count and size.
 */
export function writeRemediationScript(doc: FindingsDocument, opts: ScriptOptions, sink: (chunk: string) => void): { lines: number; bytes: number } {
  const auth = doc.remediation;
  const profileMode = auth?.mode === 'profile';
  const roleName = opts.roleName ?? auth?.roleName ?? DEFAULT_ROLE_NAME;
  const rolePath = opts.rolePath ?? auth?.rolePath ?? '/';
  if (!ROLE_NAME_RE.test(roleName)) throw new Error(`invalid IAM role name ${JSON.stringify(roleName)}`);
  if (!ROLE_PATH_RE.test(rolePath)) throw new Error(`invalid IAM role path ${JSON.stringify(rolePath)}`);

  // account -> region -> entries, in the order findings come (severity first).
  const byAccount = new Map<string, Map<string, Entry[]>>();
  for (const finding of doc.findings) {
    for (const command of finding.commands) {
      if (command.kind === 'request' || !command.accountId || !command.region) continue;
      const account = assertId('account id', command.accountId);
      const region = assertId('region', command.region);
      const regions = byAccount.get(account) ?? new Map<string, Entry[]>();
      byAccount.set(account, regions);
      const list = regions.get(region) ?? [];
      regions.set(region, list);
      list.push({ finding, command });
    }
  }
  const accounts = [...byAccount.keys()].sort();
  const names = new Map(doc.accounts.map((a) => [a.accountId, a.name]));
  const label = (a: string) => (names.get(a) ? `${a} (${oneLine(names.get(a)!)})` : a);

  // Header: what --apply changes, per account.
  const plan: string[] = [];
  let totalChanges = 0;
  let totalReview = 0;
  let accountsWithChanges = 0;
  let accountsReviewOnly = 0;
  for (const a of accounts) {
    const seen = new Set<string>();
    const ops = new Map<string, number>();
    const reviewed = new Set<string>();
    for (const entries of byAccount.get(a)!.values()) {
      for (const { command } of entries) {
        if (command.kind === 'fix' && !executable(command)) reviewed.add(command.command);
        if (!executable(command) || seen.has(command.command)) continue;
        seen.add(command.command);
        ops.set(operationOf(command), (ops.get(operationOf(command)) ?? 0) + 1);
      }
    }
    const n = [...ops.values()].reduce((x, y) => x + y, 0);
    const review = reviewed.size;
    totalChanges += n;
    totalReview += review;
    if (n > 0) accountsWithChanges++;
    else if (review > 0) accountsReviewOnly++;
    if (n === 0 && review === 0) continue;
    const what = [...ops].map(([op, k]) => `${k} x ${op}`).join(', ');
    plan.push(`#   ${label(a)}: ${plural(n, 'change')}${what ? ` (${what})` : ''}${review ? `; ${review} for review` : ''}`);
  }

  const L = new ChunkedLines(sink);
  L.push('#!/usr/bin/env bash');
  L.push(comment(`amigov remediation script for run ${doc.run.runId}, findings as of ${doc.allowlist.asOf}` + (opts.toolVersion ? ` (amigov ${opts.toolVersion})` : '')));
  const when = opts.generatedAt ?? doc.evaluation?.evaluatedAt;
  if (when) L.push(comment(`Generated ${when} from ${doc.findings.length} findings.`));
  L.push('#');
  // Accounts are counted where something changes; accounts with review items only are named apart.
  const reviewOnly = accountsReviewOnly ? ` (and ${plural(accountsReviewOnly, 'more account')} with review items only)` : '';
  L.push(`# With --apply this script makes ${plural(totalChanges, 'change')} in ${plural(accountsWithChanges, 'account')}${reviewOnly}:`);
  L.push(...(plan.length ? plan : ['#   (nothing to change)']));
  L.push(`# ${plural(totalReview, 'change')} need a person's review: they are printed below as comments and never run.`);
  L.push('# Read-only look-ups (investigate) are printed as comments too.');
  L.push('#');
  L.push('# Usage:');
  L.push('#   ./remediation.sh                 dry run (default): EC2 changes are checked with --dry-run, nothing changes');
  L.push('#   ./remediation.sh --apply         print the plan, ask (type yes), make the changes, then verify them');
  L.push('#   ./remediation.sh --apply --yes   the same without asking (automation; needed without a terminal)');
  L.push('#   Scope: --accounts IDS, --regions LIST, --rules IDS, --finding IDS (comma-separated); --help for all flags.');
  L.push(
    profileMode
      ? `# Credentials: every command carries --profile (profile template ${oneLine(auth?.profileTemplate ?? '')}).`
      : `# Credentials: for each account the script assumes role ${rolePath === '/' ? '' : rolePath}${roleName} (override with AMIGOV_ROLE_NAME / AMIGOV_ROLE_PATH;\n#   AMIGOV_EXTERNAL_ID adds --external-id) from the credentials it was started with; the caller's own account uses them directly.`,
  );
  L.push(scriptPart('prelude'));
  if (!profileMode) {
    L.push('');
    L.push(scriptPart('assumeRole', { ROLE_NAME: roleName, ROLE_PATH: rolePath }));
  }
  L.push('');
  L.push(scriptPart('start'));
  // The accounts run once as a plan and once more to apply (--apply), or once as a dry run.
  L.push('run_accounts() {');
  L.push('  :');

  for (const account of accounts) {
    const regions = byAccount.get(account)!;
    L.push('');
    L.push(`# ${'='.repeat(98)}`);
    L.push(comment(`Account ${label(account)}`));
    L.push(`# ${'='.repeat(98)}`);
    L.push(`account_${account}() {`);
    L.push('  :');
    const done = new Set<string>();
    const scoped: string[] = [];
    let runs = false;
    for (const region of [...regions.keys()].sort()) {
      L.push('');
      L.push(`  # ---- ${region} ----`);
      let lastFinding: string | undefined;
      for (const { finding, command } of regions.get(region)!) {
        if (!/^[0-9a-f]{16}$/.test(finding.id) || !/^[a-z0-9-]+$/.test(finding.ruleId)) throw new Error(`invalid finding id or rule id: ${JSON.stringify([finding.id, finding.ruleId])}`);
        if (finding.id !== lastFinding) {
          lastFinding = finding.id;
          L.push('');
          L.push(comment(`[${finding.severity}] ${finding.ruleId} ${finding.resourceId} (finding ${finding.id}${finding.accountId !== account ? `, in account ${finding.accountId}` : ''})`, '  # '));
          L.push(comment(finding.message, '  #   '));
        }
        if (executable(command)) {
          if (done.has(command.command)) {
            L.push(comment(`(already above) ${command.title}`, '  # '));
            continue;
          }
          done.add(command.command);
          runs = true;
          scoped.push(`in_scope ${account} ${region} ${shellWord(finding.ruleId)} ${finding.id}`);
          L.push(`  change ${command.supportsDryRun ? 1 : 0} ${account} ${region} ${shellWord(finding.ruleId)} ${finding.id} ${shellWord(oneLine(command.title))} ${command.command}`);
        } else if (command.kind === 'verify' && command.command.startsWith('aws ')) {
          if (done.has(command.command)) continue;
          done.add(command.command);
          L.push(`  check ${account} ${region} ${shellWord(finding.ruleId)} ${finding.id} ${shellWord(oneLine(command.title))} ${command.command}`);
        } else {
          const tag = command.kind === 'fix' ? 'REVIEW, not run' : command.kind === 'investigate' ? 'look-up' : command.kind;
          if (done.has(command.command)) {
            L.push(comment(`(${tag}, already above) ${command.title}`, '  # '));
            continue;
          }
          done.add(command.command);
          L.push(comment(`${tag}: ${command.title}`, '  # '));
          L.push(comment(command.command, '  #     '));
        }
      }
    }
    L.push('}');
    if (!runs) L.push(`# (nothing runs in ${account}: look-ups and review items only, so no credentials are needed)`);
    else {
      // Credentials only for an account with something in scope, and not to print the plan.
      L.push(`scoped_${account}() { ${[...new Set(scoped)].join(' || ')}; }`);
      L.push(
        profileMode
          ? `if scoped_${account}; then account_${account}; fi`
          : `if scoped_${account} && { [[ $MODE == plan ]] || assume_role ${account}; }; then account_${account}; fi`,
      );
    }
  }
  if (!profileMode) L.push('restore_base_credentials');
  L.push('}');
  L.push('run_accounts');

  // Findings whose only action is a request (a link): listed for completeness.
  const requests = new Set(doc.findings.flatMap((f) => f.commands.filter((c) => c.kind === 'request').map((c) => c.command)));
  if (requests.size) {
    L.push('');
    for (const r of requests) L.push(comment(`Exception requests: ${r}`));
  }
  L.push('');
  L.push(scriptPart('end'));
  L.end();
  return { lines: L.lines, bytes: L.bytes };
}
