/**
 * The worker's health endpoint (src/temporal/worker-health.ts) on a real worker against the dev server:
 * 503 until the worker polls, 200 while it runs, 503 once it has shut down.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { serveWorkerHealth } from '../../src/temporal/worker-health.js';
import { freePort } from '../../scripts/toolchain.js';
import { devServerEnvironment } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
before(async () => {
  env = await devServerEnvironment();
});
after(async () => {
  await env?.teardown();
});

test(
  'GET /healthz follows the worker: 503 before it runs, 200 while it runs, 503 after',
  { timeout: 120_000 },
  async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'health',
      workflowsPath: fileURLToPath(new URL('../fixtures/sleepy-workflow.ts', import.meta.url)),
    });
    const port = await freePort();
    const server = await serveWorkerHealth(worker, { host: '127.0.0.1', port });
    const health = async () => {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      return [response.status, ((await response.json()) as { state: string }).state];
    };
    try {
      assert.deepEqual(await health(), [503, 'INITIALIZED']);
      const running = worker.run();
      let seen = await health();
      for (let tries = 0; seen[0] !== 200 && tries < 100; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        seen = await health();
      }
      assert.deepEqual(seen, [200, 'RUNNING']);
      worker.shutdown();
      await running;
      assert.deepEqual(await health(), [503, 'STOPPED']);
      assert.equal((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status, 404);
    } finally {
      server?.close();
    }
  },
);
