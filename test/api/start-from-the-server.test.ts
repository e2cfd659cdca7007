/**
 * `POST /v1/onboardings` answers from the Temporal server alone (src/api/start-answer.ts): with no
 * worker running at all, a new customer is `202 created` and the same body again (in another key
 * order) is `200`, the same record. The run has not had one workflow task: nothing ran it. The body as
 * corrected so far is the same request too, answered the same way: no update reaches the run for it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import proto from '@temporalio/proto';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';
import { recordHistory } from '../support/histories.js';

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

describe('a start with the body as corrected so far', { timeout: 300_000 }, () => {
  const stack = useStack({ temporal: 'dev' });

  const call = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
    const reply = await stack.api.inject({ method, url, payload });
    return { status: reply.statusCode, body: reply.json<Record<string, unknown>>(), text: reply.body };
  };
  const updatesAccepted = async (id: string) => {
    const history = await stack.env.client.workflow.getHandle(id).fetchHistory();
    return (history.events ?? []).filter(
      (event) =>
        event.eventType ===
        proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
    ).length;
  };

  test('is 200, the same record, answered without asking the run; the first body too', async () => {
    const body = onboardingRequest('corrected-start', [stack.info.phoneNumbers[0]!.phoneNumber]);
    // Off the website's domain: caught before submitting (18606), so the run waits for a correction.
    const representative = { ...body.authorizedRepresentatives[0]!, email: 'dana.reyes@gmail.com' };
    const request = { ...body, authorizedRepresentatives: [representative] };
    const id = onboardingIdFor('corrected-start');
    assert.equal((await call('POST', '/v1/onboardings', request)).status, 202);
    await stack.waitFor(id, (view) => view.status === 'action-required');

    const fix = { authorizedRepresentatives: [{ ...representative, email: 'dana.reyes@acmedental.com' }] };
    const fixed = await call('PATCH', `/v1/onboardings/${id}`, fix);
    assert.equal(fixed.status, 200, fixed.text);
    const corrected = { ...request, ...fix };
    const accepted = await updatesAccepted(id);

    const again = await call(
      'POST',
      '/v1/onboardings',
      Object.fromEntries(Object.entries(corrected).reverse()),
    );
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([again.body.id, again.body.created, again.body.status], [id, false, fixed.body.status]);
    const first = await call('POST', '/v1/onboardings', request);
    assert.equal(first.status, 200, first.text);
    assert.equal(
      await updatesAccepted(id),
      accepted,
      'both answered by the server: no update reached the run',
    );

    // Anything else is still the run's to compare: a 409 naming the field.
    const other = await call('POST', '/v1/onboardings', { ...corrected, email: 'someone@acmedental.com' });
    assert.equal(other.status, 409, other.text);
    assert.deepEqual(
      (other.body.error as { fields: { field: string }[] }).fields.map((f) => f.field),
      ['email'],
    );
    await recordHistory(stack.env.client, '1.1-corrected-start-memo', id);
  });
});
