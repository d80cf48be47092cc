/** Table tests of launch-path-unapproved-ami, per path (groups, mixed overrides, launch configurations, fleets) and layer. */
import { AMI_GONE, AMI_MIGRATION, AMI_OPS, AMI_OUTSIDER, AMI_SELF, EXC_MIGRATION, OPS, OUTSIDER, WORKLOAD, inventory, runCases } from '../helpers/inventory-builder.ts';

const RULE = 'launch-path-unapproved-ami';
const LT = 'lt-0000000000000000a';
const base = () =>
  inventory()
    .account(WORKLOAD)
    .image({ id: AMI_OPS, owner: OPS })
    .image({ id: AMI_OUTSIDER, owner: OUTSIDER })
    .image({ id: AMI_SELF, owner: WORKLOAD })
    .image({ id: AMI_MIGRATION, owner: EXC_MIGRATION })
    .image({ id: AMI_GONE, owner: OUTSIDER, found: false, notFoundReason: 'InvalidAMIID.NotFound' })
    // default 1 (approved), latest 3 (unapproved); version 2 (pinned) is EXTERNAL's.
    .launchTemplate({ id: LT, name: 'web', account: WORKLOAD, default: [1, AMI_OPS], latest: [3, AMI_OUTSIDER] })
    .pinnedVersion(WORKLOAD, LT, 2, AMI_SELF);

const group = (launchTemplate: { launchTemplateId?: string; launchTemplateName?: string; version?: string }) => base().autoScalingGroup({ name: 'asg', accountId: WORKLOAD, launchTemplate }).build();

runCases(RULE, [
  { name: 'valid: no version given means $Default (approved)', build: () => group({ launchTemplateId: LT }), expect: [] },
  { name: 'valid: $Default by template name', build: () => group({ launchTemplateName: 'web', version: '$Default' }), expect: [] },
  { name: 'valid: pinned to the default version number', build: () => group({ launchTemplateId: LT, version: '1' }), expect: [] },
  {
    name: 'invalid: $Latest is the unapproved latest version',
    build: () => group({ launchTemplateId: LT, version: '$Latest' }),
    expect: [{ resourceId: 'asg', status: 'fail', blockedBy: 'both', messageId: 'groupRefused', imageId: AMI_OUTSIDER, details: { pathKind: 'auto-scaling-group', launchTemplateVersion: 3, versionSelector: '$Latest', verdict: 'unapproved' } }],
  },
  {
    name: 'invalid: pinned version 2 launches the account\'s own AMI: only the SCP stops it',
    build: () => group({ launchTemplateId: LT, version: '2' }),
    expect: [{ resourceId: 'asg', blockedBy: 'scp', imageId: AMI_SELF, details: { launchTemplateVersion: 2, versionSelector: '2' }, message: ['version 2 (pinned)'] }],
  },
  // A pinned resolve:ssm: version is judged by the AMI its parameter resolved to (ResolveAlias); unresolved: cannot-verify.
  {
    name: 'valid: pinned version whose SSM parameter resolved to an approved AMI',
    build: () => base().pinnedVersion(WORKLOAD, LT, 4, `resolve:ssm:/golden=>${AMI_OPS}`).autoScalingGroup({ name: 'asg', accountId: WORKLOAD, launchTemplate: { launchTemplateId: LT, version: '4' } }).build(),
    expect: [],
  },
  {
    name: 'invalid: pinned version whose SSM parameter resolved to an unapproved AMI',
    build: () => base().pinnedVersion(WORKLOAD, LT, 4, `resolve:ssm:/golden=>${AMI_OUTSIDER}`).autoScalingGroup({ name: 'asg', accountId: WORKLOAD, launchTemplate: { launchTemplateId: LT, version: '4' } }).build(),
    expect: [{ resourceId: 'asg', status: 'fail', blockedBy: 'both', imageId: AMI_OUTSIDER, details: { launchTemplateVersion: 4, verdict: 'unapproved' }, message: ['version 4 (pinned) via the SSM parameter "/golden" launches'] }],
  },
  {
    name: 'cannot-verify: pinned version whose SSM parameter could not be resolved',
    build: () => base().pinnedVersion(WORKLOAD, LT, 4, 'resolve:ssm:/golden=>!AccessDenied').autoScalingGroup({ name: 'asg', accountId: WORKLOAD, launchTemplate: { launchTemplateId: LT, version: '4' } }).build(),
    expect: [{ resourceId: 'asg', status: 'cannot-verify', details: { verdict: 'ssm-parameter' }, message: ['could not resolve it: AccessDenied'] }],
  },
  {
    name: 'cannot-verify: a pinned version the scan did not describe',
    build: () => group({ launchTemplateId: LT, version: '7' }),
    expect: [{ resourceId: 'asg', status: 'cannot-verify', severity: 'low', messageId: 'cannotVerify', details: { verdict: 'not-resolved' } }],
  },
  {
    name: 'cannot-verify: a template the scan did not collect',
    build: () => group({ launchTemplateId: 'lt-000000000000000ff' }),
    expect: [{ resourceId: 'asg', status: 'cannot-verify', details: { verdict: 'not-resolved' } }],
  },
  {
    name: 'invalid: a mixed instances override names its own template',
    build: () =>
      base()
        .launchTemplate({ id: 'lt-0000000000000000b', name: 'gpu', account: WORKLOAD, default: [1, AMI_GONE] })
        .autoScalingGroup({
          name: 'mixed',
          accountId: WORKLOAD,
          mixedInstancesPolicy: { launchTemplate: { launchTemplateId: LT }, overrides: [{ instanceType: 'm5.large' }, { instanceType: 'g5.xlarge', launchTemplate: { launchTemplateId: 'lt-0000000000000000b' } }] },
        })
        .build(),
    expect: [{ resourceId: 'mixed', status: 'fail', messageId: 'groupUnavailable', details: { verdict: 'unavailable', launchTemplateId: 'lt-0000000000000000b' }, message: ['its override g5.xlarge'] }],
  },
  {
    name: 'invalid: a legacy launch configuration on an expired exception',
    build: () => base().launchConfiguration('lc', WORKLOAD, AMI_MIGRATION).autoScalingGroup({ name: 'legacy', accountId: WORKLOAD, launchConfigurationName: 'lc' }).build(),
    judge: { asOf: '2026-03-01' },
    expect: [{ resourceId: 'legacy', status: 'fail', blockedBy: 'both', details: { verdict: 'expired-exception', launchTemplateId: null }, message: ['launch configuration "lc"', 'expired on 2026-02-28'] }],
  },
  { name: 'valid: the same launch configuration while the exception is active', build: () => base().launchConfiguration('lc', WORKLOAD, AMI_MIGRATION).autoScalingGroup({ name: 'legacy', accountId: WORKLOAD, launchConfigurationName: 'lc' }).build(), expect: [] },
  {
    name: 'cannot-verify: a launch configuration the scan did not collect',
    build: () => base().autoScalingGroup({ name: 'legacy', accountId: WORKLOAD, launchConfigurationName: 'gone' }).build(),
    expect: [{ resourceId: 'legacy', status: 'cannot-verify' }],
  },
  {
    name: 'cannot-verify: an SSM-parameter launch configuration image',
    build: () => base().launchConfiguration('lc', WORKLOAD, 'resolve:ssm:/golden/latest').autoScalingGroup({ name: 'legacy', accountId: WORKLOAD, launchConfigurationName: 'lc' }).build(),
    expect: [{ resourceId: 'legacy', status: 'cannot-verify', details: { verdict: 'ssm-parameter' } }],
  },
  {
    name: 'invalid: an EKS node group is labelled from its tags',
    build: () => base().autoScalingGroup({ name: 'eks-abc', accountId: WORKLOAD, launchTemplate: { launchTemplateId: LT, version: '$Latest' }, tags: { 'eks:cluster-name': 'c1', 'eks:nodegroup-name': 'ng' } }).build(),
    expect: [{ resourceId: 'eks-abc', details: { label: 'EKS node group c1/ng' }, message: ['(EKS node group c1/ng)'] }],
  },
  {
    name: 'invalid: an EC2 Fleet override ImageId replaces the approved template image',
    build: () =>
      base()
        .fleet({ fleetId: 'fleet-1', accountId: WORKLOAD, kind: 'ec2-fleet', launchTemplateConfigs: [{ launchTemplate: { launchTemplateId: LT }, overrides: [{ instanceType: 'm5.large', image: { kind: 'ami', imageId: AMI_OUTSIDER } }] }] })
        .build(),
    expect: [{ resourceId: 'fleet-1', resourceType: 'ec2-fleet', messageId: 'fleetRefused', imageId: AMI_OUTSIDER, details: { fleetType: 'maintain', targetCapacity: 2 } }],
  },
  {
    name: 'valid: an EC2 Fleet on the approved default version, no override image',
    build: () => base().fleet({ fleetId: 'fleet-1', accountId: WORKLOAD, kind: 'ec2-fleet', launchTemplateConfigs: [{ launchTemplate: { launchTemplateId: LT }, overrides: [{ instanceType: 'm5.large' }] }] }).build(),
    expect: [],
  },
  {
    name: 'invalid: a Spot Fleet launch specification on the account\'s own AMI (SCP only)',
    build: () => base().fleet({ fleetId: 'sfr-1', accountId: WORKLOAD, kind: 'spot-fleet', launchSpecifications: [{ instanceType: 't3.micro', image: { kind: 'ami', imageId: AMI_SELF } }] }).build(),
    expect: [{ resourceId: 'sfr-1', resourceType: 'spot-fleet', blockedBy: 'scp', message: ['Spot Fleet request', 'launch specification 1 (t3.micro)'] }],
  },
]);
