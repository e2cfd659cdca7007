import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { WorkflowNotFoundError, type Connection } from '@temporalio/client';
import { claim, claimClients, releaseClaimOf } from '../../src/activities/temporal-claims.js';
import { DEFAULT_CLAIMS_NAMESPACE, claimIdFor } from '../../src/contract/ids.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ensureTemporalCli, freePort } from '../../scripts/toolchain.js';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes.js';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes.js';
import { devServerEnvironment, testDataConverter, timeSkippingEnvironment } from '../support/temporal.js';
import type { sleepForADay } from '../fixtures/sleepy-workflow.js';

const fixtureWorkflows = fileURLToPath(new URL('../fixtures/sleepy-workflow.ts', import.meta.url));

describe('the time-skipping test server the toolchain provisions', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await timeSkippingEnvironment();
  });
  after(async () => {
    await env?.teardown();
  });

  test('runs a workflow that sleeps for a day without waiting a day', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'sleepy',
      workflowsPath: fixtureWorkflows,
      // The environment's client encrypts and refuses plain payloads, as the service's processes do.
      dataConverter: testDataConverter,
    });
    const serverTimeBefore = await env.currentTimeMs();
    const result = await worker.runUntil(
      env.client.workflow.execute<typeof sleepForADay>('sleepForADay', {
        taskQueue: 'sleepy',
        workflowId: 'sleepy-1',
      }),
    );
    assert.equal(result, 'woke up');
    // The server's clock moved a whole day while the test ran (within its timeout).
    assert.ok((await env.currentTimeMs()) - serverTimeBefore >= 24 * 3600_000);
  });

  test("holds a claim in the claims' namespace, apart from the onboardings'", async () => {
    await claimHeldApart(env);
  });
});

/** A claim made through the worker's client lands in the claims' namespace and nowhere else. */
async function claimHeldApart(env: TestWorkflowEnvironment): Promise<void> {
  const clients = claimClients(env.client, DEFAULT_CLAIMS_NAMESPACE);
  const request = {
    kind: 'customer',
    key: 'server-check',
    customerId: 'server-check',
    taskQueue: 'claims',
  } as const;
  assert.equal(await claim(clients, request), 'claimed');
  assert.equal(await claim(clients, request), 'already-ours');
  const id = claimIdFor('customer', 'server-check');
  assert.equal((await clients.claims.workflow.getHandle(id).describe()).status.name, 'RUNNING');
  await assert.rejects(env.client.workflow.getHandle(id).describe(), WorkflowNotFoundError);
  await releaseClaimOf(clients, 'customer', 'server-check');
}

describe('the dev server the toolchain provisions', () => {
  let env: TestWorkflowEnvironment;
  let uiPort: number;
  before(async () => {
    uiPort = await freePort();
    env = await devServerEnvironment({ ui: true, uiPort });
  });
  after(async () => {
    await env?.teardown();
  });

  test('serves the Temporal Web UI', async () => {
    const response = await fetch(`http://127.0.0.1:${uiPort}/`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<!doctype html>/i);
  });

  test("has the onboarding's search attributes", async () => {
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    for (const key of SEARCH_ATTRIBUTES) assert.ok(customAttributes?.[key.name], `${key.name} is registered`);
  });

  test("has the claims' namespace, with a claim's owner (CustomerId)", async () => {
    const { customAttributes } = await env.connection.operatorService.listSearchAttributes({
      namespace: DEFAULT_CLAIMS_NAMESPACE,
    });
    assert.ok(customAttributes?.CustomerId, 'CustomerId is registered there');
    await claimHeldApart(env);
  });
});

describe('registering search attributes on an existing database', () => {
  let env: TestWorkflowEnvironment;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trusthub-sa-'));
    // First start: a database without the onboarding's attributes, as an older install would have.
    const bare = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: {
          type: 'existing-path',
          path: ensureTemporalCli(),
        },
        dbFilename: join(dir, 'temporal.db'),
        ui: false,
      },
    });
    await bare.teardown();
    env = await devServerEnvironment({ dbFilename: join(dir, 'temporal.db') });
  });
  after(async () => {
    await env?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  test('adds the missing ones, and a second call changes nothing', async () => {
    const connection: Connection = env.connection;
    const before = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const missingBefore = SEARCH_ATTRIBUTES.filter((key) => !before.customAttributes?.[key.name]);

    const added = await registerSearchAttributes(connection, 'default', SEARCH_ATTRIBUTES);
    assert.deepEqual(added.sort(), missingBefore.map((key) => key.name).sort());
    const after = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const key of SEARCH_ATTRIBUTES)
      assert.ok(after.customAttributes?.[key.name], `${key.name} is registered`);
    assert.deepEqual(await registerSearchAttributes(connection, 'default', SEARCH_ATTRIBUTES), []);
  });
});
