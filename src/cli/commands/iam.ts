/**
 * `amigov iam [PART]`: the scan-role kit (src/scan/iam-kit.ts) printed, or written with --out. Every part comes
 * from the permissions the collectors declare.
 */
import { Argument, type Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cliIo } from '../io.js';
import { UserError } from '../errors.js';
import { KIT_FILES, KIT_ROLE_NAME } from '../../scan/iam-kit-names.js';
import type { KitOptions } from '../../scan/iam-kit.js';

const PARTS = {
  'scan-policy': KIT_FILES.scanPolicy,
  'trust-policy': KIT_FILES.trustPolicy,
  'caller-policy': KIT_FILES.callerPolicy,
  cloudformation: KIT_FILES.cloudFormation,
  stackset: KIT_FILES.stackSet,
  terraform: KIT_FILES.terraform,
} as const;
type Part = keyof typeof PARTS;
const NEED_TRUSTED: readonly Part[] = ['trust-policy', 'cloudformation', 'stackset', 'terraform'];

interface IamFlags {
  trusted?: string;
  roleName: string;
  externalId?: string;
  orgId?: string;
  targets?: string;
  region?: string;
  delegatedAdmin?: boolean;
  out?: string;
}

export function register(program: Command): void {
  program
    .command('iam')
    .summary('the read-only scan role: its policies, CloudFormation, a StackSet recipe and Terraform')
    .description('print (or write with --out) the scan role kit, generated from the permissions the scanner declares')
    .addArgument(new Argument('[part]', 'what to print').choices(Object.keys(PARTS)))
    .option('--trusted <account-id|role-arn>', 'who may assume the scan role: the account amigov runs in, or one role of it (aws sts get-caller-identity)')
    .option('--role-name <name>', 'name of the scan role (amigov scan --role-name)', KIT_ROLE_NAME)
    .option('--external-id <id>', 'external id the trust policy requires (amigov scan --external-id)')
    .option('--org-id <id>', 'only principals of this organization may assume the role (aws:PrincipalOrgID)')
    .option('--targets <ids>', 'StackSet targets: root or OU ids, comma-separated (default: the organization root)')
    .option('--region <region>', 'region of the StackSet operations and stack instances (IAM is global: one per account)', 'us-east-1')
    .option('--delegated-admin', 'the StackSet recipe runs from a CloudFormation delegated administrator, not the management account')
    .option('--out <dir>', 'write every part into this folder instead of printing one')
    .addHelpText(
      'after',
      `
Parts (file names with --out):
  scan-policy     ${KIT_FILES.scanPolicy}        the role's read-only permission policy
  trust-policy    ${KIT_FILES.trustPolicy}  who may assume it (--trusted, --external-id, --org-id)
  caller-policy   ${KIT_FILES.callerPolicy}           for the identity amigov runs as (Organizations, sts:AssumeRole)
  cloudformation  ${KIT_FILES.cloudFormation}         the role as a CloudFormation template
  stackset        ${KIT_FILES.stackSet}                      create a service-managed StackSet: every account, and new ones
  terraform       ${KIT_FILES.terraform}              the role as a Terraform module

Examples:
  amigov iam scan-policy
  amigov iam stackset --trusted 123456789012 --out amigov-iam   # then: bash amigov-iam/${KIT_FILES.stackSet}
  amigov iam cloudformation --trusted arn:aws:iam::123456789012:role/ci-amigov --external-id "$EXTERNAL_ID"

Exit codes: 0 printed or written, 2 usage error (nothing written). See docs/getting-started.md.`,
    )
    .action(async (part: Part | undefined, flags: IamFlags) => {
      if (!part && !flags.out) throw new UserError('name a part to print (e.g. amigov iam scan-policy) or pass --out DIR to write them all', { hint: `Parts: ${Object.keys(PARTS).join(', ')}` });
      if (part && flags.out) throw new UserError('--out writes every part: leave out the part name, or print one part without --out');
      const needsTrusted = !part || NEED_TRUSTED.includes(part);
      if (needsTrusted && flags.trusted === undefined) {
        throw new UserError(`${part ?? '--out'} needs --trusted: the account id (or role ARN) amigov scans from`, { hint: 'The account of `aws sts get-caller-identity` where amigov runs: the management account or a delegated administrator.' });
      }
      const options: KitOptions = {
        trusted: flags.trusted ?? '000000000000',
        roleName: flags.roleName,
        ...(flags.externalId !== undefined ? { externalId: flags.externalId } : {}),
        ...(flags.orgId !== undefined ? { organizationId: flags.orgId } : {}),
        ...(flags.targets !== undefined ? { targets: flags.targets.split(',').map((t) => t.trim()).filter(Boolean) } : {}),
        ...(flags.region !== undefined ? { region: flags.region } : {}),
        ...(flags.delegatedAdmin ? { delegatedAdmin: true } : {}),
      };
      const { kitFiles, kitProblems } = await import('../../scan/iam-kit.js');
      // util/atomic-write loads node:crypto (~7 ms): imported when the command runs, not for --help (issue #18).
      const { writeFileAtomic } = await import('../../util/atomic-write.js');
      const problems = kitProblems(options);
      if (problems.length) throw new UserError(problems.join('\n'));
      const files = kitFiles(options);
      if (part) {
        cliIo.stdout.write(files.find((f) => f.path === PARTS[part])!.content);
        return;
      }
      for (const f of files) {
        const target = join(flags.out!, f.path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileAtomic(target, f.content);
        cliIo.stdout.write(`✓ Wrote ${target}\n`);
      }
      cliIo.stdout.write(`\nDeploy the role to every account: bash ${join(flags.out!, KIT_FILES.stackSet)}   (or apply ${join(flags.out!, KIT_FILES.terraform)})\n`);
      cliIo.stdout.write(`Give the identity amigov runs as ${join(flags.out!, KIT_FILES.callerPolicy)}, then: amigov scan --role-name ${flags.roleName}${flags.externalId !== undefined ? ' --external-id ...' : ''}\n`);
    });
}
