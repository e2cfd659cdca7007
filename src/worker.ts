/**
 * The worker process: `npm run worker`. It runs the onboarding workflows and the Trust Hub activities
 * for the task queue TEMPORAL_TASK_QUEUE, and the event deliveries on their own queue. Configuration:
 * src/config.ts (TWILIO_*, PUBLIC_BASE_URL, VETTING_POLL_INTERVAL…) and the Temporal CLI's TEMPORAL_*
 * variables.
 *
 * This file is only the process: configuration, logger, runtime (src/temporal/runtime.ts, with the
 * Prometheus exporter), the start-up check of the primary profile (src/trusthub/primary-profile.ts),
 * the two workers (src/temporal/workers.ts, shared with the tests), the health endpoint, and shutdown.
 *
 * SIGINT/SIGTERM drain it: no new tasks are taken, running activities get `shutdownGraceTime` to finish,
 * and whatever is cut short is retried by Temporal on the next worker.
 */
import { ConfigError, deploymentSettings, loadWorkerConfig, payloadKeys } from './config.js';
import { createLogger } from './logger.js';
import { checkPrimaryProfile, untilTwilioAnswers } from './trusthub/primary-profile.js';
import { TrustHubMetrics } from './trusthub/metrics.js';
import { connectWorker, namespaceExists, temporalTarget } from './temporal/connection.js';
import { encryptingDataConverter } from './temporal/codec.js';
import { installWorkerRuntime, temporalLogger } from './temporal/runtime.js';
import { serveWorkerHealth } from './temporal/worker-health.js';
import { createWorkers, twilioClientFor, workersOptions } from './temporal/workers.js';
import { workerWorkflowBundle } from './temporal/workflow-bundle.js';
import { packageVersion, promoteVersion, workerDeploymentVersion } from './temporal/deployment.js';

async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const logger = createLogger({ name: 'worker', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const { runtime, metricsAddress } = installWorkerRuntime(config, logger);
  // A no-op meter when metrics are off.
  const metrics = new TrustHubMetrics(runtime.metricMeter);
  const twilio = twilioClientFor(config, metrics);

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
  // Told by the health endpoint, for whoever waits for the worker to be really up (npm start).
  let primaryProfile: 'checking' | 'ok' | 'failed' = 'checking';
  primaryCheck.then(
    () => (primaryProfile = 'ok'),
    () => (primaryProfile = 'failed'),
  );

  const { connection, namespace } = await connectWorker();
  if (!(await namespaceExists(connection, config.TEMPORAL_CLAIMS_NAMESPACE))) {
    await connection.close();
    throw new ConfigError(
      `TEMPORAL_CLAIMS_NAMESPACE=${config.TEMPORAL_CLAIMS_NAMESPACE}: no such namespace on ${temporalTarget().address}. ` +
        'Claims (which onboarding owns a customer) live there: create it with its CustomerId search attribute ' +
        '(docs/deployment.md#the-claims-namespace), or set TEMPORAL_CLAIMS_NAMESPACE to TEMPORAL_NAMESPACE.',
    );
  }
  const workflowBundle = await workerWorkflowBundle(temporalLogger(logger));
  const deploymentVersion = workerDeploymentVersion(
    deploymentSettings(config),
    packageVersion(),
    workflowBundle,
  );
  const workers = await createWorkers(
    {
      ...workersOptions(
        config,
        primaryCheck.then((primary) => primary.trustProductApproved ?? false),
      ),
      deploymentVersion,
    },
    {
      connection,
      namespace,
      workflowBundle,
      // Every payload encrypted before it reaches Temporal, and every one that arrives unencrypted
      // refused: a start or signal made without the codec fails its workflow task instead of running
      // (codec.ts). The API's client uses the same converter.
      dataConverter: encryptingDataConverter(payloadKeys(config), { plaintext: 'refuse' }),
      twilio,
      metrics,
    },
  );
  logger.info(
    {
      ...temporalTarget(),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      events: config.EVENTS_URL ? 'on' : 'off',
      trustHub: config.TWILIO_BASE_URL ?? 'twilio',
      metrics: metricsAddress ? `http://${metricsAddress}/metrics` : 'off',
      deploymentVersion: deploymentVersion
        ? `${deploymentVersion.deploymentName}:${deploymentVersion.buildId}`
        : 'unversioned',
    },
    'worker started',
  );
  // Set from a callback, like badPrimary.
  let promotionFailure = undefined as Error | undefined;
  const health = await serveWorkerHealth(workers.onboarding, {
    host: config.WORKER_HEALTH_HOST,
    port: config.WORKER_HEALTH_PORT,
    logger,
    details: () => ({ primaryProfile }),
  });
  try {
    const running = workers.run();
    // run() is RUNNING at once, so a check that has already failed shuts it down on the next tick.
    primaryCheck.catch(() => workers.shutdown());
    // The server knows this version once the workers poll: only then can it become current.
    if (deploymentVersion) {
      promoteVersion(connection, namespace, deploymentVersion, config.TEMPORAL_DEPLOYMENT_PROMOTE, {
        logger,
      }).then(
        (outcome) => {
          const fields = { outcome, promote: config.TEMPORAL_DEPLOYMENT_PROMOTE, ...deploymentVersion };
          if (outcome !== 'left-to-operator') return logger.info(fields, 'worker deployment version');
          // Not a fault (the rollout's first step), but this build takes no new customer until it is current.
          logger.warn(
            {
              ...fields,
              makeCurrent: `temporal worker deployment set-current-version --deployment-name ${deploymentVersion.deploymentName} --build-id ${deploymentVersion.buildId}`,
            },
            'worker deployment version: not the current version, so it serves only the runs pinned to it',
          );
        },
        (error: unknown) => {
          promotionFailure = error instanceof Error ? error : new Error(String(error));
          workers.shutdown();
        },
      );
    }
    await running;
  } finally {
    health?.close();
  }
  await connection.close();
  if (badPrimary !== undefined) throw badPrimary;
  if (promotionFailure !== undefined) throw promotionFailure;
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
