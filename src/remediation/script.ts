/**
 * remediation.sh: the findings' commands as one reviewable bash script, grouped by account and region.
 * Dry run by default (EC2 changes are checked with --dry-run, others printed); `--apply` makes the
 * changes. Only `fix` commands that need no review are executed; everything needing a person is printed
 * as comments. Untrusted text only ever appears inside already-quoted command strings or sanitized
 * one-line comments.
 */
import type { FindingsDocument, RemediationCommand, Finding } from '../model/findings.js';
import { assertId } from './ids.js';
import { shellWord } from './shell.js';
import { terminalSafe } from '../util/sanitize.js';

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

export function renderRemediationScript(doc: FindingsDocument, opts: ScriptOptions = {}): string {
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
    if (n === 0 && review === 0) continue;
    const what = [...ops].map(([op, k]) => `${k} x ${op}`).join(', ');
    plan.push(`#   ${label(a)}: ${n} change${n === 1 ? '' : 's'}${what ? ` (${what})` : ''}${review ? `; ${review} for review` : ''}`);
  }

  const L: string[] = [];
  L.push('#!/usr/bin/env bash');
  L.push(comment(`amigov remediation script for run ${doc.run.runId}, findings as of ${doc.allowlist.asOf}` + (opts.toolVersion ? ` (amigov ${opts.toolVersion})` : '')));
  const when = opts.generatedAt ?? doc.evaluation?.evaluatedAt;
  if (when) L.push(comment(`Generated ${when} from ${doc.findings.length} findings.`));
  L.push('#');
  L.push(`# With --apply this script makes ${totalChanges} change${totalChanges === 1 ? '' : 's'} in ${plan.length} account${plan.length === 1 ? '' : 's'}:`);
  L.push(...(plan.length ? plan : ['#   (nothing to change)']));
  L.push(`# ${totalReview} change${totalReview === 1 ? '' : 's'} need a person's review: they are printed below as comments and never run.`);
  L.push('# Read-only look-ups (investigate) are printed as comments too.');
  L.push('#');
  L.push('# Usage:');
  L.push('#   ./remediation.sh           dry run (default): EC2 changes are checked with --dry-run, nothing changes');
  L.push('#   ./remediation.sh --apply   make the changes, then run the verification commands');
  L.push(
    profileMode
      ? `# Credentials: every command carries --profile (profile template ${oneLine(auth?.profileTemplate ?? '')}).`
      : `# Credentials: for each account the script assumes role ${rolePath === '/' ? '' : rolePath}${roleName} (override with AMIGOV_ROLE_NAME / AMIGOV_ROLE_PATH;\n#   AMIGOV_EXTERNAL_ID adds --external-id) from the credentials it was started with; the caller's own account uses them directly.`,
  );
  L.push('set -euo pipefail');
  L.push('');
  L.push('APPLY=0');
  L.push('for arg in "$@"; do');
  L.push('  case "$arg" in');
  L.push('    --apply) APPLY=1 ;;');
  L.push('    -h|--help) sed -n \'2,/^set -euo/p\' "$0" | sed \'$d\'; exit 0 ;;');
  L.push('    *) echo "remediation.sh: unknown argument: $arg (use --apply, or --help)" >&2; exit 2 ;;');
  L.push('  esac');
  L.push('done');
  L.push('FAILURES=0');
  L.push('CHANGED=0');
  L.push('');
  L.push('# change DRY_RUN_SUPPORTED TITLE COMMAND...: dry run checks it, --apply runs it; a failure is counted, not fatal.');
  L.push('change() {');
  L.push('  local dry="$1" title="$2" out');
  L.push('  shift 2');
  L.push('  printf \'\\n== %s\\n+ %s\\n\' "$title" "$*"');
  L.push('  if [[ $APPLY == 1 ]]; then');
  L.push('    if "$@"; then CHANGED=$((CHANGED + 1)); else echo "!! failed: $title" >&2; FAILURES=$((FAILURES + 1)); fi');
  L.push('  elif [[ $dry == 1 ]]; then');
  L.push('    if out=$("$@" --dry-run 2>&1); then');
  L.push('      echo "   dry run: the request was accepted"');
  L.push('    elif [[ $out == *DryRunOperation* ]]; then');
  L.push('      echo "   dry run: would succeed"');
  L.push('    else');
  L.push('      echo "   dry run: would fail: $out"; FAILURES=$((FAILURES + 1))');
  L.push('    fi');
  L.push('  else');
  L.push('    echo "   dry run: not run (this command has no --dry-run); run with --apply"');
  L.push('  fi');
  L.push('}');
  L.push('');
  L.push('# check TITLE COMMAND...: read-only verification, run after the changes with --apply.');
  L.push('check() {');
  L.push('  local title="$1"');
  L.push('  shift');
  L.push('  if [[ $APPLY == 1 ]]; then');
  L.push('    printf \'\\n-- %s\\n\' "$title"');
  L.push('    "$@" || { echo "!! verification failed: $title" >&2; FAILURES=$((FAILURES + 1)); }');
  L.push('  fi');
  L.push('}');
  if (!profileMode) {
    L.push('');
    L.push(`ROLE_NAME="\${AMIGOV_ROLE_NAME:-${roleName}}"`);
    L.push(`ROLE_PATH="\${AMIGOV_ROLE_PATH:-${rolePath}}"`);
    L.push('# The credentials the script was started with: every role is assumed from these.');
    L.push('BASE_KEY_SET=${AWS_ACCESS_KEY_ID+x} BASE_KEY=${AWS_ACCESS_KEY_ID-}');
    L.push('BASE_SECRET_SET=${AWS_SECRET_ACCESS_KEY+x} BASE_SECRET=${AWS_SECRET_ACCESS_KEY-}');
    L.push('BASE_TOKEN_SET=${AWS_SESSION_TOKEN+x} BASE_TOKEN=${AWS_SESSION_TOKEN-}');
    L.push('restore_base_credentials() {');
    L.push('  if [[ -n $BASE_KEY_SET ]]; then export AWS_ACCESS_KEY_ID="$BASE_KEY"; else unset AWS_ACCESS_KEY_ID; fi');
    L.push('  if [[ -n $BASE_SECRET_SET ]]; then export AWS_SECRET_ACCESS_KEY="$BASE_SECRET"; else unset AWS_SECRET_ACCESS_KEY; fi');
    L.push('  if [[ -n $BASE_TOKEN_SET ]]; then export AWS_SESSION_TOKEN="$BASE_TOKEN"; else unset AWS_SESSION_TOKEN; fi');
    L.push('}');
    L.push('CALLER_ACCOUNT=$(aws sts get-caller-identity --query Account --output text)');
    L.push('# assume_role ACCOUNT: exports that account\'s role credentials; returns 1 (counted) when it cannot.');
    L.push('assume_role() {');
    L.push('  local account="$1" out');
    L.push('  restore_base_credentials');
    L.push('  [[ $account == "$CALLER_ACCOUNT" ]] && return 0');
    L.push('  if ! out=$(aws sts assume-role --role-arn "arn:${AWS_PARTITION:-aws}:iam::${account}:role${ROLE_PATH}${ROLE_NAME}" \\');
    L.push('      --role-session-name amigov-remediation ${AMIGOV_EXTERNAL_ID:+--external-id "$AMIGOV_EXTERNAL_ID"} \\');
    L.push('      --query \'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]\' --output text); then');
    L.push('    echo "!! cannot assume ${ROLE_PATH}${ROLE_NAME} in ${account}: its commands are skipped" >&2');
    L.push('    FAILURES=$((FAILURES + 1))');
    L.push('    return 1');
    L.push('  fi');
    L.push('  read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<<"$out"');
    L.push('  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN');
    L.push('}');
  }
  L.push('');
  L.push('if [[ $APPLY == 1 ]]; then echo "amigov remediation: APPLYING changes"; else echo "amigov remediation: DRY RUN (nothing changes; run with --apply to make the changes)"; fi');

  for (const account of accounts) {
    const regions = byAccount.get(account)!;
    L.push('');
    L.push(`# ${'='.repeat(98)}`);
    L.push(comment(`Account ${label(account)}`));
    L.push(`# ${'='.repeat(98)}`);
    L.push(`account_${account}() {`);
    L.push('  :');
    const done = new Set<string>();
    let runs = false;
    for (const region of [...regions.keys()].sort()) {
      L.push('');
      L.push(`  # ---- ${region} ----`);
      let lastFinding: string | undefined;
      for (const { finding, command } of regions.get(region)!) {
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
          L.push(`  change ${command.supportsDryRun ? 1 : 0} ${shellWord(oneLine(command.title))} ${command.command}`);
        } else if (command.kind === 'verify' && command.command.startsWith('aws ')) {
          if (done.has(command.command)) continue;
          done.add(command.command);
          L.push(`  check ${shellWord(oneLine(command.title))} ${command.command}`);
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
    else L.push(profileMode ? `account_${account}` : `if assume_role ${account}; then account_${account}; fi`);
  }
  if (!profileMode) L.push('restore_base_credentials');

  // Findings whose only action is a request (a link): listed for completeness.
  const requests = new Set(doc.findings.flatMap((f) => f.commands.filter((c) => c.kind === 'request').map((c) => c.command)));
  if (requests.size) {
    L.push('');
    for (const r of requests) L.push(comment(`Exception requests: ${r}`));
  }
  L.push('');
  L.push('echo');
  L.push('if [[ $APPLY == 1 ]]; then echo "amigov remediation: $CHANGED change(s) made, $FAILURES failure(s)"; else echo "amigov remediation: dry run done, $FAILURES problem(s) found"; fi');
  L.push('[[ $FAILURES == 0 ]]');
  return L.join('\n') + '\n';
}
