/**
 * `npm start` as a user runs it, with its worker SIGKILLed once it is up: compose, which the command
 * stands for, restarts a worker that dies (`restart: unless-stopped`) and keeps serving, so `npm start`
 * must too (scripts/start-supervisor.ts). Before, the worker's exit stopped the whole stack ("worker
 * exited (SIGKILL); stopping everything"), API and Temporal included.
 *
 * The worker is found among this test's own `npm start`'s children (test/support/npm-start.ts reads
 * their parent PID from /proc), so nothing another test on the machine runs is touched.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { OnboardingView } from '../../src/contract/types.js';
import { startService, type RunningService } from '../support/npm-start.js';
import { onboardingRequest } from '../support/customers.js';

describe('npm start keeps serving when its worker dies', { timeout: 300_000 }, () => {
  let service: RunningService;

  before(async () => {
    // The sandbox's review delays shortened, so an onboarding completes in seconds.
    service = await startService({
      SANDBOX_PROFILE_REVIEW_DELAY: '1s',
      SANDBOX_TRUST_PRODUCT_REVIEW_DELAY: '1s',
    });
  });

  after(async () => {
    await service?.stop();
  });

  /** Polls `probe` until it holds; gives up with what npm start printed. */
  async function until(what: string, probe: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await Promise.resolve(probe()).catch(() => false)) return;
      if (Date.now() > deadline || !service.running())
        assert.fail(
          `${service.running() ? 'gave up waiting for' : 'npm start stopped before'} ${what}; it said:\n${service.output().slice(-3_000)}`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  test('a SIGKILLed worker is restarted while the API answers, and a new onboarding completes', async () => {
    const killed = service.pids().worker;
    assert.ok(killed, `npm start's worker process:\n${service.output().slice(-2_000)}`);
    process.kill(killed, 'SIGKILL');

    // The exit and the next try are printed, naming the worker and the signal.
    await until('the worker exit to be reported', () => /worker exited \(SIGKILL\)/.test(service.output()));
    assert.match(service.output(), /worker exited \(SIGKILL\) after [^\n]* up; restarting it in 1 s/);
    assert.ok(service.running(), 'npm start is still running');

    // The API serves, and reaches Temporal, while the worker is away.
    const ready = await fetch(`${service.apiUrl}/readyz`);
    assert.equal(ready.status, 200, await ready.text());

    // A new worker process comes up, and its metrics endpoint answers.
    await until('a new worker process', () => {
      const now = service.pids().worker;
      return now !== undefined && now !== killed;
    });
    const metricsUrl = `http://127.0.0.1:${service.ports.workerMetrics}/metrics`;
    await until("the new worker's metrics endpoint", async () => (await fetch(metricsUrl)).ok);
    assert.match(service.output(), /worker restarted \(pid \d+\)/);

    // An onboarding started after the kill completes against the sandbox: the new worker runs it.
    const info = (await (await fetch(`${service.sandboxUrl}/__sandbox/info`)).json()) as {
      phoneNumbers: { phoneNumber: string }[];
    };
    const started = await fetch(`${service.apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(onboardingRequest('after-worker-kill', [info.phoneNumbers[0]!.phoneNumber])),
    });
    const body = (await started.json()) as { id: string };
    assert.equal(started.status, 202, JSON.stringify(body));
    const { id } = body;
    let view: OnboardingView | undefined;
    await until(
      `${id} to complete`,
      async () => {
        const answer = await fetch(`${service.apiUrl}/v1/onboardings/${id}`);
        view = (await answer.json()) as OnboardingView;
        return view.status === 'completed';
      },
      120_000,
    );
    assert.equal(view?.trustProduct?.status, 'twilio-approved');
    assert.ok(service.running(), 'npm start is still running');
  });
});
