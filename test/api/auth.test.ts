/**
 * The bearer tokens guard every route however its path is spelled, each scope with its own token:
 * the ISV's (API_TOKEN) opens neither the codec nor /metrics, and their tokens open no onboarding. The routes come from the
 * API's own OpenAPI document, so a route added later is walked too: one that answers without a token
 * and is not on the short public list below fails this test.
 *
 * Requests go over a real socket with `node:http`, which sends the path exactly as written (fetch would
 * resolve `.`/`..` and doubled slashes on the client side, hiding what an attacker can send).
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { before, describe, test } from 'node:test';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';
import { onboardingIdFor } from '../../src/contract/ids.js';

const TOKEN = 'auth-test-token-0123456789';
const OLD_TOKEN = 'auth-test-token-retiring-42';
const CODEC_TOKEN = 'auth-test-codec-token-0123456789';
const METRICS_TOKEN = 'auth-test-metrics-token-0123456789';
const ADOPT_TOKEN = 'auth-test-adopt-token-0123456789';

/** The token that opens a route, by the scope it is registered in (src/api/app.ts). */
const rightToken = (template: string) =>
  template.startsWith('/v1/codec/')
    ? CODEC_TOKEN
    : template === '/metrics'
      ? METRICS_TOKEN
      : template === '/v1/adoptions'
        ? ADOPT_TOKEN
        : TOKEN;

/** Routes anyone may call: probes, the API's description, and Twilio's callbacks (signed instead). */
const PUBLIC_ROUTES = new Set([
  'GET /healthz',
  'GET /readyz',
  'POST /v1/webhooks/trusthub/:onboardingId',
  'POST /v1/webhooks/calls/:onboardingId',
]);

interface RawResponse {
  status: number;
  body: string;
}

function send(
  baseUrl: string,
  method: string,
  path: string,
  { token, body }: { token?: string; body?: unknown } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: hostname,
        port,
        method,
        path,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
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
    req.end(payload);
  });
}

/**
 * Ways to write the same path that a router, a proxy or a hook may each read differently. Every one
 * is tried against every protected route.
 */
function spellings(path: string): { name: string; path: string }[] {
  const segments = path.split('/').slice(1);
  const encodeFirstLetter = (segment: string, upper: boolean) => {
    const hex = segment.charCodeAt(0).toString(16);
    return `%${upper ? hex.toUpperCase() : hex.toLowerCase()}${segment.slice(1)}`;
  };
  const withSegment = (index: number, replace: (segment: string) => string) =>
    '/' + segments.map((s, i) => (i === index ? replace(s) : s)).join('/');
  const out: { name: string; path: string }[] = [{ name: 'as documented', path }];
  for (const [index, segment] of segments.entries()) {
    if (!/^[a-z]/i.test(segment)) continue;
    out.push({
      name: `segment ${index + 1} first letter %-encoded, lower-case hex`,
      path: withSegment(index, (s) => encodeFirstLetter(s, false)),
    });
    out.push({
      name: `segment ${index + 1} first letter %-encoded, upper-case hex`,
      path: withSegment(index, (s) => encodeFirstLetter(s, true)),
    });
    out.push({ name: `segment ${index + 1} upper-case`, path: withSegment(index, (s) => s.toUpperCase()) });
  }
  out.push(
    {
      name: 'everything %-encoded',
      path:
        '/' + segments.map((s) => [...s].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')).join('/'),
    },
    { name: 'leading doubled slash', path: `/${path}` },
    { name: 'doubled slash inside', path: path.replace('/v1/', '/v1//') },
    { name: 'trailing slash', path: `${path}/` },
    { name: '"." segment', path: path.replace('/v1/', '/v1/./') },
    { name: '".." segment', path: path.replace('/v1/', '/v1/x/../') },
    { name: '%-encoded "." segment', path: path.replace('/v1/', '/v1/%2e/') },
    { name: '%-encoded ".." segment', path: path.replace('/v1/', '/v1/x/%2e%2e/') },
    { name: 'encoded "/" after v1', path: path.replace('/v1/', '/v1%2F') },
    { name: 'encoded "/" after v1, lower-case hex', path: path.replace('/v1/', '/v1%2f') },
    { name: 'query string', path: `${path}?x=/healthz` },
    { name: 'matrix-style ;', path: `${path};x=1` },
  );
  return out;
}

describe('bearer auth is enforced by route scope', { timeout: 300_000 }, () => {
  const existing = onboardingIdFor('auth-victim');

  // Two tokens at once: the one being introduced and the one being retired, as during a rotation.
  const stack = useStack({
    temporal: 'dev',
    apiToken: `${TOKEN},${OLD_TOKEN}`,
    adoptToken: ADOPT_TOKEN,
    codecToken: CODEC_TOKEN,
    metricsToken: METRICS_TOKEN,
  });
  before(async () => {
    const started = await send(stack.apiUrl, 'POST', '/v1/onboardings', {
      token: TOKEN,
      body: onboardingRequest('auth-victim', [stack.info.phoneNumbers[0]!.phoneNumber]),
    });
    assert.equal(started.status, 202, started.body);
    await stack.waitFor(existing, (v) => v.step === 'waiting-for-customer-profile-vetting');
  });

  /** Every operation in the API's own OpenAPI document, with a concrete path and a body that would work. */
  async function routes() {
    const doc = await send(stack.apiUrl, 'GET', '/docs/json');
    assert.equal(doc.status, 200);
    const paths = (JSON.parse(doc.body) as { paths: Record<string, Record<string, unknown>> }).paths;
    const bodies: Record<string, unknown> = {
      'POST /v1/onboardings': onboardingRequest('auth-intruder', [stack.info.phoneNumbers[1]!.phoneNumber]),
      'POST /v1/adoptions': {
        ...onboardingRequest('auth-intruder', [stack.info.phoneNumbers[1]!.phoneNumber]),
        customerProfileSid: `BU${'0'.repeat(32)}`,
      },
      'PATCH /v1/onboardings/{id}': { email: 'intruder@acmedental.com' },
      'POST /v1/onboardings/{id}/products': { cnam: { displayName: 'Acme Dental' } },
      'POST /v1/onboardings/{id}/calls': {
        callSid: `CA${'0'.repeat(32)}`,
        from: stack.info.phoneNumbers[0]!.phoneNumber,
        stirStatus: 'C',
      },
      // What the Web UI sends: a decode that got through would answer 200 with the plain payloads.
      'POST /v1/codec/decode': { payloads: [{ metadata: { encoding: 'YmluYXJ5L2VuY3J5cHRlZA==' } }] },
      'POST /v1/codec/encode': { payloads: [{ metadata: {}, data: 'e30=' }] },
    };
    return Object.entries(paths).flatMap(([template, operations]) =>
      Object.keys(operations).map((method) => {
        const key = `${method.toUpperCase()} ${template}`;
        return {
          key: key.replace(/\{(\w+)\}/g, ':$1'),
          token: rightToken(template),
          method: method.toUpperCase(),
          path: template.replace('{id}', existing).replace(/\{\w+\}/g, 'x'),
          body: bodies[key],
        };
      }),
    );
  }

  async function temporalCount(): Promise<number> {
    return (await stack.env.client.workflow.count()).count;
  }

  test('the routes that answer without a token are exactly the public ones', async () => {
    const all = await routes();
    assert.ok(all.length >= 8, `the OpenAPI document lists the API's routes (${all.length})`);
    const open: string[] = [];
    for (const route of all) {
      const response = await send(stack.apiUrl, route.method, route.path, { body: route.body });
      if (response.status !== 401) open.push(route.key);
    }
    assert.deepEqual(open.sort(), [...PUBLIC_ROUTES].sort());
  });

  test('no spelling of a protected route reads, changes or cancels anything without the right token', async () => {
    const protectedRoutes = (await routes()).filter((r) => !PUBLIC_ROUTES.has(r.key));
    const before = await temporalCount();
    const reached: string[] = [];
    let tried = 0;
    for (const route of protectedRoutes) {
      for (const spelling of spellings(route.path)) {
        // No token, wrong ones, and the other scopes' right ones.
        const others = [TOKEN, OLD_TOKEN, ADOPT_TOKEN, CODEC_TOKEN, METRICS_TOKEN].filter(
          (t) => t !== route.token && !(route.token === TOKEN && t === OLD_TOKEN),
        );
        for (const token of [undefined, 'wrong-token-0123456789abcdef', `${route.token}x`, ...others]) {
          tried += 1;
          const response = await send(stack.apiUrl, route.method, spelling.path, { token, body: route.body });
          // 401 is the guard; the router's own 404 ("No route …") means no route matched. Anything
          // else, the handlers' 404 ("No onboarding …") included, means a request got past the guard.
          const routerMiss = response.status === 404 && response.body.includes('"No route ');
          if (response.status !== 401 && !routerMiss) {
            reached.push(
              `${route.key} as ${spelling.name} (${spelling.path}), token ${token ?? 'none'}: ${response.status} ${response.body.slice(0, 120)}`,
            );
          }
        }
      }
    }
    assert.ok(tried > 100, `tried ${tried} requests`);
    assert.deepEqual(reached, []);

    // And nothing happened in Temporal: the onboarding still runs, uncancelled, and nothing was started.
    const description = await stack.env.client.workflow.getHandle(existing).describe();
    assert.equal(description.status.name, 'RUNNING');
    const view = await stack.view(existing);
    assert.equal(view.status, 'running');
    assert.equal(view.step, 'waiting-for-customer-profile-vetting');
    assert.equal(await temporalCount(), before);
    await assert.rejects(stack.env.client.workflow.getHandle(onboardingIdFor('auth-intruder')).describe());
  });

  test('both tokens of a rotation work, on any spelling the router accepts', async () => {
    for (const token of [TOKEN, OLD_TOKEN]) {
      const canonical = await send(stack.apiUrl, 'GET', `/v1/onboardings/${existing}`, { token });
      assert.equal(canonical.status, 200, canonical.body);
      assert.equal((JSON.parse(canonical.body) as { id: string }).id, existing);
      const encoded = await send(stack.apiUrl, 'GET', `/v1/%6Fnboardings/${existing}`, { token });
      assert.equal(encoded.status, 200, encoded.body);
    }
  });
});
