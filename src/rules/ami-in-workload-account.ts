/**
 * An AMI owned by a scanned account that is not an approved publisher: a side-loaded or self-built
 * image. The SCP denies creating such images and launching them; Allowed AMIs does not restrict them in
 * their own account, so they are the gap only the SCP closes.
 */
import { defineRule, type FindingDraft } from './types.js';
import { imageFindingBase, imageText, judgeImageOwner } from './context.js';
import * as cmd from '../remediation/commands.js';
import { opsAccount, requestException, targetOf } from '../remediation/common.js';

type Details = {
  instancesUsing: number;
  public: boolean | null;
  creationDate: string | null;
  /** Set when the image carries Amazon Data Lifecycle Manager's own tags: the policy and schedule that created it. */
  lifecyclePolicyId?: string;
  lifecycleScheduleName?: string | null;
  /** Set when the image is an AWS Backup recovery point in its owner account x region: its vault and status. */
  backupVaultName?: string;
  recoveryPointStatus?: string | null;
  recoveryPointArn?: string;
};

/**
 * Amazon Data Lifecycle Manager's marker tags. "Amazon DLM applies the following tags to all snapshots created
 * by a policy, to distinguish them from snapshots created by any other means: aws:dlm:lifecycle-policy-id,
 * aws:dlm:lifecycle-schedule-name" (Amazon EC2 User Guide, "Automating the Amazon EBS Snapshot Lifecycle",
 * Snapshot Tags). The version of the page read names them for snapshots; that EBS-backed AMI policies tag their
 * AMIs the same way is not stated there (docs/rules/ami-in-workload-account.md). Only the tags' presence on an
 * owner's own image view is read: AMI tags are per account, so another account's tags cannot be seen.
 * AWS Backup: its documentation read says it "copies tags to the resulting AMI" of an EC2 backup (Developer Guide,
 * "Copying tags onto backups") but names no marker tag, so a Backup-created AMI is recognised by its recovery point
 * instead (inventory.backupRecoveryPoints, backup-recovery-points collector): "Working with backups" lists an EC2
 * instance's backup as an image (image/ami-...), and "The unique ID is at the end of the recovery point's Amazon
 * Resource Name (ARN)."
 */
export const DLM_POLICY_TAG = 'aws:dlm:lifecycle-policy-id';
export const DLM_SCHEDULE_TAG = 'aws:dlm:lifecycle-schedule-name';

const AFTER =
  '{{inUse}}Once the SCP is in force nothing can be launched from it; Allowed AMIs does not restrict it in its own account. Build on a golden AMI instead, or request an exception.';
const messages = {
  /** {{owner}}: the account id, with its name; {{inUse}}: "N running or stopped instances use it. " or empty. */
  notApproved: `AMI {{image}} is owned by {{owner}}, which is not an approved publisher. ${AFTER}`,
  exceptionExpired: `AMI {{image}} is owned by {{owner}}, which is not an approved publisher (its exception expired on {{expiryDate}}). ${AFTER}`,
  /** {{policyId}}, {{schedule}}: from the image's aws:dlm: tags. */
  lifecycleBackup:
    'AMI {{image}} in {{owner}} is a backup created by Amazon Data Lifecycle Manager policy {{policyId}}{{schedule}}, not a side-loaded image; the account is not an approved publisher. ' +
    '{{inUse}}Once the SCP is in force, launching from it (a restore) is denied like any AMI of an unapproved owner; restore through an approved publisher, or request an exception for the account, before you rely on it.',
  /** {{vault}}: the backup vault's name (JSON-quoted); {{status}}: the recovery point's status. */
  awsBackupRecoveryPoint:
    'AMI {{image}} in {{owner}} is an AWS Backup recovery point in backup vault {{vault}}{{status}}, not a side-loaded image; the account is not an approved publisher. ' +
    '{{inUse}}Once the SCP is in force, launching from it (a restore) is denied like any AMI of an unapproved owner; restore through an approved publisher, or request an exception for the account, before you rely on it.',
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
    reads: ['owned-images', 'instances', 'backup-recovery-points'],
    messages,
  },
  evaluate(inventory, { index, allowlist }) {
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    const users = new Map<string, number>();
    for (const inst of index.liveInstances) {
      const k = `${inst.region}|${inst.image.imageId}`;
      users.set(k, (users.get(k) ?? 0) + 1);
    }
    // The recovery points of each account x region's own vaults: an AMI is one when its owner's vault lists it.
    const recoveryPoints = new Map<string, NonNullable<typeof inventory.backupRecoveryPoints>[number]>();
    for (const rp of inventory.backupRecoveryPoints ?? []) {
      const k = `${rp.accountId}|${rp.region}|${rp.imageId}`;
      if (!recoveryPoints.has(k)) recoveryPoints.set(k, rp);
    }
    for (const img of inventory.images) {
      if (img.seenVia !== 'owner' || !img.found || img.state === 'deregistered') continue;
      const owner = img.ownerId ?? img.seenFromAccountId;
      const verdict = judgeImageOwner(allowlist, { ownerId: owner, ownerAlias: img.ownerAlias });
      if (verdict.approved) continue;
      const used = users.get(`${img.region}|${img.imageId}`) ?? 0;
      const policyId = img.tagsVisible ? img.tags[DLM_POLICY_TAG] : undefined;
      const name = index.accountName(owner);
      const data = {
        image: imageText(img),
        owner: name ? `${owner} (${JSON.stringify(name)})` : owner,
        inUse: used ? `${used} running or stopped instance${used === 1 ? '' : 's'} use it. ` : '',
      };
      const details = { instancesUsing: used, public: img.public ?? null, creationDate: img.creationDate ?? null };
      if (policyId && !verdict.expired) {
        // A backup the account's own lifecycle policy made: not side-loaded. Lower severity (info), its own message.
        const scheduleName = img.tags[DLM_SCHEDULE_TAG] ?? null;
        out.push({
          ...imageFindingBase(img, owner),
          status: 'fail',
          severity: 'info',
          blockedBy: 'scp',
          messageId: 'lifecycleBackup',
          data: { ...data, policyId, schedule: scheduleName ? ` (schedule ${JSON.stringify(scheduleName)})` : '' },
          details: { ...details, lifecyclePolicyId: policyId, lifecycleScheduleName: scheduleName },
        });
        continue;
      }
      const rp = recoveryPoints.get(`${owner}|${img.region}|${img.imageId}`);
      if (rp && !verdict.expired) {
        // An AWS Backup recovery point of the account's own backups: not side-loaded. Like a DLM backup: info.
        out.push({
          ...imageFindingBase(img, owner),
          status: 'fail',
          severity: 'info',
          blockedBy: 'scp',
          messageId: 'awsBackupRecoveryPoint',
          data: { ...data, vault: JSON.stringify(rp.backupVaultName), status: rp.status ? ` (status ${rp.status})` : '' },
          details: { ...details, backupVaultName: rp.backupVaultName, recoveryPointStatus: rp.status ?? null, recoveryPointArn: rp.recoveryPointArn },
        });
        continue;
      }
      out.push({
        ...imageFindingBase(img, owner),
        status: 'fail',
        blockedBy: 'scp',
        ...(verdict.expired ? { messageId: 'exceptionExpired', data: { ...data, expiryDate: verdict.expired.expiryDate } } : { messageId: 'notApproved', data }),
        details,
      });
    }
    return out;
  },
  remediate(f, ctx) {
    const t = targetOf(f);
    // A lifecycle or AWS Backup backup is not replaced by a golden AMI: see what uses it, and request an exception if restores must work.
    if (f.messageId === 'lifecycleBackup' || f.messageId === 'awsBackupRecoveryPoint') return [cmd.describeImageReferences(ctx.env, t, f.resourceId), requestException(ctx)];
    return [
      cmd.describeImageReferences(ctx.env, t, f.resourceId),
      cmd.launchTemplatesUsingImage(ctx.env, t, f.resourceId),
      cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx)),
      requestException(ctx),
    ];
  },
});
