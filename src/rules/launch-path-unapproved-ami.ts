/**
 * An Auto Scaling group, EC2 Fleet or Spot Fleet request whose launches will be refused once enforcement starts:
 * the template version it actually uses ($Latest, $Default or a pinned number), a mixed instances override's
 * template, its launch configuration's ImageId, or a fleet override's or launch specification's ImageId names an
 * AMI from an unapproved publisher, an expired exception, or an AMI that is gone. One finding per path, so the 40
 * instances of one group are one root cause (the blast radius in findings.json groups the paths under the image).
 *
 * What enforcement does to the path, from AWS's documentation (docs/rules/launch-path-unapproved-ami.md):
 * - Allowed AMIs enabled: "only AMIs matching these criteria are discoverable and can be used by your account to
 *   launch instances" (EnableAllowedImagesSettings). Scale-out, instance refresh and the replacement of an
 *   unhealthy instance all launch new instances from the group's template or configuration, so each is refused.
 * - Instances already running are not stopped: UpdateAutoScalingGroup "Existing instances continue to run with
 *   the configuration that they were originally launched with."
 * - Spot Fleet (LaunchSpecifications): "If an AMI specified in a launch specification is deregistered or
 *   disabled, no new instances can be launched from the AMI. For fleets of type maintain, the target capacity
 *   will not be maintained."
 */
import { defineRule, type FindingDraft } from './types.js';
import { describeBlockedBy, type BlockedBy } from './context.js';
import { judgeLaunchPath, launchPathIndex, launchPathsOf, pathId, pathWhere, type LaunchPath } from './launch-verdict.js';
import * as cmd from '../remediation/commands.js';
import { opsAccount, requestException, targetOf } from '../remediation/common.js';
import { tagValue } from '../util/tags.js';

const LAYER_ORDER: BlockedBy[] = ['none', 'declarative-policy', 'scp', 'both'];

type Details = {
  pathKind: LaunchPath['kind'];
  /** e.g. "EKS node group prod/workers", from the group's tags */
  label: string | null;
  launchTemplateId: string | null;
  launchTemplateVersion: number | null;
  versionSelector: string | null;
  desiredCapacity: number | null;
  minSize: number | null;
  maxSize: number | null;
  runningInstances: number | null;
  fleetType: string | null;
  targetCapacity: number | null;
  verdict: string;
};

const messages = {
  groupRefused:
    'Auto Scaling group {{name}}{{label}}: {{problems}}. Once enforcement starts ({{blockedBy}}) every launch from it is refused: scale-out, instance refresh and the replacement of unhealthy instances (desired {{desired}}, min {{min}}, max {{max}}); the instances it runs now keep running ({{running}} in the group).',
  groupUnavailable:
    'Auto Scaling group {{name}}{{label}}: {{problems}}. Every launch from it fails: scale-out, instance refresh and the replacement of unhealthy instances (desired {{desired}}, min {{min}}, max {{max}}).',
  fleetRefused: '{{kindText}} {{name}} ({{fleetType}}, target capacity {{target}}): {{problems}}. Once enforcement starts ({{blockedBy}}) it cannot launch new instances from that AMI.',
  fleetUnavailable: '{{kindText}} {{name}} ({{fleetType}}, target capacity {{target}}): {{problems}}. It cannot launch new instances from that AMI.',
  cannotVerify: '{{kindText}} {{name}}{{label}}: {{problems}}. Check what it launches before enforcement starts.',
};

const KIND_TEXT: Record<LaunchPath['kind'], string> = { 'auto-scaling-group': 'Auto Scaling group', 'ec2-fleet': 'EC2 Fleet', 'spot-fleet': 'Spot Fleet request' };

/** Managed groups show up as their Auto Scaling groups: name them from their tags instead of calling EKS. */
export function groupLabel(tags: Record<string, string>): string | undefined {
  const ng = tagValue(tags, 'eks:nodegroup-name');
  if (ng !== undefined) {
    const cluster = tagValue(tags, 'eks:cluster-name');
    return `EKS node group ${cluster !== undefined ? `${cluster}/` : ''}${ng}`;
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: 'launch-path-unapproved-ami',
    title: 'Auto Scaling group or fleet launches an AMI that enforcement will refuse',
    severity: 'high',
    cannotVerifySeverity: 'low',
    description:
      'An Auto Scaling group (launch template version it actually uses, mixed instances overrides, launch configuration), EC2 Fleet or Spot Fleet request whose AMI is from an unapproved publisher, ' +
      'an expired exception, or no longer exists: its scale-out, instance refresh and replacement of unhealthy instances fail once enforcement starts. SSM-parameter images and paths whose template or AMI could not be checked are cannot-verify.',
    docs: 'docs/rules/launch-path-unapproved-ami.md',
    reads: ['auto-scaling-groups', 'launch-configurations', 'ec2-fleets', 'spot-fleets', 'pinned-launch-template-versions', 'launch-templates', 'owned-images', 'referenced-images'],
    messages,
  },
  evaluate(inventory, { index, allowlist }) {
    const paths = launchPathIndex(inventory);
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    for (const p of launchPathsOf(inventory)) {
      const { judged, status } = judgeLaunchPath(index, paths, allowlist, p);
      if (status === 'ok') continue;
      const where = pathWhere(p);
      const fails = judged.filter((j) => j.verdict.kind === 'fail');
      const shown = status === 'fail' ? fails : judged.filter((j) => j.verdict.kind === 'cannot-verify');
      const blockedBy = fails.reduce<BlockedBy | undefined>((acc, j) => {
        const b = j.verdict.kind === 'fail' ? j.verdict.blockedBy : undefined;
        return b && (!acc || LAYER_ORDER.indexOf(b) > LAYER_ORDER.indexOf(acc)) ? b : acc;
      }, undefined);
      const first = shown[0]!;
      const img = first.verdict.kind === 'fail' ? first.verdict.img : undefined;
      const group = p.kind === 'auto-scaling-group' ? p.group : undefined;
      const fleet = p.kind !== 'auto-scaling-group' ? p.fleet : undefined;
      const label = group ? groupLabel(group.tags) : undefined;
      const problems = shown.map((j) => (j.verdict.kind === 'ok' ? '' : j.verdict.text)).join('; ');
      const messageId: keyof typeof messages =
        status === 'cannot-verify' ? 'cannotVerify' : group ? (blockedBy ? 'groupRefused' : 'groupUnavailable') : blockedBy ? 'fleetRefused' : 'fleetUnavailable';
      out.push({
        accountId: where.accountId,
        region: where.region,
        resourceType: p.kind,
        resourceId: pathId(p),
        ...(img ? { imageId: img.imageId } : {}),
        ...(img?.name !== undefined ? { imageName: img.name } : {}),
        ...(img?.ownerId !== undefined ? { imageOwnerId: img.ownerId } : {}),
        ...(img?.ownerAlias !== undefined ? { imageOwnerAlias: img.ownerAlias } : {}),
        status,
        ...(blockedBy ? { blockedBy } : {}),
        messageId,
        data: {
          kindText: KIND_TEXT[p.kind],
          name: JSON.stringify(pathId(p)),
          label: label ? ` (${label})` : '',
          problems,
          ...(blockedBy ? { blockedBy: describeBlockedBy(blockedBy) } : {}),
          desired: group?.desiredCapacity ?? 0,
          min: group?.minSize ?? 0,
          max: group?.maxSize ?? 0,
          running: group?.instanceIds.length ?? 0,
          fleetType: fleet?.type ?? 'maintain',
          target: fleet?.targetCapacity ?? 0,
        },
        details: {
          pathKind: p.kind,
          label: label ?? null,
          launchTemplateId: first.launchTemplateId ?? null,
          launchTemplateVersion: first.versionNumber ?? null,
          versionSelector: first.versionSelector ?? null,
          desiredCapacity: group?.desiredCapacity ?? null,
          minSize: group?.minSize ?? null,
          maxSize: group?.maxSize ?? null,
          runningInstances: group?.instanceIds.length ?? null,
          fleetType: fleet?.type ?? null,
          targetCapacity: fleet?.targetCapacity ?? null,
          verdict: first.verdict.kind === 'ok' ? 'ok' : first.verdict.reason,
        },
      });
    }
    return out;
  },
  remediate(f, ctx) {
    const t = targetOf(f);
    const out = [cmd.findGoldenReplacement(ctx.env, t, opsAccount(ctx))];
    // A template version: a new version on the replacement AMI (then point the group or fleet at it).
    if (f.details.launchTemplateId && f.details.launchTemplateVersion !== null) {
      out.push(cmd.createLaunchTemplateVersion(ctx.env, t, f.details.launchTemplateId, f.details.launchTemplateVersion, f.status === 'fail' ? f.imageId : undefined));
    }
    if (f.status === 'fail') out.push(requestException(ctx));
    return out;
  },
});
