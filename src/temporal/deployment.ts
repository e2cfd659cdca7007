/**
 * The worker as a Worker Deployment Version: which deployment it belongs to, which build it is, and
 * whether it makes itself the version that new runs start on.
 *
 * Why versioning: an onboarding runs for as long as the ISV serves the customer, years. Without it,
 * every change to workflow code must keep replaying every history in flight, behind a patched() branch
 * kept for the life of the oldest customer. With it, each run is pinned to the build that started it
 * (the workers' default behaviour, PINNED), new runs start on the deployment's current version, and a
 * serving run moves to the current build at its next continue-as-new (AUTO_UPGRADE, in
 * workflows/onboarding/run.ts). patched() is left for a change a run must survive within one run's life.
 * The rollout (deploy B, make it current, watch A drain) is in docs/deployment.md, "New workflow code".
 *
 * Why the build ID is the package version and a hash of the workflow bundle, not the commit: what a
 * pinned run needs is the same workflow code, and the bundle is exactly that code. A Docker image has
 * no .git, a working tree may differ from its commit, and a commit that changes only the API would
 * otherwise make every serving customer move for nothing. TEMPORAL_WORKER_BUILD_ID overrides it (a
 * release pipeline's own build number, say), and then it is the operator's promise that equal IDs mean
 * equal workflow code.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import proto from '@temporalio/proto';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { GrpcStatus, grpcCode } from './grpc-status.js';

/** What the worker process's configuration says about versioning (src/config/worker.ts). */
export interface DeploymentSettings {
  versioning: 'on' | 'off';
  deploymentName: string;
  /** TEMPORAL_WORKER_BUILD_ID; derived from the bundle when unset. */
  buildId?: string | undefined;
  promote: PromotePolicy;
}

/**
 * When the worker makes its own version the deployment's current one:
 * - first: only when the deployment has no current version yet (a first install needs no operator step;
 *   every later build waits for `temporal worker deployment set-current-version`);
 * - always: at every start (a single-replica install without a release step; `npm start`);
 * - never: the operator (or the release pipeline) always decides.
 */
export type PromotePolicy = 'first' | 'always' | 'never';

export interface WorkerDeploymentVersion {
  deploymentName: string;
  buildId: string;
}

/** The Worker.create options that make a worker this version, PINNED by default. */
export function deploymentOptions(
  version: WorkerDeploymentVersion | undefined,
): Pick<WorkerOptions, 'workerDeploymentOptions'> {
  if (!version) return {};
  return {
    workerDeploymentOptions: { version, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' },
  };
}

/** The version in package.json (one directory above src/ and dist/ alike). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  if (typeof manifest.version !== 'string') throw new Error('package.json has no version');
  return manifest.version;
}

/** `<package version>-<first 12 hex of the bundle's SHA-256>`, e.g. 1.1.0-3f9a2c1b7d0e. */
export function bundleBuildId(
  packageVersion: string,
  bundle: { code: string } | { codePath: string },
): string {
  const code = 'code' in bundle ? bundle.code : readFileSync(bundle.codePath, 'utf8');
  return `${packageVersion}-${createHash('sha256').update(code).digest('hex').slice(0, 12)}`;
}

/** This worker's version, or none when versioning is off. */
export function workerDeploymentVersion(
  settings: DeploymentSettings,
  packageVersion: string,
  bundle: { code: string } | { codePath: string },
): WorkerDeploymentVersion | undefined {
  if (settings.versioning === 'off') return undefined;
  return {
    deploymentName: settings.deploymentName,
    buildId: settings.buildId ?? bundleBuildId(packageVersion, bundle),
  };
}

export type PromoteOutcome = 'promoted' | 'already-current' | 'left-to-operator';

/**
 * Makes `version` the deployment's current version when `policy` says so, in `namespace`. The server
 * knows a version only once its workers poll, so this retries (NOT_FOUND, FAILED_PRECONDITION) until
 * `timeoutMs`. The describe's conflict token makes `first` safe when several replicas start at once:
 * one sets it, the others see it set.
 */
export async function promoteVersion(
  connection: Pick<NativeConnection, 'workflowService'>,
  namespace: string,
  version: WorkerDeploymentVersion,
  policy: PromotePolicy,
  {
    timeoutMs = 60_000,
    identity = 'trusthub-onboarding worker',
    logger,
  }: { timeoutMs?: number; identity?: string; logger?: Logger } = {},
): Promise<PromoteOutcome> {
  if (policy === 'never') return 'left-to-operator';
  const service = connection.workflowService;
  let lastError: unknown;
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    try {
      const described = await service
        .describeWorkerDeployment({ namespace, deploymentName: version.deploymentName })
        .catch((error: unknown) => {
          if (grpcCode(error) === GrpcStatus.NOT_FOUND) return undefined;
          throw error;
        });
      const current = described?.workerDeploymentInfo?.routingConfig?.currentDeploymentVersion;
      if (current?.buildId === version.buildId) return 'already-current';
      if (described && current?.buildId && policy === 'first') return 'left-to-operator';
      if (described) {
        await service.setWorkerDeploymentCurrentVersion({
          namespace,
          deploymentName: version.deploymentName,
          buildId: version.buildId,
          conflictToken: described.conflictToken ?? null,
          identity,
        });
        await untilRouted(connection, namespace, version, deadline);
        return 'promoted';
      }
    } catch (error) {
      const code = grpcCode(error);
      const transient =
        code === GrpcStatus.NOT_FOUND ||
        code === GrpcStatus.FAILED_PRECONDITION ||
        code === GrpcStatus.ABORTED ||
        code === GrpcStatus.UNAVAILABLE;
      if (!transient) throw error;
      lastError = error;
    }
    logger?.debug({ version }, 'waiting for the server to know this worker deployment version');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `Could not make ${version.deploymentName}:${version.buildId} the current version in ${timeoutMs} ms: ${(lastError as Error | undefined)?.message ?? 'the server never listed it'}`,
  );
}

/**
 * The server accepts a new current version at once but moves its task queues over in the background
 * (the deployment's routingConfigUpdateState is IN_PROGRESS meanwhile): a start in that window still
 * lands on the previous version. So "promoted" waits until the routing is complete, or the deadline.
 */
async function untilRouted(
  connection: Pick<NativeConnection, 'workflowService'>,
  namespace: string,
  version: WorkerDeploymentVersion,
  deadline: number,
): Promise<void> {
  for (;;) {
    const { workerDeploymentInfo: info } = await connection.workflowService.describeWorkerDeployment({
      namespace,
      deploymentName: version.deploymentName,
    });
    const routed =
      info?.routingConfig?.currentDeploymentVersion?.buildId === version.buildId &&
      info.routingConfigUpdateState !== ROUTING_IN_PROGRESS;
    if (routed) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `${version.deploymentName}:${version.buildId} was made current, but the server had not routed its task queues to it by the deadline`,
      );
    }
    await sleep(200);
  }
}

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const ROUTING_IN_PROGRESS =
  proto.temporal.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS;
