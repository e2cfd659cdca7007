/**
 * Ciphertext is sealed for the workflow it belongs to (src/temporal/codec.ts; issue 26, finding 4).
 * Whoever reaches Temporal's port, and holds ciphertext the service made, could otherwise start or
 * signal a run with it: a start input lifted from one onboarding's history, or a payload minted by the
 * codec endpoint's encode (CODEC_ENCODE=true) with the codec's token. The worker refuses both: the
 * run fails its first workflow task with the codec's error and creates nothing at Twilio.
 *
 * The intruder writes through Temporal's gRPC API directly, with the ciphertext as the raw input, on
 * the dev server the test stack's worker polls; the sandbox stands in for Twilio. The victim's start
 * through the API is the control: its own run reads the same payload.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  EncryptionCodec,
  parsePayloadKeys,
  payloadFromJson,
  payloadToJson,
  type JsonPayload,
} from '../../src/temporal/codec.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import { startStack } from '../support/stack.js';
import { EventType, useIntruderStack } from '../support/intruders.js';
import { onboardingRequest } from '../support/customers.js';
import { eventually } from '../support/sandbox.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';

const CODEC_TOKEN = 'sealed-input-codec-token-0123456789';

describe('ciphertext not sealed for the run it arrives in', { timeout: 180_000 }, () => {
  const victim = onboardingIdFor('sealed-victim');
  const intruders = [onboardingIdFor('sealed-moved'), onboardingIdFor('sealed-minted')];

  const { stack, events, ofType, created } = useIntruderStack([victim, ...intruders]);

  /** Starts `workflowId` through Temporal's gRPC API with `input` as it is: what the port allows. */
  async function startRaw(workflowId: string, input: Payload): Promise<void> {
    await stack.env.client.workflowService.startWorkflowExecution({
      namespace: stack.env.client.options.namespace,
      workflowId,
      workflowType: { name: WORKFLOW_TYPE },
      taskQueue: { name: stack.taskQueue },
      input: { payloads: [input] },
      requestId: randomUUID(),
    });
  }

  /** The message of the run's first failed workflow task (the worker writes it encrypted too). */
  async function taskFailure(workflowId: string): Promise<string> {
    const failed = await eventually(async () => {
      const found = ofType(await events(workflowId), EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      return found.length ? found[0] : undefined;
    }, 30_000);
    const failure = failed.workflowTaskFailedEventAttributes!.failure!;
    const codec = new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_ENCRYPTION_KEYS));
    const [attributes] = await codec.decode([failure.encodedAttributes!]);
    return defaultPayloadConverter.fromPayload<{ message: string }>(attributes!).message;
  }

  test("a start input copied from another onboarding's history is refused by the worker", async () => {
    const started = await fetch(`${stack.apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(onboardingRequest('sealed-victim', [stack.info.phoneNumbers[0]!.phoneNumber])),
    });
    assert.ok(started.ok, `${started.status} ${await started.text()}`);
    // The control: the victim's own run reads its input and reaches Twilio.
    await eventually(
      async () =>
        ofType(await events(victim), EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length > 0
          ? true
          : undefined,
      30_000,
    );
    await stack.env.client.workflow.getHandle(victim).terminate('control done');

    const [startedEvent] = ofType(await events(victim), EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    const input = startedEvent!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const [moved] = intruders;
    await startRaw(moved!, input);

    const message = await taskFailure(moved!);
    assert.match(message, /sealed for another workflow than the one it arrived in/);
    // (The victim's own activities may still be finishing at the sandbox: the run's history says it.)
    await assertWentNowhere(moved!);
  });

  test("a payload minted by the codec's encode (CODEC_ENCODE=true) is refused by the worker", async () => {
    // The codec endpoint never calls Temporal: an offline API with the same keys stands for it.
    const codecApi = await startStack({
      temporal: 'offline',
      sandbox: false,
      api: { env: { CODEC_TOKEN, CODEC_ENCODE: 'true', API_TOKEN: 'x'.repeat(32) } },
    });
    try {
      const [, minted] = intruders;
      const forged = toJsonPayload({
        onboardingId: minted,
        request: onboardingRequest('sealed-minted', [stack.info.phoneNumbers[1]!.phoneNumber]),
      });
      const response = await codecApi.api.inject({
        method: 'POST',
        url: '/v1/codec/encode',
        headers: { authorization: `Bearer ${CODEC_TOKEN}`, 'content-type': 'application/json' },
        payload: { payloads: [forged] },
      });
      assert.equal(response.statusCode, 200, response.body);
      const [ciphertext] = response.json<{ payloads: JsonPayload[] }>().payloads;
      const before = await created();
      await startRaw(minted!, payloadFromJson(ciphertext!));

      const message = await taskFailure(minted!);
      assert.match(message, /sealed for no workflow/);
      await assertWentNowhere(minted!, before);
    } finally {
      await codecApi.close();
    }
  });

  const toJsonPayload = (value: unknown) => payloadToJson(defaultPayloadConverter.toPayload(value));

  /** A few seconds on, the run has gone no further: no activity scheduled, nothing made at Twilio. */
  async function assertWentNowhere(workflowId: string, createdBefore?: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.deepEqual(ofType(await events(workflowId), EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), []);
    assert.equal((await stack.env.client.workflow.getHandle(workflowId).describe()).status.name, 'RUNNING');
    if (createdBefore !== undefined) assert.equal(await created(), createdBefore);
  }
});
