/**
 * Twilio's status-callback signature covers the URL Twilio called, and the API checks it against the
 * URL it is configured with (signatureBaseUrl in src/config.ts: PUBLIC_BASE_URL, or on loopback the
 * address it listens on) — never one the request names (finding 7). When the proxy headers were
 * trusted, a caller picked the URL with X-Forwarded-Host, and a callback signed for a URL of its own
 * choosing passed, so a signature lifted from any other Twilio-signed request would do.
 *
 * The API listens on loopback without PUBLIC_BASE_URL, over a real socket, against a dev server so
 * that an accepted callback is really forwarded (here to an onboarding that does not exist).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { before, describe, test } from 'node:test';
import twilio from 'twilio';
import { signatureBaseUrl } from '../../src/config.js';
import { startStack, useStack } from '../support/stack.js';

const AUTH_TOKEN = 'a'.repeat(32);
const PATH = '/v1/webhooks/trusthub/onboarding-webhook-url-nobody';
const PARAMS = {
  AccountSid: `AC${'1'.repeat(32)}`,
  BundleSid: `BU${'2'.repeat(32)}`,
  Status: 'twilio-approved',
};

describe("the webhook checks Twilio's signature against the configured URL", { timeout: 120_000 }, () => {
  const stack = useStack({
    temporal: 'dev',
    sandbox: false,
    api: {
      listen: true,
      publicBaseUrl: false,
      env: {
        HOST: '127.0.0.1',
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        // Guarded, as a deployment is: an API open without tokens refuses a foreign Host before the
        // webhook sees it (app.ts), and this test is about what the signature check does with one.
        API_TOKEN: 'webhook-url-test-api-token-0123',
      },
    },
  });
  let port: number;

  before(() => {
    port = Number(new URL(stack.apiUrl).port);
    assert.equal(signatureBaseUrl(stack.apiConfig), `http://127.0.0.1:${port}`);
  });

  /** A callback signed for `signedFor`, sent to `path` with `headers` (node:http sends them as given). */
  function callback(signedFor: string, headers: Record<string, string> = {}, path = PATH) {
    const body = new URLSearchParams(PARAMS).toString();
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, signedFor, PARAMS),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  test('a callback signed for the URL a forged X-Forwarded-Host names is refused', async () => {
    const forgeries: Record<string, string>[] = [
      { 'x-forwarded-host': 'evil.example.com', 'x-forwarded-proto': 'https' },
      { 'x-forwarded-host': 'evil.example.com' },
      { host: 'evil.example.com' },
    ];
    for (const headers of forgeries) {
      const scheme = headers['x-forwarded-proto'] ?? 'http';
      const forged = await callback(`${scheme}://evil.example.com${PATH}`, headers);
      assert.equal(forged.status, 403, `${JSON.stringify(headers)}: ${forged.body}`);
      assert.match(forged.body, /Invalid X-Twilio-Signature/);
    }
  });

  test('a callback signed for the configured URL is accepted, whatever the proxy headers say', async () => {
    const signed = `http://127.0.0.1:${port}${PATH}`;
    const plain = await callback(signed);
    assert.equal(plain.status, 200, plain.body);
    const behindHeaders = await callback(signed, { 'x-forwarded-host': 'evil.example.com' });
    assert.equal(behindHeaders.status, 200, behindHeaders.body);
  });

  test('a query string, even a bare "?" or "&&&&", is refused before the signature is checked', async () => {
    // Each signed for exactly the URL it is sent to: only the query makes it refused.
    for (const query of ['?', '?&&&&', `?onboardingId=onboarding-webhook-url-other`]) {
      const path = `${PATH}${query}`;
      const response = await callback(`http://127.0.0.1:${port}${path}`, {}, path);
      assert.equal(response.status, 400, `${query}: ${response.body}`);
      assert.match(response.body, /querystring must be absent/);
    }
  });
});

describe('the webhook refuses what Twilio never sends', () => {
  test('an unsigned 1 MB form is refused before it is parsed, let alone signature-checked', async () => {
    // The route never reaches Temporal.
    const offline = await startStack({
      temporal: 'offline',
      sandbox: false,
      api: { env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN } },
    });
    const app = offline.api;
    try {
      const keys = Array.from({ length: 110_000 }, (_, i) => `k${i}=v`).join('&');
      const reply = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/trusthub/onboarding-webhook-url-nobody',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: keys.padEnd(1024 * 1024, 'x'),
      });
      assert.equal(reply.statusCode, 413, reply.body);
      assert.ok(reply.body.length < 512, 'a short answer');
    } finally {
      await offline.close();
    }
  });
});
