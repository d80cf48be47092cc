/**
 * Launch templates and the image of their default and latest versions: these are what fail to launch
 * once Allowed AMIs is enforced. DescribeLaunchTemplates (MaxResults 1-200) lists them; one
 * DescribeLaunchTemplateVersions with Versions=[$Latest,$Default] and no template id describes the
 * latest and default versions of every template in the region (documented in the API reference).
 * Templates that call didn't cover (an endpoint that doesn't implement the account-wide form) are
 * described one by one with their id.
 */
import {
  paginateDescribeLaunchTemplates,
  paginateDescribeLaunchTemplateVersions,
  type DescribeLaunchTemplateVersionsCommandInput,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import type { ImageReference, LaunchTemplate } from '../../model/inventory.js';
import { classifyError } from '../../aws/errors.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';
import { LAUNCH_TEMPLATES } from './metas.js';

/** An ImageId in a launch template: an AMI id, an SSM parameter reference (resolve:ssm:...), or none. */
export function imageReferenceOf(imageId: string | undefined): ImageReference {
  if (!imageId) return { kind: 'none' };
  if (imageId.startsWith('resolve:ssm:')) return { kind: 'ssm', parameter: imageId.slice('resolve:ssm:'.length) };
  return { kind: 'ami', imageId };
}

interface TemplateHead {
  id: string;
  name: string;
  defaultVersion?: number;
  latestVersion?: number;
}

async function listVersions(ctx: RegionContext, input: DescribeLaunchTemplateVersionsCommandInput): Promise<LaunchTemplateVersion[]> {
  const out: LaunchTemplateVersion[] = [];
  const pages = paginateDescribeLaunchTemplateVersions({ client: ctx.client, pageSize: 200, stopOnSameToken: true }, input, sendOptions(ctx));
  for await (const page of pages) out.push(...(page.LaunchTemplateVersions ?? []));
  return out;
}

export async function collectLaunchTemplates(ctx: RegionContext): Promise<LaunchTemplate[]> {
  const heads: TemplateHead[] = [];
  const pages = paginateDescribeLaunchTemplates({ client: ctx.client, pageSize: 200, stopOnSameToken: true }, {}, sendOptions(ctx));
  for await (const page of pages) {
    for (const t of page.LaunchTemplates ?? []) {
      if (!t.LaunchTemplateId) continue;
      heads.push({
        id: t.LaunchTemplateId,
        name: t.LaunchTemplateName ?? '',
        ...(t.DefaultVersionNumber !== undefined ? { defaultVersion: t.DefaultVersionNumber } : {}),
        ...(t.LatestVersionNumber !== undefined ? { latestVersion: t.LatestVersionNumber } : {}),
      });
    }
  }
  if (heads.length === 0) return [];

  // versions[templateId][versionNumber]
  const versions = new Map<string, Map<number, LaunchTemplateVersion>>();
  const keep = (v: LaunchTemplateVersion) => {
    if (!v.LaunchTemplateId || v.VersionNumber === undefined) return;
    let m = versions.get(v.LaunchTemplateId);
    if (!m) versions.set(v.LaunchTemplateId, (m = new Map()));
    m.set(v.VersionNumber, v);
  };
  try {
    (await listVersions(ctx, { Versions: ['$Latest', '$Default'] })).forEach(keep);
  } catch (err) {
    // Some endpoints require a template id; the per-template calls below cover everything then.
    const kind = classifyError(err);
    if (kind === 'aborted' || kind === 'access-denied' || kind === 'throttling') throw err;
  }
  const has = (h: TemplateHead, n: number | undefined) => n !== undefined && versions.get(h.id)?.has(n);
  for (const h of heads) {
    if (has(h, h.defaultVersion) && has(h, h.latestVersion)) continue;
    (await listVersions(ctx, { LaunchTemplateId: h.id, Versions: ['$Latest', '$Default'] })).forEach(keep);
  }

  return heads.map((h) => {
    const byNumber = versions.get(h.id);
    const pick = (n: number | undefined) => {
      if (n === undefined) return undefined;
      const v = byNumber?.get(n);
      return v ? { versionNumber: n, image: imageReferenceOf(v.LaunchTemplateData?.ImageId) } : undefined;
    };
    // When the template's head lacks version numbers, fall back to the flags on the versions themselves.
    const defaultNumber = h.defaultVersion ?? [...(byNumber?.values() ?? [])].find((v) => v.DefaultVersion)?.VersionNumber;
    const latestNumber = h.latestVersion ?? Math.max(...[...(byNumber?.keys() ?? [])], -Infinity);
    const lt: LaunchTemplate = { accountId: ctx.accountId, region: ctx.region, launchTemplateId: h.id, launchTemplateName: h.name };
    const d = pick(defaultNumber);
    const l = pick(Number.isFinite(latestNumber) ? latestNumber : undefined);
    if (d) lt.defaultVersion = d;
    if (l) lt.latestVersion = l;
    return lt;
  });
}
