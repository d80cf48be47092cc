/**
 * Launch templates and the image of their default and latest versions: these are what fail to launch
 * once Allowed AMIs is enforced. DescribeLaunchTemplates (MaxResults 1-200) lists them; one
 * DescribeLaunchTemplateVersions with Versions=[$Latest,$Default] and no template id describes the
 * latest and default versions of every template in the region (documented in the API reference).
 * Templates that call didn't cover (an endpoint that doesn't implement the account-wide form) are
 * described one by one with their id.
 *
 * Both calls pass IncludeManagedResources (DescribeLaunchTemplates / DescribeLaunchTemplateVersions API
 * reference: "If this parameter is set to true, the output includes resources that are managed by Amazon Web
 * Services services, even if managed resource visibility is set to hidden."), so a template a service manages
 * is judged, never silently missing.
 *
 * A version whose ImageId is a `resolve:ssm:` parameter is described once more with ResolveAlias (API reference:
 * "If true, and if a Systems Manager parameter is specified for ImageId, the AMI ID is displayed in the response
 * for imageId. If false, and if a Systems Manager parameter is specified for ImageId, the parameter is displayed
 * in the response for imageId. Default: false"), so the rules judge the AMI the parameter resolves to while the
 * inventory keeps the parameter's name. The API reference does not say what ResolveAlias returns when the
 * parameter does not exist or cannot be read: an error, or an ImageId that is not an AMI id, both leave the
 * version unresolved (resolutionError), which the rules report as cannot-verify.
 */
import {
  paginateDescribeLaunchTemplates,
  paginateDescribeLaunchTemplateVersions,
  type DescribeLaunchTemplateVersionsCommandInput,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import type { ImageReference, LaunchTemplate } from '../../model/inventory.js';
import { classifyError, errorCode, errorMessage } from '../../aws/errors.js';
import { sendOptions, type CollectorMeta, type RegionContext } from './types.js';
import { LAUNCH_TEMPLATES } from './metas.js';

/** An ImageId in a launch template: an AMI id, an SSM parameter reference (resolve:ssm:...), or none. */
export function imageReferenceOf(imageId: string | undefined): ImageReference {
  if (!imageId) return { kind: 'none' };
  if (imageId.startsWith('resolve:ssm:')) return { kind: 'ssm', parameter: imageId.slice('resolve:ssm:'.length) };
  return { kind: 'ami', imageId };
}

const AMI_ID_RE = /^ami-[0-9a-f]{8,17}$/;

/** A template version whose image may be an SSM parameter to resolve. */
export interface VersionImage {
  launchTemplateId: string;
  versionNumber: number;
  image: ImageReference;
}

/**
 * Resolves the `resolve:ssm:` images of `versions` in place (resolvedImageId or resolutionError on each), with
 * one DescribeLaunchTemplateVersions (ResolveAlias) per template that has one. Only an interruption throws.
 */
export async function resolveSsmImages(ctx: RegionContext, versions: VersionImage[]): Promise<void> {
  type SsmRef = Extract<ImageReference, { kind: 'ssm' }>;
  // template id -> version number -> the references to that version's image (default and latest may both hold one)
  const byTemplate = new Map<string, Map<number, SsmRef[]>>();
  for (const v of versions) {
    if (v.image.kind !== 'ssm') continue;
    let m = byTemplate.get(v.launchTemplateId);
    if (!m) byTemplate.set(v.launchTemplateId, (m = new Map()));
    m.set(v.versionNumber, [...(m.get(v.versionNumber) ?? []), v.image]);
  }
  for (const [launchTemplateId, refs] of byTemplate) {
    try {
      const numbers = [...refs.keys()].sort((a, b) => a - b).map(String);
      const answer = await listVersions(ctx, { LaunchTemplateId: launchTemplateId, Versions: numbers, ResolveAlias: true, IncludeManagedResources: true });
      for (const v of answer) {
        const id = v.LaunchTemplateData?.ImageId;
        for (const ref of (v.VersionNumber !== undefined ? refs.get(v.VersionNumber) : undefined) ?? []) {
          if (id && AMI_ID_RE.test(id)) ref.resolvedImageId = id;
          else ref.resolutionError = `DescribeLaunchTemplateVersions with ResolveAlias answered ${JSON.stringify(id ?? null).slice(0, 120)}, not an AMI id`;
        }
      }
      for (const ref of [...refs.values()].flat()) if (!ref.resolvedImageId && !ref.resolutionError) ref.resolutionError = 'DescribeLaunchTemplateVersions with ResolveAlias did not return this version';
    } catch (err) {
      if (classifyError(err) === 'aborted') throw err;
      const why = `DescribeLaunchTemplateVersions with ResolveAlias failed (${errorCode(err)}: ${errorMessage(err)})`;
      for (const ref of [...refs.values()].flat()) ref.resolutionError = why;
    }
  }
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
  const pages = paginateDescribeLaunchTemplates({ client: ctx.client, pageSize: 200, stopOnSameToken: true }, { IncludeManagedResources: true }, sendOptions(ctx));
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
    (await listVersions(ctx, { Versions: ['$Latest', '$Default'], IncludeManagedResources: true })).forEach(keep);
  } catch (err) {
    // Some endpoints require a template id; the per-template calls below cover everything then.
    const kind = classifyError(err);
    if (kind === 'aborted' || kind === 'access-denied' || kind === 'throttling') throw err;
  }
  const has = (h: TemplateHead, n: number | undefined) => n !== undefined && versions.get(h.id)?.has(n);
  for (const h of heads) {
    if (has(h, h.defaultVersion) && has(h, h.latestVersion)) continue;
    (await listVersions(ctx, { LaunchTemplateId: h.id, Versions: ['$Latest', '$Default'], IncludeManagedResources: true })).forEach(keep);
  }

  const templates = heads.map((h) => {
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
  await resolveSsmImages(
    ctx,
    templates.flatMap((lt) => [lt.defaultVersion, lt.latestVersion].flatMap((v) => (v ? [{ launchTemplateId: lt.launchTemplateId, versionNumber: v.versionNumber, image: v.image }] : []))),
  );
  return templates;
}
