/**
 * An AMI a scanned account owns that is public; with `deep` (launch permissions collected), also one
 * shared with accounts or organizations outside this organization.
 */
import { defineRule, type FindingDraft } from './types.js';
import { imageFindingBase, imageText } from './context.js';
import * as cmd from '../remediation/commands.js';
import { targetOf } from '../remediation/common.js';

/** sharedOutside: the grantees (account ids, organization and OU ARNs) outside this organization. */
type Details = { public: boolean; sharedOutside: readonly string[]; deepChecked: boolean };

const PUBLIC = "public: any AWS account can launch it and copy its snapshots' data";
const SHARED = 'shared outside the organization with {{grantees}}';
const REMOVE = 'Remove the launch permission unless the publication is intended and approved.';
const messages = {
  public: `AMI {{image}} owned by {{owner}} is ${PUBLIC}. ${REMOVE}`,
  sharedOutside: `AMI {{image}} owned by {{owner}} is ${SHARED}. ${REMOVE}`,
  publicAndSharedOutside: `AMI {{image}} owned by {{owner}} is ${PUBLIC}; and ${SHARED}. ${REMOVE}`,
};

/** The organization id in an organization or OU ARN (arn:aws:organizations::111:organization/o-abc, .../ou/o-abc/ou-...). */
function orgIdOf(arn: string): string | undefined {
  return /\/(o-[a-z0-9]+)(\/|$)/.exec(arn)?.[1];
}

export default defineRule({
  meta: {
    id: 'public-ami',
    title: 'AMI is public or shared outside the organization',
    severity: 'critical',
    description:
      'An AMI owned by a scanned account is public (launch permission group "all"). With --deep, also an AMI shared with accounts, organizations or OUs outside this organization.',
    docs: 'docs/rules/public-ami.md',
    reads: ['owned-images', 'launch-permissions', 'organization'],
    messages,
  },
  evaluate(inventory, { index, options }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    for (const img of inventory.images) {
      if (img.seenVia !== 'owner' || !img.found || img.state === 'deregistered') continue;
      const owner = img.ownerId ?? img.seenFromAccountId;
      const outside: string[] = [];
      const lp = img.launchPermissions;
      if (options.deep && lp) {
        for (const id of lp.userIds) if (id !== owner && !index.accountIds.has(id)) outside.push(id);
        for (const arn of [...lp.organizationArns, ...lp.organizationalUnitArns]) {
          const org = orgIdOf(arn);
          if (!index.organizationId || org !== index.organizationId) outside.push(arn);
        }
      }
      const isPublic = img.public === true || (lp?.groups.includes('all') ?? false);
      if (!isPublic && outside.length === 0) continue;
      out.push({
        ...imageFindingBase(img, owner),
        ...(isPublic ? {} : { severity: 'high' as const }),
        status: 'fail',
        messageId: !outside.length ? 'public' : isPublic ? 'publicAndSharedOutside' : 'sharedOutside',
        data: { image: imageText(img), owner, grantees: outside.join(', ') },
        details: { public: isPublic, sharedOutside: outside, deepChecked: Boolean(options.deep && lp) },
      });
    }
    return out;
  },
  remediate(f, ctx) {
    const t = targetOf(f);
    const { public: isPublic, sharedOutside } = f.details;
    return [
      ...(isPublic ? [cmd.removePublicLaunchPermission(ctx.env, t, f.resourceId), cmd.verifyImageNotPublic(ctx.env, t, f.resourceId)] : []),
      ...(sharedOutside.length
        ? [cmd.removeOutsideLaunchPermissions(ctx.env, t, f.resourceId, [...sharedOutside]), cmd.verifyLaunchPermissions(ctx.env, t, f.resourceId)]
        : []),
    ];
  },
});
