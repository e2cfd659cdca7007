/**
 * Who may ask for an adoption (issue 26, finding 1). Adopting a customer profile made before lends an
 * identity Twilio vetted, so it is the operators' act: POST /v1/adoptions, in its own scope, opened by
 * ADOPT_TOKEN alone. POST /v1/onboardings, which the ISV's sign-up backend calls with API_TOKEN and
 * end customers' input, refuses customerProfileSid outright. Answered before Temporal is asked: the
 * offline stack (test/support/stack.ts) counts every call that reached it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadApiConfig } from '../../src/config.js';
import { useStack } from '../support/stack.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';
import { onboardingRequest } from '../support/customers.js';

const API_TOKEN = 'adoptions-isv-token-0123456789';
const ADOPT_TOKEN = 'adoptions-operators-token-0123456789';
const PROFILE_SID = `BU${'a'.repeat(32)}`;

const adoption = () => ({
  ...onboardingRequest('adoptions-test', ['+14155550100']),
  customerProfileSid: PROFILE_SID,
});
const bearer = (token: string | undefined) => (token ? { authorization: `Bearer ${token}` } : {});

describe('POST /v1/onboardings never adopts', () => {
  const offline = useStack({ temporal: 'offline', sandbox: false, api: { env: { API_TOKEN, ADOPT_TOKEN } } });

  test('a body with customerProfileSid is a 400 naming the field and where adoption is', async () => {
    const response = await offline.api.inject({
      method: 'POST',
      url: '/v1/onboardings',
      headers: bearer(API_TOKEN),
      payload: adoption(),
    });
    assert.equal(response.statusCode, 400, response.body);
    const { error } = response.json<{
      error: { code: string; message: string; fields: { field: string; rule: string }[] };
    }>();
    assert.equal(error.code, 'invalid_request');
    assert.deepEqual(
      error.fields.map((f) => f.field),
      ['customerProfileSid'],
    );
    assert.match(error.fields[0]!.rule, /POST \/v1\/adoptions/);
    assert.match(error.fields[0]!.rule, /ADOPT_TOKEN/);
    assert.equal(offline.temporalCalls(), 0, 'nothing was started');
  });
});

describe('POST /v1/adoptions takes ADOPT_TOKEN, and only it', () => {
  const offline = useStack({ temporal: 'offline', sandbox: false, api: { env: { API_TOKEN, ADOPT_TOKEN } } });
  const adopt = (token: string | undefined, payload: object = adoption()) =>
    offline.api.inject({ method: 'POST', url: '/v1/adoptions', headers: bearer(token), payload });

  test("the ISV's API_TOKEN, no token or a wrong one is a 401 that names ADOPT_TOKEN", async () => {
    for (const token of [API_TOKEN, undefined, `${ADOPT_TOKEN}x`]) {
      const response = await adopt(token);
      assert.equal(response.statusCode, 401, `${token}: ${response.body}`);
      assert.match(response.body, /ADOPT_TOKEN/);
    }
    assert.equal(offline.temporalCalls(), 0);
  });

  test("ADOPT_TOKEN opens it (the body is checked next), and none of the ISV's routes", async () => {
    const { customerProfileSid: _sid, ...withoutProfile } = adoption();
    const response = await adopt(ADOPT_TOKEN, withoutProfile);
    // customerProfileSid is required here: a 400 from the route's schema means the token was taken.
    assert.equal(response.statusCode, 400, response.body);
    assert.match(response.body, /customerProfileSid/);
    for (const [method, url] of [
      ['POST', '/v1/onboardings'],
      ['GET', '/v1/onboardings'],
      ['DELETE', '/v1/onboardings/onboarding-acme'],
    ] as const) {
      const isv = await offline.api.inject({
        method,
        url,
        headers: bearer(ADOPT_TOKEN),
        ...(method === 'POST' ? { payload: onboardingRequest('x', ['+14155550100']) } : {}),
      });
      assert.equal(isv.statusCode, 401, `${method} ${url}: ${isv.body}`);
      assert.match(isv.body, /Bearer <API_TOKEN>/);
    }
    assert.equal(offline.temporalCalls(), 0);
  });
});

describe('with API_TOKEN alone, nobody adopts', () => {
  const offline = useStack({ temporal: 'offline', sandbox: false, api: { env: { API_TOKEN } } });

  test('POST /v1/adoptions refuses every request and says ADOPT_TOKEN is not set', async () => {
    for (const token of [API_TOKEN, undefined]) {
      const response = await offline.api.inject({
        method: 'POST',
        url: '/v1/adoptions',
        headers: bearer(token),
        payload: adoption(),
      });
      assert.equal(response.statusCode, 401, response.body);
      assert.match(response.body, /ADOPT_TOKEN is not set/);
    }
  });
});

describe('with no token at all (loopback development)', () => {
  const offline = useStack({ temporal: 'offline', sandbox: false, api: { env: {} } });

  test('POST /v1/adoptions is open like every scope', async () => {
    const response = await offline.api.inject({
      method: 'POST',
      url: '/v1/adoptions?priority=urgent',
      payload: adoption(),
    });
    // The query fails its schema: the route ran, and nothing reached Temporal.
    assert.equal(response.statusCode, 400, response.body);
    assert.equal(offline.temporalCalls(), 0);
  });
});

test("the configuration refuses an ADOPT_TOKEN that is another scope's token", () => {
  assert.throws(
    () =>
      loadApiConfig({
        PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
        API_TOKEN,
        ADOPT_TOKEN: API_TOKEN,
      }),
    /ADOPT_TOKEN repeats a token of API_TOKEN/,
  );
});
