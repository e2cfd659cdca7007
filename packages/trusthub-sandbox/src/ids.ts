/**
 * SIDs and dates in Twilio's wire formats.
 *
 * A SID is two uppercase letters naming the resource type and 32 lowercase hex digits. Trust Hub (v1)
 * dates are ISO 8601 without milliseconds; the 2010 API uses RFC 2822 with a numeric zone.
 */
import { randomBytes } from 'node:crypto';

export const SidPrefix = {
  account: 'AC',
  apiKey: 'SK',
  bundle: 'BU',
  endUser: 'IT',
  supportingDocument: 'RD',
  entityAssignment: 'BV',
  channelEndpointAssignment: 'RA',
  evaluation: 'EL',
  address: 'AD',
  phoneNumber: 'PN',
  call: 'CA',
  policy: 'RN',
  type: 'OY',
} as const;

export type SidPrefix = (typeof SidPrefix)[keyof typeof SidPrefix];

export function newSid(prefix: SidPrefix): string {
  return prefix + randomBytes(16).toString('hex');
}

export function newSecret(): string {
  return randomBytes(16).toString('hex');
}

export const SID_PATTERN = /^[A-Z]{2}[0-9a-f]{32}$/i;

export function sidPrefixOf(sid: string): string {
  return sid.slice(0, 2).toUpperCase();
}

/** "2019-07-30T22:29:24Z" — Trust Hub's format (no milliseconds). */
export function isoDate(date: Date | string): string {
  return new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Tue, 18 Aug 2015 17:07:30 +0000" — the 2010 API's format (always GMT). */
export function rfc2822Date(date: Date | string): string {
  const d = new Date(date);
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}
