/** The EC2 actions the sandbox implements, with what throttling needs to know about each. */
import type { Ec2Handler } from './common.js';
import { describeImageAttribute, describeImages, deregisterImage, modifyImageAttribute } from './images.js';
import { describeInstanceImageMetadata, describeInstances } from './instances.js';
import { describeRegions } from './regions.js';
import { describeLaunchTemplateVersions, describeLaunchTemplates } from './launch-templates.js';
import {
  disableAllowedImagesSettings,
  disableImageBlockPublicAccess,
  enableAllowedImagesSettings,
  enableImageBlockPublicAccess,
  getAllowedImagesSettings,
  getImageBlockPublicAccessState,
  getManagedResourceVisibility,
  replaceImageCriteriaInAllowedImagesSettings,
} from './settings.js';
import { describeImageReferences } from './references.js';
import { createTags, deleteTags } from './tags.js';
import { describeFleets, describeSpotFleetRequests } from './fleets.js';

export interface Ec2Action {
  handler: Ec2Handler;
  mutating: boolean;
  /** Describe calls that can be filtered/paginated (the throttling bucket is chosen in knobs.ts ec2BucketFor, by the page's list). */
  paginated?: boolean;
}

export const EC2_ACTIONS: Record<string, Ec2Action> = {
  DescribeRegions: { handler: describeRegions, mutating: false },
  DescribeInstances: { handler: describeInstances, mutating: false, paginated: true },
  DescribeInstanceImageMetadata: { handler: describeInstanceImageMetadata, mutating: false, paginated: true },
  DescribeImages: { handler: describeImages, mutating: false, paginated: true },
  DescribeImageAttribute: { handler: describeImageAttribute, mutating: false },
  DescribeImageReferences: { handler: describeImageReferences, mutating: false },
  DescribeLaunchTemplates: { handler: describeLaunchTemplates, mutating: false, paginated: true },
  DescribeLaunchTemplateVersions: { handler: describeLaunchTemplateVersions, mutating: false, paginated: true },
  DescribeFleets: { handler: describeFleets, mutating: false, paginated: true },
  DescribeSpotFleetRequests: { handler: describeSpotFleetRequests, mutating: false, paginated: true },
  GetImageBlockPublicAccessState: { handler: getImageBlockPublicAccessState, mutating: false },
  GetAllowedImagesSettings: { handler: getAllowedImagesSettings, mutating: false },
  GetManagedResourceVisibility: { handler: getManagedResourceVisibility, mutating: false },
  ModifyImageAttribute: { handler: modifyImageAttribute, mutating: true },
  EnableImageBlockPublicAccess: { handler: enableImageBlockPublicAccess, mutating: true },
  DisableImageBlockPublicAccess: { handler: disableImageBlockPublicAccess, mutating: true },
  EnableAllowedImagesSettings: { handler: enableAllowedImagesSettings, mutating: true },
  DisableAllowedImagesSettings: { handler: disableAllowedImagesSettings, mutating: true },
  ReplaceImageCriteriaInAllowedImagesSettings: { handler: replaceImageCriteriaInAllowedImagesSettings, mutating: true },
  CreateTags: { handler: createTags, mutating: true },
  DeleteTags: { handler: deleteTags, mutating: true },
  DeregisterImage: { handler: deregisterImage, mutating: true },
};
