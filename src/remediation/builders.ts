/**
 * Which commands each kind of finding gets. Rules judge; this module only turns a finding (and the
 * facts in its details) into commands, so the same finding renders the same commands in every report.
 */
import type { Finding, RemediationCommand } from '../model/findings.js';
import type { ResolvedAllowlist } from '../config/allowlist.js';
import * as cmd from './commands.js';

export interface RemediationContext {
  env: cmd.CommandEnv;
  allowlist: ResolvedAllowlist;
}

function replaceImage(ctx: RemediationContext, f: Finding): RemediationCommand[] {
  const t = { accountId: f.accountId, region: f.region };
  const out = [cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx))];
  if (f.imageId) out.push(cmd.describeImageReferences(ctx.env, t, f.imageId), cmd.launchTemplatesUsingImage(ctx.env, t, f.imageId));
  return out;
}

function opsAccount(ctx: RemediationContext): string {
  return ctx.allowlist.publishers.find((p) => p.kind === 'ops')?.accountId ?? ctx.allowlist.publishers[0]!.accountId;
}

const request = (ctx: RemediationContext) => cmd.exceptionRequest(ctx.allowlist.exceptionRequestUrl);

type Builder = (ctx: RemediationContext, f: Finding) => RemediationCommand[];

const BUILDERS: Record<string, Builder> = {
  'unapproved-publisher': (ctx, f) => [...replaceImage(ctx, f), request(ctx)],
  'expired-exception': (ctx, f) => [...replaceImage(ctx, f), request(ctx)],
  'expiring-exception': (ctx, f) => {
    const t = { accountId: f.accountId, region: f.region };
    if (f.resourceType === 'launch-template') {
      return [
        cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx)),
        cmd.describeLaunchTemplateVersions(ctx.env, t, f.resourceId),
        cmd.createLaunchTemplateVersion(ctx.env, t, f.resourceId, sourceVersion(f), f.imageId),
        request(ctx),
      ];
    }
    return [...replaceImage(ctx, f), request(ctx)];
  },
  'unknown-image': (ctx, f) => {
    const t = { accountId: f.accountId, region: f.region };
    const check = f.imageId ? [cmd.describeImage(ctx.env, t, f.imageId)] : [];
    // cannot-verify: the lookup failed, nothing says the image is gone; look it up, replace nothing.
    return f.status === 'cannot-verify' ? check : [...check, ...replaceImage(ctx, f)];
  },
  'launch-template-unapproved-ami': (ctx, f) => {
    const t = { accountId: f.accountId, region: f.region };
    const out = [cmd.describeLaunchTemplateVersions(ctx.env, t, f.resourceId), cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx))];
    const old = f.imageId && f.status === 'fail' ? f.imageId : undefined;
    out.push(cmd.createLaunchTemplateVersion(ctx.env, t, f.resourceId, sourceVersion(f), old));
    if (f.status === 'fail') out.push(request(ctx));
    return out;
  },
  'prod-ami-not-tagged': (ctx, f) => {
    if (!f.imageId) return [];
    const owner = f.imageOwnerId;
    const { key, values } = ctx.allowlist.approvedAmiTag;
    const ops = opsAccount(ctx);
    if (f.status === 'cannot-verify') {
      return owner ? [cmd.describeImageTags(ctx.env, { accountId: owner, region: f.region }, f.imageId)] : [];
    }
    if (owner === ops && values[0] !== undefined) {
      // An approved golden AMI that was never tagged: tag it where it lives, after a person approves.
      return [cmd.tagImageApproved(ctx.env, { accountId: owner, region: f.region }, f.imageId, key, values[0])];
    }
    return replaceImage(ctx, f);
  },
  'public-ami': (ctx, f) => {
    const t = { accountId: f.accountId, region: f.region };
    const out: RemediationCommand[] = [];
    if (f.details?.['public'] === true) out.push(cmd.removePublicLaunchPermission(ctx.env, t, f.resourceId), cmd.verifyImageNotPublic(ctx.env, t, f.resourceId));
    const outside = f.details?.['sharedOutside'];
    if (typeof outside === 'string' && outside) {
      out.push(cmd.removeOutsideLaunchPermissions(ctx.env, t, f.resourceId, outside.split(',')), cmd.verifyLaunchPermissions(ctx.env, t, f.resourceId));
    }
    return out;
  },
  'image-block-public-access-off': (ctx, f) => {
    const t = { accountId: f.accountId, region: f.region };
    if (f.status !== 'fail') return [{ ...cmd.verifyImageBlockPublicAccess(ctx.env, t), title: 'Look up the image block public access state', kind: 'investigate' as const }];
    return [cmd.enableImageBlockPublicAccess(ctx.env, t, f.details?.['managedBy'] === 'declarative-policy'), cmd.verifyImageBlockPublicAccess(ctx.env, t)];
  },
  'allowed-amis-not-enabled': (ctx, f) => [
    cmd.getAllowedImagesSettings(ctx.env, { accountId: f.accountId, region: f.region }),
    ...(f.status === 'fail' ? [cmd.policyGeneratePointer(ctx.allowlist.enforcementMode)] : []),
  ],
  'allowed-amis-drift': (ctx, f) => [
    cmd.getAllowedImagesSettings(ctx.env, { accountId: f.accountId, region: f.region }),
    ...(f.status === 'fail' ? [cmd.policyGeneratePointer(ctx.allowlist.enforcementMode)] : []),
  ],
  'ami-in-workload-account': (ctx, f) => {
    const t = { accountId: f.accountId, region: f.region };
    return [cmd.describeImageReferences(ctx.env, t, f.resourceId), cmd.launchTemplatesUsingImage(ctx.env, t, f.resourceId), cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx)), request(ctx)];
  },
};

function sourceVersion(f: Finding): number {
  const v = f.details?.['sourceVersion'] ?? f.details?.['defaultVersion'];
  return typeof v === 'number' ? v : 1;
}

/** The commands for one finding; error findings (a rule that failed) get none. */
export function commandsFor(ctx: RemediationContext, f: Finding): RemediationCommand[] {
  if (f.status === 'error') return [];
  const build = BUILDERS[f.ruleId];
  return build ? build(ctx, f) : [];
}

export const RULES_WITH_COMMANDS: readonly string[] = Object.keys(BUILDERS);
