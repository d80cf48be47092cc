/**
 * The scheduled expiry check (`amigov config check`): every exception with its status as of a date.
 * Expired exceptions fail the check; those expiring within the warning window only warn.
 */
import type { PublisherConfig } from '../config/schema.js';
import { resolveAllowlist } from '../config/allowlist.js';

export type ExceptionState = 'active' | 'expiring' | 'expired';

export interface ExpiryEntry {
  accountId: string;
  reason: string;
  ticket: string;
  approvedBy: string;
  expiryDate: string;
  /** Days until expiry; 0 = last valid day is today; negative = expired that many days ago. */
  daysLeft: number;
  status: ExceptionState;
}

export interface ExpiryReport {
  schemaVersion: 1;
  kind: 'amigov.config-check';
  asOf: string;
  configPath: string;
  warnDays: number;
  /** ok: nothing to do; warning: something expires within warnDays; expired: at least one has expired. */
  status: 'ok' | 'warning' | 'expired';
  exceptions: ExpiryEntry[];
  approvedProviders: string[];
}

export function checkExpiry(cfg: PublisherConfig, opts: { asOf: string; warnDays?: number; configPath: string }): ExpiryReport {
  const allowlist = resolveAllowlist(cfg, opts.asOf, opts.warnDays);
  const warnDays = allowlist.warningDays;
  const entries: ExpiryEntry[] = [...allowlist.activeExceptions, ...allowlist.expiredExceptions]
    .map((e) => ({
      accountId: e.accountId,
      reason: e.reason,
      ticket: e.ticket,
      approvedBy: e.approvedBy,
      expiryDate: e.expiryDate,
      daysLeft: e.daysLeft,
      status: (e.daysLeft < 0 ? 'expired' : e.daysLeft <= warnDays ? 'expiring' : 'active') as ExceptionState,
    }))
    .sort((a, b) => a.daysLeft - b.daysLeft || a.accountId.localeCompare(b.accountId));
  const status = entries.some((e) => e.status === 'expired') ? 'expired' : entries.some((e) => e.status === 'expiring') ? 'warning' : 'ok';
  return {
    schemaVersion: 1,
    kind: 'amigov.config-check',
    asOf: opts.asOf,
    configPath: opts.configPath,
    warnDays,
    status,
    exceptions: entries,
    approvedProviders: allowlist.approvedProviders,
  };
}
