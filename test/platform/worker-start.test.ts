/**
 * The worker process at start (src/worker.ts), against the dev server and the sandbox: it checks the
 * ISV's primary customer profile while it already polls, so a restarted worker takes its runs back
 * at once even while Twilio answers with errors, and a profile that does not exist stops it with the
 * reason.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { RequestArrival } from 'trusthub-sandbox';
import { freePort } from '../../scripts/toolchain.js';
import { eventually, startSandbox, type SandboxHarness } from '../support/sandbox.js';
import { devServerEnvironment } from '../support/temporal.js';
import { spawnWorker } from '../support/worker-process.js';

describe('the worker at start', () => {
  let env: TestWorkflowEnvironment;
  let sandbox: SandboxHarness;
  before(async () => {
    env = await devServerEnvironment();
    sandbox = await startSandbox();
  });
  after(async () => {
    await sandbox?.close();
    await env?.teardown();
  });

  function startWorker(primaryProfileSid: string, healthPort: number) {
    const worker = spawnWorker(env, sandbox, {
      TEMPORAL_TASK_QUEUE: `worker-start-${healthPort}`,
      TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: primaryProfileSid,
      WORKER_HEALTH_HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: String(healthPort),
    });
    const health = async () =>
      (await fetch(`http://127.0.0.1:${healthPort}/healthz`).catch(() => undefined))?.status;
    return { ...worker, health };
  }

  const routesSeen = async () => {
    const { arrivals } = await sandbox.admin<{ arrivals: RequestArrival[] }>('GET', '/__sandbox/requests');
    return new Set(arrivals.map((a) => a.route));
  };

  test('polls while Twilio answers 429, and keeps running once the primary profile checks out', async () => {
    await sandbox.admin('PUT', '/__sandbox/faults', {
      rules: [{ kind: '429', rate: 1, method: 'GET', path: '/v1/CustomerProfiles/' }],
    });
    const worker = startWorker(sandbox.info.primaryCustomerProfileSid, await freePort());
    try {
      // Healthy (polling) although every read of the primary profile is refused.
      await eventually(async () => ((await worker.health()) === 200 ? true : undefined), 60_000);
      await sandbox.admin('DELETE', '/__sandbox/faults');
      assert.ok((await routesSeen()).has('GET /v1/CustomerProfiles/:Sid'));
      // The check retries (1 s, 2 s, 4 s…) and then passes: the worker is still up afterwards.
      await eventually(
        async () =>
          (await routesSeen()).has('GET /v1/CustomerProfiles/:BundleSid/EntityAssignments') || undefined,
        30_000,
      );
      assert.equal(await worker.health(), 200);
      assert.equal(worker.child.exitCode, null, worker.output());
    } finally {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
  });

  test('stops with the reason when the primary profile does not exist', async () => {
    const missing = `BU${'0'.repeat(32)}`;
    const worker = startWorker(missing, await freePort());
    const code = await worker.exited;
    assert.equal(code, 1);
    assert.match(
      worker.output(),
      new RegExp(
        `TWILIO_PRIMARY_CUSTOMER_PROFILE_SID=${missing}: The primary customer profile ${missing} does not exist`,
      ),
    );
  });

  test("stops with the fix when the claims' namespace does not exist", async () => {
    const worker = spawnWorker(env, sandbox, {
      TEMPORAL_TASK_QUEUE: 'worker-start-no-claims',
      TEMPORAL_CLAIMS_NAMESPACE: 'no-such-claims',
    });
    const code = await worker.exited;
    assert.equal(code, 1, worker.output());
    assert.match(worker.output(), /TEMPORAL_CLAIMS_NAMESPACE=no-such-claims: no such namespace on /);
    assert.match(worker.output(), /docs\/deployment\.md#the-claims-namespace/);
  });
});
