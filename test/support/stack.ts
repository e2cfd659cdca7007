/**
 * The whole service in one test process, on a real Temporal server: the Trust Hub sandbox (manual
 * vetting, so tests decide when Twilio answers), the API listening on a real port (so the sandbox's
 * status callbacks reach the webhook), and a worker running the real workflow and activities.
 */
import { after, before } from 'node:test';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import proto, { type temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Activities } from '../../src/activities/index.js';
import type { EventDestination } from '../../src/activities/events.js';
import { createWorkers } from '../../src/temporal/workers.js';
import { buildApp } from '../../src/api/app.js';
import { loadApiConfig, statusCallbackUrl } from '../../src/config.js';
import type { Sandbox, SandboxInfo, SandboxOptions } from 'trusthub-sandbox';
import type { TwilioClient } from '../../src/trusthub/client.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import type { OnboardingRequest, OnboardingView } from '../../src/contract/types.js';
import type { shakenStirOnboarding } from '../../src/workflows/index.js';
import { freePort } from '../../scripts/toolchain.js';
import { runSandbox, type SandboxAdmin } from './sandbox.js';
import { bundleOnboardingWorkflows } from '../../src/temporal/workflow-bundle.js';
import { refusedCompletions, testDataConverter, TEST_PAYLOAD_ENCRYPTION_KEYS } from './temporal.js';

/**
 * What a stuck run looks like from its history: a workflow task failed (with the cause), or one
 * started and never completed (what a refused completion leaves on the time-skipping server), plus
 * the core's refusal messages. Printed when a wait gives up, so a hang names itself.
 */
export async function diagnose(
  env: TestWorkflowEnvironment,
  id: string,
  lastError?: unknown,
): Promise<string> {
  const lines: string[] = [];
  try {
    const events = (await env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const type = (e: temporal.api.history.v1.IHistoryEvent) =>
      String(EventType[e.eventType ?? 0] ?? e.eventType).replace('EVENT_TYPE_', '');
    for (const event of events.filter((e) => e.workflowTaskFailedEventAttributes)) {
      const failed = event.workflowTaskFailedEventAttributes!;
      lines.push(
        `workflow task failed at event ${String(event.eventId)}: ${WorkflowTaskFailedCause[failed.cause ?? 0]} ${failed.failure?.message ?? ''}`,
      );
    }
    const tail = events.slice(-6).map(type);
    lines.push(`history (${events.length} events) ends: ${tail.join(' → ')}`);
    if (tail.at(-1) === 'WORKFLOW_TASK_STARTED') {
      lines.push('a workflow task was started and never completed: its completion was refused or lost');
    }
  } catch (error) {
    lines.push(`no history: ${(error as Error).message}`);
  }
  for (const refusal of refusedCompletions)
    lines.push(`core: ${refusal.message} ${JSON.stringify(refusal.meta)}`);
  if (lastError) lines.push(`last error: ${(lastError as Error).message}`);
  return lines.join('\n');
}

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundle the workflows once per test process: it is the slow part of making a worker. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleOnboardingWorkflows({
    log() {},
    trace() {},
    debug() {},
    info() {},
    warn() {},
    error() {},
  });
  return bundle;
}

export interface Stack {
  env: TestWorkflowEnvironment;
  sandbox: Sandbox;
  sandboxUrl: string;
  info: SandboxInfo;
  api: FastifyInstance;
  apiUrl: string;
  taskQueue: string;
  /** JSON admin call to the sandbox (/__sandbox/…). */
  admin: SandboxAdmin;
  /** The real twilio SDK, pointed at the sandbox: how tests see what Twilio holds. */
  twilio: TwilioClient;
  /** How often a vetting wait polls Twilio in this stack's worker. */
  pollIntervalMs: number;
  /**
   * Polls the onboarding's query until `predicate` holds. Fails after `timeoutMs` of real time, or at
   * once when the server refused one of the run's workflow-task completions, naming what it saw.
   */
  waitFor(
    id: string,
    predicate: (view: OnboardingView) => boolean,
    timeoutMs?: number,
  ): Promise<OnboardingView>;
  /**
   * The run's result, once it has closed. It waits by describing the run, not through
   * `handle.result()`, which would let the time-skipping server jump ahead while the test is still
   * sending it callbacks; the same deadline and diagnosis as `waitFor` apply.
   */
  result<T>(
    handle: Pick<WorkflowHandle, 'workflowId' | 'describe'> & { result(): Promise<T> },
    timeoutMs?: number,
  ): Promise<T>;
  view(id: string): Promise<OnboardingView>;
  /**
   * Twilio (the sandbox) approves the customer profile once it is in review, then the trust product
   * once it is; resolves with the view as the trust product went into review.
   */
  approveBoth(id: string): Promise<OnboardingView>;
  /** Starts the customer's run on this stack's worker directly, without the API's Update-with-Start. */
  startRun(request: OnboardingRequest): Promise<WorkflowHandle<typeof shakenStirOnboarding>>;
  close(): Promise<void>;
}

/**
 * The reconciliation poll in tests: longer than any time skip a test makes. On the time-skipping
 * server a skip lands with the next poll timer due about a second later in real time (each poll timer
 * starts a few milliseconds after the one before fired, so they drift past the skip's end). The
 * callback the test then triggers makes the workflow cancel that timer, and when the timer fires while
 * that workflow task is with the worker, the test server refuses the completion ("invalid history
 * builder state for action", temporalio/sdk-java#2606 and #3088: a real server drops the buffered fire
 * instead) and strands the run. With no poll timer within reach of a skip, nothing is cancelled late.
 * The poll-fallback test skips past this interval on purpose, with no callback to race it.
 */
export const TEST_POLL_INTERVAL_MS = 7 * 24 * 3_600_000;

export interface StackOptions {
  pollInterval?: number;
  /** The API's tokens (API_TOKEN, ADOPT_TOKEN, CODEC_TOKEN, METRICS_TOKEN); none, and every route is open. */
  apiToken?: string;
  adoptToken?: string;
  codecToken?: string;
  metricsToken?: string;
  sandbox?: SandboxOptions;
  /** The API's and the worker's data converter, when not the service's with the test keys (benchmarks). */
  dataConverter?: DataConverter;
  /** Where the worker sends onboarding events (EVENTS_URL, EVENTS_SECRET); none when left out. */
  events?: EventDestination;
  /** Stand-ins for some activities, for workflow branches that need no Twilio behaviour. */
  activities?: Partial<Activities>;
}

export async function startStack(
  env: TestWorkflowEnvironment,
  {
    pollInterval = TEST_POLL_INTERVAL_MS,
    apiToken,
    adoptToken,
    codecToken,
    metricsToken,
    sandbox: sandboxOptions,
    dataConverter,
    events,
    activities: overrides,
  }: StackOptions = {},
): Promise<Stack> {
  // Manual vetting unless asked otherwise: each test says when Twilio decides.
  const {
    sandbox,
    baseUrl: sandboxUrl,
    info,
    client: twilio,
    admin,
  } = await runSandbox({ vetting: 'manual', logLevel: 'silent', ...sandboxOptions });

  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  const taskQueue = `onboarding-test-${port}`;
  const config = loadApiConfig({
    LOG_LEVEL: 'silent',
    PORT: String(port),
    PUBLIC_BASE_URL: apiUrl,
    TWILIO_AUTH_TOKEN: info.authToken,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
    ...(apiToken ? { API_TOKEN: apiToken } : {}),
    ...(adoptToken ? { ADOPT_TOKEN: adoptToken } : {}),
    ...(codecToken ? { CODEC_TOKEN: codecToken } : {}),
    ...(metricsToken ? { METRICS_TOKEN: metricsToken } : {}),
  });
  const temporal = dataConverter
    ? new Client({ connection: env.connection, namespace: env.namespace, dataConverter })
    : env.client;
  const api = await buildApp({ config, temporal });
  await api.listen({ host: '127.0.0.1', port });

  const workers = await createWorkers(
    {
      taskQueue,
      settings: {
        primaryCustomerProfileSid: info.primaryCustomerProfileSid,
        statusCallbackUrl: statusCallbackUrl(apiUrl),
        vettingPollIntervalMs: pollInterval,
        eventsEnabled: events !== undefined,
      },
      events,
    },
    {
      connection: env.nativeConnection,
      workflowBundle: await workflowBundle(),
      dataConverter: dataConverter ?? testDataConverter,
      twilio,
      ...(overrides ? { activities: overrides } : {}),
    },
  );
  const running = workers.run();

  const view = (id: string) => env.client.workflow.getHandle(id).query<OnboardingView>('getOnboarding');

  /** Polls `probe` until it returns a value; throws with the run's diagnosis on a deadline or refusal. */
  async function pollRun<T>(id: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const refusedBefore = refusedCompletions.length;
    let lastError: unknown;
    for (;;) {
      try {
        const value = await env.connection.withDeadline(Date.now() + 5_000, probe);
        if (value !== undefined) return value;
      } catch (error) {
        lastError = error; // not started yet, or a query that timed out: try again
      }
      const refused = refusedCompletions.length > refusedBefore;
      if (refused || Date.now() > deadline) {
        const why = refused
          ? 'the server refused a workflow-task completion'
          : `nothing changed in ${timeoutMs} ms`;
        throw new Error(`onboarding ${id}: ${why}.\n${await diagnose(env, id, lastError)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  let last: OnboardingView | undefined;
  const waitFor = (id: string, predicate: (view: OnboardingView) => boolean, timeoutMs = 30_000) =>
    pollRun(
      id,
      async () => {
        last = await view(id);
        return predicate(last) ? last : undefined;
      },
      timeoutMs,
    ).catch((error: Error) => {
      error.message += `\nlast seen: ${JSON.stringify(last, null, 1)?.slice(0, 4_000)}`;
      throw error;
    });

  async function result<T>(
    handle: Pick<WorkflowHandle, 'workflowId' | 'describe'> & { result(): Promise<T> },
    timeoutMs = 30_000,
  ): Promise<T> {
    await pollRun(
      handle.workflowId,
      async () => ((await handle.describe()).status.name === 'RUNNING' ? undefined : true),
      timeoutMs,
    );
    return handle.result();
  }

  return {
    env,
    sandbox,
    sandboxUrl,
    info,
    api,
    apiUrl,
    taskQueue,
    admin,
    twilio,
    pollIntervalMs: pollInterval,
    waitFor,
    result,
    view,
    startRun(request: OnboardingRequest) {
      const id = onboardingIdFor(request.customerId);
      return env.client.workflow.start<typeof shakenStirOnboarding>(WORKFLOW_TYPE, {
        taskQueue,
        workflowId: id,
        args: [{ onboardingId: id, request }],
      });
    },
    async approveBoth(id: string) {
      const decide = (sid: string) =>
        admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome: 'approve' });
      const profile = await waitFor(id, (v) => v.customerProfile?.status === 'pending-review');
      await decide(profile.customerProfile!.sid);
      const trustProduct = await waitFor(id, (v) => v.trustProduct?.status === 'pending-review');
      await decide(trustProduct.trustProduct!.sid);
      return trustProduct;
    },
    async close() {
      workers.shutdown();
      await running;
      await api.close();
      await sandbox.close();
    },
  };
}

/**
 * One Temporal environment and one stack for a describe block: `before` makes them, `after` closes the
 * stack and tears the environment down. Call it at the top of the block; hooks the block registers
 * after it run after these (node:test runs hooks in the order they were added). `options` may be a
 * function, for options that need what an earlier `before` made (an events receiver's URL).
 *
 * The stack it returns is usable inside hooks and tests only: until the block's `before` has run, every
 * property of it throws. `stack.env` is the environment.
 */
export function useStack(
  environment: () => Promise<TestWorkflowEnvironment>,
  options: StackOptions | (() => StackOptions) = {},
): Stack {
  let env: TestWorkflowEnvironment | undefined;
  let stack: Stack | undefined;
  before(async () => {
    env = await environment();
    stack = await startStack(env, typeof options === 'function' ? options() : options);
  });
  after(async () => {
    await stack?.close();
    await env?.teardown();
  });
  return new Proxy({} as Stack, {
    get(_target, property) {
      if (!stack)
        throw new Error(`stack.${String(property)} read before the stack started (outside a hook or test?)`);
      return Reflect.get(stack, property) as unknown;
    },
  });
}

/** Voice Integrity and CNAM for `onboardingRequest`'s business, as the sandbox approves them. */
export const BOTH_ADD_ONS = {
  voiceIntegrity: { useCase: 'Appointment Reminders', employeeCount: 40, averageBusinessDayCallVolume: 250 },
  cnam: { displayName: 'Acme Dental' },
} as const satisfies Pick<OnboardingRequest, 'voiceIntegrity' | 'cnam'>;

/** A valid onboarding request the sandbox approves, for customer `customerId`. */
export function onboardingRequest(customerId: string, phoneNumbers: string[]): OnboardingRequest {
  return {
    customerId,
    email: 'compliance@acmedental.com',
    business: {
      name: 'Acme Dental Group LLC',
      identity: 'direct_customer',
      type: 'Limited Liability Corporation',
      industry: 'HEALTHCARE',
      registrationIdentifier: 'EIN',
      registrationNumber: '12-3456789',
      regionsOfOperation: ['USA_AND_CANADA'],
      websiteUrl: 'https://www.acmedental.com',
      socialMediaProfileUrls: ['https://www.linkedin.com/company/acme-dental'],
    },
    address: {
      customerName: 'Acme Dental Group LLC',
      street: '500 Howard St',
      city: 'San Francisco',
      region: 'CA',
      postalCode: '94105',
      isoCountry: 'US',
    },
    authorizedRepresentatives: [
      {
        firstName: 'Dana',
        lastName: 'Reyes',
        email: 'dana.reyes@acmedental.com',
        phoneNumber: '+14155550123',
        businessTitle: 'Chief Executive Officer',
        jobPosition: 'CEO',
      },
    ],
    phoneNumbers,
  };
}
