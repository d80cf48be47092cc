/** DescribeImageReferences: which instances and launch templates of the caller's account x region use an AMI. */
import { ApiError, invalidParameterValue } from '../errors.js';
import { items } from '../protocol/query.js';
import type { Ec2Handler } from './common.js';
import { checkAmiIds, checkDryRun, paginate } from './common.js';

const SUPPORTED = ['ec2:Instance', 'ec2:LaunchTemplate'] as const;
/** EC2 checks this many of a launch template's most recent versions unless told otherwise. */
const DEFAULT_VERSION_DEPTH = 20;

interface Ref {
  imageId: string;
  resourceType: string;
  arn: string;
}

export const describeImageReferences: Ec2Handler = (ctx, params) => {
  const ids = params.list('ImageId');
  if (ids.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter ImageId');
  checkAmiIds(ids);
  const all = params.bool('IncludeAllResourceTypes');
  const requested = params.structs('ResourceType');
  if (!all && requested.length === 0) {
    throw new ApiError('MissingParameter', 'Either IncludeAllResourceTypes or ResourceTypes must be specified.');
  }
  const types = new Set<string>(all ? SUPPORTED : []);
  let depth = DEFAULT_VERSION_DEPTH;
  for (const r of requested) {
    const t = r.str('ResourceType');
    if (!t) continue;
    types.add(t);
    for (const o of r.structs('ResourceTypeOption')) {
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
      if (i.state === 'terminated' || !wanted.has(i.imageId)) continue;
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
  refs.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : a.imageId < b.imageId ? -1 : 1));
  const { page, nextToken } = paginate('DescribeImageReferences', refs, params, { min: 5, max: 1000 });
  checkDryRun(params);
  return { nextToken, imageReferenceSet: items(page.map((r) => ({ imageId: r.imageId, resourceType: r.resourceType, arn: r.arn }))) };
};
