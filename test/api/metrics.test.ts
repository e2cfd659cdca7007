/**
 * GET /metrics on the API, scraped as Prometheus would (over a socket, with its own bearer token), after
 * real traffic: an onboarding started through the API, Twilio's (the sandbox's) signed callbacks
 * about it, a forged callback and one about a bundle nobody onboards. The counters must move by what
 * happened, request latencies must be labelled by route template, and no customer id may appear.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import twilio from 'twilio';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { parsePrometheus, total, type Series } from '../support/prometheus.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';

/** Prometheus's token (METRICS_TOKEN); the ISV's system has its own (API_TOKEN). */
const TOKEN = 'metrics-test-token-0123456789';
const ISV_TOKEN = 'metrics-test-isv-token-0123456789';
const CUSTOMER = 'metrics-acme-dental';

describe('API metrics', { timeout: 300_000 }, () => {
  const stack = useStack({ temporal: 'dev', apiToken: ISV_TOKEN, metricsToken: TOKEN });

  async function scrape(): Promise<Series[]> {
    const response = await fetch(`${stack.apiUrl}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await response.text());
  }

  /** A status callback as Twilio sends it, signed with `authToken`, to the onboarding's webhook. */
  function callback(onboardingId: string, params: Record<string, string>, authToken: string) {
    const url = `${stack.apiUrl}/v1/webhooks/trusthub/${onboardingId}`;
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
  }

  test("is behind Prometheus's bearer token, which the ISV's does not replace", async () => {
    assert.equal((await fetch(`${stack.apiUrl}/metrics`)).status, 401);
    for (const token of ['wrong-token-0123456789abcdef', ISV_TOKEN]) {
      const refused = await fetch(`${stack.apiUrl}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(refused.status, 401);
      assert.match(await refused.text(), /METRICS_TOKEN/);
    }
  });

  test('counts a started onboarding, callbacks by outcome, and requests by route template', async () => {
    const before = await scrape();
    const webhook = (outcome: string, series: Series[]) =>
      total(series, 'trusthub_webhook_callbacks_total', { outcome });

    const id = onboardingIdFor(CUSTOMER);
    const started = await fetch(`${stack.apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ISV_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(onboardingRequest(CUSTOMER, [stack.info.phoneNumbers[0]!.phoneNumber])),
    });
    assert.equal(started.status, 202, await started.text());
    // Submitting the profile makes the sandbox call the webhook, signed, about a bundle of this run.
    const view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    const read = await fetch(`${stack.apiUrl}/v1/onboardings/${id}`, {
      headers: { authorization: `Bearer ${ISV_TOKEN}` },
    });
    assert.equal(read.status, 200);

    const params = {
      AccountSid: stack.info.accountSid,
      BundleSid: view.resources.customerProfileSid!,
      Status: 'twilio-approved',
    };
    // Signed with another token: what a forger, or a wrong TWILIO_AUTH_TOKEN, produces.
    assert.equal((await callback(id, params, 'f'.repeat(32))).status, 403);
    // Signed, for an onboarding that does not run.
    const stranger = { ...params, BundleSid: `BU${'e'.repeat(32)}` };
    const unknown = await callback(onboardingIdFor('metrics-nobody'), stranger, stack.info.authToken);
    assert.equal(unknown.status, 200);
    assert.equal(((await unknown.json()) as { onboardings: number }).onboardings, 0);

    const after = await scrape();
    assert.equal(
      total(after, 'onboarding_starts_total', { result: 'created' }) -
        total(before, 'onboarding_starts_total', { result: 'created' }),
      1,
    );
    assert.equal(webhook('refused_signature', after) - webhook('refused_signature', before), 1);
    assert.equal(webhook('unknown_bundle', after) - webhook('unknown_bundle', before), 1);
    assert.ok(
      webhook('accepted', after) > webhook('accepted', before),
      "the sandbox's signed callbacks about the run are counted as accepted",
    );
    assert.equal(webhook('error', after), 0);

    const requests = (labels: Record<string, string>) =>
      total(after, 'http_request_duration_seconds_count', labels);
    assert.ok(requests({ method: 'POST', route: '/v1/onboardings', status_code: '202' }) >= 1);
    assert.ok(requests({ method: 'GET', route: '/v1/onboardings/:id', status_code: '200' }) >= 1);
    assert.ok(
      requests({ method: 'POST', route: '/v1/webhooks/trusthub/:onboardingId', status_code: '403' }) >= 1,
    );
    assert.ok(total(after, 'process_cpu_user_seconds_total') > 0, "Node's process metrics are there");
  });

  test('labels carry route templates only: no customer id, no raw URL', async () => {
    const notFound = await fetch(`${stack.apiUrl}/v1/onboardings/onboarding-${CUSTOMER}-nobody`, {
      headers: { authorization: `Bearer ${ISV_TOKEN}` },
    });
    assert.equal(notFound.status, 404);
    // No route matches these: they are not timed, so a scanner cannot mint series.
    assert.equal((await fetch(`${stack.apiUrl}/wp-admin/${CUSTOMER}`)).status, 404);
    const series = await scrape();
    const text = JSON.stringify(series);
    assert.ok(!text.includes(CUSTOMER), 'no customer id in any label');
    assert.ok(!text.includes('wp-admin'), 'no unmatched URL in any label');
    const routes = new Set(series.filter((s) => s.labels.route).map((s) => s.labels.route));
    for (const route of routes) assert.ok(!route!.includes('onboarding-'), route);
    assert.ok(routes.has('/v1/onboardings/:id'));
  });
});
