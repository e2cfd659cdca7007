/**
 * Where the CLI may send its token. The token is the ISV's key to every onboarding, and plain
 * `http://` hands it to anyone on the path (a café's Wi-Fi, a proxy, a mistyped host). So a token goes
 * over `https://`, or over `http://` only to this machine (127.0.0.0/8, ::1, localhost: `npm start`,
 * a Docker port published on loopback, an SSH tunnel), the same rule the service applies to the URLs
 * it calls (isHttpsOrLoopback in src/config.ts). Without a token there is nothing to leak, and any
 * http(s) URL is fine.
 *
 * The token itself comes from API_TOKEN only, never a flag, so it lands in neither the shell's history
 * nor `ps`.
 */
import { isHttpsOrLoopback } from '../config.js';

export const TOKEN_URL_RULE =
  'API_URL must be https:// when API_TOKEN is set, or http:// to a loopback host only (127.0.0.1, ::1, localhost)';

/** Why the token must not go to `apiUrl`, or undefined when it may (or when there is no token). */
export function tokenUrlProblem(apiUrl: string, token: string | undefined): string | undefined {
  if (!token) return undefined;
  const url = new URL(apiUrl);
  if ((url.protocol === 'https:' || url.protocol === 'http:') && isHttpsOrLoopback(url)) return undefined;
  return `refusing to send API_TOKEN to ${url.origin}: it would cross the network in clear text. ${TOKEN_URL_RULE}.`;
}
