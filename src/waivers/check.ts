/**
 * The waivers' part of the scheduled expiry check (`amigov config check`), like publisher exceptions:
 * waivers expiring within the warning window warn, expired ones fail.
 */
import { daysBetween } from '../util/dates.js';
import type { LoadedWaivers } from './load.js';

export interface WaiverExpiryEntry {
  id: string;
  reason: string;
  ticket: string;
  approvedBy: string;
  expiryDate: string;
  /** 0 = last valid day is today; negative = expired that many days ago. */
  daysLeft: number;
  status: 'active' | 'expiring' | 'expired';
}

export interface WaiverExpiryReport {
  file: string;
  status: 'ok' | 'warning' | 'expired';
  waivers: WaiverExpiryEntry[];
}

export function checkWaiverExpiry(loaded: LoadedWaivers, opts: { asOf: string; warnDays: number }): WaiverExpiryReport {
  const waivers = loaded.waivers
    .map((w): WaiverExpiryEntry => {
      const daysLeft = daysBetween(opts.asOf, w.expiry_date);
      return { id: w.id, reason: w.reason, ticket: w.ticket, approvedBy: w.approved_by, expiryDate: w.expiry_date, daysLeft, status: daysLeft < 0 ? 'expired' : daysLeft <= opts.warnDays ? 'expiring' : 'active' };
    })
    .sort((a, b) => a.daysLeft - b.daysLeft || a.id.localeCompare(b.id));
  const status = waivers.some((w) => w.status === 'expired') ? 'expired' : waivers.some((w) => w.status === 'expiring') ? 'warning' : 'ok';
  return { file: loaded.file, status, waivers };
}
