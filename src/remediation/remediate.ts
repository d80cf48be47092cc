/**
 * `amigov remediate`: a run's remediation plan, applied. Flags are checked before any AWS call; then the plan is
 * printed (account, region, resource, the AWS CLI equivalent), every change is tried with EC2's DryRun, the
 * person confirms by typing "yes" (or --yes), the changes that passed are applied and verified, and every
 * attempt goes into remediation-log.jsonl with its undo; remediation-undo.sh is written from the log.
 * `--undo` plans the reverse of what the log applied and runs the same steps. Nothing changes without the
 * confirmation. Exit: 0 every change applied; 3 some change failed or was not applied (a partial failure is
 * never success); 2 bad flags or declined; 4 no usable credentials.
 */
import { join } from 'node:path';
import type { FindingsDocument } from '../model/findings.js';
import { EXIT, UserError, type ExitCode } from '../errors.js';
import { RUN_FILES } from '../model/run-files.js';
import { ACCOUNT_ID_RE, REGION_RE, splitList, SCAN_DEFAULTS } from '../scan/options.js';
import { RULE_IDS } from '../rules/index.js';
import { readFindingsDocument } from '../model/files.js';
import { findingsPathOf } from '../report/load.js';
import { loadConfig } from '../config/load.js';
import { resolveAllowlist } from '../config/allowlist.js';
import { normalizeProviders } from '../policy/providers.js';
import { buildScp } from '../policy/scp.js';
import { plural } from '../util/format.js';
import { terminalSafe } from '../util/sanitize.js';
import { buildPlan, commandOf, REMEDIABLE_RULES, type PlannedChange } from './plan.js';
import { applyChange, dryRunChange, openSession, type RemediateSettings, type RemediationSession } from './apply.js';
import { appendLog, readLog, undoPlan, writeUndoScript, type LogEntry } from './log.js';
import { scpDenial } from './scp-warning.js';

export interface RemediateCliOptions {
  run?: string;
  rules?: string;
  accounts?: string;
  regions?: string;
  finding?: string[];
  undo?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  config?: string;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  roleName?: string;
  rolePath?: string;
  externalId?: string;
  sessionDuration?: string;
  assumeRoleInCallerAccount?: boolean;
  maxAttempts?: string;
  timeout?: string;
}

export interface RemediateIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** A person can answer (stdin is a terminal). */
  interactive: boolean;
  /** Asks the question, resolves to the typed answer. */
  ask(question: string): Promise<string>;
  now?: () => Date;
}

const FINDING_ID = /^[0-9a-f]{16}$/;
const ROLE_NAME_RE = /^[\w+=,.@-]{1,64}$/;

interface Checked {
  runDir: string;
  doc: FindingsDocument;
  settings: Omit<RemediateSettings, 'sessionId'>;
  scope: { rules?: string[]; accounts?: string[]; regions?: string[]; findingIds?: string[] };
  configPath: string;
}

function whole(flag: string, v: string | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max) throw new UserError(`${flag}: ${JSON.stringify(v)} is not a whole number from ${min} to ${max}`);
  return Number(v);
}

/** Every flag, the run folder and the config, checked before any AWS call (exit 2 on the first problem). */
export function checkRemediateFlags(cli: RemediateCliOptions, io: Pick<RemediateIo, 'interactive'>): Checked {
  if (!cli.run) throw new UserError('--run DIR is required: the run folder whose findings to remediate', { hint: 'Example: amigov remediate --run reports/<run-id> --rules public-ami' });
  const rules = splitList(cli.rules);
  for (const r of rules ?? []) {
    if (!RULE_IDS.includes(r)) throw new UserError(`--rules: unknown rule ${JSON.stringify(r)}`, { hint: `amigov remediate changes findings of ${REMEDIABLE_RULES.join(', ')}` });
    if (!(REMEDIABLE_RULES as readonly string[]).includes(r)) throw new UserError(`--rules: amigov remediate does not change ${r} findings`, { hint: `It changes ${REMEDIABLE_RULES.join(', ')}; the others are in remediation.sh and the report, for a person to review.` });
  }
  const accounts = splitList(cli.accounts);
  for (const a of accounts ?? []) if (!ACCOUNT_ID_RE.test(a)) throw new UserError(`--accounts: ${JSON.stringify(a)} is not a 12-digit AWS account id`);
  const regions = splitList(cli.regions);
  for (const r of regions ?? []) if (!REGION_RE.test(r)) throw new UserError(`--regions: ${JSON.stringify(r)} is not a region name`, { hint: 'Example: --regions us-east-1,eu-west-1' });
  const findingIds = splitList(cli.finding);
  for (const f of findingIds ?? []) if (!FINDING_ID.test(f)) throw new UserError(`--finding: ${JSON.stringify(f)} is not a finding id (16 hex digits)`);
  if (cli.undo && (rules || findingIds)) throw new UserError('--undo undoes what the log applied; it takes --accounts and --regions but not --rules or --finding');
  if (cli.region !== undefined && !REGION_RE.test(cli.region)) throw new UserError(`--region: ${JSON.stringify(cli.region)} is not a region name`);
  if (cli.endpointUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(cli.endpointUrl)) throw new UserError('--endpoint-url: not an http(s) URL', { hint: 'Example: --endpoint-url http://127.0.0.1:4566' });
  const configPath = cli.config ?? 'config/ami_publishers.json';
  const config = loadConfig(configPath);
  const roleName = cli.roleName ?? config.policy_config.remediation_role_name;
  if (!ROLE_NAME_RE.test(roleName)) throw new UserError(`--role-name: ${JSON.stringify(roleName)} is not a valid IAM role name`);
  const rolePath = cli.rolePath ?? '/';
  if (!/^\/([\x21-\x7e]*\/)?$/.test(rolePath)) throw new UserError(`--role-path: ${JSON.stringify(rolePath)} is not an IAM path (e.g. /amigov/)`);
  const timeout = cli.timeout === undefined ? SCAN_DEFAULTS.requestTimeoutMs : Math.round(Number(cli.timeout) * 1000);
  if (!Number.isFinite(timeout) || timeout < 100 || timeout > 600_000) throw new UserError(`--timeout: ${JSON.stringify(cli.timeout)} is not a number of seconds (0.1-600)`);
  // What the run folder holds is checked before how to confirm: a wrong folder is the first thing to fix.
  const doc = readFindingsDocument(findingsPathOf(cli.run));
  // Nothing changes without a confirmation: without a terminal it must be given as --yes (or it is a dry run).
  if (!cli.yes && !cli.dryRun && !io.interactive) {
    throw new UserError('no terminal to confirm the changes on, and no --yes', { hint: 'Run it on a terminal to review and type "yes", pass --yes in automation, or --dry-run to only see the plan and the dry runs.' });
  }
  return {
    runDir: cli.run,
    doc,
    configPath,
    scope: { ...(rules ? { rules } : {}), ...(accounts ? { accounts } : {}), ...(regions ? { regions } : {}), ...(findingIds ? { findingIds } : {}) },
    settings: {
      ...(cli.profile ? { profile: cli.profile } : {}),
      ...(cli.endpointUrl ? { endpointUrl: cli.endpointUrl } : {}),
      ...(cli.region ? { region: cli.region } : {}),
      roleName,
      rolePath,
      ...(cli.externalId ? { externalId: cli.externalId } : {}),
      sessionDurationSeconds: whole('--session-duration', cli.sessionDuration, SCAN_DEFAULTS.sessionDurationSeconds, 900, 43_200),
      assumeRoleInCallerAccount: cli.assumeRoleInCallerAccount === true,
      maxAttempts: whole('--max-attempts', cli.maxAttempts, SCAN_DEFAULTS.maxAttempts, 1, 20),
      requestTimeoutMs: timeout,
    },
  };
}

const line = (s: string) => `${terminalSafe(s)}\n`;

/** Runs `amigov remediate`; returns the exit code. */
export async function runRemediate(cli: RemediateCliOptions, io: RemediateIo): Promise<ExitCode> {
  const checked = checkRemediateFlags(cli, io);
  const { doc, runDir, scope } = checked;
  const now = io.now ?? (() => new Date());
  const logPath = join(runDir, RUN_FILES.remediationLog);
  const log = readLog(logPath);

  let changes: PlannedChange[];
  if (cli.undo) {
    changes = undoPlan(log).filter((c) => (!scope.accounts || scope.accounts.includes(c.accountId)) && (!scope.regions || scope.regions.includes(c.region)));
  } else {
    const plan = buildPlan(doc, scope);
    changes = plan.changes;
    if (plan.notApplied.length) io.stdout.write(line(`${plural(plan.notApplied.length, 'finding')} in scope not changed by amigov remediate (see remediation.sh): ${[...new Set(plan.notApplied.map((n) => n.reason))].join('; ')}`));
  }
  const env = { accountName: (a: string) => doc.accounts.find((x) => x.accountId === a)?.name };
  const accountsOf = (list: PlannedChange[]) => new Set(list.map((c) => c.accountId)).size;
  io.stdout.write(line(`${cli.undo ? 'Undo plan' : 'Plan'} for run ${doc.run.runId}: ${plural(changes.length, 'change')} in ${plural(accountsOf(changes), 'account')}`));
  changes.forEach((c, i) => {
    const name = env.accountName(c.accountId);
    io.stdout.write(line(`  ${i + 1}. [account ${c.accountId}${name ? ` (${name})` : ''} ${c.region}] ${c.resource}: ${c.title}`));
    io.stdout.write(line(`     ${commandOf(env, c, c.action)}`));
  });
  if (changes.length === 0) {
    io.stdout.write(line('Nothing to change.'));
    return EXIT.OK;
  }

  const sessionId = `${doc.run.runId}-${now().toISOString().replace(/[:.]/g, '-')}`;
  const session = await openSession({ ...checked.settings, sessionId });

  // The SCP amigov generates: would it deny one of these changes to the principal that makes it?
  const scpWarnings = scpWarningsFor(checked, session, changes);
  for (const w of scpWarnings) io.stderr.write(line(`amigov: warning: ${w}`));

  io.stdout.write('\n' + line('Dry run (EC2 DryRun: DryRunOperation = would succeed):'));
  const passed: PlannedChange[] = [];
  const failed: { change: PlannedChange; reason: string }[] = [];
  for (const c of changes) {
    const v = await dryRunChange(session, c);
    if (v.ok) passed.push(c);
    else failed.push({ change: c, reason: v.reason ?? v.code ?? 'unknown' });
    io.stdout.write(line(`  [account ${c.accountId} ${c.region}] ${c.resource}: ${v.ok ? 'would succeed' : `would FAIL: ${v.reason}`}`));
  }
  io.stdout.write(line(`${plural(passed.length, 'change')} would succeed, ${plural(failed.length, 'change')} would fail.`));
  if (cli.dryRun || passed.length === 0) {
    io.stdout.write(line(cli.dryRun ? 'Dry run only (--dry-run): nothing changed.' : 'Nothing can be applied: nothing changed.'));
    return failed.length ? EXIT.PARTIAL : EXIT.OK;
  }

  if (!cli.yes) {
    const answer = await io.ask(`Apply ${plural(passed.length, 'change')} in ${plural(accountsOf(passed), 'account')}? Type yes to apply: `);
    if (answer.trim() !== 'yes') {
      io.stdout.write(line('Not confirmed: nothing changed.'));
      throw new UserError('not confirmed (the answer was not "yes"): nothing changed', { hint: 'Run it again and type yes, or pass --yes.' });
    }
  }

  const entries: LogEntry[] = [];
  const record = (c: PlannedChange, principal: string, result: LogEntry['result'], extra: Partial<LogEntry>) => {
    const e: LogEntry = {
      schemaVersion: 1,
      kind: 'amigov.remediation',
      session: sessionId,
      at: now().toISOString(),
      runId: doc.run.runId,
      changeId: c.id,
      findingId: c.findingId,
      ruleId: c.ruleId,
      accountId: c.accountId,
      region: c.region,
      resource: c.resource,
      action: c.action,
      command: commandOf(env, c, c.action),
      principal,
      result,
      undo: { action: c.undo, command: commandOf(env, c, c.undo) },
      ...(cli.undo ? { undoes: c.id.replace(/:undo$/, '') } : {}),
      ...extra,
    };
    appendLog(logPath, e);
    entries.push(e);
  };
  for (const { change, reason } of failed) record(change, (await session.access(change.accountId)).principal, 'not-applied', { detail: `dry run failed: ${reason}` });

  io.stdout.write('\n' + line('Applying:'));
  let applied = 0;
  for (const c of passed) {
    const out = await applyChange(session, c);
    const principal = (await session.access(c.accountId)).principal;
    record(c, principal, out.result, {
      ...(out.verified ? { verified: out.verified } : {}),
      ...(out.verifyDetail ? { detail: out.verifyDetail } : {}),
      ...(out.error ? { error: out.error } : {}),
    });
    const ok = out.result === 'applied' && out.verified !== 'no';
    if (ok) applied++;
    io.stdout.write(
      line(
        `  [account ${c.accountId} ${c.region}] ${c.resource}: ${
          out.result === 'failed' ? `FAILED: ${out.error?.code}: ${out.error?.message}` : out.verified === 'yes' ? 'applied, verified' : out.verified === 'pending' ? `applied, verification pending (${out.verifyDetail})` : `applied but NOT verified (${out.verifyDetail})`
        }`,
      ),
    );
  }
  const allEntries = readLog(logPath);
  writeUndoScript(join(runDir, RUN_FILES.remediationUndo), allEntries);
  const notDone = changes.length - applied;
  io.stdout.write('\n' + line(`${plural(applied, 'change')} applied${notDone ? `, ${notDone} not applied or not verified` : ''}. Log: ${logPath}; undo: amigov remediate --run ${runDir} --undo (or ${join(runDir, RUN_FILES.remediationUndo)})`));
  return notDone ? EXIT.PARTIAL : EXIT.OK;
}

/** Warnings for changes the generated SCP would deny to the principal making them. */
function scpWarningsFor(checked: Checked, session: RemediationSession, changes: PlannedChange[]): string[] {
  const config = loadConfig(checked.configPath);
  const allowlist = resolveAllowlist(config, checked.doc.run.asOf);
  const scp = buildScp({
    providers: normalizeProviders(allowlist.approvedProviders),
    publisherAccounts: normalizeProviders(allowlist.publishers.map((p) => p.accountId)),
    exemption: 'principal-account',
    remediationRoleName: config.policy_config.remediation_role_name,
  });
  const out: string[] = [];
  for (const c of changes) {
    const principal =
      c.accountId === session.caller.accountId && !checked.settings.assumeRoleInCallerAccount ? session.caller.arn : session.roleArnIn(c.accountId);
    const sid = scpDenial(scp, c.action, c.accountId, principal);
    if (sid) out.push(`the SCP amigov generates (${sid}) would deny ${c.title} in ${c.accountId} ${c.region} to ${principal}: run amigov remediate with --role-name ${config.policy_config.remediation_role_name} (the role the SCP exempts), or expect this change to fail where that SCP is attached`);
  }
  return out;
}
