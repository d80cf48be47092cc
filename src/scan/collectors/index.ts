/** Every collector the scan runs, in the order they are documented. The IAM policies are generated from these. */
import type { CollectorMeta } from './types.js';
import { ORGANIZATION } from '../organization.js';
import { ASSUME_ROLE } from '../accounts.js';
import { ACCOUNT_TAGS } from './account-tags.js';
import { REGIONS } from './regions.js';
import { INSTANCE_IMAGE_METADATA, INSTANCES } from './instances.js';
import { OWNED_IMAGES } from './images.js';
import { LAUNCH_TEMPLATES } from './launch-templates.js';
import { IMAGE_BLOCK_PUBLIC_ACCESS, ALLOWED_IMAGES_SETTINGS } from './region-settings.js';
import { REFERENCED_IMAGES } from './referenced-images.js';
import { LAUNCH_PERMISSIONS } from './launch-permissions.js';
import { LAUNCH_PATH_COLLECTORS } from './launch-paths.js';
import { LAUNCHING_ACCOUNT_IMAGE_TAGS } from './account-image-tags.js';

export const COLLECTORS: readonly CollectorMeta[] = [
  ORGANIZATION,
  ACCOUNT_TAGS,
  ASSUME_ROLE,
  REGIONS,
  INSTANCE_IMAGE_METADATA,
  INSTANCES,
  LAUNCHING_ACCOUNT_IMAGE_TAGS,
  OWNED_IMAGES,
  LAUNCH_TEMPLATES,
  IMAGE_BLOCK_PUBLIC_ACCESS,
  ALLOWED_IMAGES_SETTINGS,
  REFERENCED_IMAGES,
  LAUNCH_PERMISSIONS,
  ...LAUNCH_PATH_COLLECTORS,
];
