/**
 * The continue-as-new wait never waits on a handler that waits on the main loop. A serving run that
 * Temporal has told to continue as new waits for its handlers to finish and for every queued event's
 * delivery to start; a number change accepted during that wait has a handler that waits for the main
 * loop to apply it. Before the fix the two waited on each other for ever.
 *
 * How the window is opened, deterministically:
 * - The dev server suggests continue-as-new from `SUGGEST_AFTER` history events on, and the run starts
 *   past that: it is a serving run as a continued one begins (`carried.serving`, both bundles approved),
 *   with stub activities, since nothing here needs Twilio. The test checks the run's history is long
 *   enough before it acts.
 * - A callback says the trust product was rejected; the stub `fetchBundle` confirms it. The loop records
 *   it, which queues events (trust product rejected, the number's attestation, action required), and,
 *   with no number change queued, goes into the continue-as-new wait: the first event's delivery starts
 *   with the completion of that very workflow task, so the wait cannot end before a later task.
 * - The worker's payload codec holds that completion (it carries the first event, as the child's input)
 *   until the number change has reached the server (its update is admitted). The server gives it to the
 *   workflow in a later task, so the update handler starts while the continue-as-new wait is on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities/index.js';
import type { OnboardingSettings, BundleSnapshot, PhoneNumberRef } from '../../src/contract/types.js';
import { createTwilioClient } from '../../src/trusthub/client.js';
import {
  WORKFLOW_TYPE,
  addPhoneNumbers,
  bundleStatusChanged,
  getOnboarding,
} from '../../src/contract/messages.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import type { CarriedState } from '../../src/workflows/onboarding/carried.js';
import type { shakenStirOnboarding } from '../../src/workflows/index.js';
import { YIELD_TO_QUEUED_WORK } from '../../src/workflows/patches.js';
import { recordHistory } from '../support/histories.js';
import { eventually } from '../support/sandbox.js';
import { diagnose, onboardingRequest, workflowBundle } from '../support/stack.js';
import { devServerEnvironment, testDataConverter } from '../support/temporal.js';

/** The dev server suggests continuing as new once a run's history has this many events. */
const SUGGEST_AFTER = 12;
/** How long the number change may take to be answered; it takes well under a second when it works. */
const ANSWER_WITHIN_MS = 15_000;

const { UpdateWorkflowExecutionLifecycleStage } = proto.temporal.api.enums.v1;

const sid = (prefix: string, digit: string) => `${prefix}${digit.repeat(32)}`;
const PROFILE_SID = sid('BU', 'a');
const TRUST_PRODUCT_SID = sid('BU', 'b');
const approved = (kind: BundleSnapshot['kind'], bundleSid: string): BundleSnapshot => ({
  kind,
  sid: bundleSid,
  status: 'twilio-approved',
  errors: [],
  validUntil: null,
});
const numberRef = (phoneNumber: string, digit: string): PhoneNumberRef => ({
  input: phoneNumber,
  sid: sid('PN', digit),
  phoneNumber,
});

/** A customer being served, as a run continued as new after approval receives it. */
function servingCustomer(customerId: string): { onboardingId: string; carried: CarriedState } {
  const onboardingId = onboardingIdFor(customerId);
  const number = numberRef('+14155550100', '1');
  return {
    onboardingId,
    carried: {
      view: {
        id: onboardingId,
        customerId,
        status: 'completed',
        step: 'serving',
        customerProfile: approved('customer-profile', PROFILE_SID),
        trustProduct: approved('trust-product', TRUST_PRODUCT_SID),
        resources: {
          customerProfileSid: PROFILE_SID,
          trustProductSid: TRUST_PRODUCT_SID,
          representativeSids: [],
        },
        phoneNumbers: [number],
        latestEvaluation: null,
        problem: null,
        corrections: 0,
        compensation: [],
        timeline: [],
      },
      request: onboardingRequest(customerId, [number.phoneNumber]),
      linked: {},
      numbers: { [PROFILE_SID]: [number.sid], [TRUST_PRODUCT_SID]: [number.sid] },
      revision: 1,
      serving: true,
    },
  };
}

/**
 * The serving branch's activities, answering as Twilio would; any other activity fails at once, so an
 * unexpected call shows as a failure rather than as a hang.
 */
function stubActivities(): Record<string, (...args: never[]) => Promise<unknown>> {
  const unexpected = (name: string) => (): Promise<never> => {
    throw ApplicationFailure.nonRetryable(`unexpected activity ${name} in this test`);
  };
  const names = Object.keys(
    createActivities({
      twilio: createTwilioClient({
        accountSid: sid('AC', '0'),
        authToken: 'unused',
        baseUrl: 'http://127.0.0.1:9',
      }),
    }),
  );
  const stubs = {
    getOnboardingSettings: async (): Promise<OnboardingSettings> => ({
      primaryCustomerProfileSid: sid('BU', 'c'),
      statusCallbackUrl: 'http://127.0.0.1:9/v1/webhooks/twilio',
      vettingPollIntervalMs: 7 * 24 * 3_600_000,
      primaryTrustProductApproved: true,
      eventsEnabled: true,
    }),
    // Twilio withdrew the trust product's approval.
    fetchBundle: async ({
      kind,
      sid: bundleSid,
    }: {
      kind: BundleSnapshot['kind'];
      sid: string;
    }): Promise<BundleSnapshot> =>
      bundleSid === TRUST_PRODUCT_SID
        ? { ...approved(kind, bundleSid), status: 'twilio-rejected', errors: [{ code: 99601 }] }
        : approved(kind, bundleSid),
    resolvePhoneNumbers: async ({ numbers }: { numbers: string[] }) =>
      numbers.map((n, index) => numberRef(n, String(index + 5))),
    assignPhoneNumber: async () => ({ assignmentSid: sid('RA', '9') }),
  };
  return { ...Object.fromEntries(names.map((name) => [name, unexpected(name)])), ...stubs };
}

/**
 * A codec in front of the service's that, once armed, holds the first encoding that carries one of the
 * onboarding's events (what the workflow task that starts the event's delivery sends back) until
 * released: the task stays with the worker meanwhile, so anything sent to the run waits for the next.
 */
class HoldingCodec implements PayloadCodec {
  #match: ((payload: Payload) => boolean) | undefined;
  #reached = resolvable();
  #released = resolvable();

  holdFirstEventOf(onboardingId: string): { reached: Promise<void>; release: () => void } {
    this.#match = (payload) => {
      try {
        const value = JSON.parse(Buffer.from(payload.data ?? []).toString('utf8')) as unknown;
        const event = value as { id?: unknown; type?: unknown };
        return typeof event.type === 'string' && String(event.id).startsWith(`${onboardingId}:`);
      } catch {
        return false;
      }
    };
    return { reached: this.#reached.promise, release: () => this.#released.resolve() };
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (this.#match && payloads.some(this.#match)) {
      this.#match = undefined;
      this.#reached.resolve();
      await this.#released.promise;
    }
    return payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }
}

function resolvable(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

function withinDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

describe('continue-as-new while serving', { timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const codec = new HoldingCodec();
  const taskQueue = `handover-${process.pid}`;
  const started: WorkflowHandle[] = [];

  before(async () => {
    env = await devServerEnvironment({
      extraArgs: ['--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AFTER}`],
    });
    const dataConverter: DataConverter = {
      ...testDataConverter,
      payloadCodecs: [codec, ...(testDataConverter.payloadCodecs ?? [])],
    };
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      dataConverter,
      activities: stubActivities(),
    });
    running = worker.run();
  });
  after(async () => {
    // A run left stuck (without the fix) is ended, so that nothing still waits on it at teardown.
    for (const handle of started) await handle.terminate('test over').catch(() => undefined);
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  /** Resolves once the server holds the update (admitted), even while the run's workflow task is out. */
  async function admitted(handle: WorkflowHandle, updateId: string): Promise<void> {
    await eventually(async () => {
      try {
        await env.client.workflowService.pollWorkflowExecutionUpdate({
          namespace: env.namespace ?? 'default',
          updateRef: { workflowExecution: { workflowId: handle.workflowId }, updateId },
          identity: 'handover-test',
          waitPolicy: {
            lifecycleStage:
              UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
          },
        });
        return true;
      } catch {
        return undefined; // not there yet
      }
    }, 10_000);
  }

  test('a continue-as-new is suggested while a number change is queued', async () => {
    const customerId = 'handover-queued-change';
    const { onboardingId: id, carried } = servingCustomer(customerId);
    const handle = await env.client.workflow.start<typeof shakenStirOnboarding>(WORKFLOW_TYPE, {
      taskQueue,
      workflowId: id,
      args: [{ onboardingId: id, request: carried.request, carried }],
    });
    started.push(handle);
    const firstRun = handle.firstExecutionRunId;
    await eventually(async () => ((await handle.query(getOnboarding)).step === 'serving' ? true : undefined));
    const { historyLength } = await handle.describe();
    assert.ok(
      historyLength >= SUGGEST_AFTER,
      `the run must be past the suggestion (${historyLength} < ${SUGGEST_AFTER} events)`,
    );

    // Twilio calls back; the loop reads the rejection, queues its events and waits to continue as new.
    const hold = codec.holdFirstEventOf(id);
    await handle.signal(bundleStatusChanged, { bundleSid: TRUST_PRODUCT_SID, status: 'twilio-rejected' });
    await withinDeadline(hold.reached, 10_000, 'the rejection queued no event');

    // The number change arrives while that task is held: it reaches the run in a later one.
    const updateId = `${id}:add-number`;
    const accepted = handle.startUpdate(addPhoneNumbers, {
      args: [{ phoneNumbers: ['+14155550199'] }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
      updateId,
    });
    await admitted(handle, updateId);
    hold.release();

    const update = await withinDeadline(accepted, 10_000, 'the number change was not accepted');
    const answer = await withinDeadline(
      update.result(),
      ANSWER_WITHIN_MS,
      `deadlock: the number change was accepted while the run waited to continue as new, and was not answered within ${ANSWER_WITHIN_MS} ms`,
    ).catch(async (error: Error) => {
      error.message += `\n${await diagnose(env, id)}`;
      throw error;
    });
    assert.deepEqual(
      answer.phoneNumbers.map((n) => n.phoneNumber),
      ['+14155550100', '+14155550199'],
    );
    assert.equal(answer.status, 'action-required', 'the rejection is still reported');
    const history = await env.client.workflow.getHandle(id, firstRun).fetchHistory();
    const patches = (history.events ?? []).flatMap((e) =>
      (e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads ?? []).map(
        (p) => (JSON.parse(Buffer.from(p.data ?? []).toString('utf8')) as { id: string }).id,
      ),
    );
    assert.ok(
      patches.includes(YIELD_TO_QUEUED_WORK),
      'the change arrived during the continue-as-new wait, which gave way to it',
    );

    // The loop served the change, then continued as new at its next turn, with the change carried.
    const latest = await eventually(async () => {
      const description = await env.client.workflow.getHandle(id).describe();
      return description.runId !== firstRun ? description : undefined;
    }, 10_000);
    assert.ok(latest.runId);
    const handedOver = await env.client.workflow.getHandle(id, firstRun).query(getOnboarding);
    const timeline = handedOver.timeline.map((e) => e.event);
    const added = timeline.findIndex((e) => e.startsWith('phone numbers added'));
    assert.ok(added >= 0, timeline.join('\n'));
    assert.ok(timeline.indexOf('continued as new', added) > added, timeline.join('\n'));
    const next = await eventually(async () => {
      const view = await env.client.workflow.getHandle(id).query(getOnboarding);
      return view.step === 'serving' ? view : undefined;
    }, 10_000);
    assert.equal(next.phoneNumbers.length, 2, 'the new run has the added number');
    assert.equal(next.problem?.kind, 'approval-lost');

    await recordHistory(env.client, 'v7-handover-with-queued-change', id, firstRun);
  });
});
