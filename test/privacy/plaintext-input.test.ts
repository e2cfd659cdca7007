/**
 * Anyone who reaches Temporal's port can start a workflow, and without the codec its input is plain
 * JSON that no API check has seen (finding 9). The worker refuses every payload it did not encrypt
 * (src/temporal/codec.ts), so such a run fails its first workflow task, with the codec's error, and
 * never schedules the onboarding's first activity: nothing is created at Twilio.
 *
 * The intruder is a plain `Client` without the codec, on the dev server that the test stack's worker
 * (with the service's converter) polls; the sandbox stands in for Twilio. A start through the API on
 * the same stack is the control: it does reach Twilio.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, parsePayloadKeys } from '../../src/temporal/codec.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import { EventType, useIntruderStack } from '../support/intruders.js';
import { onboardingRequest } from '../support/customers.js';
import { eventually } from '../support/sandbox.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';

describe('a run started without the codec', { timeout: 180_000 }, () => {
  const intruder = onboardingIdFor('plaintext-intruder');
  const request = onboardingRequest('plaintext-intruder', ['+14155550100']);
  request.email = 'intruder.plaintext@acmedental.com';

  const { stack, events, ofType, created } = useIntruderStack([intruder]);

  test("fails its workflow task with the codec's error and creates nothing at Twilio", async () => {
    const plain = new Client({ connection: stack.env.connection, namespace: stack.env.namespace });
    await plain.workflow.start(WORKFLOW_TYPE, {
      taskQueue: stack.taskQueue,
      workflowId: intruder,
      args: [{ onboardingId: intruder, request }],
    });

    const failed = await eventually(async () => {
      const found = ofType(await events(intruder), EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      return found.length ? found[0] : undefined;
    }, 30_000);
    // The worker writes its failures encrypted too: the message is in the encoded attributes.
    const failure = failed.workflowTaskFailedEventAttributes!.failure!;
    const codec = new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_ENCRYPTION_KEYS));
    const [attributes] = await codec.decode([failure.encodedAttributes!]);
    const { message } = defaultPayloadConverter.fromPayload<{ message: string }>(attributes!);
    assert.match(message, /A payload arrived unencrypted \(encoding "json\/plain"\)/);
    for (const personal of [request.email, request.business.name, request.business.registrationNumber]) {
      assert.ok(!message.includes(personal), `the error quotes ${personal}`);
    }

    // A few seconds on, it has gone no further: no activity ever scheduled, nothing made at Twilio.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const history = await events(intruder);
    assert.deepEqual(ofType(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), []);
    assert.equal((await stack.env.client.workflow.getHandle(intruder).describe()).status.name, 'RUNNING');
    assert.equal(await created(), 0);
  });

  test('while a start through the API, on the same worker, does reach Twilio', async () => {
    const id = onboardingIdFor('plaintext-control');
    const started = await fetch(`${stack.apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(onboardingRequest('plaintext-control', [stack.info.phoneNumbers[0]!.phoneNumber])),
    });
    assert.ok(started.ok, `${started.status} ${await started.text()}`);
    await eventually(
      async () =>
        ofType(await events(id), EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length > 0 ? true : undefined,
      30_000,
    );
    await eventually(async () => ((await created()) > 0 ? true : undefined), 30_000);
    await stack.env.client.workflow.getHandle(id).terminate('test over');
  });
});
