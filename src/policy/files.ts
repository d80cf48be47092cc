/** Names of the files `amigov policy generate` writes (DIST_FILES) and its default folder: defined in names.ts. */
export { DEFAULT_DIST_DIR, DIST_FILES, type DistFileKey } from './names.js';

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
