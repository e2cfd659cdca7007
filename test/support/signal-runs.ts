/**
 * The API on a dev server, with runs of onboarding IDs that only collect signals: they are started on
 * a task queue no worker polls, so their histories show exactly the signals the API sent, and
 * nothing else. For the tests of what Twilio's callbacks (and the ISV's relay) forward.
 */
import { after, before } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { loadApiConfig } from '../../src/config.js';
import { EncryptionCodec, parsePayloadKeys } from '../../src/temporal/codec.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import { devServerEnvironment, TEST_PAYLOAD_ENCRYPTION_KEYS } from './temporal.js';

export interface SignalRuns {
  app: FastifyInstance;
  env: TestWorkflowEnvironment;
  /** Starts a run of `id` that only collects signals; terminated after the suite. */
  start(id: string): Promise<void>;
  /** The inputs of the run's signals named `signalName`, decoded, in order. */
  signals(id: string, signalName: string): Promise<unknown[]>;
}

/** Made before the suite's tests, closed after; `env` is added to a silent log and the test keys. */
export function useSignalRuns(env: Record<string, string>, taskQueue: string): SignalRuns {
  let temporal: TestWorkflowEnvironment | undefined;
  let app: FastifyInstance | undefined;
  const started: string[] = [];
  const codec = new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_ENCRYPTION_KEYS));

  before(async () => {
    temporal = await devServerEnvironment();
    const config = loadApiConfig({
      LOG_LEVEL: 'silent',
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
      ...env,
    });
    app = await buildApp({ config, temporal: temporal.client });
  });
  after(async () => {
    for (const id of started) {
      await temporal?.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    }
    await app?.close();
    await temporal?.teardown();
  });

  const ready = () => {
    if (!temporal || !app) throw new Error('read before the suite started (outside a hook or test?)');
    return { temporal, app };
  };
  return {
    get app() {
      return ready().app;
    },
    get env() {
      return ready().temporal;
    },
    async start(id) {
      await ready().temporal.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: id,
        args: [{ onboardingId: id }],
      });
      started.push(id);
    },
    async signals(id, signalName) {
      const history = await ready().temporal.client.workflow.getHandle(id).fetchHistory();
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
