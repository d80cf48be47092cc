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
  jsonl: 'findings.jsonl',
  ocsf: 'findings.ocsf.json',
  asff: 'findings.asff.json',
  summary: 'summary.md',
} as const;
