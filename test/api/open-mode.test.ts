/**
 * With no token configured (loopback development, `npm start`'s default), every scope is open, and
 * the API answers only requests addressed to a loopback host (issue 26, finding 3). DNS rebinding
 * reaches a loopback API from a web page under the attacker's own name: the browser then sends
 * `Host: attacker.example`, which is what gives it away. With tokens the scopes' credentials guard
 * the routes instead, and a proxy may pass its public name.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useStack } from '../support/stack.js';

/** One route of each scope, and the probes: the Host check is the whole app's, not a route's. */
const ROUTES = [
  { method: 'GET', url: '/v1/onboardings' },
  { method: 'GET', url: '/v1/onboardings/onboarding-acme' },
  { method: 'POST', url: '/v1/codec/decode', payload: { payloads: [] } },
  { method: 'GET', url: '/metrics' },
  { method: 'GET', url: '/docs/json' },
  { method: 'GET', url: '/healthz' },
] as const;

const FOREIGN_HOSTS = [
  'attacker.example',
  'attacker.example:3000',
  '127.0.0.1.attacker.example',
  'localhost.attacker.example',
  '[::2]:3000',
  '10.0.0.1',
  '127.0.0.1@attacker.example',
];

const LOOPBACK_HOSTS = ['localhost', 'localhost:3000', '127.0.0.1:3000', '127.1.2.3', '[::1]:3000'];

describe('open mode (no token) answers loopback Host names only', () => {
  const offline = useStack({ temporal: 'offline', sandbox: false });

  const call = (route: (typeof ROUTES)[number], host: string) =>
    offline.api.inject({
      method: route.method,
      url: route.url,
      headers: { host },
      ...('payload' in route ? { payload: route.payload } : {}),
    });

  test('a request naming any other host is refused on every route, and says to set API_TOKEN', async () => {
    for (const route of ROUTES) {
      for (const host of FOREIGN_HOSTS) {
        const response = await call(route, host);
        assert.equal(response.statusCode, 421, `${route.method} ${route.url} Host ${host}: ${response.body}`);
        const { error } = response.json<{ error: { code: string; message: string } }>();
        assert.equal(error.code, 'misdirected_request');
        assert.match(error.message, /API_TOKEN/);
      }
    }
    assert.equal(offline.temporalCalls(), 0, 'nothing reached Temporal');
  });

  test('a request naming this machine is served as before', async () => {
    for (const host of LOOPBACK_HOSTS) {
      const list = await call(ROUTES[0], host);
      // No Temporal behind the offline API: past the Host check the route runs and fails there.
      assert.notEqual(list.statusCode, 421, `Host ${host}: ${list.body}`);
      const health = await call(ROUTES[5], host);
      assert.equal(health.statusCode, 200, `Host ${host}: ${health.body}`);
      const codec = await call(ROUTES[2], host);
      assert.equal(codec.statusCode, 200, `Host ${host}: ${codec.body}`);
    }
  });
});

describe('with tokens, the Host is not checked: the tokens guard the routes', () => {
  const offline = useStack({
    temporal: 'offline',
    sandbox: false,
    api: { env: { API_TOKEN: 'open-mode-test-api-token-0123' } },
  });

  test('a proxy may pass its public name', async () => {
    const health = await offline.api.inject({
      method: 'GET',
      url: '/healthz',
      headers: { host: 'onboarding.example.com' },
    });
    assert.equal(health.statusCode, 200, health.body);
    const list = await offline.api.inject({
      method: 'GET',
      url: '/v1/onboardings',
      headers: { host: 'onboarding.example.com' },
    });
    assert.equal(list.statusCode, 401, list.body);
  });
});
