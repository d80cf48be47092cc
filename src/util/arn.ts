/**
 * ARN matching as IAM's ArnLike does it: "Each of the six colon-delimited components of the ARN is checked
 * separately and each can include multi-character match wildcards (*) or single-character match wildcards (?)."
 */
const glob = (g: string, v: string) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(v);

export function arnLike(pattern: string, arn: string): boolean {
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return false;
  return [0, 1, 2, 3, 4].every((i) => glob(p[i]!, a[i]!)) && glob(p.slice(5).join(':'), a.slice(5).join(':'));
}

/**
 * aws:PrincipalArn of a caller ARN. IAM: "For IAM roles, the request context returns the ARN of the role, not the
 * ARN of the user that assumed the role." An assumed-role session arn:P:sts::A:assumed-role/R/S is role arn:P:iam::A:role/R
 * (the session ARN does not carry the role's path; pass it when known).
 */
export function principalArnOf(arn: string, rolePath = '/'): string {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role${rolePath}${m[3]}` : arn;
}
