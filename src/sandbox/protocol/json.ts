/**
 * AWS JSON 1.1 as Organizations speaks it: `X-Amz-Target: AWSOrganizationsV20161128.<Action>`, a JSON body,
 * and errors as `{"__type": "<Code>", "Message": "..."}` with the status of the error.
 */
import type { ApiError } from '../errors.js';

export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.';
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

export function jsonErrorBody(err: ApiError): string {
  return JSON.stringify({ __type: err.code, Message: err.message, ...err.extra });
}

/** The action named by an X-Amz-Target header, or undefined when it is not an Organizations target. */
export function organizationsAction(target: string | undefined): string | undefined {
  if (!target || !target.startsWith(ORGANIZATIONS_TARGET_PREFIX)) return undefined;
  return target.slice(ORGANIZATIONS_TARGET_PREFIX.length);
}
