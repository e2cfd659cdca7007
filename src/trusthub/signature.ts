/**
 * Twilio's webhook signature (X-Twilio-Signature), as the adapter knows Twilio: the check is the real
 * `twilio` SDK's, and what Twilio signs (the URL followed by each POST parameter, sorted by name, as
 * name+value with no separator) is said here once. The API's webhook (src/api/routes/webhooks.ts)
 * checks each callback with it, and remembers the ones it handled by what Twilio signed.
 */
import { createHash } from 'node:crypto';
import twilio from 'twilio';

/**
 * Whether Twilio signed these form parameters, sent to this URL, with this signature under the
 * account's auth token. The SDK also tries the URL with its query re-encoded, which drops empty
 * parameters: the webhook refuses any query string before it asks (see its header).
 */
export function signedByTwilio(
  authToken: string,
  signature: string,
  url: string,
  params: Record<string, string>,
): boolean {
  return twilio.validateRequest(authToken, signature, url, params);
}

/** What Twilio signed, hashed: the URL, each parameter as name+value in name order, and the signature. */
export function signedContentDigest(url: string, params: Record<string, string>, signature: string): string {
  const signed = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  // The signature is base64: a newline cannot be part of it, so the two cannot run together.
  return createHash('sha256').update(`${signature}\n${signed}`).digest('hex');
}
