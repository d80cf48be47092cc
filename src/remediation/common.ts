/**
 * What rules' `remediate` functions share: the context they get, and the command sequences several
 * rules use (replacing an image, the exception request). The commands themselves are built, with ids
 * validated and values shell-quoted, in commands.ts.
 */
import type { Finding, RemediationCommand } from '../model/findings.js';
import type { ResolvedAllowlist } from '../config/allowlist.js';
import * as cmd from './commands.js';

export interface RemediationContext {
  env: cmd.CommandEnv;
  allowlist: ResolvedAllowlist;
}

/** The account x region a finding's commands run in. */
export function targetOf(f: Pick<Finding, 'accountId' | 'region'>): cmd.Target {
  return { accountId: f.accountId, region: f.region };
}

/** The account that publishes the golden AMIs: the ops publisher, else the first one configured. */
export function opsAccount(ctx: RemediationContext): string {
  return ctx.allowlist.publishers.find((p) => p.kind === 'ops')?.accountId ?? ctx.allowlist.publishers[0]!.accountId;
}

/** Look up the golden replacement, then what uses the image (when the finding names one). */
export function replaceImage(ctx: RemediationContext, f: Pick<Finding, 'accountId' | 'region' | 'imageId'>): RemediationCommand[] {
  const t = targetOf(f);
  const out = [cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx))];
  if (f.imageId) out.push(cmd.describeImageReferences(ctx.env, t, f.imageId), cmd.launchTemplatesUsingImage(ctx.env, t, f.imageId));
  return out;
}

/** The link to request a time-bound exception (policy_config.exception_request_url). */
export function requestException(ctx: RemediationContext): RemediationCommand {
  return cmd.exceptionRequest(ctx.allowlist.exceptionRequestUrl);
}

/**
 * The fix of a setting a declarative policy manages: find the attached and the effective policy (read-only
 * Organizations calls in the management account), then regenerate the policy from the config.
 */
export function organizationPolicyFix(ctx: RemediationContext, accountId: string): RemediationCommand[] {
  return [cmd.listDeclarativePoliciesForTarget(ctx.env, accountId), cmd.describeEffectiveDeclarativePolicy(ctx.env, accountId), cmd.policyGeneratePointer(ctx.allowlist.enforcementMode)];
}
