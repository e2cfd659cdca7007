/**
 * Task priorities as the server records them (PRIORITIES in src/contract/vocabulary.ts): a bulk start
 * (`?priority=bulk`, what the import sends) and a normal one on WorkflowExecutionStarted; the run's own
 * activities left to inherit it; the re-read after a decision callback and a number change's
 * activities at the interactive key, whatever the run's. Read from the histories of a real dev server
 * (the same flags as npm start's), through the real API and worker against the sandbox.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import proto from '@temporalio/proto';
import { PRIORITIES } from '../../src/contract/vocabulary.js';
import type { OnboardingView } from '../../src/contract/types.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';

const { EventType } = proto.temporal.api.enums.v1;
type Event = proto.temporal.api.history.v1.IHistoryEvent;

describe('task priorities (dev server)', { timeout: 300_000 }, () => {
  const stack = useStack({ temporal: 'dev' });

  const call = async <T = OnboardingView>(method: 'POST', url: string, payload: object) => {
    const reply = await stack.api.inject({ method, url, payload });
    return { status: reply.statusCode, body: reply.json<T>() };
  };

  const history = async (id: string): Promise<Event[]> =>
    (await stack.env.client.workflow.getHandle(id).fetchHistory()).events ?? [];

  /** Each ActivityTaskScheduled after the event at `from`: its activity type and priority key (0: inherited). */
  const scheduled = (events: Event[], from = 0) =>
    events
      .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && Number(e.eventId) > from)
      .map((e) => ({
        type: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '',
        key: e.activityTaskScheduledEventAttributes?.priority?.priorityKey ?? 0,
      }));

  const startedKey = (events: Event[]) =>
    events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
      ?.workflowExecutionStartedEventAttributes?.priority?.priorityKey ?? 0;

  test('an imported start queues at bulk; decisions and number changes go ahead at interactive', async () => {
    const [first, second, added] = stack.info.phoneNumbers;
    const bulk = await call<{ id: string }>(
      'POST',
      '/v1/onboardings?priority=bulk',
      onboardingRequest('priority-bulk', [first!.phoneNumber]),
    );
    assert.equal(bulk.status, 202);
    const normal = await call<{ id: string }>(
      'POST',
      '/v1/onboardings',
      onboardingRequest('priority-normal', [second!.phoneNumber]),
    );
    assert.equal(normal.status, 202);
    const id = bulk.body.id;

    assert.equal(startedKey(await history(id)), PRIORITIES.bulk.priorityKey);
    assert.equal(startedKey(await history(normal.body.id)), PRIORITIES.normal.priorityKey);

    // Vetting decided by the sandbox, announced by its status callbacks (signals) and re-read at once
    // (with the tests' week-long poll interval, no read is a poll's).
    await stack.approveBoth(id);
    await stack.waitFor(id, (v) => v.step === 'serving');
    const onboarded = scheduled(await history(id));
    const made = onboarded.filter((a) => a.type === 'createBundle');
    assert.ok(made.length >= 2, 'the bundles were created');
    for (const activity of made) assert.equal(activity.key, 0, 'the run inherits its start priority');
    // The profile's decision, then the trust product's (submitted early, so the profile's approval is
    // followed by a catch-up read of it at the run's own priority: that is the guide's next step).
    const reads = onboarded.filter((a) => a.type === 'fetchBundle').map((a) => a.key);
    assert.deepEqual(reads, [PRIORITIES.interactive.priorityKey, 0, PRIORITIES.interactive.priorityKey]);

    // A number change: every activity it runs at the interactive key.
    const before = Number((await history(id)).at(-1)?.eventId ?? 0);
    const change = await call('POST', `/v1/onboardings/${id}/phone-numbers`, {
      phoneNumbers: [added!.phoneNumber],
    });
    assert.equal(change.status, 200, JSON.stringify(change.body));
    const changed = scheduled(await history(id), before);
    assert.deepEqual([...new Set(changed.map((a) => a.type))].sort(), [
      'assignPhoneNumber',
      'resolvePhoneNumbers',
    ]);
    for (const activity of changed) assert.equal(activity.key, PRIORITIES.interactive.priorityKey);
  });
});
