/**
 * An AMI owned by a scanned account that is not an approved publisher: a side-loaded or self-built
 * image. The SCP denies creating such images and launching them; Allowed AMIs does not restrict them in
 * their own account, so they are the gap only the SCP closes.
 */
import { defineRule, type FindingDraft } from './types.js';
import { imageFindingBase, imageText, judgeImageOwner } from './context.js';

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
  },
  evaluate(inventory, { index, allowlist }) {
    const out: FindingDraft[] = [];
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
      out.push({
        ...imageFindingBase(img, owner),
        status: 'fail',
        blockedBy: 'scp',
        message:
          `AMI ${imageText(img)} is owned by ${owner}${name ? ` (${JSON.stringify(name)})` : ''}, which is not an approved publisher` +
          (verdict.expired ? ` (its exception expired on ${verdict.expired.expiryDate})` : '') +
          `. ${used ? `${used} running or stopped instance${used === 1 ? '' : 's'} use it. ` : ''}` +
          'Once the SCP is in force nothing can be launched from it; Allowed AMIs does not restrict it in its own account. Build on a golden AMI instead, or request an exception.',
        details: { instancesUsing: used, public: img.public ?? null, creationDate: img.creationDate ?? null },
      });
    }
    return out;
  },
});
