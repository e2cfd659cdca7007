/**
 * The API on a dev server (a stack without sandbox or worker, stack.ts), with runs of onboarding IDs
 * that only collect signals: they are started on a task queue no worker polls, so their histories show
 * exactly the signals the API sent, and nothing else. For the tests of what Twilio's callbacks (and
 * the ISV's relay) forward.
 */
import { after } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { EncryptionCodec, parsePayloadKeys } from '../../src/temporal/codec.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import { useStack } from './stack.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from './temporal.js';

export interface SignalRuns {
  app: FastifyInstance;
  env: TestWorkflowEnvironment;
  /** Starts a run of `id` that only collects signals; terminated after the suite. */
  start(id: string): Promise<void>;
  /** The inputs of the run's signals named `signalName`, decoded, in order. */
  signals(id: string, signalName: string): Promise<unknown[]>;
}

/** Made before the suite's tests, closed after; `env` goes on top of the API's configuration. */
export function useSignalRuns(env: Record<string, string>, taskQueue: string): SignalRuns {
  const started: string[] = [];
  const codec = new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_ENCRYPTION_KEYS));
  // Registered first, so it runs before the stack closes.
  after(async () => {
    for (const id of started) {
      await stack.env.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    }
  });
  const stack = useStack({ temporal: 'dev', sandbox: false, api: { env } });

  return {
    get app() {
      return stack.api;
    },
    get env() {
      return stack.env;
    },
    async start(id) {
      await stack.env.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: id,
        args: [{ onboardingId: id }],
      });
      started.push(id);
    },
    async signals(id, signalName) {
      const history = await stack.env.client.workflow.getHandle(id).fetchHistory();
      const inputs: unknown[] = [];
      for (const event of history.events ?? []) {
        const signaled = event.workflowExecutionSignaledEventAttributes;
        if (signaled?.signalName !== signalName) continue;
        const [payload] = await codec.decode(signaled.input?.payloads ?? []);
        inputs.push(defaultPayloadConverter.fromPayload(payload!));
      }
      return inputs;
    },
  };
}
