/**
 * An AMI owned by a scanned account that is not an approved publisher: a side-loaded or self-built
 * image. The SCP denies creating such images and launching them; Allowed AMIs does not restrict them in
 * their own account, so they are the gap only the SCP closes.
 */
import { defineRule, type FindingDraft } from './types.js';
import { imageFindingBase, imageText, judgeImageOwner } from './context.js';
import * as cmd from '../remediation/commands.js';
import { opsAccount, requestException, targetOf } from '../remediation/common.js';

type Details = { instancesUsing: number; public: boolean | null; creationDate: string | null };

const AFTER =
  '{{inUse}}Once the SCP is in force nothing can be launched from it; Allowed AMIs does not restrict it in its own account. Build on a golden AMI instead, or request an exception.';
const messages = {
  /** {{owner}}: the account id, with its name; {{inUse}}: "N running or stopped instances use it. " or empty. */
  notApproved: `AMI {{image}} is owned by {{owner}}, which is not an approved publisher. ${AFTER}`,
  exceptionExpired: `AMI {{image}} is owned by {{owner}}, which is not an approved publisher (its exception expired on {{expiryDate}}). ${AFTER}`,
};

export default defineRule({
  meta: {
    id: 'ami-in-workload-account',
    title: 'AMI owned by a workload account that is not an approved publisher',
    severity: 'low',
    description:
      'An AMI owned by a scanned account that is not an approved publisher (side-loaded or self-built). The SCP denies creating such images and launching from them; ' +
      'Allowed AMIs never restricts an account\'s own AMIs.',
    docs: 'docs/rules/ami-in-workload-account.md',
    reads: ['owned-images', 'instances'],
    messages,
  },
  evaluate(inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    const users = new Map<string, number>();
    for (const inst of index.liveInstances) {
      const k = `${inst.region}|${inst.image.imageId}`;
      users.set(k, (users.get(k) ?? 0) + 1);
    }
    for (const img of inventory.images) {
      if (img.seenVia !== 'owner' || !img.found || img.state === 'deregistered') continue;
      const owner = img.ownerId ?? img.seenFromAccountId;
      const verdict = judgeImageOwner(allowlist, { ownerId: owner, ownerAlias: img.ownerAlias });
      if (verdict.approved) continue;
      const used = users.get(`${img.region}|${img.imageId}`) ?? 0;
      const name = index.accountName(owner);
      const data = {
        image: imageText(img),
        owner: name ? `${owner} (${JSON.stringify(name)})` : owner,
        inUse: used ? `${used} running or stopped instance${used === 1 ? '' : 's'} use it. ` : '',
      };
      out.push({
        ...imageFindingBase(img, owner),
        status: 'fail',
        blockedBy: 'scp',
        ...(verdict.expired ? { messageId: 'exceptionExpired', data: { ...data, expiryDate: verdict.expired.expiryDate } } : { messageId: 'notApproved', data }),
        details: { instancesUsing: used, public: img.public ?? null, creationDate: img.creationDate ?? null },
      });
    }
    return out;
  },
  remediate(f, ctx) {
    const t = targetOf(f);
    return [
      cmd.describeImageReferences(ctx.env, t, f.resourceId),
      cmd.launchTemplatesUsingImage(ctx.env, t, f.resourceId),
      cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx)),
      requestException(ctx),
    ];
  },
});
