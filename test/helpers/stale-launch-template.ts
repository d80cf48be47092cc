/**
 * The mini organization plus a launch template in PROD us-east-1 whose only version names an AMI id that
 * exists nowhere (AWS answers InvalidAMIID.NotFound for it): shared by the scan-faults and image-lookup-faults
 * tests, which check how a batch with an unknown id is handled and how that answer is recorded.
 */
import type { OrgFixture } from '../../src/sandbox/fixture-types.ts';
import { miniOrg, PROD } from '../scan/helpers.ts';

/** The AMI id no account has. */
export const STALE_AMI = 'ami-00000000000dead01';

export function miniOrgWithStaleLaunchTemplate(): OrgFixture {
  const f = miniOrg();
  f.launchTemplates!.push({
    launchTemplateId: 'lt-0000000000000003',
    launchTemplateName: 'stale',
    accountId: PROD,
    region: 'us-east-1',
    defaultVersion: 1,
    versions: [{ versionNumber: 1, imageId: STALE_AMI }],
  });
  return f;
}
