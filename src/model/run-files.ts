/**
 * The files of a run folder (reports/<run-id>/ or --out), named once: every writer (scan, evaluate, the
 * reporters, bench) and every reader (report, --compare) uses these names.
 */
export const RUN_FILES = {
  findings: 'findings.json',
  inventory: 'inventory.json',
  remediation: 'remediation.sh',
  html: 'report.html',
  xlsx: 'report.xlsx',
  csv: 'findings.csv',
  /** The per-OU rollout plan (impact.blastRadius.rollout) as CSV. */
  rollout: 'rollout.csv',
  jsonl: 'findings.jsonl',
  ocsf: 'findings.ocsf.json',
  asff: 'findings.asff.json',
  summary: 'summary.md',
  /** `amigov remediate`: one JSON line per change it attempted (appended by each remediation of the run). */
  remediationLog: 'remediation-log.jsonl',
  /** `amigov remediate`: the commands that undo every applied change the log has not undone yet. */
  remediationUndo: 'remediation-undo.sh',
} as const;
