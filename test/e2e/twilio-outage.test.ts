/**
 * A Twilio outage as the ISV and the operators see it, on the real stack (dev server, worker, API,
 * sandbox): while the sandbox answers every Trust Hub request with a 500, the onboarding's view says
 * `twilio-unavailable` with since when, how many attempts, the last error and the next try, its status
 * still `running`; the ISV's endpoint gets `onboarding.twilio-failing`; the API's gauge of failing
 * onboardings counts it. Once the sandbox answers again, all of it clears and the onboarding completes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TWILIO_FAILING_AFTER_ATTEMPTS } from '../../src/contract/messages.js';
import type { OnboardingView } from '../../src/contract/types.js';
import { EVENTS_SECRET, startReceiver } from '../support/events-receiver.js';
import { cli } from '../support/cli.js';
import { recordHistory } from '../support/histories.js';
import { parsePrometheus, total } from '../support/prometheus.js';
import { onboardingRequest } from '../support/customers.js';
import { eventually } from '../support/sandbox.js';
import { useStack } from '../support/stack.js';

describe('a Twilio outage', { timeout: 300_000 }, () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver();
  });
  const stack = useStack(() => ({ temporal: 'dev', events: { url: receiver.url, secret: EVENTS_SECRET } }));
  after(async () => {
    await receiver?.close();
  });

  /** GET /v1/onboardings/:id through the API, as the ISV reads it. */
  const read = async (id: string) => {
    const response = await fetch(`${stack.apiUrl}/v1/onboardings/${id}`);
    return response.ok ? ((await response.json()) as OnboardingView) : undefined;
  };
  const until = <T>(probe: () => Promise<T | undefined>, what: string) =>
    eventually(probe, 120_000).catch((error: Error) => {
      error.message += `: ${what}`;
      throw error;
    });
  const failingGauge = async () => {
    const response = await fetch(`${stack.apiUrl}/metrics`);
    return total(parsePrometheus(await response.text()), 'onboardings_twilio_failing');
  };
  const eventTypes = (customerId: string) =>
    receiver.deliveries.filter((d) => d.event.data.customerId === customerId).map((d) => d.event.type);

  test('is shown in the view, announced, counted, and cleared when Twilio answers again', async () => {
    const customerId = 'outage';
    const id = `onboarding-${customerId}`;
    // Twilio answers every request with a 500 (the sandbox's admin routes are never faulted).
    await stack.admin('PUT', '/__sandbox/faults', { rules: [{ kind: '500', rate: 1 }] });
    const started = await fetch(`${stack.apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(onboardingRequest(customerId, [stack.info.phoneNumbers[0]!.phoneNumber])),
    });
    assert.equal(started.status, 202, await started.text());

    const failing = await until(async () => {
      const view = await read(id);
      const outage = view?.problem?.outage;
      return outage && outage.attempts >= TWILIO_FAILING_AFTER_ATTEMPTS && outage.nextAttemptAt
        ? view
        : undefined;
    }, 'the view shows the outage with its next try');
    const { problem } = failing;
    assert.equal(failing.status, 'running', 'nothing for the ISV to fix');
    assert.equal(problem?.kind, 'twilio-unavailable');
    const outage = problem.outage!;
    assert.ok(Date.parse(outage.since) <= Date.now(), outage.since);
    assert.ok(Date.parse(outage.nextAttemptAt!) > Date.parse(outage.since), outage.nextAttemptAt!);
    assert.equal(outage.operation, 'createBundle');
    assert.deepEqual(
      { type: outage.lastError.type, status: outage.lastError.status },
      { type: 'TwilioUnavailable', status: 500 },
    );
    assert.match(problem.remedy ?? '', /^Nothing to send: .*the service retries/);
    assert.equal(problem.fix, null, 'no call of the ISV fixes it');
    assert.ok(failing.timeline.some((e) => e.event === 'Twilio failing'));
    // The CLI and the Web UI's current details say it too.
    const status = await cli(['status', '--status', 'running'], { API_URL: stack.apiUrl });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /problem: twilio-unavailable: /);
    assert.match(status.stdout, /createBundle failing since \S+, \d+ attempt\(s\), last: .*500/);
    assert.match(status.stdout, /remedy: Nothing to send: /);
    const { currentDetails } = await stack.env.client.workflow
      .getHandle(id)
      .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(currentDetails ?? '', /twilio-unavailable/);
    assert.match(currentDetails ?? '', /Nothing to send/);

    await until(
      async () => (eventTypes(customerId).includes('onboarding.twilio-failing') ? true : undefined),
      'the ISV hears onboarding.twilio-failing',
    );
    const announced = receiver.deliveries.find((d) => d.event.type === 'onboarding.twilio-failing')!;
    assert.ok(announced.verified, 'signed');
    assert.equal(announced.event.data.problem?.outage?.since, outage.since);
    await until(async () => ((await failingGauge()) >= 1 ? true : undefined), 'the gauge counts it');
    // The operators' list: the run says it in brief too (OnboardingProblem).
    await until(async () => {
      const response = await fetch(`${stack.apiUrl}/v1/onboardings?status=running`);
      const { onboardings } = (await response.json()) as {
        onboardings: { customerId: string; problem: string | null }[];
      };
      const row = onboardings.find((o) => o.customerId === customerId);
      return row?.problem === 'twilio-unavailable' ? true : undefined;
    }, 'the list shows the problem in brief');

    // Twilio answers again: the next attempt goes through and the run carries on by itself.
    await stack.admin('DELETE', '/__sandbox/faults');
    const recovered = await until(async () => {
      const view = await read(id);
      return view && view.problem === null && view.step !== 'creating-customer-profile' ? view : undefined;
    }, 'the problem clears');
    assert.ok(recovered.timeline.some((e) => e.event === 'Twilio answers again'));
    await until(
      async () => (eventTypes(customerId).includes('onboarding.twilio-recovered') ? true : undefined),
      'the ISV hears onboarding.twilio-recovered',
    );
    await until(async () => ((await failingGauge()) === 0 ? true : undefined), 'the gauge drops back');

    await stack.approveBoth(id);
    await stack.waitFor(id, (v) => v.status === 'completed', 60_000);
    await recordHistory(stack.env.client, '1.0-twilio-outage', id);
  });

  test('a run cancelled during the outage ends without it: no stale problem, not counted', async () => {
    const customerId = 'outage-cancelled';
    const id = `onboarding-${customerId}`;
    // Writes only: the first case's customer, served meanwhile, may re-read a bundle (a late callback),
    // and must not be counted as failing while this case waits for the gauge to drop back.
    await stack.admin('PUT', '/__sandbox/faults', { rules: [{ kind: '500', rate: 1, method: 'POST' }] });
    try {
      const started = await fetch(`${stack.apiUrl}/v1/onboardings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(onboardingRequest(customerId, [stack.info.phoneNumbers[1]!.phoneNumber])),
      });
      assert.equal(started.status, 202, await started.text());
      await until(
        async () => ((await read(id))?.problem?.kind === 'twilio-unavailable' ? true : undefined),
        'the view shows the outage',
      );
      const cancelled = await fetch(`${stack.apiUrl}/v1/onboardings/${id}`, { method: 'DELETE' });
      assert.equal(cancelled.status, 202);
      const view = await until(async () => {
        const seen = await read(id);
        return seen?.status === 'cancelled' ? seen : undefined;
      }, 'the run is cancelled');
      assert.equal(view.problem, null);
      await until(async () => ((await failingGauge()) === 0 ? true : undefined), 'the gauge drops back');
      await until(
        async () => (eventTypes(customerId).includes('onboarding.cancelled') ? true : undefined),
        'the ISV hears onboarding.cancelled',
      );
      assert.ok(!eventTypes(customerId).includes('onboarding.twilio-recovered'), 'Twilio never answered');
    } finally {
      await stack.admin('DELETE', '/__sandbox/faults');
    }
  });
});
