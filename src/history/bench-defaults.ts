/** The history benchmark's options and defaults: imports nothing, so `amigov bench --help` can quote them (issue #18). */
export interface HistoryBenchOptions {
  runs: number;
  accounts: number;
  /** Findings per account and run. */
  findingsPerAccount: number;
  /** Share of an account's findings fixed (and replaced by new ones) each week. */
  churn: number;
  regions: string[];
  firstDate: string;
}

export const HISTORY_BENCH_DEFAULTS: HistoryBenchOptions = {
  runs: 52,
  accounts: 1000,
  findingsPerAccount: 8,
  churn: 0.05,
  regions: ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'],
  firstDate: '2026-01-05',
};
