/**
 * One credential per caller (finding 8): the ISV's system (API_TOKEN) starts, reads and cancels
 * onboardings; Prometheus (METRICS_TOKEN) reads /metrics; the Temporal Web UI (CODEC_TOKEN) decodes
 * and encodes payloads. None opens another's routes, each rotates like API_TOKEN, and a scope whose
 * variable is unset refuses everyone — naming the variable — unless no token is configured at all.
 *
 * The ISV's routes are reached through their auth only: a token that passes gets the route's own 400
 * (its query is checked after the token), so Temporal is never asked and the client connects to
 * nothing. test/api/auth.test.ts walks every route under other spellings.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { EncryptionCodec, parsePayloadKeys, payloadToJson } from '../../src/temporal/codec.js';
import { startStack, type Stack } from '../support/stack.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';

const ISV = ['scoped-isv-token-current-0001', 'scoped-isv-token-retiring-0002'];
const METRICS = ['scoped-metrics-token-current-01', 'scoped-metrics-token-retiring-2'];
const CODEC = ['scoped-codec-token-current-0001', 'scoped-codec-token-retiring-002'];

type Scope = 'isv' | 'metrics' | 'codec';

describe('each scope takes its own token', () => {
  const stacks: Stack[] = [];
  after(async () => {
    for (const stack of stacks) await stack.close();
  });

  async function api(tokens: Record<string, string>): Promise<FastifyInstance> {
    const stack = await startStack({ temporal: 'unreachable', sandbox: false, api: { env: tokens } });
    stacks.push(stack);
    return stack.api;
  }

  let stored: Payload;
  before(async () => {
    [stored] = (await new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_ENCRYPTION_KEYS)).encode([
      defaultPayloadConverter.toPayload({ email: 'dana@acmedental.com' }),
    ])) as [Payload];
  });

  /** One request into the scope, with `token`: the status and the body. */
  async function call(app: FastifyInstance, scope: Scope, token: string | undefined, method = 'GET') {
    const authorization = token ? { authorization: `Bearer ${token}` } : {};
    const response =
      scope === 'metrics'
        ? await app.inject({ method: 'GET', url: '/metrics', headers: authorization })
        : scope === 'codec'
          ? await app.inject({
              method: 'POST',
              url: '/v1/codec/decode',
              headers: { 'content-type': 'application/json', ...authorization },
              payload: { payloads: [payloadToJson(stored)] },
            })
          : // limit=0 fails the route's schema: a 400 means the token was taken.
            await app.inject({ method, url: '/v1/onboardings?limit=0', headers: authorization });
    return { status: response.statusCode, body: response.body };
  }

  /** What each scope answers `token`: 'open' (the route ran) or 'refused' (401). */
  async function reach(app: FastifyInstance, token: string | undefined): Promise<Record<Scope, string>> {
    const out = {} as Record<Scope, string>;
    for (const scope of ['isv', 'metrics', 'codec'] as const) {
      const { status, body } = await call(app, scope, token);
      const ran = scope === 'isv' ? status === 400 : status === 200;
      assert.ok(ran || status === 401, `${scope}: ${status} ${body.slice(0, 200)}`);
      out[scope] = ran ? 'open' : 'refused';
    }
    return out;
  }

  test('every token opens its own scope and nothing else, and both tokens of a rotation work', async () => {
    const app = await api({
      API_TOKEN: ISV.join(','),
      METRICS_TOKEN: METRICS.join(','),
      CODEC_TOKEN: CODEC.join(','),
    });
    for (const token of ISV)
      assert.deepEqual(await reach(app, token), { isv: 'open', metrics: 'refused', codec: 'refused' });
    for (const token of METRICS)
      assert.deepEqual(await reach(app, token), { isv: 'refused', metrics: 'open', codec: 'refused' });
    for (const token of CODEC)
      assert.deepEqual(await reach(app, token), { isv: 'refused', metrics: 'refused', codec: 'open' });
    assert.deepEqual(await reach(app, undefined), { isv: 'refused', metrics: 'refused', codec: 'refused' });
  });

  test('the codec token cannot start, read or cancel an onboarding', async () => {
    const app = await api({ API_TOKEN: ISV[0]!, CODEC_TOKEN: CODEC[0]! });
    const headers = { authorization: `Bearer ${CODEC[0]}`, 'content-type': 'application/json' };
    for (const [method, url] of [
      ['POST', '/v1/onboardings'],
      ['GET', '/v1/onboardings'],
      ['GET', '/v1/onboardings/onboarding-acme'],
      ['PATCH', '/v1/onboardings/onboarding-acme'],
      ['DELETE', '/v1/onboardings/onboarding-acme'],
    ] as const) {
      const response = await app.inject({
        method,
        url,
        headers,
        payload: method === 'GET' || method === 'DELETE' ? undefined : {},
      });
      assert.equal(response.statusCode, 401, `${method} ${url}: ${response.body}`);
      assert.match(response.body, /Bearer <API_TOKEN>/);
    }
  });

  test('with only API_TOKEN set, /metrics and the codec refuse everyone and name the variable to set', async () => {
    const app = await api({ API_TOKEN: ISV[0]! });
    assert.deepEqual(await reach(app, ISV[0]), { isv: 'open', metrics: 'refused', codec: 'refused' });
    const metrics = await call(app, 'metrics', ISV[0]);
    assert.match(metrics.body, /METRICS_TOKEN is not set/);
    const codec = await call(app, 'codec', undefined);
    assert.match(codec.body, /CODEC_TOKEN is not set/);
    assert.ok(!codec.body.includes('acmedental'));
  });

  test('with no token at all (loopback development), every scope is open', async () => {
    const app = await api({});
    assert.deepEqual(await reach(app, undefined), { isv: 'open', metrics: 'open', codec: 'open' });
  });
});
