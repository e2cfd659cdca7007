/**
 * New workflow code without patched(), on the cluster's server (compose's release on PostgreSQL): the
 * rollout docs/deployment.md gives ("New workflow code"), with the service's own workers and its own
 * promotion code (src/temporal/deployment.ts).
 *
 * Build A serves a customer through onboarding into `serving`. Build B comes up beside it and becomes
 * the current version. Then:
 *   - a new customer starts on B, while A's customer stays pinned to A;
 *   - the moveToCurrentBuild signal wakes A's serving run, which continues as new onto B
 *     (AUTO_UPGRADE) with its record intact, and serves a number change there;
 *   - no run is left on A, so A's workers may stop.
 *
 * Both builds run the same bundle under different build IDs: what is tested is the move, which does
 * not depend on what changed (test/cluster/versioning.test.ts shows two different bundles' code).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import proto from '@temporalio/proto';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { moveToCurrentBuild } from '../../src/contract/messages.js';
import type { OnboardingView } from '../../src/contract/types.js';
import { statusCallbackUrl } from '../../src/config.js';
import { promoteVersion, type WorkerDeploymentVersion } from '../../src/temporal/deployment.js';
import { createWorkers, type Workers } from '../../src/temporal/workers.js';
import { TestCluster } from '../support/cluster.js';
import { onboardingRequest } from '../support/customers.js';
import { eventually } from '../support/sandbox.js';
import { startStack, workflowBundle, type Stack } from '../support/stack.js';
import { installTestRuntime, testDataConverter } from '../support/temporal.js';

const NAMESPACE = 'default';
const PINNED = proto.temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED;
const ROUTED = proto.temporal.api.enums.v1.RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_COMPLETED;
const deployment = `trusthub-new-build-${process.pid}`;
const buildA: WorkerDeploymentVersion = { deploymentName: deployment, buildId: '1.0.0-aaaaaaaaaaaa' };
const buildB: WorkerDeploymentVersion = { deploymentName: deployment, buildId: '1.1.0-bbbbbbbbbbbb' };

describe('a serving customer moves to a new build at continue-as-new', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'trusthub-new-build-'));
  let cluster: TestCluster;
  let env: TestWorkflowEnvironment;
  let stack: Stack;
  let workersB: Workers | undefined;
  let runningB: Promise<void> | undefined;

  before(async () => {
    installTestRuntime();
    cluster = await TestCluster.start(root, NAMESPACE);
    env = await TestWorkflowEnvironment.createFromExistingServer({
      address: cluster.address,
      namespace: NAMESPACE,
      client: { dataConverter: testDataConverter },
    });
    // Build A: the stack's worker, the API and the sandbox.
    stack = await startStack({ temporal: env, deploymentVersion: buildA });
    assert.equal(await promoteVersion(env.nativeConnection, NAMESPACE, buildA, 'first'), 'promoted');
  });

  after(async () => {
    workersB?.shutdown();
    await runningB;
    await stack?.close();
    await env?.teardown();
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const versioning = async (id: string) => {
    const { raw } = await env.client.workflow.getHandle(id).describe();
    const info = raw.workflowExecutionInfo?.versioningInfo;
    return { behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId };
  };

  const start = async (name: string, phoneNumber: string): Promise<string> => {
    const reply = await stack.api.inject({
      method: 'POST',
      url: '/v1/onboardings',
      payload: onboardingRequest(name, [phoneNumber]),
    });
    assert.equal(reply.statusCode, 202, reply.body);
    return reply.json<{ id: string }>().id;
  };

  test('build A serves; B becomes current; A’s customer moves on the signal; A is left with no run', async () => {
    const [first, second, added] = stack.info.phoneNumbers;
    const id = await start('moves-to-b', first!.phoneNumber);
    assert.equal(id, onboardingIdFor('moves-to-b'));
    await stack.approveBoth(id);
    const servedByA = await stack.waitFor(id, (v) => v.step === 'serving');
    assert.deepEqual(await versioning(id), { behavior: PINNED, buildId: buildA.buildId });
    const firstRunId = (await env.client.workflow.getHandle(id).describe()).runId;

    // Deploy B beside A, then make it current, as `TEMPORAL_DEPLOYMENT_PROMOTE=always` (or an operator's
    // `temporal worker deployment set-current-version`) would. 'first' leaves it to the operator.
    workersB = await createWorkers(
      {
        taskQueue: stack.taskQueue,
        settings: {
          primaryCustomerProfileSid: stack.info.primaryCustomerProfileSid,
          statusCallbackUrl: statusCallbackUrl(stack.apiUrl),
          vettingPollIntervalMs: stack.pollIntervalMs,
          eventsEnabled: false,
        },
        deploymentVersion: buildB,
      },
      {
        connection: env.nativeConnection,
        workflowBundle: await workflowBundle(),
        dataConverter: testDataConverter,
        twilio: stack.twilio,
      },
    );
    runningB = workersB.run();
    assert.equal(await promoteVersion(env.nativeConnection, NAMESPACE, buildB, 'first'), 'left-to-operator');
    assert.equal(await promoteVersion(env.nativeConnection, NAMESPACE, buildB, 'always'), 'promoted');
    // "promoted" means routed: every task queue of the deployment takes new work to B from here on.
    const { workerDeploymentInfo } = await env.nativeConnection.workflowService.describeWorkerDeployment({
      namespace: NAMESPACE,
      deploymentName: deployment,
    });
    assert.equal(workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId, buildB.buildId);
    assert.equal(workerDeploymentInfo?.routingConfigUpdateState, ROUTED);

    // A new customer starts on B; A's stays pinned to A until it continues as new.
    const fresh = await start('starts-on-b', second!.phoneNumber);
    await stack.waitFor(fresh, (v) => v.step === 'waiting-for-customer-profile-vetting');
    assert.deepEqual(await versioning(fresh), { behavior: PINNED, buildId: buildB.buildId });
    assert.deepEqual(await versioning(id), { behavior: PINNED, buildId: buildA.buildId });

    // The nudge: A's run wakes, sees that its build is no longer the target, and hands over to B.
    await env.client.workflow.getHandle(id).signal(moveToCurrentBuild);
    const moved = await stack.waitFor(id, (v) =>
      v.timeline.some((e) => e.event === 'continued as new' && (e.detail ?? '').includes(buildA.buildId)),
    );
    const latest = await env.client.workflow.getHandle(id).describe();
    assert.notEqual(latest.runId, firstRunId, 'a new run took over');
    const sameCustomer = (view: OnboardingView) => ({
      status: view.status,
      step: view.step,
      resources: view.resources,
      phoneNumbers: view.phoneNumbers,
    });
    assert.deepEqual(sameCustomer(moved), sameCustomer(servedByA), 'the record came along');

    // B serves it: a number change runs on B's code.
    const change = await stack.api.inject({
      method: 'POST',
      url: `/v1/onboardings/${id}/phone-numbers`,
      payload: { phoneNumbers: [added!.phoneNumber] },
    });
    assert.equal(change.statusCode, 200, change.body);
    // The new run starts on the current build (AUTO_UPGRADE) and is pinned there by B's worker. Read
    // until it settles: a run whose first task a partition still routed to A moves at its next task.
    const settled = await eventually(async () => {
      const now = await versioning(id);
      return now.buildId === buildB.buildId ? now : undefined;
    }, 30_000).catch(() => versioning(id));
    assert.deepEqual(settled, { behavior: PINNED, buildId: buildB.buildId });

    // Nothing runs on A any more: its workers may stop (docs/deployment.md, "watch A drain"). Visibility
    // is written after the fact, so the count is watched until it says so, as an operator would.
    const onA = `TemporalWorkerDeploymentVersion = '${deployment}:${buildA.buildId}' AND ExecutionStatus = 'Running'`;
    const runningOnA = async () => (await env.client.workflow.count(onA)).count;
    const running = await eventually(async () => ((await runningOnA()) === 0 ? 0 : undefined), 30_000).catch(
      runningOnA,
    );
    assert.equal(running, 0, 'runs still on A after 30 s');
  });
});
