/**
 * The service end to end on the Temporal CLI's dev server (real visibility): the API over HTTP, the
 * worker with the real workflow and activities, the sandbox standing in for Twilio and calling the
 * webhook back.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import twilio from 'twilio';
import { stuckOnboardingQueries } from '../../src/contract/visibility-queries.js';
import type { OnboardingView } from '../../src/contract/types.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';

const TOKEN = 'test-token-0123456789abcdef';

describe('the service on the dev server', { timeout: 300_000 }, () => {
  const stack = useStack({ temporal: 'dev', apiToken: TOKEN });

  const call = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
    fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const decide = (sid: string, outcome: 'approve' | 'rules') =>
    stack.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome });
  /** Visibility is eventually consistent: poll a query until it returns what we expect. */
  async function listIds(query: string, expect: (ids: string[]) => boolean): Promise<string[]> {
    let ids: string[] = [];
    for (let tries = 0; tries < 100; tries += 1) {
      ids = [];
      for await (const execution of stack.env.client.workflow.list({ query })) ids.push(execution.workflowId);
      if (expect(ids)) return ids;
      await new Promise((r) => setTimeout(r, 100));
    }
    return ids;
  }

  test('a request without the bearer token is refused and starts nothing', async () => {
    const response = await call(
      'POST',
      '/v1/onboardings',
      onboardingRequest('no-token', ['+14155550100']),
      null,
    );
    assert.equal(response.status, 401);
    const ids = await listIds(stuckOnboardingQueries.byCustomer('no-token'), () => false);
    assert.deepEqual(ids, []);
  });

  test('happy path over HTTP: start twice (one onboarding), callbacks, completed, listed', async () => {
    const body = onboardingRequest('e2e-happy', [stack.info.phoneNumbers[0]!.phoneNumber]);
    const first = await call('POST', '/v1/onboardings', body);
    assert.equal(first.status, 202);
    const accepted = (await first.json()) as { id: string; links: { self: string } };
    assert.equal(accepted.id, 'onboarding-e2e-happy');
    const again = await call('POST', '/v1/onboardings', body);
    assert.equal(again.status, 200, 'the same request again answers the same record');
    assert.deepEqual(
      [(await again.json()) as { id: string; created: boolean }].map((b) => [b.id, b.created]),
      [[accepted.id, false]],
    );

    let view = await stack.waitFor(accepted.id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    assert.deepEqual(
      await listIds(stuckOnboardingQueries.vettingStartedBefore(new Date(Date.now() + 60_000)), (ids) =>
        ids.includes(accepted.id),
      ),
      [accepted.id],
      'the vetting query finds the onboarding once its wait began before the cut-off',
    );
    assert.deepEqual(
      await listIds(
        stuckOnboardingQueries.vettingStartedBefore(new Date(Date.now() - 3 * 86_400_000)),
        () => false,
      ),
      [],
      'nothing has waited three days',
    );
    assert.deepEqual(
      await listIds(stuckOnboardingQueries.byBundleSid(view.customerProfile!.sid), (ids) => ids.length > 0),
      [accepted.id],
    );

    await decide(view.customerProfile!.sid, 'approve');
    view = await stack.waitFor(accepted.id, (v) => v.step === 'waiting-for-trust-product-vetting');
    await decide(view.trustProduct!.sid, 'approve');
    view = await stack.waitFor(accepted.id, (v) => v.status === 'completed');

    const read = await call('GET', accepted.links.self);
    assert.equal(read.status, 200);
    const state = (await read.json()) as OnboardingView;
    assert.equal(state.status, 'completed');
    assert.equal(state.trustProduct?.status, 'twilio-approved');

    const listed = await call('GET', '/v1/onboardings?status=completed');
    const { onboardings } = (await listed.json()) as { onboardings: { id: string; status: string }[] };
    assert.ok(onboardings.some((o) => o.id === accepted.id && o.status === 'completed'));

    const { countsExcludingSeed } = await stack.admin<{ countsExcludingSeed: Record<string, number> }>(
      'GET',
      '/__sandbox/state',
    );
    assert.equal(countsExcludingSeed.customerProfiles, 1, 'starting twice made one onboarding');
    assert.equal(countsExcludingSeed.trustProducts, 1);
  });

  test('rejection and correction over HTTP, found by the operator queries while it waits', async () => {
    const body = onboardingRequest('e2e-rejected', [stack.info.phoneNumbers[1]!.phoneNumber]);
    // Valid E.164, but too short to be anyone's number: Twilio cannot verify the representative.
    body.authorizedRepresentatives[0]!.phoneNumber = '+141555';
    const id = ((await (await call('POST', '/v1/onboardings', body)).json()) as { id: string }).id;
    let view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    await decide(view.customerProfile!.sid, 'rules');
    view = await stack.waitFor(id, (v) => v.status === 'action-required');
    assert.deepEqual(
      view.problem?.codes.map((c) => c.code),
      [18604],
    );

    for (const query of [
      stuckOnboardingQueries.actionRequired(),
      stuckOnboardingQueries.profilesRejected(),
      stuckOnboardingQueries.correctionsAwaitedSince(new Date(Date.now() + 60_000)),
    ]) {
      assert.ok((await listIds(query, (ids) => ids.includes(id))).includes(id), query);
    }

    const invalid = await call('PATCH', `/v1/onboardings/${id}`, { email: 'not-an-email' });
    assert.equal(invalid.status, 400);
    const fixed = await call('PATCH', `/v1/onboardings/${id}`, {
      authorizedRepresentatives: [{ ...body.authorizedRepresentatives[0], phoneNumber: '+14155550123' }],
    });
    assert.equal(fixed.status, 200, await fixed.clone().text());
    view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    await decide(view.customerProfile!.sid, 'rules');
    view = await stack.waitFor(id, (v) => v.step === 'waiting-for-trust-product-vetting');
    await decide(view.trustProduct!.sid, 'rules');
    await stack.waitFor(id, (v) => v.status === 'completed');
  });

  test('a forged status callback is refused and signals nothing', async () => {
    // Genuine callbacks are switched off, so every signal in the history would be a forged one.
    await stack.admin('PUT', '/__sandbox/faults', { callbacks: { dropRate: 1 } });
    const body = onboardingRequest('e2e-forged', [stack.info.phoneNumbers[2]!.phoneNumber]);
    const id = ((await (await call('POST', '/v1/onboardings', body)).json()) as { id: string }).id;
    const view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    const params = {
      AccountSid: stack.info.accountSid,
      BundleSid: view.customerProfile!.sid,
      Status: 'twilio-approved',
    };
    const url = `${stack.apiUrl}/v1/webhooks/trusthub/${id}`;
    // Signed the way Twilio signs, but with the wrong key.
    const data =
      url +
      Object.keys(params)
        .sort()
        .map((k) => k + params[k as keyof typeof params])
        .join('');
    const forged = createHmac('sha1', 'not-the-auth-token').update(data).digest('base64');

    const handle = stack.env.client.workflow.getHandle(id);
    const signalCount = async () =>
      ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes)
        .length;

    for (const signature of [forged, undefined]) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(signature ? { 'x-twilio-signature': signature } : {}),
        },
        body: new URLSearchParams(params).toString(),
      });
      assert.equal(response.status, 403);
    }
    // The webhook signals before it answers, so a forged callback that got through would show by now.
    assert.equal(await signalCount(), 0, 'no signal reached the workflow');
    await handle.cancel();
    await stack.admin('DELETE', '/__sandbox/faults');
  });

  test('a signed callback reaches the onboarding its path names, and only that one', async () => {
    const body = onboardingRequest('e2e-routing', [stack.info.phoneNumbers[3]!.phoneNumber]);
    const id = ((await (await call('POST', '/v1/onboardings', body)).json()) as { id: string }).id;
    const view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    const bundleSid = view.customerProfile!.sid;
    // A status the sandbox never calls back with, so this is no duplicate of one of its callbacks.
    const params = { AccountSid: stack.info.accountSid, BundleSid: bundleSid, Status: 'draft' };
    const post = (url: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(stack.info.authToken, url, params),
        },
        body: new URLSearchParams(params).toString(),
      });
    // No onboarding in the path: no route, however well signed; the bundle SID finds no one.
    assert.equal((await post(`${stack.apiUrl}/v1/webhooks/trusthub`)).status, 404);
    const response = await post(`${stack.apiUrl}/v1/webhooks/trusthub/${id}`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { received: true, onboardings: 1 });
    await stack.env.client.workflow.getHandle(id).cancel();
  });

  test('bad bodies get 400 naming each field and rule, and start nothing', async () => {
    const body = onboardingRequest('e2e-bad', ['0415555']);
    const bad = {
      ...body,
      email: 'nope',
      business: { ...body.business, industry: 'SPACE', registrationNumber: 'ABC' },
      authorizedRepresentatives: [{ ...body.authorizedRepresentatives[0], jobPosition: 'Intern' }],
    };
    const response = await call('POST', '/v1/onboardings', bad);
    assert.equal(response.status, 400);
    const { error } = (await response.json()) as { error: { fields: { field: string; rule: string }[] } };
    const fields = error.fields.map((f) => f.field);
    for (const field of [
      'email',
      'business.industry',
      'business.registrationNumber',
      'authorizedRepresentatives.0.jobPosition',
      'phoneNumbers.0',
    ]) {
      assert.ok(fields.includes(field), `${field} is named in ${JSON.stringify(error.fields)}`);
    }
    assert.deepEqual(await listIds(stuckOnboardingQueries.byCustomer('e2e-bad'), () => false), []);
  });
});
