/**
 * Would an SCP deny a planned change? A small evaluator for the statements amigov generates (src/policy/scp.ts):
 * Deny statements whose Action names the change's API action, with StringNotEquals aws:PrincipalAccount and
 * ArnNotLike aws:PrincipalArn conditions. IAM: all conditions of a statement must match for it to apply (the
 * condition operators of a block are ANDed), and an explicit deny in an SCP cannot be overridden by an allow.
 * A condition this evaluator does not know is assumed to match (so it warns rather than stays silent).
 */
import type { Scp } from '../policy/syntax.js';
import { arnLike, principalArnOf } from '../util/arn.js';
import type { ChangeAction } from './plan.js';

const actionOf = (a: ChangeAction) =>
  a.op === 'enable-image-block-public-access' ? 'ec2:EnableImageBlockPublicAccess' : a.op === 'disable-image-block-public-access' ? 'ec2:DisableImageBlockPublicAccess' : 'ec2:ModifyImageAttribute';

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/** The Sid of the statement that would deny the change to `principal` in `accountId`, or undefined. */
export function scpDenial(scp: Scp, change: ChangeAction, accountId: string, principal: string): string | undefined {
  const action = actionOf(change);
  const arn = principalArnOf(principal);
  for (const st of scp.Statement) {
    if (st.Effect !== 'Deny') continue;
    const actions = asList(st.Action);
    if (!actions.some((a) => a === action || a === '*' || (a.endsWith(':*') && action.startsWith(a.slice(0, -1))))) continue;
    const cond = (st.Condition ?? {}) as Record<string, Record<string, unknown>>;
    const holds = Object.entries(cond).every(([op, keys]) =>
      Object.entries(keys).every(([k, v]) => {
        const values = asList(v);
        if (op === 'StringNotEquals' && k === 'aws:PrincipalAccount') return !values.includes(accountId);
        if (op === 'ArnNotLike' && k === 'aws:PrincipalArn') return !values.some((p) => arnLike(p, arn));
        return true;
      }),
    );
    if (holds) return st.Sid ?? '(no Sid)';
  }
  return undefined;
}
