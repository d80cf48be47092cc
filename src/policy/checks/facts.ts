/**
 * The facts the checks of `amigov policy validate` work on. `config` and the four `<file>.read` facts are
 * there from the start (validate.ts reads the files); every other fact is provided by a check (see the
 * `provides` of each check in index.ts) and is missing when that check failed or was skipped.
 */
import type { PublisherConfig } from '../../config/schema.js';
import type { ResolvedAllowlist } from '../../config/allowlist.js';
import type { CliCriteriaInput, IamPolicy } from '../syntax.js';
import type { DeclarativeSummary } from '../declarative.js';
import type { ScpSummary } from '../scp.js';
import type { DistFileKey } from '../files.js';

export interface ConfigFacts {
  cfg: PublisherConfig;
  configPath: string;
  asOf: string;
  allowlist: ResolvedAllowlist;
  /** The config's approved providers as of the date, normalized. */
  expected: string[];
}

/** A generated file as read from the dist folder: its text, or why it could not be read. */
export interface ReadFile {
  name: string;
  path: string;
  text?: string;
  /** errno code, e.g. ENOENT */
  error?: string;
}

/** A generated file that parsed as JSON. */
export interface JsonFile {
  name: string;
  path: string;
  text: string;
  value: unknown;
}

export type Facts = { config: ConfigFacts } & { [K in DistFileKey as `${K}.read`]: ReadFile } & { [K in DistFileKey as `${K}.json`]: JsonFile } & {
  declarative: DeclarativeSummary;
  'declarative.state': string;
  'declarative.exception-message': string;
  scp: ScpSummary;
  /** The ec2:Owner list of the SCP's launch statement. */
  'scp.owners': string[];
  tagPolicy: IamPolicy;
  cliCriteria: CliCriteriaInput;
};

export type FactKey = keyof Facts;
