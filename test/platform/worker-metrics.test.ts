/**
 * The worker process's Prometheus endpoint (src/worker.ts, WORKER_METRICS_PORT), scraped while it runs
 * against the dev server and the sandbox: Temporal's own worker metrics from the SDK's core, and this
 * service's Trust Hub counters (src/trusthub/metrics.ts) beside them, moved by real requests — the
 * start-up check while Twilio answers 429, then a whole onboarding through to approval.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { shakenStirOnboarding } from '../../src/workflows/index.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import { freePort } from '../../scripts/toolchain.js';
import { parsePrometheus, total, type Series } from '../support/prometheus.js';
import { onboardingRequest } from '../support/customers.js';
import { eventually, type SandboxHarness, startSandbox } from '../support/sandbox.js';
import { devServerEnvironment } from '../support/temporal.js';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.js';

describe('the worker metrics endpoint', { timeout: 300_000 }, () => {
  let env: TestWorkflowEnvironment;
  let sandbox: SandboxHarness;
  let metricsPort: number;
  let taskQueue: string;
  let worker: WorkerProcess | undefined;

  before(async () => {
    env = await devServerEnvironment();
    sandbox = await startSandbox();
    metricsPort = await freePort();
    taskQueue = `worker-metrics-${metricsPort}`;
  });
  after(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await sandbox?.close();
    await env?.teardown();
  });

  function startWorker(): void {
    worker = spawnWorker(env, sandbox, {
      TEMPORAL_TASK_QUEUE: taskQueue,
      // Nothing listens there: the callbacks are lost, and the vetting wait's poll finds the decision.
      PUBLIC_BASE_URL: 'http://127.0.0.1:9',
      VETTING_POLL_INTERVAL: '1s',
      WORKER_METRICS_HOST: '127.0.0.1',
      WORKER_METRICS_PORT: String(metricsPort),
    });
  }

  async function scrape(): Promise<Series[] | undefined> {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).catch(() => undefined);
    if (!response?.ok) return undefined;
    return parsePrometheus(await response.text());
  }

  /** Scrapes (a few times a second) until `check` holds for the series, and returns them. */
  async function until(check: (series: Series[]) => boolean, timeoutMs = 60_000): Promise<Series[]> {
    let last: Series[] | undefined;
    try {
      return await eventually(async () => {
        assert.equal(worker?.child.exitCode, null, `the worker exited:\n${worker?.output()}`);
        last = await scrape();
        if (last && check(last)) return last;
        await new Promise((resolve) => setTimeout(resolve, 250));
        return undefined;
      }, timeoutMs);
    } catch (error) {
      const ours = last?.filter((s) => s.name.startsWith('trusthub_'));
      (error as Error).message +=
        `\nlast scrape: ${JSON.stringify(ours)}\nworker output:\n${worker?.output()}`;
      throw error;
    }
  }

  const PROFILE_READ = 'GET /v1/CustomerProfiles/{Sid}';

  test("serves Temporal's worker metrics and counts the start-up check's requests, 429s included", async () => {
    // Every read of the primary profile refused with 429 until the worker has been seen retrying.
    await sandbox.admin('PUT', '/__sandbox/faults', {
      rules: [{ kind: '429', rate: 1, method: 'GET', path: '/v1/CustomerProfiles/' }],
    });
    startWorker();
    const limited = await until((s) => total(s, 'trusthub_rate_limited', { operation: PROFILE_READ }) > 0);
    assert.ok(
      total(limited, 'trusthub_requests', { operation: PROFILE_READ, outcome: 'TwilioUnavailable' }) > 0,
    );
    await sandbox.admin('DELETE', '/__sandbox/faults');

    const series = await until(
      (s) =>
        total(s, 'trusthub_requests', { operation: PROFILE_READ, outcome: 'success' }) > 0 &&
        s.some((x) => x.name === 'temporal_worker_task_slots_available'),
    );
    // The SDK's core metrics, under their documented names, for this worker's task queue.
    const slots = series.filter(
      (s) => s.name === 'temporal_worker_task_slots_available' && s.labels.task_queue === taskQueue,
    );
    assert.ok(slots.length > 0, 'task slot gauges for the worker’s task queue');
    assert.ok(series.some((s) => s.name === 'temporal_request' || s.name === 'temporal_long_request'));
    // Identifiers never reach a label: the primary profile's SID is templated away.
    assert.ok(!JSON.stringify(series).includes(sandbox.info.primaryCustomerProfileSid));
  });

  test('counts the requests, evaluations and vetting decisions of an onboarding', async () => {
    const customerId = 'worker-metrics-acme';
    const id = onboardingIdFor(customerId);
    const handle = await env.client.workflow.start<typeof shakenStirOnboarding>(WORKFLOW_TYPE, {
      taskQueue,
      workflowId: id,
      args: [
        {
          onboardingId: id,
          request: onboardingRequest(customerId, [sandbox.info.phoneNumbers[0]!.phoneNumber]),
        },
      ],
    });
    const done = (s: Series[]) =>
      total(s, 'trusthub_vetting_outcomes', {
        kind: 'trust-product',
        product: 'shaken-stir',
        status: 'twilio-approved',
      }) > 0;
    const series = await until(done, 120_000);
    await handle.terminate('test over').catch(() => undefined);

    const profile = { kind: 'customer-profile', product: 'customer-profile' };
    assert.ok(total(series, 'trusthub_vetting_outcomes', { ...profile, status: 'twilio-approved' }) > 0);
    assert.ok(total(series, 'trusthub_evaluations', { ...profile, status: 'compliant' }) > 0);
    assert.ok(
      total(series, 'trusthub_requests', { operation: 'POST /v1/CustomerProfiles', outcome: 'success' }) > 0,
    );
    assert.ok(
      total(series, 'trusthub_requests', {
        operation: 'GET /2010-04-01/Accounts/{Sid}/IncomingPhoneNumbers.json',
        outcome: 'success',
      }) > 0,
      'the number lookup, whose filter carries the phone number, is counted without it',
    );
    const text = JSON.stringify(series);
    assert.ok(!text.includes(customerId) && !text.includes(sandbox.info.phoneNumbers[0]!.phoneNumber));
    // Activity tasks ran on this worker and Temporal timed them.
    assert.ok(
      series.some((s) => s.name.startsWith('temporal_activity_schedule_to_start_latency') && s.value > 0),
    );
  });
});
