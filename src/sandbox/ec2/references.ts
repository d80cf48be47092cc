/**
 * DescribeImageReferences: which resources of the caller's account x region reference an AMI.
 *
 * API reference (DescribeImageReferences): "ImageId.N: The IDs of the images to check for resource references.
 * Array Members: Minimum number of 1 item. Maximum number of 10 items." "Supported resource types: ec2:Instance |
 * ec2:LaunchTemplate | ssm:Parameter | imagebuilder:ImageRecipe | imagebuilder:ContainerRecipe". "Either
 * IncludeAllResourceTypes or ResourceTypes must be specified." Each answer is an ImageReference: ImageId,
 * ResourceType, Arn ("The Amazon Resource Name (ARN) of the resource referencing the image").
 * EC2 User Guide ("Identify your resources referencing specified AMIs", How AMI reference checks work), the
 * defaults of IncludeAllResourceTypes: instances "state-name ... pending, running, shutting-down, terminated,
 * stopping, stopped (all states)"; launch templates "version-depth ... 10 (most recent versions)".
 * The error code for more than 10 ids is not documented: InvalidParameterValue, as EC2 answers other bad values.
 */
import { ApiError, invalidParameterValue } from '../errors.js';
import { items } from '../protocol/query.js';
import type { Ec2Handler } from './common.js';
import { checkAmiIds, checkDryRun, paginate } from './common.js';

const SUPPORTED = ['ec2:Instance', 'ec2:LaunchTemplate', 'ssm:Parameter', 'imagebuilder:ImageRecipe', 'imagebuilder:ContainerRecipe'] as const;
/** EC2 checks this many of a launch template's most recent versions unless told otherwise. */
const DEFAULT_VERSION_DEPTH = 10;
const MAX_IMAGE_IDS = 10;
const INSTANCE_STATES = ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'];

/** The ARN of an SSM parameter or Image Builder recipe (a parameter's hierarchical name drops its leading slash). */
function otherArn(r: { resourceType: string; name: string }, region: string, accountId: string): string {
  if (r.resourceType === 'ssm:Parameter') return `arn:aws:ssm:${region}:${accountId}:parameter/${r.name.replace(/^\//, '')}`;
  const kind = r.resourceType === 'imagebuilder:ImageRecipe' ? 'image-recipe' : 'container-recipe';
  return `arn:aws:imagebuilder:${region}:${accountId}:${kind}/${r.name}`;
}

interface Ref {
  imageId: string;
  resourceType: string;
  arn: string;
}

export const describeImageReferences: Ec2Handler = (ctx, params) => {
  const ids = params.list('ImageId');
  if (ids.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter ImageId');
  if (ids.length > MAX_IMAGE_IDS) throw invalidParameterValue(`The ImageId parameter accepts at most ${MAX_IMAGE_IDS} values; ${ids.length} were given.`);
  checkAmiIds(ids);
  const all = params.bool('IncludeAllResourceTypes');
  const requested = params.structs('ResourceType');
  if (!all && requested.length === 0) {
    throw new ApiError('MissingParameter', 'Either IncludeAllResourceTypes or ResourceTypes must be specified.');
  }
  const types = new Set<string>(all ? SUPPORTED : []);
  let depth = DEFAULT_VERSION_DEPTH;
  let states = new Set(INSTANCE_STATES);
  for (const r of requested) {
    const t = r.str('ResourceType');
    if (!t) continue;
    if (!(SUPPORTED as readonly string[]).includes(t)) throw invalidParameterValue(`Value (${t}) for parameter ResourceType is invalid.`);
    types.add(t);
    for (const o of r.structs('ResourceTypeOption')) {
      if (o.str('OptionName') === 'state-name') states = new Set(o.list('OptionValue'));
      if (o.str('OptionName') === 'version-depth') {
        const d = Number(o.list('OptionValue')[0]);
        if (!Number.isInteger(d) || d < 1 || d > 10000) throw invalidParameterValue('version-depth must be an integer between 1 and 10000');
        depth = d;
      }
    }
  }
  const wanted = new Set(ids);
  const refs: Ref[] = [];
  if (types.has('ec2:Instance')) {
    for (const i of ctx.state.instances(ctx.accountId, ctx.region)) {
      if (!states.has(i.state) || !wanted.has(i.imageId)) continue;
      refs.push({ imageId: i.imageId, resourceType: 'ec2:Instance', arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:instance/${i.instanceId}` });
    }
  }
  if (types.has('ec2:LaunchTemplate')) {
    for (const lt of ctx.state.launchTemplates(ctx.accountId, ctx.region)) {
      const recent = [...lt.versions].sort((a, b) => b.versionNumber - a.versionNumber).slice(0, depth);
      const used = new Set(recent.map((v) => v.imageId).filter((x): x is string => x !== undefined && wanted.has(x)));
      for (const imageId of used) {
        refs.push({ imageId, resourceType: 'ec2:LaunchTemplate', arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:launch-template/${lt.launchTemplateId}` });
      }
    }
  }
  for (const r of ctx.state.otherImageReferences(ctx.accountId, ctx.region)) {
    if (types.has(r.resourceType) && wanted.has(r.imageId)) refs.push({ imageId: r.imageId, resourceType: r.resourceType, arn: otherArn(r, ctx.region, ctx.accountId) });
  }
  refs.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : a.imageId < b.imageId ? -1 : 1));
  const { page, nextToken } = paginate('DescribeImageReferences', refs, params, { min: 5, max: 1000 });
  checkDryRun(params);
  return { nextToken, imageReferenceSet: items(page.map((r) => ({ imageId: r.imageId, resourceType: r.resourceType, arn: r.arn }))) };
};
