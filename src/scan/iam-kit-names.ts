/**
 * The scan-role kit's names and file names, apart from the kit itself (iam-kit.ts), so that `amigov iam --help`
 * can name them without loading the collectors and with them the AWS SDK (README, Layout: commands load what they use).
 */
export const KIT_ROLE_NAME = 'amigov-scan';
export const KIT_STACK_SET_NAME = 'amigov-scan-role';

export const KIT_FILES = {
  scanPolicy: 'amigov-scan-role-policy.json',
  trustPolicy: 'amigov-scan-role-trust-policy.json',
  callerPolicy: 'amigov-caller-policy.json',
  cloudFormation: 'amigov-scan-role.cfn.json',
  stackSet: 'stackset.sh',
  terraform: 'terraform/main.tf',
} as const;
