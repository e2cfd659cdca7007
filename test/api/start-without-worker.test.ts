/**
 * `POST /v1/onboardings` answers from the Temporal server alone (src/api/start-answer.ts): with no
 * worker running at all, a new customer is `202 created` and the same body again (in another key
 * order) is `200`, the same record. The run has not had one workflow task: nothing ran it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import proto from '@temporalio/proto';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';

describe('a start with no worker running', { timeout: 120_000 }, () => {
  const stack = useStack({ temporal: 'dev', sandbox: false });

  const post = async (payload: object) => {
    const reply = await stack.api.inject({ method: 'POST', url: '/v1/onboardings', payload });
    return { status: reply.statusCode, body: reply.json<Record<string, unknown>>(), text: reply.body };
  };

  test('is answered 202, and the same body again 200, the same record', async () => {
    const request = onboardingRequest('no-worker-start', ['+14155550197']);
    const id = onboardingIdFor('no-worker-start');
    const first = await post(request);
    assert.equal(first.status, 202, first.text);
    assert.deepEqual(
      { ...first.body, links: undefined },
      { id, status: 'running', step: 'creating-customer-profile', created: true, links: undefined },
    );

    const reordered = Object.fromEntries(Object.entries(request).reverse());
    const again = await post(reordered);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, { ...first.body, created: false });

    // Answered by the server alone: the run is where it was started, its first task still waiting.
    const history = await stack.env.client.workflow.getHandle(id).fetchHistory();
    assert.deepEqual(
      history.events?.map((event) => event.eventType),
      [
        proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      ],
      'no workflow task has run',
    );
  });
});
