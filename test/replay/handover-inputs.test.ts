/**
 * The contract between builds under Worker Versioning (docs/deployment.md, "New workflow code"): a
 * run pinned to an older build moves to the current one by continuing as new, so the current code must
 * take over the input an older build handed over. Replay (./replay.test.ts) checks that a build can
 * run the histories it recorded; it never sees a run *start* from another build's hand-over. Here every
 * recorded history that ends in a continue-as-new gives its hand-over input, and the current code
 * starts a run from it: the run's first workflow task must complete and answer with the customer's
 * record as it was handed over.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, parsePayloadKeys, payloadFromJson } from '../../src/temporal/codec.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import type { OnboardingInput } from '../../src/workflows/onboarding/carried.js';
import { recordedHistories, sealedFor } from '../support/histories.js';
import { useStack } from '../support/stack.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';

/** Each recorded hand-over: the fixture, the workflow it is sealed for, and its input, decrypted. */
async function handovers(): Promise<{ name: string; workflowId: string; input: OnboardingInput }[]> {
  const codec = new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_ENCRYPTION_KEYS));
  const found = [];
  for (const { workflowId: name, history } of await recordedHistories()) {
    const continued = history.events?.find(
      (e) => e.workflowExecutionContinuedAsNewEventAttributes,
    )?.workflowExecutionContinuedAsNewEventAttributes;
    const payload = continued?.input?.payloads?.[0];
    if (!payload) continue;
    const workflowId = sealedFor(history)!;
    const [decoded] = await codec.decode(
      [payloadFromJson(payload as Parameters<typeof payloadFromJson>[0])],
      {
        type: 'workflow',
        namespace: 'default',
        workflowId,
      },
    );
    found.push({ name, workflowId, input: defaultPayloadConverter.fromPayload<OnboardingInput>(decoded!) });
  }
  return found;
}

describe(
  'a hand-over recorded by an older build starts a run of the current code',
  { timeout: 120_000 },
  () => {
    const stack = useStack({ temporal: 'time-skipping' });

    test('every recorded continue-as-new input is taken over, with its record', async () => {
      const inputs = await handovers();
      assert.ok(
        inputs.length >= 2,
        `expected the recorded hand-overs, found ${inputs.map((i) => i.name).join(', ')}`,
      );
      for (const { name, workflowId, input } of inputs) {
        const handle = await stack.env.client.workflow.start(WORKFLOW_TYPE, {
          taskQueue: stack.taskQueue,
          workflowId,
          args: [input],
        });
        try {
          // waitFor fails at once if the server refused one of the run's workflow-task completions.
          const view = await stack.waitFor(workflowId, () => true);
          const carried = input.carried!;
          assert.equal(view.id, input.onboardingId, name);
          assert.equal(view.status, carried.view.status, name);
          assert.deepEqual(view.resources, carried.view.resources, name);
          assert.deepEqual(
            view.phoneNumbers.map((n) => n.phoneNumber).sort(),
            [...carried.request.phoneNumbers].sort(),
            name,
          );
        } finally {
          await handle.terminate('test over');
        }
      }
    });
  },
);
