/**
 * AWS CLI command builders. Every id is validated (ids.ts) before it is written; every other value is
 * shell-quoted (shell.ts). Each command names the account whose credentials it needs and carries
 * --region; with a profile template it also carries --profile.
 */
import type { RemediationCommand } from '../model/findings.js';
import { plural } from '../util/format.js';
import { UserError } from '../errors.js';
import * as id from './ids.js';
import { raw, renderArgv, type ShellArg } from './shell.js';

export interface CommandEnv {
  /** e.g. "{accountName}-admin": adds --profile to every command. */
  profileTemplate?: string;
  accountName(accountId: string): string | undefined;
  /** Name filter for the golden AMI look-up (default "*": the newest image of the ops account). */
  goldenImageNameFilter?: string;
  /** Where Organizations commands run: the organization's management account and the scan's home region. */
  organization?: { managementAccountId: string; region: string };
}

export interface Target {
  accountId: string;
  region: string;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const KNOWN_PLACEHOLDERS = new Set(['accountId', 'accountName']);

/** Checks a --profile-template up front, so a typo is a usage error and not a broken script. */
export function validateProfileTemplate(template: string): void {
  if (template.trim() === '') throw new UserError('--profile-template is empty', { hint: "Use e.g. --profile-template '{accountName}-admin'." });
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!KNOWN_PLACEHOLDERS.has(m[1]!)) {
      throw new UserError(
        `--profile-template ${JSON.stringify(template)}: unknown placeholder {${m[1]}}`, { hint: 'Placeholders: {accountId} and {accountName}, e.g. --profile-template \'{accountName}-admin\'.' },
      );
    }
  }
}

/** The profile name for an account; {accountName} falls back to the id when the name is unknown. */
export function profileFor(template: string, accountId: string, accountName: string | undefined): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name === 'accountId' ? accountId : name === 'accountName' ? (accountName ?? accountId) : whole,
  );
}

interface Spec {
  title: string;
  kind: RemediationCommand['kind'];
  needsReview?: boolean;
  supportsDryRun?: boolean;
}

/** `aws <service> <op> ARGS --region R [--profile P]`, tagged with the account it must run in. */
export function awsCommand(env: CommandEnv, target: Target, service: string, op: string, args: ShellArg[], spec: Spec): RemediationCommand {
  const account = id.accountId(target.accountId);
  const region = id.region(target.region);
  const argv: ShellArg[] = ['aws', service, op, ...args, '--region', region];
  if (env.profileTemplate) argv.push('--profile', profileFor(env.profileTemplate, account, env.accountName(account)));
  return {
    title: spec.title,
    command: renderArgv(argv),
    kind: spec.kind,
    ...(spec.needsReview ? { needsReview: true } : {}),
    accountId: account,
    region,
    ...(spec.supportsDryRun ? { supportsDryRun: true } : {}),
  };
}

const json = (v: unknown) => JSON.stringify(v);

// ---- public AMIs ---------------------------------------------------------------------------------

export function removePublicLaunchPermission(env: CommandEnv, t: Target, imageId: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'modify-image-attribute', ['--image-id', id.imageId(imageId), '--launch-permission', raw('"Remove=[{Group=all}]"')], {
    title: `Make ${imageId} private (remove the public launch permission)`,
    kind: 'fix',
    supportsDryRun: true,
  });
}

export function verifyImageNotPublic(env: CommandEnv, t: Target, imageId: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'describe-images', ['--image-ids', id.imageId(imageId), '--query', raw("'Images[].Public'"), '--output', 'text'], {
    title: `Verify ${imageId} is no longer public (expect False)`,
    kind: 'verify',
  });
}

const ORG_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/o-[a-z0-9]{10,32}$/;
const OU_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;

/** Removes launch permissions granted outside the organization (account ids, organization or OU ARNs). */
export function removeOutsideLaunchPermissions(env: CommandEnv, t: Target, imageId: string, grantees: string[]): RemediationCommand {
  const remove = grantees.map((g) => {
    if (id.isValidId('account id', g)) return { UserId: g };
    if (ORG_ARN.test(g)) return { OrganizationArn: g };
    if (OU_ARN.test(g)) return { OrganizationalUnitArn: g };
    throw new id.InvalidIdentifierError('launch permission grantee', g);
  });
  return awsCommand(env, t, 'ec2', 'modify-image-attribute', ['--image-id', id.imageId(imageId), '--launch-permission', json({ Remove: remove })], {
    title: `Stop sharing ${imageId} outside the organization (${plural(grantees.length, 'grantee')}); confirm the share is not intended first`,
    kind: 'fix',
    needsReview: true,
    supportsDryRun: true,
  });
}

export function verifyLaunchPermissions(env: CommandEnv, t: Target, imageId: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'describe-image-attribute', ['--image-id', id.imageId(imageId), '--attribute', 'launchPermission'], {
    title: `Verify who may launch ${imageId}`,
    kind: 'verify',
  });
}

// ---- image block public access -------------------------------------------------------------------

export function enableImageBlockPublicAccess(env: CommandEnv, t: Target, managedByPolicy: boolean): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'enable-image-block-public-access', ['--image-block-public-access-state', 'block-new-sharing'], {
    title: managedByPolicy
      ? 'Enable image block public access (managed by a declarative policy here: change the organization policy instead)'
      : 'Enable image block public access (block-new-sharing)',
    kind: 'fix',
    supportsDryRun: true,
    ...(managedByPolicy ? { needsReview: true } : {}),
  });
}

export function verifyImageBlockPublicAccess(env: CommandEnv, t: Target): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'get-image-block-public-access-state', ['--query', raw("'ImageBlockPublicAccessState'"), '--output', 'text'], {
    title: 'Verify image block public access (expect block-new-sharing)',
    kind: 'verify',
  });
}

// ---- replacing an AMI ----------------------------------------------------------------------------

export function findGoldenReplacement(env: CommandEnv, t: Target, opsAccountId: string): RemediationCommand {
  const filter = env.goldenImageNameFilter ?? '*';
  return awsCommand(
    env,
    t,
    'ec2',
    'describe-images',
    [
      '--owners',
      id.accountId(opsAccountId),
      '--filters',
      json([
        { Name: 'name', Values: [filter] },
        { Name: 'state', Values: ['available'] },
      ]),
      '--query',
      raw("'sort_by(Images, &CreationDate)[-1].[ImageId,Name,CreationDate]'"),
      '--output',
      'text',
    ],
    {
      title: `Find the replacement: the latest golden AMI of the ops account ${opsAccountId} named ${JSON.stringify(filter)} (set REPLACEMENT_AMI_ID to its id)`,
      kind: 'investigate',
    },
  );
}

export function describeImageReferences(env: CommandEnv, t: Target, imageId: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'describe-image-references', ['--image-ids', id.imageId(imageId), '--include-all-resource-types'], {
    title: `List what references ${imageId} (instances, launch templates, SSM parameters, Image Builder recipes)`,
    kind: 'investigate',
  });
}

export function launchTemplatesUsingImage(env: CommandEnv, t: Target, imageId: string): RemediationCommand {
  return awsCommand(
    env,
    t,
    'ec2',
    'describe-launch-template-versions',
    [
      '--versions',
      raw("'$Latest'"),
      raw("'$Default'"),
      '--filters',
      `Name=image-id,Values=${id.imageId(imageId)}`,
      '--query',
      raw("'LaunchTemplateVersions[].[LaunchTemplateId,LaunchTemplateName,VersionNumber,DefaultVersion]'"),
      '--output',
      'text',
    ],
    { title: `List launch templates whose default or latest version uses ${imageId} (where describe-image-references is unavailable)`, kind: 'investigate' },
  );
}

export function describeLaunchTemplateVersions(env: CommandEnv, t: Target, ltId: string): RemediationCommand {
  return awsCommand(
    env,
    t,
    'ec2',
    'describe-launch-template-versions',
    ['--launch-template-id', id.launchTemplateId(ltId), '--versions', raw("'$Default'"), raw("'$Latest'"), '--query', raw("'LaunchTemplateVersions[].[VersionNumber,DefaultVersion,LaunchTemplateData.ImageId]'"), '--output', 'text'],
    { title: `Show the default and latest versions of ${ltId} and their AMIs`, kind: 'investigate' },
  );
}

/**
 * A new launch template version on the replacement AMI. Needs review: the replacement must be tested
 * with the workload, and the new version made the default only after that.
 */
export function createLaunchTemplateVersion(env: CommandEnv, t: Target, ltId: string, sourceVersion: number, oldImage?: string): RemediationCommand {
  const version = id.assertId('launch template version', String(sourceVersion));
  return awsCommand(
    env,
    t,
    'ec2',
    'create-launch-template-version',
    [
      '--launch-template-id',
      id.launchTemplateId(ltId),
      '--source-version',
      version,
      '--version-description',
      oldImage ? `amigov: replace ${id.imageId(oldImage)} with an approved AMI` : 'amigov: move to an approved AMI',
      '--launch-template-data',
      // The replacement is chosen by a person from the look-up above; the script's `set -u` stops an unset one.
      raw('"{\\"ImageId\\":\\"$REPLACEMENT_AMI_ID\\"}"'),
    ],
    {
      title: `Create a version of ${ltId} on the replacement AMI ($REPLACEMENT_AMI_ID), based on version ${version}; test it, then make it the default`,
      kind: 'fix',
      needsReview: true,
      supportsDryRun: true,
    },
  );
}

// ---- tags, settings, requests --------------------------------------------------------------------

export function tagImageApproved(env: CommandEnv, t: Target, imageId: string, key: string, value: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'create-tags', ['--resources', id.imageId(imageId), '--tags', json([{ Key: key, Value: value }])], {
    title: `Tag ${imageId} ${key}=${value} in its owner account ${t.accountId} (approve the image for production first)`,
    kind: 'fix',
    needsReview: true,
    supportsDryRun: true,
  });
}

/**
 * The approval tag in a launching account that does not own the image. EC2 User Guide (tagging): "For
 * tag-based access control to shared resources, each AWS account must assign its own set of tags to control
 * access to the resource." So the tag the production IAM condition evaluates must be set there, by that account.
 */
export function tagImageInAccount(env: CommandEnv, t: Target, imageId: string, key: string, value: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'create-tags', ['--resources', id.imageId(imageId), '--tags', json([{ Key: key, Value: value }])], {
    title:
      `Tag ${imageId} ${key}=${value} in account ${t.accountId}, where the production tag policy evaluates it (only after its publisher approved it; ` +
      'better, let the tag-propagation pipeline do it: docs/rules/prod-ami-not-tagged.md, "Propagating approval tags")',
    kind: 'fix',
    needsReview: true,
    supportsDryRun: true,
  });
}

/** Removes an approval tag an account set on an image itself. DeleteTags with Key and Value deletes the tag only with that value. */
export function deleteImageTag(env: CommandEnv, t: Target, imageId: string, key: string, value: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'delete-tags', ['--resources', id.imageId(imageId), '--tags', json([{ Key: key, Value: value }])], {
    title: `Remove the approval tag ${key}=${value} that account ${t.accountId} set on ${imageId} itself (instances launched on the strength of it will no longer relaunch under the tag policy)`,
    kind: 'fix',
    needsReview: true,
    supportsDryRun: true,
  });
}

/** The image's tags as one (non-owner) account sees them: its own. */
export function describeImageTagsInAccount(env: CommandEnv, t: Target, imageId: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'describe-tags', ['--filters', `Name=resource-id,Values=${id.imageId(imageId)}`], {
    title: `Show the tags account ${t.accountId} has on ${imageId} (its own: what the production tag policy evaluates there)`,
    kind: 'investigate',
  });
}

/** Not an AWS call: the generated IAM production tag policy keeps production roles from setting the approval tag. */
export function restrictImageTaggingPointer(): RemediationCommand {
  return {
    title:
      'Restrict ec2:CreateTags on images: attach the generated IAM production tag policy to production roles; it denies ec2:CreateTags / ec2:DeleteTags of the approval tag on images to all but the tag-propagation role, and launches of unapproved owners\' images (docs/policies.md)',
    command: 'amigov policy generate',
    kind: 'fix',
    needsReview: true,
  };
}

export function describeImageTags(env: CommandEnv, t: Target, imageId: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'describe-tags', ['--filters', `Name=resource-id,Values=${id.imageId(imageId)}`], {
    title: `Show the tags of ${imageId} (run in its owner account ${t.accountId}: AMI tags are visible only there)`,
    kind: 'investigate',
  });
}

export function describeImage(env: CommandEnv, t: Target, imageId: string): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'describe-images', ['--image-ids', id.imageId(imageId), '--query', raw("'Images[].[ImageId,OwnerId,ImageOwnerAlias,State,Name]'"), '--output', 'text'], {
    title: `Check whether ${imageId} can still be described from this account`,
    kind: 'investigate',
  });
}

export function getAllowedImagesSettings(env: CommandEnv, t: Target): RemediationCommand {
  return awsCommand(env, t, 'ec2', 'get-allowed-images-settings', [], {
    title: 'Inspect the Allowed AMIs settings (state, image criteria, managed by)',
    kind: 'investigate',
  });
}

// ---- settings managed by a declarative policy ------------------------------------------------------

/**
 * Where GetAllowedImagesSettings / GetImageBlockPublicAccessState report ManagedBy "declarative-policy", the
 * account-level Enable/Replace commands do not change the setting: the organization's EC2 declarative policy
 * does. These read-only calls (run in the management account, or a delegated administrator) show which
 * policies are attached to the account and the effective policy it gets. DescribeEffectivePolicy's PolicyType
 * takes DECLARATIVE_POLICY_EC2; ListPoliciesForTarget's Filter takes the same policy type.
 */
export function listDeclarativePoliciesForTarget(env: CommandEnv, accountId: string): RemediationCommand {
  return awsCommand(env, orgTarget(env, accountId), 'organizations', 'list-policies-for-target', ['--target-id', id.accountId(accountId), '--filter', 'DECLARATIVE_POLICY_EC2'], {
    title: `List the EC2 declarative policies attached directly to account ${accountId} (run in the management account; its OUs and the root can attach more)`,
    kind: 'investigate',
  });
}

export function describeEffectiveDeclarativePolicy(env: CommandEnv, accountId: string): RemediationCommand {
  return awsCommand(env, orgTarget(env, accountId), 'organizations', 'describe-effective-policy', ['--policy-type', 'DECLARATIVE_POLICY_EC2', '--target-id', id.accountId(accountId)], {
    title: `Show the effective EC2 declarative policy of account ${accountId} (what the organization sets there; run in the management account)`,
    kind: 'investigate',
  });
}

function orgTarget(env: CommandEnv, accountId: string): Target {
  return env.organization ? { accountId: env.organization.managementAccountId, region: env.organization.region } : { accountId, region: 'us-east-1' };
}

/** Not an AWS call: regenerate the organization policies from the config. */
export function policyGeneratePointer(mode: 'audit_mode' | 'enabled'): RemediationCommand {
  return {
    title: 'Regenerate the declarative policy and SCP from the config, then apply them at the organization root (see the runbook)',
    command: `amigov policy generate --mode ${mode === 'enabled' ? 'enabled' : 'audit_mode'}`,
    kind: 'fix',
    needsReview: true,
  };
}

/** A `request` item: its command is the link to follow (not shell text), from policy_config.exception_request_url. */
export function exceptionRequest(url: string): RemediationCommand {
  return {
    title: 'Or request a time-bound exception for this publisher',
    command: url,
    kind: 'request',
  };
}
