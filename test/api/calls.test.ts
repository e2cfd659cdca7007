/**
 * Observed attestation reaches the onboarding two ways: Twilio's call status callback, signed like the
 * Trust Hub one (POST /v1/webhooks/calls/:onboardingId), and the ISV's relay from its own handler
 * (POST /v1/onboardings/:id/calls, behind API_TOKEN). What Twilio never sends, or sends unsigned, is
 * refused before Temporal is asked; a callback without StirStatus is acknowledged and forwarded
 * nowhere; and a busy number's same level is signalled once an hour, by either way, not per call.
 *
 * The forwarding is checked against a dev server, on a run of the onboarding's ID that no worker
 * picks up: its history shows exactly the signals the API sent, and nothing else starts a workflow.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { observedAt } from '../../src/api/call-forwarding.js';
import { signatureBaseUrl } from '../../src/config.js';
import { callObserved } from '../../src/contract/messages.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { startStack, useStack } from '../support/stack.js';
import { parsePrometheus, total } from '../support/prometheus.js';
import { useSignalRuns } from '../support/signal-runs.js';

const AUTH_TOKEN = 'c'.repeat(32);
const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const CALL_SID = `CA${'2'.repeat(32)}`;
const FROM = '+14155550100';

/** A `ringing` callback as Twilio sends it for a signed outbound call. */
function ringing(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: ACCOUNT_SID,
    ApiVersion: '2010-04-01',
    CallSid: CALL_SID,
    CallStatus: 'ringing',
    CallbackSource: 'call-progress-events',
    Direction: 'outbound-api',
    From: FROM,
    To: '+14155550199',
    SequenceNumber: '0',
    StirStatus: 'A',
    Timestamp: 'Tue, 14 Jan 2025 18:20:36 +0000',
    ...extra,
  };
}

/** Posts `params` form-encoded, signed for the URL the API is configured with (or not signed). */
function callback(
  app: FastifyInstance,
  url: string,
  params: Record<string, string>,
  { signedWith = AUTH_TOKEN }: { signedWith?: string | null } = {},
) {
  const signature =
    signedWith === null
      ? {}
      : {
          'x-twilio-signature': twilio.getExpectedTwilioSignature(
            signedWith,
            `${signatureBaseUrl(app.deps.config)}${url}`,
            params,
          ),
        };
  return app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...signature,
    },
    payload: new URLSearchParams(params).toString(),
  });
}

describe('POST /v1/webhooks/calls refuses and drops before Temporal', () => {
  const offline = useStack({
    temporal: 'offline',
    sandbox: false,
    api: { env: { TWILIO_AUTH_TOKEN: AUTH_TOKEN } },
  });
  const url = `/v1/webhooks/calls/${onboardingIdFor('acme-dental')}`;

  test('a wrong or missing signature is a 403', async () => {
    for (const signedWith of ['d'.repeat(32), null]) {
      const response = await callback(offline.api, url, ringing(), { signedWith });
      assert.equal(response.statusCode, 403, response.body);
      assert.match(response.body, /Invalid X-Twilio-Signature/);
    }
    assert.equal(offline.temporalCalls(), 0);
  });

  test('a callback that names no onboarding in its path matches no route; an ill-formed one is a 400', async () => {
    const none = await callback(offline.api, '/v1/webhooks/calls', ringing());
    assert.equal(none.statusCode, 404, none.body);
    const bad = await callback(offline.api, '/v1/webhooks/calls/acme-dental', ringing());
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.body, /params\.onboardingId/);
    assert.equal(offline.temporalCalls(), 0);
  });

  test('what Twilio never sends is a 400: a malformed CallSid, an oversized body', async () => {
    const bad = await callback(offline.api, url, ringing({ CallSid: 'CA-not-a-sid' }));
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(bad.body, /CallSid/);
    const big = await callback(offline.api, url, ringing({ Padding: 'x'.repeat(9 * 1024) }));
    assert.equal(big.statusCode, 413, big.body);
    assert.equal(offline.temporalCalls(), 0);
  });

  test('a callback without StirStatus (completed, or an unsigned call) is acknowledged and forwarded nowhere', async () => {
    const { StirStatus: _, ...completed } = ringing({ CallStatus: 'completed', CallDuration: '31' });
    const response = await callback(offline.api, url, completed);
    assert.equal(response.statusCode, 204, response.body);
    assert.equal(response.body, '');
    // A level from something that is not a number (a SIP or client leg) says nothing of a number.
    const sip = await callback(offline.api, url, ringing({ From: 'sip:front-desk@example.com' }));
    assert.equal(sip.statusCode, 204, sip.body);
    assert.equal(offline.temporalCalls(), 0);
  });

  test('each outcome is counted', async () => {
    const scrape = await offline.api.inject({ method: 'GET', url: '/metrics' });
    const series = parsePrometheus(scrape.body);
    const count = (outcome: string) => total(series, 'call_status_callbacks_total', { outcome });
    assert.equal(count('refused_signature'), 2);
    assert.equal(count('invalid_request'), 2);
    assert.equal(count('no_attestation'), 2);
    assert.equal(count('forwarded'), 0);
  });

  test('without TWILIO_AUTH_TOKEN nothing can be verified: 503', async () => {
    const unconfigured = await startStack({ temporal: 'offline', sandbox: false });
    try {
      const response = await callback(unconfigured.api, url, ringing());
      assert.equal(response.statusCode, 503, response.body);
      assert.match(response.body, /TWILIO_AUTH_TOKEN/);
    } finally {
      await unconfigured.close();
    }
  });
});

describe('POST /v1/onboardings/:id/calls is the ISV scope', () => {
  const ISV_TOKEN = 'calls-test-isv-token-0123456789';
  const METRICS_TOKEN = 'calls-test-metrics-token-012345';
  const offline = useStack({
    temporal: 'offline',
    sandbox: false,
    api: { env: { API_TOKEN: ISV_TOKEN, METRICS_TOKEN } },
  });

  const relay = (token: string | undefined, body: unknown) =>
    offline.api.inject({
      method: 'POST',
      url: `/v1/onboardings/${onboardingIdFor('acme-dental')}/calls`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      payload: body as object,
    });

  test("no token, or Prometheus's, is a 401 naming API_TOKEN; the ISV's gets to the route's own checks", async () => {
    const body = { callSid: CALL_SID, from: FROM, stirStatus: 'A' };
    for (const token of [undefined, METRICS_TOKEN]) {
      const response = await relay(token, body);
      assert.equal(response.statusCode, 401, response.body);
      assert.match(response.body, /Bearer <API_TOKEN>/);
    }
    const invalid = await relay(ISV_TOKEN, { ...body, stirStatus: 'D', from: '4155550100' });
    assert.equal(invalid.statusCode, 400, invalid.body);
    const fields = invalid
      .json<{ error: { fields: { field: string }[] } }>()
      .error.fields.map((f) => f.field);
    assert.deepEqual(fields.sort(), ['from', 'stirStatus']);
    assert.equal(offline.temporalCalls(), 0);
  });
});

describe(
  'observed calls are signalled to the onboarding, once per level and number an hour',
  { timeout: 120_000 },
  () => {
    const runs = useSignalRuns({ TWILIO_AUTH_TOKEN: AUTH_TOKEN }, 'calls-test-no-worker');
    const id = onboardingIdFor('calls-observed');
    const url = `/v1/webhooks/calls/${id}`;
    before(() => runs.start(id));

    /** The callObserved signals in the run's history, decoded. */
    const signals = () => runs.signals(id, callObserved.name);

    const relay = (body: Record<string, string>, onboardingId = id) =>
      runs.app.inject({ method: 'POST', url: `/v1/onboardings/${onboardingId}/calls`, payload: body });

    test("Twilio's callback: the level, the call and Twilio's timestamp; the same level again is not sent", async () => {
      const first = await callback(runs.app, url, ringing());
      assert.equal(first.statusCode, 204, first.body);
      assert.deepEqual(await signals(), [
        { callSid: CALL_SID, from: FROM, level: 'A', at: '2025-01-14T18:20:36.000Z' },
      ]);
      // The same call answered, and the next call from the number: the level the run already heard.
      const answered = await callback(
        runs.app,
        url,
        ringing({ CallStatus: 'in-progress', SequenceNumber: '1' }),
      );
      assert.equal(answered.statusCode, 204);
      const next = await callback(runs.app, url, ringing({ CallSid: `CA${'3'.repeat(32)}` }));
      assert.equal(next.statusCode, 204);
      assert.equal((await signals()).length, 1);
    });

    test('a new level is sent at once', async () => {
      const downgraded = await callback(runs.app, url, ringing({ StirStatus: 'B' }));
      assert.equal(downgraded.statusCode, 204);
      assert.deepEqual((await signals()).at(-1), {
        callSid: CALL_SID,
        from: FROM,
        level: 'B',
        at: '2025-01-14T18:20:36.000Z',
      });
    });

    test("the ISV's relay shares the memory: 202, forwarded only when the level is news", async () => {
      const callSid = `CA${'4'.repeat(32)}`;
      const same = await relay({ callSid, from: FROM, stirStatus: 'B' });
      assert.equal(same.statusCode, 202, same.body);
      assert.equal(same.json<{ forwarded: boolean }>().forwarded, false);
      const news = await relay({ callSid, from: FROM, stirStatus: 'C', timestamp: '2025-01-14T19:00:00Z' });
      assert.equal(news.statusCode, 202, news.body);
      assert.deepEqual(news.json(), { id, forwarded: true, links: { self: `/v1/onboardings/${id}` } });
      assert.deepEqual((await signals()).at(-1), {
        callSid,
        from: FROM,
        level: 'C',
        at: '2025-01-14T19:00:00.000Z',
      });
      assert.equal((await signals()).length, 3);
    });

    test('an onboarding that does not run: the webhook acknowledges (204), the relay says 404; nothing starts', async () => {
      const nobody = onboardingIdFor('calls-nobody');
      const webhook = await callback(runs.app, `/v1/webhooks/calls/${nobody}`, ringing());
      assert.equal(webhook.statusCode, 204, webhook.body);
      const relayed = await relay({ callSid: CALL_SID, from: FROM, stirStatus: 'A' }, nobody);
      assert.equal(relayed.statusCode, 404, relayed.body);
      await assert.rejects(runs.env.client.workflow.getHandle(nobody).describe());
    });
  },
);

test('observedAt reads RFC 2822 and ISO 8601, and falls back to now', () => {
  const now = new Date('2026-11-30T07:05:41.212Z');
  assert.equal(observedAt('Tue, 14 Jan 2025 18:20:36 +0000', now), '2025-01-14T18:20:36.000Z');
  assert.equal(observedAt('Tue, 14 Jan 2025 10:20:36 -0800', now), '2025-01-14T18:20:36.000Z');
  assert.equal(observedAt('2025-01-14T18:20:36Z', now), '2025-01-14T18:20:36.000Z');
  assert.equal(observedAt(undefined, now), now.toISOString());
  assert.equal(observedAt('not a date', now), now.toISOString());
});
