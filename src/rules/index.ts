/** Every rule amigov has, in report order. The meta test fails when a rule file is missing here. */
import type { RuleDefinition } from './types.js';
import unapprovedPublisher from './unapproved-publisher.js';
import expiredException from './expired-exception.js';
import expiringException from './expiring-exception.js';
import launchTemplateUnapprovedAmi from './launch-template-unapproved-ami.js';
import launchPathUnapprovedAmi from './launch-path-unapproved-ami.js';
import unknownImage from './unknown-image.js';
import prodAmiNotTagged from './prod-ami-not-tagged.js';
import publicAmi from './public-ami.js';
import imageBlockPublicAccessOff from './image-block-public-access-off.js';
import allowedAmisNotEnabled from './allowed-amis-not-enabled.js';
import allowedAmisDrift from './allowed-amis-drift.js';
import amiInWorkloadAccount from './ami-in-workload-account.js';
import imageAllowedDisagreement from './image-allowed-disagreement.js';

export const RULES: readonly RuleDefinition[] = [
  unapprovedPublisher,
  expiredException,
  expiringException,
  launchTemplateUnapprovedAmi,
  launchPathUnapprovedAmi,
  unknownImage,
  prodAmiNotTagged,
  publicAmi,
  imageBlockPublicAccessOff,
  allowedAmisNotEnabled,
  allowedAmisDrift,
  imageAllowedDisagreement,
  amiInWorkloadAccount,
];

/** RULES' ids, listed in ids.ts (which loads no rule); test/cli/startup-imports.test.ts keeps the two equal. */
export { RULE_IDS } from './ids.js';
