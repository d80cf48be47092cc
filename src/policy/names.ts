/**
 * Names `amigov policy`'s definitions and --help need: this module imports nothing, so `amigov --help` can show
 * them without loading the policy generators or zod (issue #18; test/cli/startup-imports.test.ts). files.ts and
 * scp.ts re-export them; this is the one place they are defined.
 */

/** Names of the files `amigov policy generate` writes into the output folder (policies/ by default). */
export const DIST_FILES = {
  declarative: 'declarative-policy-ec2.json',
  scp: 'scp-ami-guardrail.json',
  tagPolicy: 'iam-prod-ami-tag-policy.json',
  cliCriteria: 'allowed-images-criteria.cli.json',
} as const;
export type DistFileKey = keyof typeof DIST_FILES;

/** Not dist/ (the build output: in a clone the policies would land beside dist/cli/main.js and be packed). */
export const DEFAULT_DIST_DIR = 'policies';

/**
 * How statements 2 and 3 of the SCP spare the publisher accounts:
 *  - 'principal-account': a condition aws:PrincipalAccount not in the publisher accounts (attach anywhere,
 *    e.g. at the root; costs a second copy of the account list in the SCP's size budget);
 *  - 'ou': no condition; attach the SCP only to the OUs holding workload accounts, never to the OU that
 *    holds the publisher accounts.
 */
export type ScpPublisherExemption = 'principal-account' | 'ou';
export const SCP_PUBLISHER_EXEMPTIONS: readonly ScpPublisherExemption[] = ['principal-account', 'ou'];
