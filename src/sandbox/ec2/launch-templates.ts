/**
 * DescribeLaunchTemplates and DescribeLaunchTemplateVersions (`$Default` / `$Latest`, across every template of
 * the account when no template is named). An image may be an AMI id or a `resolve:ssm:` parameter reference.
 *
 * ResolveAlias (API reference): "If true, and if a Systems Manager parameter is specified for ImageId, the AMI ID
 * is displayed in the response for imageId. If false, and if a Systems Manager parameter is specified for
 * ImageId, the parameter is displayed in the response for imageId. Default: false". The parameter values come
 * from the fixture's ssmParameters (account x region). The API reference does not say what ResolveAlias answers
 * for a parameter that does not exist or cannot be read; the sandbox then leaves the stored `resolve:ssm:`
 * reference in imageId (as with ResolveAlias false) rather than invent an error. The fixture has no managed
 * launch templates, so IncludeManagedResources changes nothing here.
 */
import { ApiError, invalidParameterCombination, invalidParameterValue } from '../errors.js';
import { items } from '../protocol/query.js';
import type { LaunchTemplateRec } from '../state.js';
import type { Ec2Context, Ec2Handler } from './common.js';
import { applyFilters, checkDryRun, paginate } from './common.js';

const latestOf = (lt: LaunchTemplateRec) => Math.max(...lt.versions.map((v) => v.versionNumber));

function templatesOf(ctx: Ec2Context) {
  return [...ctx.state.launchTemplates(ctx.accountId, ctx.region)].sort((a, b) => (a.launchTemplateId < b.launchTemplateId ? -1 : 1));
}

export const describeLaunchTemplates: Ec2Handler = (ctx, params) => {
  const ids = params.list('LaunchTemplateId');
  const names = params.list('LaunchTemplateName');
  if ((ids.length > 0 || names.length > 0) && params.has('MaxResults')) {
    throw invalidParameterCombination('The parameters LaunchTemplateIds and LaunchTemplateNames cannot be used with MaxResults');
  }
  let list = templatesOf(ctx);
  if (ids.length > 0) {
    const missing = ids.filter((id) => !list.some((lt) => lt.launchTemplateId === id));
    if (missing.length > 0) {
      throw new ApiError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${missing[0]}, does not exist.`);
    }
    list = list.filter((lt) => ids.includes(lt.launchTemplateId));
  }
  if (names.length > 0) {
    const missing = names.filter((n) => !list.some((lt) => lt.launchTemplateName === n));
    if (missing.length > 0) {
      throw new ApiError('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');
    }
    list = list.filter((lt) => names.includes(lt.launchTemplateName));
  }
  list = applyFilters(list, params.filters(), {
    'launch-template-name': (lt) => lt.launchTemplateName,
    'create-time': (lt) => lt.createTime,
  });
  const { page, nextToken } = paginate('DescribeLaunchTemplates', list, params, { min: 1, max: 200 });
  checkDryRun(params);
  return {
    launchTemplates: items(
      page.map((lt) => ({
        launchTemplateId: lt.launchTemplateId,
        launchTemplateName: lt.launchTemplateName,
        createTime: lt.createTime,
        createdBy: `arn:aws:iam::${lt.accountId}:root`,
        defaultVersionNumber: lt.defaultVersion,
        latestVersionNumber: latestOf(lt),
      })),
    ),
    nextToken,
  };
};

interface VersionRow {
  lt: LaunchTemplateRec;
  v: LaunchTemplateRec['versions'][number];
}

export const describeLaunchTemplateVersions: Ec2Handler = (ctx, params) => {
  const id = params.str('LaunchTemplateId');
  const name = params.str('LaunchTemplateName');
  if (id && name) throw invalidParameterCombination('You can specify either the launch template ID or the launch template name in the request, but not both.');
  const versions = params.list('LaunchTemplateVersion');
  let templates = templatesOf(ctx);
  if (id) {
    templates = templates.filter((lt) => lt.launchTemplateId === id);
    if (templates.length === 0) throw new ApiError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
  } else if (name) {
    templates = templates.filter((lt) => lt.launchTemplateName === name);
    if (templates.length === 0) throw new ApiError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);
  } else if (versions.length === 0 || versions.some((v) => v !== '$Latest' && v !== '$Default')) {
    throw new ApiError(
      'MissingParameter',
      'The request must include either a launch template ID or name, or only $Latest or $Default versions to describe those versions of every launch template.',
    );
  }
  const min = params.str('MinVersion');
  const max = params.str('MaxVersion');
  let rows: VersionRow[] = [];
  for (const lt of templates) {
    const latest = latestOf(lt);
    if (versions.length > 0) {
      const wanted = new Set<number>();
      for (const v of versions) {
        const n = v === '$Latest' ? latest : v === '$Default' ? lt.defaultVersion : /^\d+$/.test(v) ? Number(v) : NaN;
        if (Number.isNaN(n)) throw invalidParameterValue(`Invalid launch template version: ${v}`);
        if (!lt.versions.some((x) => x.versionNumber === n)) {
          throw new ApiError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${v} for launch template ${lt.launchTemplateId}.`);
        }
        wanted.add(n);
      }
      for (const v of lt.versions) if (wanted.has(v.versionNumber)) rows.push({ lt, v });
    } else {
      for (const v of lt.versions) {
        if (min !== undefined && v.versionNumber < Number(min)) continue;
        if (max !== undefined && v.versionNumber > Number(max)) continue;
        rows.push({ lt, v });
      }
    }
  }
  rows = applyFilters(rows, params.filters(), {
    'image-id': (r) => r.v.imageId,
    'is-default-version': (r) => String(r.v.versionNumber === r.lt.defaultVersion),
  });
  const { page, nextToken } = paginate('DescribeLaunchTemplateVersions', rows, params, { min: 1, max: 200 });
  checkDryRun(params);
  const resolveAlias = params.bool('ResolveAlias');
  const imageOf = (imageId: string) => {
    if (!resolveAlias || !imageId.startsWith('resolve:ssm:')) return imageId;
    return ctx.state.ssmParameter(ctx.accountId, ctx.region, imageId.slice('resolve:ssm:'.length)) ?? imageId;
  };
  return {
    launchTemplateVersionSet: items(
      page.map(({ lt, v }) => ({
        launchTemplateId: lt.launchTemplateId,
        launchTemplateName: lt.launchTemplateName,
        versionNumber: v.versionNumber,
        versionDescription: v.description,
        createTime: lt.createTime,
        createdBy: `arn:aws:iam::${lt.accountId}:root`,
        defaultVersion: v.versionNumber === lt.defaultVersion,
        launchTemplateData: v.imageId !== undefined ? { imageId: imageOf(v.imageId) } : '',
      })),
    ),
    nextToken,
  };
};
