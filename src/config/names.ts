/**
 * The config's names and vocabularies that command definitions and their --help need: this module imports
 * nothing, so `amigov --help` can show them without loading zod or the config code (issue #18; test/cli/startup-imports.test.ts).
 * load.ts, discover.ts and schema.ts re-export them; this is the one place they are defined.
 */

export const DEFAULT_CONFIG_PATH = 'config/ami_publishers.json';

export const CONFIG_ENV = 'AMIGOV_CONFIG';

/** The --config flag's help: where the config comes from when the flag is not given. */
export const CONFIG_FLAG_HELP = `publisher config (default: $${CONFIG_ENV}, else ./${DEFAULT_CONFIG_PATH})`;

export const ENFORCEMENT_MODES = ['audit_mode', 'enabled'] as const;
export type EnforcementMode = (typeof ENFORCEMENT_MODES)[number];
