/**
 * A Twilio callback reaches the onboarding Twilio signed it for, once, and at a bounded rate (issue
 * 26, findings 5 and 6), and only the two webhooks parse a form body.
 *
 * - Twilio's signed string has no separators, so when the onboarding was a query parameter a callback
 *   signed for `onboarding-acme-42` was taken for `onboarding-acme` with a form field `-=42`, and the
 *   signed URL padded with `&` was taken too. Now the onboarding is in the path, a query string is
 *   refused and so is any field Twilio does not send.
 * - Replays were recognised by the unsigned I-Twilio-Idempotency-Token header: dropped or changed, a
 *   replay looked new (3 replays, 3 signals), and two captured call callbacks sent alternately were
 *   10 signals from 10 requests. Now what Twilio signed is remembered.
 * - Nothing bounded the signals into one history: now a token bucket per onboarding does.
 *
 * Against a dev server, with runs of the onboardings' IDs that only collect signals
 * (test/support/signal-runs.ts): their histories show exactly the signals the API sent.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { TRUSTHUB_SIGNAL_LIMIT, CALL_SIGNAL_LIMIT } from '../../src/api/signal-rate-limit.js';
import { signatureBaseUrl } from '../../src/config.js';
import { bundleStatusChanged, callObserved } from '../../src/contract/messages.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { useStack } from '../support/stack.js';
import { parsePrometheus, total } from '../support/prometheus.js';
import { useSignalRuns } from '../support/signal-runs.js';
import { UNSUPPORTED_MEDIA_TYPE } from '../../src/api/plugins/errors.js';

const AUTH_TOKEN = 'b'.repeat(32);
const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
const BUNDLE_SID = `BU${'2'.repeat(32)}`;

const bundleCallback = (status = 'twilio-approved', bundleSid = BUNDLE_SID) => ({
  AccountSid: ACCOUNT_SID,
  BundleSid: bundleSid,
  Status: status,
});

/** A `ringing` callback as Twilio sends it for a signed outbound call. */
const callCallback = (callSid: string, stirStatus: string, from = '+14155550100') => ({
  AccountSid: ACCOUNT_SID,
  ApiVersion: '2010-04-01',
  CallSid: callSid,
  CallStatus: 'ringing',
  CallbackSource: 'call-progress-events',
  Direction: 'outbound-api',
  From: from,
  To: '+14155550199',
  SequenceNumber: '0',
  StirStatus: stirStatus,
  Timestamp: 'Tue, 14 Jan 2025 18:20:36 +0000',
});

/** What Twilio would send: `params` signed for the path `signedPath` under the configured URL. */
function captured(app: FastifyInstance, signedPath: string, params: Record<string, string>) {
  return {
    params,
    signature: twilio.getExpectedTwilioSignature(
      AUTH_TOKEN,
      `${signatureBaseUrl(app.deps.config)}${signedPath}`,
      params,
    ),
  };
}

/** Sends a captured callback to `path` (the one it was signed for, or another), with `body` as sent. */
function send(
  app: FastifyInstance,
  path: string,
  { signature }: { signature: string },
  body: string,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      ...headers,
    },
    payload: body,
  });
}

describe(
  'Twilio callbacks reach the onboarding they were signed for, once, at a bounded rate',
  { timeout: 180_000 },
  () => {
    const runs = useSignalRuns({ TWILIO_AUTH_TOKEN: AUTH_TOKEN }, 'webhook-binding-test-no-worker');
    let app: FastifyInstance;
    before(() => {
      app = runs.app;
    });

    /** A run of the onboarding's ID that only collects signals. */
    async function run(customerId: string): Promise<string> {
      const id = onboardingIdFor(customerId);
      await runs.start(id);
      return id;
    }

    /** How many signals of `name` the run has received. */
    const signals = async (id: string, name: string) => (await runs.signals(id, name)).length;

    async function scrape(name: string, outcome: string): Promise<number> {
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      return total(parsePrometheus(metrics.body), name, { outcome });
    }

    test('a callback signed for onboarding-acme-42 cannot be aimed at onboarding-acme: not with a field, not with a query', async () => {
      const acme = await run('acme');
      const acme42 = await run('acme-42');
      const form = new URLSearchParams(bundleCallback()).toString();
      const signed = captured(app, `/v1/webhooks/trusthub/${acme42}`, bundleCallback());

      // `…/onboarding-acme` + `-` + `42` is the string Twilio signed for `…/onboarding-acme-42`.
      const spliced = await send(app, `/v1/webhooks/trusthub/${acme}`, signed, `-=42&${form}`);
      assert.equal(spliced.statusCode, 400, spliced.body);
      assert.deepEqual(spliced.json<{ error: { fields: unknown[] } }>().error.fields, [
        { field: '-', rule: 'is not a field this accepts' },
      ]);
      // The signed URL padded with 1,000 `&` (Twilio's validator re-encodes a query, which drops empty
      // parameters, so the genuine signature holds), the same padding signed as sent, and the old form.
      const padded = `/v1/webhooks/trusthub/${acme42}?${'&'.repeat(1_000)}`;
      const asQuery = captured(app, `/v1/webhooks/trusthub?onboardingId=${acme}`, bundleCallback());
      for (const [path, capture] of [
        [padded, signed],
        [padded, captured(app, padded, bundleCallback())],
        [`/v1/webhooks/trusthub?onboardingId=${acme}`, asQuery],
        [`/v1/webhooks/trusthub/${acme}?onboardingId=${acme}`, asQuery],
      ] as const) {
        const response = await send(app, path, capture, form);
        assert.ok([400, 404].includes(response.statusCode), `${path.slice(0, 80)}: ${response.statusCode}`);
        if (response.statusCode === 400) assert.match(response.body, /querystring must be absent/);
      }
      // The same for a call's callback, whose fields are many but known.
      const callForm = new URLSearchParams(callCallback(`CA${'3'.repeat(32)}`, 'A')).toString();
      const callSigned = captured(
        app,
        `/v1/webhooks/calls/${acme42}`,
        callCallback(`CA${'3'.repeat(32)}`, 'A'),
      );
      const callSpliced = await send(app, `/v1/webhooks/calls/${acme}`, callSigned, `-=42&${callForm}`);
      assert.equal(callSpliced.statusCode, 400, callSpliced.body);
      const callPadded = await send(
        app,
        `/v1/webhooks/calls/${acme42}?${'&'.repeat(1_000)}`,
        callSigned,
        callForm,
      );
      assert.equal(callPadded.statusCode, 400, callPadded.body);

      assert.equal(await signals(acme, bundleStatusChanged.name), 0);
      assert.equal(await signals(acme42, bundleStatusChanged.name), 0);
      assert.equal(await signals(acme, callObserved.name), 0);
      assert.equal(await signals(acme42, callObserved.name), 0);

      // Sent where it was signed for, as Twilio sends it, it is heard.
      const genuine = await send(app, `/v1/webhooks/trusthub/${acme42}`, signed, form);
      assert.equal(genuine.statusCode, 200, genuine.body);
      assert.equal(await signals(acme42, bundleStatusChanged.name), 1);
    });

    test('a callback replayed with its idempotency header dropped or changed is one signal', async () => {
      const id = await run('replayed');
      const path = `/v1/webhooks/trusthub/${id}`;
      const signed = captured(app, path, bundleCallback('in-review'));
      const form = new URLSearchParams(signed.params).toString();
      const headers: Record<string, string>[] = [
        { 'i-twilio-idempotency-token': 'idem-1' },
        {},
        { 'i-twilio-idempotency-token': 'idem-2' },
      ];
      const answers = [];
      for (const header of headers) answers.push((await send(app, path, signed, form, header)).json());
      assert.deepEqual(answers, [
        { received: true, onboardings: 1 },
        { received: true, onboardings: 0, duplicate: true },
        { received: true, onboardings: 0, duplicate: true },
      ]);
      assert.equal(await signals(id, bundleStatusChanged.name), 1);
    });

    test('a bundle rejected, corrected and rejected again is heard both times: only its last callback is a duplicate', async () => {
      const id = await run('rejected-twice');
      const path = `/v1/webhooks/trusthub/${id}`;
      // Twilio's Trust Hub callback carries no time: the second rejection signs exactly as the first.
      const rejected = captured(app, path, bundleCallback('twilio-rejected'));
      const between = [
        captured(app, path, bundleCallback('pending-review')),
        captured(app, path, bundleCallback('in-review')),
      ];
      const answers = [];
      for (const capture of [rejected, rejected, ...between, rejected, rejected]) {
        answers.push((await send(app, path, capture, new URLSearchParams(capture.params).toString())).json());
      }
      const forwarded = { received: true, onboardings: 1 };
      const duplicate = { received: true, onboardings: 0, duplicate: true };
      assert.deepEqual(answers, [forwarded, duplicate, forwarded, forwarded, forwarded, duplicate]);
      assert.equal(await signals(id, bundleStatusChanged.name), 4);
    });

    test('two captured call callbacks sent alternately ten times are two signals', async () => {
      const id = await run('alternating');
      const path = `/v1/webhooks/calls/${id}`;
      // Two levels from one number: each is news after the other, so only the memory of what was
      // signed can tell a replay.
      const a = captured(app, path, callCallback(`CA${'4'.repeat(32)}`, 'A'));
      const b = captured(app, path, callCallback(`CA${'5'.repeat(32)}`, 'B'));
      for (let i = 0; i < 10; i += 1) {
        const capture = i % 2 ? b : a;
        const response = await send(app, path, capture, new URLSearchParams(capture.params).toString(), {
          'i-twilio-idempotency-token': `idem-${i}`,
        });
        assert.equal(response.statusCode, 204, response.body);
      }
      assert.equal(await signals(id, callObserved.name), 2);
    });

    test('a burst of distinct, signed callbacks past the limit gives exactly the limit of signals', async () => {
      const rateLimitedBefore = await scrape('trusthub_webhook_callbacks_total', 'rate_limited');
      const id = await run('bursting');
      const path = `/v1/webhooks/trusthub/${id}`;
      const extra = 5;
      for (let i = 0; i < TRUSTHUB_SIGNAL_LIMIT.burst + extra; i += 1) {
        // Distinct bundles: each a callback Twilio could have sent, none a duplicate.
        const bundleSid = `BU${i.toString(16).padStart(32, '0')}`;
        const signed = captured(app, path, bundleCallback('in-review', bundleSid));
        const response = await send(app, path, signed, new URLSearchParams(signed.params).toString());
        // Over the limit, still a 200: Twilio must not retry what was dropped on purpose.
        assert.equal(response.statusCode, 200, response.body);
      }
      assert.equal(await signals(id, bundleStatusChanged.name), TRUSTHUB_SIGNAL_LIMIT.burst);
      const rateLimited =
        (await scrape('trusthub_webhook_callbacks_total', 'rate_limited')) - rateLimitedBefore;
      assert.equal(rateLimited, extra);

      // Calls: distinct numbers of the customer, each a level that is news.
      const callsId = await run('bursting-calls');
      const callsPath = `/v1/webhooks/calls/${callsId}`;
      for (let i = 0; i < CALL_SIGNAL_LIMIT.burst + extra; i += 1) {
        const from = `+1415555${String(1000 + i).padStart(4, '0')}`;
        const signed = captured(
          app,
          callsPath,
          callCallback(`CA${i.toString(16).padStart(32, '0')}`, 'A', from),
        );
        const response = await send(app, callsPath, signed, new URLSearchParams(signed.params).toString());
        assert.equal(response.statusCode, 204, response.body);
      }
      assert.equal(await signals(callsId, callObserved.name), CALL_SIGNAL_LIMIT.burst);
      assert.equal(await scrape('call_status_callbacks_total', 'rate_limited'), extra);
    });
  },
);

describe('form bodies are parsed by the two webhooks only', () => {
  const TOKEN = 'webhook-binding-isv-token-0123456789';
  const offline = useStack({
    temporal: 'offline',
    sandbox: false,
    api: { env: { API_TOKEN: TOKEN, TWILIO_AUTH_TOKEN: AUTH_TOKEN } },
  });

  test("a form POSTed to the ISV's routes is a 415, and nothing is started or forwarded", async () => {
    const form = (body: Record<string, string>) => new URLSearchParams(body).toString();
    const posts = [
      {
        url: '/v1/onboardings',
        payload: form({ customerId: 'form-post', email: 'owner@example.com', phoneNumbers: '+14155550100' }),
      },
      {
        url: `/v1/onboardings/${onboardingIdFor('form-post')}/calls`,
        payload: form({ callSid: `CA${'6'.repeat(32)}`, from: '+14155550100', stirStatus: 'A' }),
      },
    ];
    for (const { url, payload } of posts) {
      // With the ISV's token, as a page could send it with credentials it holds; and without.
      for (const authorization of [`Bearer ${TOKEN}`, undefined]) {
        const response = await offline.api.inject({
          method: 'POST',
          url,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            ...(authorization ? { authorization } : {}),
          },
          payload,
        });
        assert.ok(
          authorization ? response.statusCode === 415 : [401, 415].includes(response.statusCode),
          `${url}: ${response.statusCode} ${response.body}`,
        );
        if (response.statusCode === 415) {
          // The answer names the header and the rule, in the API's one error shape.
          assert.deepEqual(response.json<{ error: { fields: unknown } }>().error.fields, [
            { field: 'content-type', rule: UNSUPPORTED_MEDIA_TYPE },
          ]);
        }
      }
    }
    assert.equal(offline.temporalCalls(), 0);
  });
});
