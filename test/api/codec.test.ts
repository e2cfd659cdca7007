/**
 * The codec endpoint the Temporal Web UI calls: it decodes what the service stored, in Temporal's
 * remote-codec JSON, only for a caller with the codec's own token (CODEC_TOKEN: the ISV's API_TOKEN
 * does not open it), and answers the Web UI's browser preflight for the UI's origin alone, under
 * /v1/codec/ alone. It encodes only with CODEC_ENCODE=true: ciphertext under the active key is what
 * the worker takes as input, so encode would let the codec's token write one (issue 26, finding 4).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { BODY_LIMIT } from '../../src/api/app.js';
import {
  EncryptionCodec,
  generatePayloadKey,
  parsePayloadKeys,
  payloadFromJson as fromJson,
  payloadToJson as toJson,
  type JsonPayload,
} from '../../src/temporal/codec.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';
import { type Stack, startStack } from '../support/stack.js';

const TOKEN = 'codec-test-token-0123456789';
const ISV_TOKEN = 'codec-test-isv-token-0123456789';
const UI = 'http://127.0.0.1:8233';
describe('the codec endpoint for the Temporal Web UI', () => {
  const input = { business: { name: 'Acme Dental LLC' }, email: 'dana@acmedental.com' };
  const codec = new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_ENCRYPTION_KEYS));
  let offline: Stack;
  let app: FastifyInstance;
  /** The same API with CODEC_ENCODE=true. */
  let encoding: Stack;

  before(async () => {
    // The codec never calls Temporal: a client that connects to nothing proves it.
    const env = { API_TOKEN: ISV_TOKEN, CODEC_TOKEN: TOKEN, TEMPORAL_UI_URL: `${UI}/` };
    offline = await startStack({ temporal: 'offline', sandbox: false, api: { env: env } });
    app = offline.api;
    encoding = await startStack({
      temporal: 'offline',
      sandbox: false,
      api: { env: { ...env, CODEC_ENCODE: 'true' } },
    });
  });
  after(async () => {
    await offline?.close();
    await encoding?.close();
  });

  const post = (path: string, body: unknown, token: string | null = TOKEN, to = app) =>
    to.inject({
      method: 'POST',
      url: path,
      headers: {
        'content-type': 'application/json',
        'x-namespace': 'default',
        origin: UI,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      payload: JSON.stringify(body),
    });

  test('decode turns what the service stored back into the input, with CORS for the UI', async () => {
    const stored = await codec.encode([defaultPayloadConverter.toPayload(input)]);
    const response = await post('/v1/codec/decode', { payloads: stored.map(toJson) });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['access-control-allow-origin'], UI);
    const [decoded] = response.json<{ payloads: JsonPayload[] }>().payloads;
    assert.deepEqual(defaultPayloadConverter.fromPayload(fromJson(decoded!)), input);
  });

  test('there is no encode by default: the codec token cannot mint ciphertext the worker takes', async () => {
    const plain = toJson(defaultPayloadConverter.toPayload({ ...input, email: 'forged@evil.example' }));
    const response = await post('/v1/codec/encode', { payloads: [plain] });
    assert.equal(response.statusCode, 404, response.body);
    assert.ok(!response.body.includes('binary/encrypted'));
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.ok(!docs.body.includes('/v1/codec/encode'), 'the OpenAPI document lists no encode');
  });

  test('with CODEC_ENCODE=true, encode then decode round-trips, and encode hides the input', async () => {
    const plain = toJson(defaultPayloadConverter.toPayload(input));
    const encoded = await post('/v1/codec/encode', { payloads: [plain] }, TOKEN, encoding.api);
    assert.equal(encoded.statusCode, 200);
    const body = encoded.json<{ payloads: JsonPayload[] }>();
    assert.ok(!Buffer.from(body.payloads[0]!.data!, 'base64').toString('latin1').includes('acmedental'));
    const decoded = await post('/v1/codec/decode', body);
    assert.deepEqual(decoded.json(), { payloads: [plain] });
  });

  test("without the codec's token, a wrong one or the ISV's, nothing is decoded", async () => {
    const stored = await codec.encode([defaultPayloadConverter.toPayload(input)]);
    for (const token of [null, 'wrong-token-0123456789abcdef', ISV_TOKEN]) {
      const response = await post('/v1/codec/decode', { payloads: stored.map(toJson) }, token);
      assert.equal(response.statusCode, 401);
      assert.ok(!response.body.includes('acmedental'));
    }
  });

  test("the browser's preflight is answered for the UI's origin only", async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/v1/codec/decode',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
    const fromUi = await preflight(UI);
    assert.equal(fromUi.statusCode, 204);
    assert.equal(fromUi.headers['access-control-allow-origin'], UI);
    assert.match(String(fromUi.headers['access-control-allow-headers']), /authorization/);
    const elsewhere = await preflight('https://evil.example.com');
    assert.equal(elsewhere.headers['access-control-allow-origin'], undefined);
  });

  test("a loopback UI is answered under each loopback name (the dev server's banner says localhost), nothing more", async () => {
    const preflight = (origin: string, to = app) =>
      to.inject({
        method: 'OPTIONS',
        url: '/v1/codec/decode',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    for (const origin of ['http://localhost:8233', 'http://127.0.0.1:8233', 'http://[::1]:8233']) {
      assert.equal((await preflight(origin)).headers['access-control-allow-origin'], origin, origin);
    }
    // Another port, scheme or loopback address is another origin: not the UI's.
    for (const origin of [
      'http://localhost:8234',
      'https://localhost:8233',
      'http://127.0.0.2:8233',
      'null',
    ]) {
      assert.equal((await preflight(origin)).headers['access-control-allow-origin'], undefined, origin);
    }
    // A UI on a real host gets its own origin alone: no loopback name is let in beside it.
    const remote = await startStack({
      temporal: 'offline',
      sandbox: false,
      api: {
        env: {
          API_TOKEN: ISV_TOKEN,
          CODEC_TOKEN: TOKEN,
          TEMPORAL_UI_URL: 'https://temporal.example.com',
        },
      },
    });
    try {
      const ui = 'https://temporal.example.com';
      assert.equal((await preflight(ui, remote.api)).headers['access-control-allow-origin'], ui);
      for (const origin of ['http://localhost:8233', 'https://localhost', 'http://127.0.0.1:8233']) {
        const answer = await preflight(origin, remote.api);
        assert.equal(answer.headers['access-control-allow-origin'], undefined, origin);
      }
    } finally {
      await remote.close();
    }
  });

  test("CORS is the codec's alone: a preflight from the UI's origin to any other route is not answered", async () => {
    for (const url of [
      '/v1/onboardings',
      '/v1/onboardings/onboarding-acme',
      '/metrics',
      '/v1/webhooks/calls',
    ]) {
      const response = await app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: UI, 'access-control-request-method': 'POST' },
      });
      assert.equal(response.statusCode, 404, `${url}: ${response.body}`);
      assert.equal(response.headers['access-control-allow-origin'], undefined, url);
      assert.equal(response.headers['access-control-allow-methods'], undefined, url);
    }
    // A route's own answer carries no CORS headers either: the UI's page cannot read it.
    const list = await app.inject({
      method: 'GET',
      url: '/v1/onboardings?limit=0',
      headers: { origin: UI, authorization: `Bearer ${ISV_TOKEN}` },
    });
    assert.equal(list.headers['access-control-allow-origin'], undefined);
  });

  test('a payload under a key the service does not hold is a 422 naming the key ID', async () => {
    const foreign = new EncryptionCodec(parsePayloadKeys(generatePayloadKey('someone-else')));
    const stored = await foreign.encode([defaultPayloadConverter.toPayload(input)]);
    const response = await post('/v1/codec/decode', { payloads: stored.map(toJson) });
    assert.equal(response.statusCode, 422);
    assert.match(response.json<{ error: { message: string } }>().error.message, /key "someone-else"/);
  });

  test('a payload the service did not encrypt is shown as it is, not refused: the Web UI draws it', async () => {
    // The worker refuses such a payload (src/temporal/codec.ts); the history that holds it must still
    // be readable to the operator looking into why.
    const plain = toJson(defaultPayloadConverter.toPayload({ note: 'started without the codec' }));
    const [stored] = (await codec.encode([defaultPayloadConverter.toPayload(input)])).map(toJson);
    const response = await post('/v1/codec/decode', { payloads: [plain, stored] });
    assert.equal(response.statusCode, 200, response.body);
    const [shown, decoded] = response.json<{ payloads: JsonPayload[] }>().payloads;
    assert.deepEqual(shown, plain);
    assert.deepEqual(defaultPayloadConverter.fromPayload(fromJson(decoded!)), input);
  });

  test('takes a history-sized body, beyond the limit of the other routes', async () => {
    // About 1 MB of payloads, as the Web UI sends a long history's at once.
    const payloads = await codec.encode(
      Array.from({ length: 200 }, () =>
        defaultPayloadConverter.toPayload({ ...input, pad: 'x'.repeat(4000) }),
      ),
    );
    const body = { payloads: payloads.map(toJson) };
    assert.ok(JSON.stringify(body).length > 16 * BODY_LIMIT, 'far beyond the limit of the other routes');
    const response = await post('/v1/codec/decode', body);
    assert.equal(response.statusCode, 200, response.body.slice(0, 200));
    assert.equal(response.json<{ payloads: JsonPayload[] }>().payloads.length, 200);
  });

  test('a malformed body names the field and the rule', async () => {
    const response = await post('/v1/codec/decode', { payloads: [{ data: 'not base64!' }] });
    assert.equal(response.statusCode, 400);
    assert.match(response.json<{ error: { message: string } }>().error.message, /payloads\.0\.data/);
  });
});
