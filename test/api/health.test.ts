import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { useStack } from '../support/stack.js';

describe('health endpoints with Temporal running', () => {
  const stack = useStack({ temporal: 'dev', sandbox: false });
  let app: FastifyInstance;
  before(() => {
    app = stack.api;
  });

  test('GET /healthz answers 200', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  test('GET /readyz answers 200 when Temporal is reachable', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json<{ temporal: string }>().temporal, 'reachable');
  });

  test('the OpenAPI document is served at /docs/json', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(response.statusCode, 200);
    assert.ok(response.json<{ paths: Record<string, unknown> }>().paths['/readyz']);
  });

  test('an unknown route gets the API error shape', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope' });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'not_found');
  });
});

describe('health endpoints with Temporal down', () => {
  // Nothing listens on Temporal's port: its connection fails on first use, as when Temporal is down.
  const stack = useStack({ temporal: 'unreachable', sandbox: false });
  let app: FastifyInstance;
  before(() => {
    app = stack.api;
  });

  test('GET /healthz still answers 200: the process is up', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });

  test('GET /readyz answers 503 naming Temporal', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'not-ready', temporal: 'unreachable' });
  });
});
