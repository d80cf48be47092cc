/** CreateTags on images (owner only), instances and launch templates of the caller's account x region. */
import { ApiError, invalidParameterValue, missingParameter } from '../errors.js';
import type { Ec2Handler } from './common.js';
import { AMI_ID, INSTANCE_ID, checkDryRun } from './common.js';

export const createTags: Ec2Handler = (ctx, params) => {
  const resources = params.list('ResourceId');
  if (resources.length === 0) throw missingParameter('ResourceId');
  const tags = params.structs('Tag').map((t) => ({ key: t.str('Key'), value: t.str('Value') ?? '' }));
  if (tags.length === 0) throw missingParameter('Tag');
  for (const t of tags) {
    if (!t.key) throw invalidParameterValue('Tag key must not be empty');
    if (t.key.length > 128 || t.value.length > 256) throw invalidParameterValue('Tag keys are at most 128 characters and values at most 256.');
    if (t.key.toLowerCase().startsWith('aws:')) throw invalidParameterValue('Tag keys starting with \'aws:\' are reserved for internal use');
  }
  const targets: Map<string, string>[] = [];
  for (const id of resources) {
    if (AMI_ID.test(id)) {
      const rec = ctx.state.images.get(id);
      if (!rec || rec.region !== ctx.region || rec.state === 'deregistered' || !ctx.state.canSee(rec, ctx.accountId)) {
        throw new ApiError('InvalidAMIID.NotFound', `The image id '[${id}]' does not exist`);
      }
      if (rec.ownerId !== ctx.accountId) throw new ApiError('UnauthorizedOperation', `You are not authorized to perform this operation. Only the owner of ${id} can tag it.`, 403);
      targets.push(rec.tags);
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
  checkDryRun(params);
  for (const t of targets) for (const { key, value } of tags) t.set(key!, value);
  return { return: true };
};
