/**
 * CreateTags and DeleteTags on images, instances and launch templates of the caller's account x region.
 *
 * Images follow EC2's per-account tags. EC2 User Guide (tagging): "When you tag public or shared resources,
 * the tags you assign are available only to your AWS account; no other AWS account will have access to those
 * tags. For tag-based access control to shared resources, each AWS account must assign its own set of tags
 * to control access to the resource." So an account that can launch (and so describe) a shared or public
 * image may tag it, and those tags are stored for that account alone; the owner's tags are untouched.
 */
import { ApiError, invalidParameterValue, missingParameter } from '../errors.js';
import type { QueryParams } from '../protocol/query.js';
import type { Ec2Context, Ec2Handler } from './common.js';
import { AMI_ID, INSTANCE_ID, checkDryRun } from './common.js';

/** The tag map of each resource the caller may tag (its own tags on an image it does not own). */
function tagTargets(ctx: Ec2Context, resources: string[], create: boolean): Map<string, string>[] {
  const targets: Map<string, string>[] = [];
  for (const id of resources) {
    if (AMI_ID.test(id)) {
      const rec = ctx.state.images.get(id);
      if (!rec || rec.region !== ctx.region || rec.state === 'deregistered' || !ctx.state.canSee(rec, ctx.accountId)) {
        throw new ApiError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
      }
      let tags = ctx.state.imageTagsFor(rec, ctx.accountId);
      if (!tags) {
        tags = new Map();
        if (create) rec.accountTags.set(ctx.accountId, tags);
      }
      targets.push(tags);
    } else if (INSTANCE_ID.test(id)) {
      const inst = ctx.state.instancesById.get(id);
      if (!inst || inst.accountId !== ctx.accountId || inst.region !== ctx.region) {
        throw new ApiError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
      }
      targets.push(inst.tags);
    } else {
      throw new ApiError('InvalidID', `The ID '${id}' is not valid`);
    }
  }
  return targets;
}

function resourcesOf(params: QueryParams): string[] {
  const resources = params.list('ResourceId');
  if (resources.length === 0) throw missingParameter('ResourceId');
  return resources;
}

export const createTags: Ec2Handler = (ctx, params) => {
  const resources = resourcesOf(params);
  const tags = params.structs('Tag').map((t) => ({ key: t.str('Key'), value: t.str('Value') ?? '' }));
  if (tags.length === 0) throw missingParameter('Tag');
  for (const t of tags) {
    if (!t.key) throw invalidParameterValue('Tag key must not be empty');
    if (t.key.length > 128 || t.value.length > 256) throw invalidParameterValue('Tag keys are at most 128 characters and values at most 256.');
    if (t.key.toLowerCase().startsWith('aws:')) throw invalidParameterValue('Tag keys starting with \'aws:\' are reserved for internal use');
  }
  checkDryRun(params);
  for (const t of tagTargets(ctx, resources, true)) for (const { key, value } of tags) t.set(key!, value);
  return { return: true };
};

/**
 * DeleteTags (EC2 API reference): "If you specify a tag key without a tag value, we delete any tag with this
 * key regardless of its value. If you specify a tag key with an empty string as the tag value, we delete the
 * tag only if its value is an empty string." and "If you omit this parameter, we delete all user-defined tags
 * for the specified resources." With a value, the tag goes only when its value matches.
 */
export const deleteTags: Ec2Handler = (ctx, params) => {
  const resources = resourcesOf(params);
  const tags = params.structs('Tag').map((t) => ({ key: t.str('Key'), value: t.str('Value') }));
  for (const t of tags) if (!t.key) throw invalidParameterValue('Tag key must not be empty');
  checkDryRun(params);
  for (const target of tagTargets(ctx, resources, false)) {
    if (tags.length === 0) target.clear();
    for (const { key, value } of tags) if (value === undefined || target.get(key!) === value) target.delete(key!);
  }
  return { return: true };
};
