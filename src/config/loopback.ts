/**
 * The rule for every URL the service calls, signs or hands out: https, unless its host is this machine
 * (the sandbox, a proxy on the same VM). Both processes' configurations apply it (./api.ts,
 * ./worker.ts), and the CLI checks its API URL by it.
 */
import { BlockList, isIP } from 'node:net';

// Addresses that only this machine reaches: 127.0.0.0/8 and ::1, by address, however they are written.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether `host` (a HOST value, or a URL's hostname, IPv6 in brackets or not) is this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare.toLowerCase() === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether a secret or a signed body may travel to `url`: https, or any scheme to this machine only. */
export function isHttpsOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || isLoopbackHost(url.hostname);
}

/**
 * The rule for every URL the service calls or signs and hands out: https, unless its host is this
 * machine (the sandbox, a proxy on the same VM). Over http anyone on the way reads and rewrites what
 * goes there; `why` says what that is. Returns the problem, or undefined.
 */
export function httpsUnlessLoopback(
  variable: string,
  value: string | undefined,
  why: string,
): string | undefined {
  if (!value) return undefined;
  const url = new URL(value);
  if (isHttpsOrLoopback(url)) return undefined;
  return `${variable} must be https:// unless its host is loopback (127.0.0.0/8, localhost, [::1]): ${why} (${url.host} is not loopback).`;
}

/** Why PUBLIC_BASE_URL must be https, in both processes' messages. */
export const PUBLIC_BASE_URL_HTTPS =
  "Twilio's callbacks to it carry the onboarding and its signature, and a status callback rewritten on the way is one the API would act on";
