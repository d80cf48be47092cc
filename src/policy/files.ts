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
 * Organizations stores a policy sent through the CLI or an SDK exactly as given and counts every character
 * against the quota (only the console strips whitespace outside quoted strings). The two Organizations
 * policies are therefore written compact: the file is the document that is uploaded and measured.
 */
export function compactJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Files for people and for IAM (which does not count whitespace) are written readable. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** Characters in the policy once whitespace outside strings is removed: what the console would store. */
export function minifiedLength(value: unknown): number {
  return JSON.stringify(value).length;
}
