/**
 * The worker process: `npm run worker`. It runs the onboarding workflows and the Trust Hub activities
 * for the task queue TEMPORAL_TASK_QUEUE. Configuration: src/config.ts (TWILIO_*, PUBLIC_BASE_URL,
 * VETTING_POLL_INTERVAL…) and the Temporal CLI's TEMPORAL_* variables.
 *
 * SIGINT/SIGTERM drain it: no new tasks are taken, running activities get `shutdownGraceTime` to finish,
 * and whatever is cut short is retried by Temporal on the next worker.
 *
 * Metrics: the SDK's Rust core serves Prometheus at WORKER_METRICS_HOST:WORKER_METRICS_PORT/metrics —
 * Temporal's worker metrics (task slots, poll and schedule-to-start latencies, requests to the server)
 * and, through the same runtime's meter, this service's Trust Hub counters (src/trusthub/metrics.ts).
 * A process installs the runtime once: here, with the exporter. Tests that run workers inside their
 * own process install theirs without one (test/support/temporal.ts) and start this file as a child.
 */
import { DefaultLogger, Runtime, Worker, type LogLevel } from '@temporalio/worker';
import { ConfigError, durationToMs, loadWorkerConfig, payloadKeys, statusCallbackUrl } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createTwilioClient, REQUEST_SPACING_MARGIN } from './trusthub/client.js';
import { checkPrimaryProfile, untilTwilioAnswers } from './trusthub/primary-profile.js';
import { TrustHubMetrics } from './trusthub/metrics.js';
import { connectWorker, temporalTarget } from './temporal/connection.js';
import { encryptingDataConverter } from './temporal/codec.js';
import { serveWorkerHealth } from './temporal/worker-health.js';
import { workerWorkflowBundle } from './temporal/workflow-bundle.js';
import { createActivities } from './activities/index.js';
import { createSettingsActivities } from './activities/settings.js';
import { eventActivities } from './activities/events.js';
import { eventsTaskQueue } from './workflows/contract.js';

/** Temporal's own logs (worker lifecycle, workflow and activity logs) go through pino, redaction included. */
function temporalLogger(logger: Logger): DefaultLogger {
  const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
    TRACE: 'trace',
    DEBUG: 'debug',
    INFO: 'info',
    WARN: 'warn',
    ERROR: 'error',
  };
  const level = (logger.level.toUpperCase() === 'SILENT' ? 'ERROR' : logger.level.toUpperCase()) as LogLevel;
  return new DefaultLogger(level in levels ? level : 'INFO', ({ level: entryLevel, message, meta }) =>
    logger[levels[entryLevel]](meta ?? {}, message),
  );
}

const CORE_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN' };

/** The exporter's socket address: an IPv6 host goes in brackets. */
function metricsBindAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger({ name: 'worker', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const coreLevel = CORE_LEVELS[logger.level] ?? 'ERROR';
  const metricsAddress =
    config.WORKER_METRICS_PORT === 0
      ? undefined
      : metricsBindAddress(config.WORKER_METRICS_HOST, config.WORKER_METRICS_PORT);
  let runtime: Runtime;
  try {
    runtime = Runtime.install({
      logger: temporalLogger(logger),
      shutdownSignals: ['SIGINT', 'SIGTERM'],
      // The SDK's Rust core logs through pino too (not to the console), so redaction covers its lines.
      telemetryOptions: {
        logging: { filter: { core: coreLevel, other: 'WARN' }, forward: {} },
        ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
      },
    });
  } catch (error) {
    // The exporter binds its port right here: a port already taken is a configuration problem.
    if (!metricsAddress) throw error;
    throw new ConfigError(
      `Cannot serve worker metrics on ${metricsAddress} (${(error as Error).message}): stop what holds the port, or set WORKER_METRICS_PORT (0 = no metrics).`,
    );
  }
  // A no-op meter when metrics are off.
  const metrics = new TrustHubMetrics(runtime.metricMeter);

  const twilio = createTwilioClient({
    accountSid: config.TWILIO_ACCOUNT_SID,
    authToken: config.TWILIO_AUTH_TOKEN,
    apiKey: config.TWILIO_API_KEY,
    apiSecret: config.TWILIO_API_SECRET,
    baseUrl: config.TWILIO_BASE_URL,
    requestsPerSecond: config.TWILIO_REQUESTS_PER_SECOND,
    metrics,
  });
  const activities = createActivities({ twilio, metrics });

  // Every secondary profile is linked to the primary: a missing or unapproved one stops the worker
  // (exit 1, with the reason). The check runs while the worker already works rather than before it:
  // Twilio being briefly unavailable (429, 5xx, a dropped connection) is waited out for two minutes,
  // and a restarted worker must not leave its in-flight runs waiting that long. Only new onboardings
  // wait for the answer (getOnboardingSettings).
  const primaryCheck = untilTwilioAnswers(
    () => checkPrimaryProfile(twilio, config.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID),
    (reason, retryInMs) => logger.warn({ reason, retryInMs }, 'Twilio unavailable at start; retrying'),
  ).then((primary) => {
    if (primary.ok) return primary;
    throw new ConfigError(
      `TWILIO_PRIMARY_CUSTOMER_PROFILE_SID=${config.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID}: ${primary.problem ?? 'not usable'}`,
    );
  });
  // Set from a callback: `as` keeps TypeScript from narrowing it to undefined for good.
  let badPrimary = undefined as Error | undefined;
  primaryCheck.catch(
    (error: unknown) => (badPrimary = error instanceof Error ? error : new Error(String(error))),
  );

  // Every payload encrypted before it reaches Temporal, and every one that arrives unencrypted refused:
  // a start or signal made without the codec fails its workflow task instead of running (codec.ts).
  // The API's client uses the same converter.
  const dataConverter = encryptingDataConverter(payloadKeys(config), { plaintext: 'refuse' });
  const { connection, namespace } = await connectWorker();
  const workflowBundle = await workerWorkflowBundle(temporalLogger(logger));
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle,
    dataConverter,
    activities: {
      ...activities,
      ...createSettingsActivities({
        primaryCustomerProfileSid: config.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID,
        statusCallbackUrl: statusCallbackUrl(config.PUBLIC_BASE_URL),
        vettingPollIntervalMs: durationToMs(config.VETTING_POLL_INTERVAL),
        primaryTrustProductApproved: primaryCheck.then((primary) => primary.trustProductApproved ?? false),
        eventsEnabled: Boolean(config.EVENTS_URL),
      }),
    },
    // The SDK sizes the cache from the heap (thousands of runs); parked onboardings wake rarely, and
    // each cached one holds its state in memory for nothing until then.
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    // A new onboarding's first workflow task comes from the shared (non-sticky) queue, and its POST waits
    // for it (the start is an Update-with-Start). The SDK's default gives that queue 2 pollers to the
    // sticky queue's 8, so a burst of starts waited behind the runs already going; half and half lets
    // new starts through while those runs go on.
    nonStickyToStickyPollRatio: 1,
    // One budget for every worker on the queue, enforced by the Temporal server in activities; the
    // Twilio client above holds this process to it in requests, second by second. Both run at the
    // same pace, so a backlog waits in the task queue rather than inside a running activity, where a
    // long wait would count against its timeouts.
    maxTaskQueueActivitiesPerSecond: config.TWILIO_REQUESTS_PER_SECOND / (1 + REQUEST_SPACING_MARGIN),
    shutdownGraceTime: '30s',
  });
  // The deliveries of events to EVENTS_URL, on their own queue so they never spend Twilio's budget.
  const eventsWorker = await Worker.create({
    connection,
    namespace,
    taskQueue: eventsTaskQueue(config.TEMPORAL_TASK_QUEUE),
    dataConverter,
    activities: eventActivities(
      config.EVENTS_URL && config.EVENTS_SECRET
        ? { url: config.EVENTS_URL, secret: config.EVENTS_SECRET }
        : undefined,
    ),
    shutdownGraceTime: '30s',
  });
  logger.info(
    {
      ...temporalTarget(),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      events: config.EVENTS_URL ? 'on' : 'off',
      trustHub: config.TWILIO_BASE_URL ?? 'twilio',
      metrics: metricsAddress ? `http://${metricsAddress}/metrics` : 'off',
    },
    'worker started',
  );
  const health = await serveWorkerHealth(worker, {
    host: config.WORKER_HEALTH_HOST,
    port: config.WORKER_HEALTH_PORT,
    logger,
  });
  try {
    // run() is RUNNING at once, so a check that has already failed shuts it down on the next tick.
    const workers = [worker, eventsWorker];
    const stopAll = () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    };
    primaryCheck.catch(stopAll);
    // Either worker failing stops the other, which still drains its activities before the process ends.
    const results = await Promise.allSettled(
      workers.map((w) =>
        w.run().catch((error: unknown) => {
          stopAll();
          throw error;
        }),
      ),
    );
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    health?.close();
  }
  await connection.close();
  if (badPrimary !== undefined) throw badPrimary;
  logger.info('worker stopped');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
