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
 * - What a group is launching now (launch-verdict.ts pendingLaunches: a scale-out where desired capacity exceeds the
 *   instances InService or Pending, a Pending, InProgress or RollbackInProgress instance refresh) fails as soon as
 *   enforcement starts, not at some later scale event. Allowed AMIs user guide: "When the criteria are enabled, users
 *   launching instances will only see and have access to AMIs that comply with the specified criteria." For a refresh,
 *   StartInstanceRefresh: "An instance refresh might fail for several reasons, such as EC2 launch failures [...]"
 *   and "If you enable auto rollback, your Auto Scaling group will be rolled back automatically when the instance
 *   refresh fails." AWS documents no retry count for a failed scale-out launch, so the finding claims none.
 * - A refresh with a desired configuration launches that configuration, not the group's: a group whose own template is
 *   fine but whose refresh rolls out a refused AMI is reported too (refreshRefused, refreshUnavailable).
 */
import { defineRule, type FindingDraft } from './types.js';
import { describeBlockedBy, type BlockedBy } from './context.js';
import { judgeLaunchPathNow, launchPathIndex, launchPathsOf, pathId, pathWhere, type LaunchPath, type PendingLaunch } from './launch-verdict.js';
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
  /** Instances a pending scale-out is launching (desired capacity minus those InService or Pending); null: none known. */
  pendingScaleOut: number | null;
  /** The first launching instance refresh whose launches fail, and its status. */
  instanceRefreshId: string | null;
  instanceRefreshStatus: string | null;
  verdict: string;
};

const messages = {
  groupRefused:
    'Auto Scaling group {{name}}{{label}}: {{problems}}. Once enforcement starts ({{blockedBy}}) every launch from it is refused: scale-out, instance refresh and the replacement of unhealthy instances (desired {{desired}}, min {{min}}, max {{max}}); the instances it runs now keep running ({{running}} in the group).{{pendingNow}}',
  groupUnavailable:
    'Auto Scaling group {{name}}{{label}}: {{problems}}. Every launch from it fails: scale-out, instance refresh and the replacement of unhealthy instances (desired {{desired}}, min {{min}}, max {{max}}).{{pendingNow}}',
  refreshRefused:
    'Auto Scaling group {{name}}{{label}}: instance refresh {{refreshId}} ({{refreshStatus}}) replaces its instances from its desired configuration: {{problems}}. Once enforcement starts ({{blockedBy}}) those launches are refused and the refresh fails (an instance refresh "might fail for several reasons, such as EC2 launch failures"; with auto rollback the group is rolled back).',
  refreshUnavailable:
    'Auto Scaling group {{name}}{{label}}: instance refresh {{refreshId}} ({{refreshStatus}}) replaces its instances from its desired configuration: {{problems}}. Those launches fail now, and so does the refresh.',
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

/**
 * " Launching now: a scale-out of 2 instances (desired 3, 1 InService or Pending); instance refresh r-1 (InProgress,
 * 40% complete): these launches fail as soon as enforcement starts." Empty when nothing failing is launching.
 */
export function pendingNowText(failing: PendingLaunch[], refused: boolean): string {
  if (failing.length === 0) return '';
  const parts = failing.map((l) =>
    l.kind === 'scale-out'
      ? `a scale-out of ${l.missing} instance${l.missing === 1 ? '' : 's'} (desired ${l.desired}, ${l.counted} InService or Pending)`
      : `instance refresh ${l.refresh.instanceRefreshId} (${l.refresh.status}${l.refresh.percentageComplete !== undefined ? `, ${l.refresh.percentageComplete}% complete` : ''})`,
  );
  const refreshing = failing.some((l) => l.kind === 'instance-refresh');
  const when = refused ? 'fail as soon as enforcement starts' : 'fail now';
  const refreshText = refreshing ? ', and the refresh fails with them (an instance refresh "might fail for several reasons, such as EC2 launch failures"; with auto rollback the group is rolled back)' : '';
  return ` Launching now: ${parts.join('; ')}: these launches ${when}${refreshText}.`;
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
    reads: ['auto-scaling-groups', 'launch-configurations', 'ec2-fleets', 'spot-fleets', 'pinned-launch-template-versions', 'instance-refreshes', 'launch-templates', 'owned-images', 'referenced-images'],
    messages,
  },
  evaluate(inventory, { index, allowlist }) {
    const paths = launchPathIndex(inventory);
    const out: FindingDraft<Details, keyof typeof messages>[] = [];
    for (const p of launchPathsOf(inventory)) {
      // A refresh rolling out a desired configuration that fails, on a group whose own configuration does not, is
      // reported on that configuration (refreshFail).
      const { verdict, pending, refreshFail } = judgeLaunchPathNow(index, paths, allowlist, p);
      const { judged, status } = verdict;
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
      const messageId: keyof typeof messages = refreshFail
        ? blockedBy
          ? 'refreshRefused'
          : 'refreshUnavailable'
        : status === 'cannot-verify'
          ? 'cannotVerify'
          : group
            ? blockedBy
              ? 'groupRefused'
              : 'groupUnavailable'
            : blockedBy
              ? 'fleetRefused'
              : 'fleetUnavailable';
      // What the group is launching now that fails: its scale-out and refreshes on its own (failing) configuration.
      const failingNow = status === 'fail' && !refreshFail ? pending.filter((l) => l.verdict.status === 'fail') : [];
      const scaleOut = pending.find((l): l is Extract<PendingLaunch, { kind: 'scale-out' }> => l.kind === 'scale-out');
      const refresh = refreshFail ?? failingNow.find((l): l is Extract<PendingLaunch, { kind: 'instance-refresh' }> => l.kind === 'instance-refresh');
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
          pendingNow: pendingNowText(failingNow, blockedBy !== undefined),
          refreshId: refresh?.refresh.instanceRefreshId ?? '',
          refreshStatus: refresh?.refresh.status ?? '',
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
          pendingScaleOut: scaleOut?.missing ?? null,
          instanceRefreshId: refresh?.refresh.instanceRefreshId ?? null,
          instanceRefreshStatus: refresh?.refresh.status ?? null,
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
