/**
 * An error the sandbox answers with, in the words AWS uses: the code, HTTP status and message are what
 * the SDKs classify on (throttling, retryable 5xx, access denied), so each one matches the real service.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    /** Extra members of the error body (e.g. Organizations' `Reason`). */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** EC2: parameter errors. */
export const invalidParameterValue = (message: string) => new ApiError('InvalidParameterValue', message);
export const invalidParameterCombination = (message: string) => new ApiError('InvalidParameterCombination', message);
export const missingParameter = (name: string) =>
  new ApiError('MissingParameter', `The request must contain the parameter ${name}`);

/** EC2's answer to DryRun=true when the call would have succeeded. */
export const dryRunOperation = () =>
  new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
