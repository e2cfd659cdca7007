/**
 * The service's two workers, made in one place for every process that runs them: the worker process
 * (src/worker.ts), the in-process test stack (test/support/stack.ts) and the benchmarks built on it.
 *
 * - The onboarding worker runs the workflows and the Trust Hub activities on TEMPORAL_TASK_QUEUE.
 * - The events worker delivers onboarding events to EVENTS_URL, on its own queue
 *   (eventsTaskQueue) so that deliveries never spend Twilio's request budget.
 *
 * `workersOptions(config)` is what the worker process's configuration asks for; tests build the same
 * options by hand and inject what a process would make itself (connection, data converter, a Twilio
 * client pointed at the sandbox, stand-ins for some activities).
 */
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type Activities } from '../activities/index.js';
import { eventActivities, type EventDestination } from '../activities/events.js';
import { createSettingsActivities, type SettingsSource } from '../activities/settings.js';
import { durationToMs, statusCallbackUrl, workerRequestsPerSecond, type WorkerConfig } from '../config.js';
import { REQUEST_SPACING_MARGIN, createTwilioClient, type TwilioClient } from '../trusthub/client.js';
import type { TrustHubMetrics } from '../trusthub/metrics.js';
import { eventsTaskQueue } from '../contract/events.js';
import { deploymentOptions, type WorkerDeploymentVersion } from './deployment.js';

export interface WorkersOptions {
  /** The onboarding worker's queue; the events worker polls eventsTaskQueue(taskQueue). */
  taskQueue: string;
  /** What getOnboardingSettings hands the workflows. */
  settings: SettingsSource;
  /** Where events go (EVENTS_URL, EVENTS_SECRET); none, and the events worker delivers nothing. */
  events?: EventDestination | undefined;
  /** Onboardings kept in memory between tasks (WORKER_MAX_CACHED_WORKFLOWS); the SDK's default when unset. */
  maxCachedWorkflows?: number;
  /** TWILIO_REQUESTS_PER_SECOND, enforced by the Temporal server per task queue; unlimited when unset. */
  requestsPerSecond?: number;
  /** This worker's share of it (workerRequestsPerSecond), the most activities it takes per second. */
  workerRequestsPerSecond?: number;
  /** How long running activities may finish after shutdown; the SDK's default (none) when unset. */
  shutdownGraceTimeMs?: number;
  /** Where claims are made (TEMPORAL_CLAIMS_NAMESPACE); DEFAULT_CLAIMS_NAMESPACE when unset. */
  claimsNamespace?: string;
  /**
   * The Worker Deployment Version both workers run as (./deployment.ts); unversioned when unset. The
   * events queue is part of the version too, so a pinned run's deliveries go to its own build.
   */
  deploymentVersion?: WorkerDeploymentVersion | undefined;
}

export interface WorkersDeps {
  connection: NativeConnection;
  namespace?: string;
  workflowBundle: NonNullable<WorkerOptions['workflowBundle']>;
  dataConverter: DataConverter;
  twilio: TwilioClient;
  /** The worker's Trust Hub counters; tests leave them out. */
  metrics?: TrustHubMetrics | undefined;
  /** Stand-ins for some activities (tests), for workflow branches that need no Twilio behaviour. */
  activities?: Partial<Activities>;
}

export interface Workers {
  onboarding: Worker;
  events: Worker;
  /**
   * Runs both until they stop. Either failing stops the other, which still drains its activities;
   * the first failure is thrown once both have stopped.
   */
  run(): Promise<void>;
  /** Stops whichever is still running (each drains first). */
  shutdown(): void;
}

/** The worker process's options, from its configuration. */
export function workersOptions(
  config: WorkerConfig,
  primaryTrustProductApproved?: Promise<boolean>,
): WorkersOptions {
  return {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    settings: {
      primaryCustomerProfileSid: config.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID,
      statusCallbackUrl: statusCallbackUrl(config.PUBLIC_BASE_URL),
      vettingPollIntervalMs: durationToMs(config.VETTING_POLL_INTERVAL),
      ...(primaryTrustProductApproved ? { primaryTrustProductApproved } : {}),
      eventsEnabled: Boolean(config.EVENTS_URL),
    },
    events:
      config.EVENTS_URL && config.EVENTS_SECRET
        ? { url: config.EVENTS_URL, secret: config.EVENTS_SECRET }
        : undefined,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    requestsPerSecond: config.TWILIO_REQUESTS_PER_SECOND,
    workerRequestsPerSecond: workerRequestsPerSecond(config),
    shutdownGraceTimeMs: 30_000,
    claimsNamespace: config.TEMPORAL_CLAIMS_NAMESPACE,
  };
}

/** The worker process's Twilio client: its credentials, base URL and share of the request budget. */
export function twilioClientFor(config: WorkerConfig, metrics?: TrustHubMetrics): TwilioClient {
  return createTwilioClient({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    apiKey: config.TWILIO_API_KEY,
    apiSecret: config.TWILIO_API_SECRET,
    baseUrl: config.TWILIO_BASE_URL,
    requestsPerSecond: workerRequestsPerSecond(config),
    metrics,
  });
}

export async function createWorkers(options: WorkersOptions, deps: WorkersDeps): Promise<Workers> {
  const { connection, namespace, dataConverter } = deps;
  const common = {
    connection,
    ...(namespace !== undefined ? { namespace } : {}),
    dataConverter,
    ...(options.shutdownGraceTimeMs !== undefined ? { shutdownGraceTime: options.shutdownGraceTimeMs } : {}),
    ...deploymentOptions(options.deploymentVersion),
  };
  const onboarding = await Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    workflowBundle: deps.workflowBundle,
    activities: {
      ...createActivities({
        twilio: deps.twilio,
        metrics: deps.metrics,
        claimsNamespace: options.claimsNamespace,
      }),
      ...deps.activities,
      ...createSettingsActivities(options.settings),
    },
    // The SDK sizes the cache from the heap (thousands of runs); parked onboardings wake rarely, and
    // each cached one holds its state in memory for nothing until then.
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    // A new onboarding's first workflow task comes from the shared (non-sticky) queue (and an
    // adoption's POST waits for it: Update-with-Start). The SDK's default gives that queue 2 pollers to
    // the sticky queue's 8, so a burst of new onboardings waited behind the runs already going; half and
    // half lets them begin while those runs go on.
    nonStickyToStickyPollRatio: 1,
    // One budget for every worker on the queue, enforced by the Temporal server in activities: a
    // ceiling for the account even when more replicas run than WORKER_REPLICAS says, though an
    // activity may make several requests. The Twilio client holds this process to its share in
    // requests, second by second (config.ts, workerRequestsPerSecond), and this worker takes no more
    // activities than that share: so a backlog waits in the task queue rather than inside a running
    // activity, where a long wait would count against its timeouts.
    ...(options.requestsPerSecond !== undefined
      ? { maxTaskQueueActivitiesPerSecond: options.requestsPerSecond / (1 + REQUEST_SPACING_MARGIN) }
      : {}),
    ...(options.workerRequestsPerSecond !== undefined
      ? { maxActivitiesPerSecond: options.workerRequestsPerSecond / (1 + REQUEST_SPACING_MARGIN) }
      : {}),
  });
  const events = await Worker.create({
    ...common,
    taskQueue: eventsTaskQueue(options.taskQueue),
    activities: eventActivities(options.events),
  });

  const all = [onboarding, events];
  const shutdown = () => {
    for (const worker of all) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    onboarding,
    events,
    shutdown,
    async run() {
      const results = await Promise.allSettled(
        all.map((worker) =>
          worker.run().catch((error: unknown) => {
            shutdown();
            throw error;
          }),
        ),
      );
      const failure = results.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}
