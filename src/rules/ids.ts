/**
 * Every rule's id, in report order (RULES in index.ts): imports nothing, so `amigov --help` and the waivers
 * check can list the ids without loading the rules (issue #18). test/cli/startup-imports.test.ts checks that it
 * is exactly RULES' ids in RULES' order: a new rule adds its id here too.
 */
export const RULE_IDS: readonly string[] = [
  'unapproved-publisher',
  'expired-exception',
  'expiring-exception',
  'launch-template-unapproved-ami',
  'launch-path-unapproved-ami',
  'unknown-image',
  'prod-ami-not-tagged',
  'public-ami',
  'image-block-public-access-off',
  'allowed-amis-not-enabled',
  'allowed-amis-drift',
  'image-allowed-disagreement',
  'ami-in-workload-account',
];
