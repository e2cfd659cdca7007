/**
 * The one test stack: the service in this test process, built from layers a test picks.
 *
 * - `temporal`: a real server (`'time-skipping'`, Temporal's Java test server; `'dev'`, the CLI's dev
 *   server; a factory or an environment made elsewhere), or no server at all: `'offline'`, a bare
 *   HTTP/2 listener that counts each gRPC call and fails it at once (for what the API must answer
 *   before Temporal is ever asked; `temporalCalls()` says whether anything asked), or
 *   `'unreachable'`, a port nothing listens on (Temporal down).
 * - `sandbox`: the Trust Hub sandbox, manual vetting unless asked otherwise (tests decide when Twilio
 *   answers); `false` for none.
 * - `worker`: a worker running the real workflow and activities; on by default when there are a
 *   server and a sandbox.
 * - `api`: the Fastify API, listening on a real port when a worker runs (so the sandbox's status
 *   callbacks reach the webhook), injected into otherwise; `false` for none.
 *
 * Genuinely different things stay apart: `npm start` as processes (npm-start.ts), the worker as a
 * process (worker-process.ts), the chaos harness's processes (chaos.ts) and the PostgreSQL cluster
 * (cluster.ts). How a test waits on a run is in runs.ts; the customers are in customers.ts.
 */
import { after, before } from 'node:test';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { Activities } from '../../src/activities/index.js';
import type { EventDestination } from '../../src/activities/events.js';
import { createWorkers } from '../../src/temporal/workers.js';
import type { WorkerDeploymentVersion } from '../../src/temporal/deployment.js';
import { buildApp, type AppDependencies } from '../../src/api/app.js';
import { loadApiConfig, statusCallbackUrl, type ApiConfig } from '../../src/config.js';
import type { Sandbox, SandboxInfo, SandboxOptions } from 'trusthub-sandbox';
import type { TwilioClient } from '../../src/trusthub/client.js';
import type { OnboardingRequest, OnboardingView } from '../../src/contract/types.js';
import type { shakenStirOnboarding } from '../../src/workflows/index.js';
import { freePort } from '../../scripts/toolchain.js';
import { bundleOnboardingWorkflows } from '../../src/temporal/workflow-bundle.js';
import { runSandbox, type RunningSandbox, type SandboxAdmin } from './sandbox.js';
import {
  devServerEnvironment,
  offlineTemporal,
  testDataConverter,
  timeSkippingEnvironment,
  unreachableTemporal,
  TEST_PAYLOAD_ENCRYPTION_KEYS,
  type OfflineTemporal,
} from './temporal.js';
import { runWaits } from './runs.js';

export { diagnose } from './runs.js';

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
  /** The Temporal server's environment (a real server only). */
  env: TestWorkflowEnvironment;
  sandbox: Sandbox;
  sandboxUrl: string;
  info: SandboxInfo;
  api: FastifyInstance;
  /** The API's configuration, as loaded from its environment. */
  apiConfig: ApiConfig;
  /** Where the API listens (a listening API only). */
  apiUrl: string;
  taskQueue: string;
  /** JSON admin call to the sandbox (/__sandbox/…). */
  admin: SandboxAdmin;
  /** The real twilio SDK, pointed at the sandbox: how tests see what Twilio holds. */
  twilio: TwilioClient;
  /** How often a vetting wait polls Twilio in this stack's worker. */
  pollIntervalMs: number;
  /** How many calls the API made to Temporal (`temporal: 'offline'` only): 0 while nothing reached it. */
  temporalCalls(): number;
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
  /** The Temporal layer (see the header); an environment passed in is not torn down by the stack. */
  temporal:
    | 'time-skipping'
    | 'dev'
    | 'offline'
    | 'unreachable'
    | TestWorkflowEnvironment
    | (() => Promise<TestWorkflowEnvironment>);
  /** The sandbox's options (manual vetting and silent logs unless given), or `false` for no sandbox. */
  sandbox?: SandboxOptions | false;
  /** A worker; on by default when there are a Temporal server and a sandbox. */
  worker?: boolean;
  /**
   * The API, or `false` for none. `env` goes on top of its configuration (a silent log, the test
   * payload keys, and, with a sandbox and a worker, its auth token and the worker's task queue);
   * `listen` (default: when a worker runs) puts it on a free port with that URL as PUBLIC_BASE_URL
   * (unless `publicBaseUrl: false`); `logStream` reads its logs.
   */
  api?:
    | false
    | {
        env?: Record<string, string>;
        listen?: boolean;
        publicBaseUrl?: boolean;
        logStream?: AppDependencies['logStream'];
      };
  /** The worker's task queue; `onboarding-test-<port>` by default. */
  taskQueue?: string;
  pollInterval?: number;
  /** The API's tokens (API_TOKEN, ADOPT_TOKEN, CODEC_TOKEN, METRICS_TOKEN); none, and every route is open. */
  apiToken?: string;
  adoptToken?: string;
  codecToken?: string;
  metricsToken?: string;
  /** The API's and the worker's data converter, when not the service's with the test keys (benchmarks). */
  dataConverter?: DataConverter;
  /** Where the worker sends onboarding events (EVENTS_URL, EVENTS_SECRET); none when left out. */
  events?: EventDestination;
  /** Stand-ins for some activities, for workflow branches that need no Twilio behaviour. */
  activities?: Partial<Activities>;
  /** The worker's Worker Deployment Version (src/temporal/deployment.ts); unversioned when left out. */
  deploymentVersion?: WorkerDeploymentVersion;
}

/** The Temporal layer: a client, and the environment when it is a real server. */
async function startTemporal(temporal: StackOptions['temporal']): Promise<{
  env?: TestWorkflowEnvironment;
  offline?: OfflineTemporal;
  client: Client;
  close(): Promise<void>;
}> {
  if (temporal === 'offline' || temporal === 'unreachable') {
    const offline = temporal === 'offline' ? await offlineTemporal() : await unreachableTemporal();
    return { offline, client: offline.client, close: () => offline.close() };
  }
  if (typeof temporal === 'object') return { env: temporal, client: temporal.client, close: async () => {} };
  const env =
    temporal === 'time-skipping'
      ? await timeSkippingEnvironment()
      : temporal === 'dev'
        ? await devServerEnvironment()
        : await temporal();
  return { env, client: env.client, close: () => env.teardown() };
}

/** A property of a layer the stack was built without: reading it is a mistake in the test. */
function absent(stack: object, property: string, layer: string): void {
  Object.defineProperty(stack, property, {
    enumerable: false,
    get() {
      throw new Error(`stack.${property}: this stack has no ${layer}`);
    },
  });
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const {
    temporal: temporalLayer,
    sandbox: sandboxOptions = {},
    pollInterval = TEST_POLL_INTERVAL_MS,
    apiToken,
    adoptToken,
    codecToken,
    metricsToken,
    dataConverter,
    events,
    activities: overrides,
  } = options;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const step of [...closers].reverse()) await step();
  };
  try {
    const temporal = await startTemporal(temporalLayer);
    closers.push(() => temporal.close());
    const { env } = temporal;

    // Manual vetting unless asked otherwise: each test says when Twilio decides.
    let running: RunningSandbox | undefined;
    if (sandboxOptions !== false) {
      running = await runSandbox({ vetting: 'manual', logLevel: 'silent', ...sandboxOptions });
      closers.push(() => running!.close());
    }

    const withWorker = options.worker ?? (env !== undefined && running !== undefined);
    const apiOptions = options.api === false ? undefined : (options.api ?? {});
    const listen = apiOptions?.listen ?? withWorker;
    const port = listen || withWorker ? await freePort() : undefined;
    const apiUrl = listen ? `http://127.0.0.1:${port}` : undefined;
    const taskQueue = options.taskQueue ?? (port === undefined ? undefined : `onboarding-test-${port}`);

    let api: FastifyInstance | undefined;
    let config: ApiConfig | undefined;
    if (apiOptions) {
      config = loadApiConfig({
        LOG_LEVEL: 'silent',
        ...(listen ? { PORT: String(port) } : {}),
        ...(listen && apiOptions.publicBaseUrl !== false ? { PUBLIC_BASE_URL: apiUrl! } : {}),
        ...(running ? { TWILIO_AUTH_TOKEN: running.info.authToken } : {}),
        ...(withWorker && taskQueue ? { TEMPORAL_TASK_QUEUE: taskQueue } : {}),
        PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
        ...(apiToken ? { API_TOKEN: apiToken } : {}),
        ...(adoptToken ? { ADOPT_TOKEN: adoptToken } : {}),
        ...(codecToken ? { CODEC_TOKEN: codecToken } : {}),
        ...(metricsToken ? { METRICS_TOKEN: metricsToken } : {}),
        ...apiOptions.env,
      });
      const client =
        dataConverter && env
          ? new Client({ connection: env.connection, namespace: env.namespace, dataConverter })
          : temporal.client;
      api = await buildApp({
        config,
        temporal: client,
        ...(apiOptions.logStream ? { logStream: apiOptions.logStream } : {}),
      });
      closers.push(() => api!.close());
      if (listen) await api.listen({ host: '127.0.0.1', port: port! });
    }

    if (withWorker) {
      if (!env || !running) throw new Error('a worker needs a Temporal server and a sandbox');
      const workers = await createWorkers(
        {
          taskQueue: taskQueue!,
          settings: {
            primaryCustomerProfileSid: running.info.primaryCustomerProfileSid,
            statusCallbackUrl: statusCallbackUrl(apiUrl ?? `http://127.0.0.1:${port}`),
            vettingPollIntervalMs: pollInterval,
            eventsEnabled: events !== undefined,
          },
          events,
          deploymentVersion: options.deploymentVersion,
        },
        {
          connection: env.nativeConnection,
          workflowBundle: await workflowBundle(),
          dataConverter: dataConverter ?? testDataConverter,
          twilio: running.client,
          ...(overrides ? { activities: overrides } : {}),
        },
      );
      const polling = workers.run();
      // Closed first: the worker may be mid-call to the API or the sandbox.
      closers.push(async () => {
        workers.shutdown();
        await polling;
      });
    }

    const stack = {
      pollIntervalMs: pollInterval,
      close,
      ...(env ? runWaits(env, running?.admin, taskQueue) : {}),
    } as Partial<Stack>;
    if (env) stack.env = env;
    else
      for (const property of ['env', 'waitFor', 'result', 'view', 'approveBoth', 'startRun'])
        absent(stack, property, 'Temporal server');
    const { offline } = temporal;
    if (offline) stack.temporalCalls = () => offline.calls();
    else absent(stack, 'temporalCalls', 'offline Temporal');
    if (running) {
      Object.assign(stack, {
        sandbox: running.sandbox,
        sandboxUrl: running.baseUrl,
        info: running.info,
        admin: running.admin,
        twilio: running.client,
      });
    } else
      for (const property of ['sandbox', 'sandboxUrl', 'info', 'admin', 'twilio'])
        absent(stack, property, 'sandbox');
    if (api && config) Object.assign(stack, { api, apiConfig: config });
    else for (const property of ['api', 'apiConfig']) absent(stack, property, 'API');
    if (apiUrl) stack.apiUrl = apiUrl;
    else absent(stack, 'apiUrl', 'listening API');
    if (taskQueue) stack.taskQueue = taskQueue;
    else absent(stack, 'taskQueue', 'worker');
    return stack as Stack;
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * One stack for a describe block: `before` makes it, `after` closes it (and tears down the Temporal
 * server it started). Call it at the top of the block; hooks the block registers after it run after
 * these (node:test runs hooks in the order they were added). `options` may be a function, for options
 * that need what an earlier `before` made (an events receiver's URL).
 *
 * The stack it returns is usable inside hooks and tests only: until the block's `before` has run, every
 * property of it throws.
 */
export function useStack(options: StackOptions | (() => StackOptions)): Stack {
  let stack: Stack | undefined;
  before(async () => {
    stack = await startStack(typeof options === 'function' ? options() : options);
  });
  after(async () => {
    await stack?.close();
  });
  return new Proxy({} as Stack, {
    get(_target, property) {
      if (!stack)
        throw new Error(`stack.${String(property)} read before the stack started (outside a hook or test?)`);
      return Reflect.get(stack, property) as unknown;
    },
  });
}
