/** The scanner's public surface: scanOrganization and its options, hooks and defaults. */
export { scanOrganization } from './scanner.js';
export type { ScanHooks, ScanProgress } from './scanner.js';
export { SCAN_DEFAULTS, DEFAULT_CONCURRENCY, validateScanOptions } from './options.js';
export type { ScanOptions } from './options.js';
export { newRunId } from './run-id.js';
export { scanRolePolicy, callerPolicy } from './iam-policy.js';
