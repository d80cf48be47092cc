/**
 * The starter config/ami_publishers.json that `amigov init` writes: the seed's example (ops golden-AMI
 * publisher, two vendors, a time-bound exception) with placeholder account ids and, since JSON has no
 * comments, what to change written in the descriptions and in `metadata.setup` (free-form notes amigov
 * ignores). It is a valid config as written, so `amigov config check` and `amigov policy generate` run on it
 * at once; its one exception is dated from the day it is written, so it is active, not already expired.
 */
import { addDays } from '../util/dates.js';

/** Documentation-style account ids (AWS's own examples use them): obviously not a real organization's. */
export const STARTER_ACCOUNTS = {
  ops: '111111111111',
  vendorA: '111122223333',
  vendorB: '444455556666',
  exception: '777788889999',
} as const;

export function starterConfig(today: string): Record<string, unknown> {
  return {
    ops_publisher_account: {
      account_id: STARTER_ACCOUNTS.ops,
      name: 'Ops golden AMI publisher',
      description: 'REPLACE account_id with the account that builds and shares your golden AMIs',
    },
    vendor_publisher_accounts: [
      {
        account_id: STARTER_ACCOUNTS.vendorA,
        vendor: 'Example vendor A',
        description: 'REPLACE with a vendor whose AMIs you approve (the AMI owner account id), or delete this entry',
      },
      {
        account_id: STARTER_ACCOUNTS.vendorB,
        vendor: 'Example vendor B',
        description: 'REPLACE or delete',
      },
    ],
    exception_accounts: [
      {
        account_id: STARTER_ACCOUNTS.exception,
        reason: 'Example: migration of legacy images (REPLACE or delete this exception)',
        approved_date: today,
        expiry_date: addDays(today, 30),
        ticket: 'CHG-0000',
        approved_by: 'cloud-security@example.com',
        requested_by: 'migration-team@example.com',
      },
    ],
    provider_aliases: [],
    policy_config: {
      enforcement_mode: 'audit_mode',
      exception_request_url: 'https://wiki.example.com/cloud/ami-exception-request',
      exception_message:
        'This AMI is not from an approved publisher. Use a golden AMI or request an exception: https://wiki.example.com/cloud/ami-exception-request',
      max_exception_duration_days: 90,
      expiry_warning_days: 14,
      image_block_public_access: 'block_new_sharing',
      approved_ami_tag: { key: 'Environment', values: ['Prod'] },
      production: {
        instance_tag: { key: 'Environment', values: ['Prod'] },
        account_ids: [],
        ou_ids: [],
      },
    },
    metadata: {
      setup: [
        'Written by `amigov init`. Every account id here is a placeholder: replace them before you scan or apply policies.',
        'ops_publisher_account.account_id: the account that builds your golden AMIs.',
        'vendor_publisher_accounts: one entry per vendor whose AMIs you approve (the AMI owner account id, e.g. from `aws ec2 describe-images --image-ids ami-...`).',
        'exception_accounts: time-bound approvals; each is valid through the end of its expiry_date (UTC) and at most policy_config.max_exception_duration_days long.',
        'provider_aliases: add "amazon" to approve Amazon-owned AMIs (e.g. Amazon Linux), as EC2 Allowed AMIs does.',
        'policy_config.exception_request_url and exception_message: where users whose launch is denied should go.',
        'policy_config.production: what counts as production (instance tag, or whole account ids / OU ids) for the Environment=Prod rule.',
        'Check with `amigov config check`; every field is described in docs/configuration.md of the amigov package.',
      ],
      owner: 'REPLACE: your team',
      contact: 'REPLACE: team@example.com',
      last_updated: today,
    },
  };
}
