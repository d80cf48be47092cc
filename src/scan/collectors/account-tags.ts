/**
 * Account tags from AWS Organizations, read with the caller's credentials when the config names owner tag
 * keys (owners.tag_keys): one ListTagsForResource per selected account, NextToken pagination.
 *
 * AWS (ListTagsForResource): "Lists tags that are attached to the specified resource. You can attach tags to the
 * following resources in AWS Organizations: AWS account, ..." and "This operation can be called only from the
 * organization's management account or by a member account that is a delegated administrator for an AWS
 * service." ResourceId: "AWS account – specify the account ID number."
 *
 * Optional: a failure (the caller lacks organizations:ListTagsForResource, throttling after retries) leaves
 * that account's owner unknown and says why (AccountRecord.tagsError); it never costs the scan.
 */
import { paginateListTagsForResource, type OrganizationsClient } from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { errorCode, errorMessage } from '../../aws/errors.js';
import { tagsToRecord } from './map.js';
import type { CollectorMeta } from './types.js';
import { ACCOUNT_TAGS } from './metas.js';

export type AccountTagsResult = { tags: Record<string, string> } | { error: { code: string; message: string } };

/** Organizations allows a few requests per second per account: the same small fan-out as the OU tree walk. */
const CONCURRENCY = 4;

export async function readAccountTags(
  client: OrganizationsClient,
  accountIds: readonly string[],
  opts: { abortSignal?: AbortSignal; concurrency?: number } = {},
): Promise<Map<string, AccountTagsResult>> {
  const limit = pLimit(Math.max(1, Math.min(CONCURRENCY, opts.concurrency ?? CONCURRENCY)));
  const send = opts.abortSignal ? { abortSignal: opts.abortSignal } : {};
  const out = new Map<string, AccountTagsResult>();
  await Promise.all(
    accountIds.map((id) =>
      limit(async () => {
        try {
          const pairs: { Key?: string; Value?: string }[] = [];
          for await (const page of paginateListTagsForResource({ client, stopOnSameToken: true }, { ResourceId: id }, send)) pairs.push(...(page.Tags ?? []));
          out.set(id, { tags: tagsToRecord(pairs) });
        } catch (err) {
          out.set(id, { error: { code: errorCode(err), message: errorMessage(err) } });
        }
      }),
    ),
  );
  return out;
}
