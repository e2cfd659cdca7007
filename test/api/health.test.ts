import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { loadApiConfig } from '../../src/config.js';
import { freePort } from '../../scripts/toolchain.js';
import { devServerEnvironment, TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';

const config = loadApiConfig({ LOG_LEVEL: 'silent', PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS });

describe('health endpoints with Temporal running', () => {
  let env: TestWorkflowEnvironment;
  let app: FastifyInstance;
  before(async () => {
    env = await devServerEnvironment();
    app = await buildApp({ config, temporal: env.client });
  });
  after(async () => {
    await app?.close();
    await env?.teardown();
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
  let app: FastifyInstance;
  let connection: Connection;
  before(async () => {
    // Nothing listens on this port: a lazy connection fails on first use, as when Temporal is down.
    connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    app = await buildApp({ config, temporal: new Client({ connection }) });
  });
  after(async () => {
    await app?.close();
    await connection?.close();
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
