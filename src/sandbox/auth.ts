/**
 * Who is calling: the SigV4 Authorization header names the access key, and its credential scope names the
 * region and service. Signatures are not verified (the sandbox holds no real secrets), but unknown, missing,
 * expired or token-less temporary keys are refused the way each AWS service refuses them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from './errors.js';

export interface SigV4Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/ec2/aws4_request, SignedHeaders=..., Signature=...`. */
export function parseAuthorization(header: string | undefined): SigV4Scope | undefined {
  if (!header) return undefined;
  const m = /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/.exec(header.trim());
  if (!m) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]! };
}

export interface Principal {
  accountId: string;
  /** arn:aws:iam::<acct>:user/<name> or arn:aws:sts::<acct>:assumed-role/<role>/<session> */
  arn: string;
  /** AIDA… for users, AROA…:<session> for assumed roles (GetCallerIdentity's UserId). */
  userId: string;
  kind: 'user' | 'assumed-role';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Epoch ms; temporary credentials only. */
  expiresAt?: number;
}

export type ServiceName = 'ec2' | 'sts' | 'organizations' | 'autoscaling' | 'backup';

/** How each service words "we don't know this key" / "no signature at all" / "this token expired". */
function unknownKeyError(service: ServiceName): ApiError {
  switch (service) {
    case 'ec2':
      return new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
    case 'sts':
    case 'autoscaling':
      return new ApiError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    case 'organizations':
      return new ApiError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400);
    case 'backup':
      // AWS Backup, Common Errors: "InvalidClientTokenId: The X.509 certificate or AWS access key ID provided does not exist in our records. HTTP Status Code: 403"
      return new ApiError('InvalidClientTokenId', 'The X.509 certificate or AWS access key ID provided does not exist in our records.', 403);
  }
}

function missingAuthError(service: ServiceName): ApiError {
  switch (service) {
    case 'ec2':
      return new ApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 401);
    case 'sts':
    case 'autoscaling':
      return new ApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'organizations':
      return new ApiError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
    case 'backup':
      // AWS Backup's Common Errors page (as read) names no code for an unsigned request: the Query services' one.
      return new ApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  }
}

function expiredError(service: ServiceName): ApiError {
  switch (service) {
    case 'ec2':
      return new ApiError('RequestExpired', 'Request has expired.', 400);
    case 'sts':
    case 'autoscaling':
      return new ApiError('ExpiredToken', 'The security token included in the request is expired', 400);
    case 'organizations':
      return new ApiError('ExpiredTokenException', 'The security token included in the request is expired', 400);
    case 'backup':
      // AWS Backup's Common Errors page (as read) has no expired-token entry; the common AWS one: "ExpiredTokenException:
      // The security token included in the request is expired. HTTP status code: 403" (AWS Management Console, Common Errors).
      return new ApiError('ExpiredTokenException', 'The security token included in the request is expired', 403);
  }
}

/** Stable-looking ids derived from a seed, so the same fixture gives the same user ids run after run. */
function idFrom(prefix: string, seed: string, length = 17): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const h = createHash('sha256').update(seed).digest();
  let s = prefix;
  for (let i = 0; s.length < prefix.length + length; i++) s += alphabet[h[i % h.length]! % 32];
  return s;
}

export class CredentialStore {
  private readonly byKey = new Map<string, Principal>();

  addUser(accountId: string, accessKeyId: string, secretAccessKey: string, userName = 'amigov'): Principal {
    const p: Principal = {
      accountId,
      arn: `arn:aws:iam::${accountId}:user/${userName}`,
      userId: idFrom('AIDA', `${accountId}/${userName}`),
      kind: 'user',
      accessKeyId,
      secretAccessKey,
    };
    this.byKey.set(accessKeyId, p);
    return p;
  }

  /** Temporary credentials for an assumed role: an ASIA key, a secret and a session token. */
  issueRoleSession(accountId: string, roleArn: string, roleName: string, sessionName: string, expiresAt: number): Principal {
    const accessKeyId = idFrom('ASIA', randomBytes(16).toString('hex'), 16);
    const p: Principal = {
      accountId,
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
      userId: `${idFrom('AROA', roleArn)}:${sessionName}`,
      kind: 'assumed-role',
      accessKeyId,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
      expiresAt,
    };
    this.byKey.set(accessKeyId, p);
    return p;
  }

  get(accessKeyId: string): Principal | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** The principal behind a request, or the service's own authentication error. */
  authenticate(scope: SigV4Scope | undefined, sessionToken: string | undefined, service: ServiceName, now: number): Principal {
    if (!scope) throw missingAuthError(service);
    const p = this.byKey.get(scope.accessKeyId);
    if (!p) throw unknownKeyError(service);
    if (p.kind === 'assumed-role') {
      if (!sessionToken || sessionToken !== p.sessionToken) throw unknownKeyError(service);
      if (p.expiresAt !== undefined && now >= p.expiresAt) throw expiredError(service);
    }
    return p;
  }
}
