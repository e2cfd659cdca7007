/**
 * Upgrade on continue-as-new, as the server does it: on the cluster's server (compose's release on
 * PostgreSQL, as cluster.test.ts starts it), two workers of one deployment run two different bundles
 * (fixtures/build-a.ts, fixtures/build-b.ts) of a PINNED entity workflow that continues-as-new with
 * `initialVersioningBehavior: 'AUTO_UPGRADE'`.
 *
 * What it shows (docs/deployment.md, "New workflow code"):
 *   - pinning holds: after build B becomes the current version, a new customer starts on B and the
 *     running run stays on build A, still running A's code;
 *   - the server tells the pinned run that the target moved (targetWorkerDeploymentVersionChanged at
 *     its next workflow task): the cue the onboarding continues as new on;
 *   - the continue-as-new asks for AUTO_UPGRADE, and the next run runs build B's code on version b.
 *
 * Server 1.29.1 failed the last two (it dropped the command's field 16, initial_versioning_behavior,
 * and the new run inherited build A); 1.32.0 passes them. test/cluster/new-build.test.ts does the
 * same with the onboarding workflow itself.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { ensureTemporalCli } from '../../scripts/toolchain.js';
import { TestCluster } from '../support/cluster.js';
import { continueSignal, pokeSignal, viewQuery, type EntityView } from './fixtures/versioned-entity.js';

const NAMESPACE = 'default';
const DEPLOYMENT = `versioning-test-${process.pid}`;
const PINNED = proto.temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('Worker Deployment Versioning: upgrade on continue-as-new', { timeout: 300_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'trusthub-versioning-'));
  const taskQueue = `versioning-test-${process.pid}`;
  let cluster: TestCluster;
  let address: string;
  let connection: Connection;
  let client: Client;
  let workerConnection: NativeConnection;
  const running: { worker: Worker; done: Promise<void> }[] = [];
  let handle: WorkflowHandle;
  const started = Date.now();

  /** A worker of DEPLOYMENT at `buildId`, running the bundle of fixtures/`file`. */
  async function startWorker(buildId: string, file: string): Promise<void> {
    const { code } = await bundleWorkflowCode({
      workflowsPath: fixture(file),
      logger: new DefaultLogger('ERROR'),
    });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: NAMESPACE,
      taskQueue,
      workflowBundle: { code },
      workerDeploymentOptions: {
        version: { deploymentName: DEPLOYMENT, buildId },
        useWorkerVersioning: true,
        defaultVersioningBehavior: 'PINNED',
      },
    });
    running.push({ worker, done: worker.run() });
  }

  /** `temporal worker deployment set-current-version`, as an operator would; retried until the server has seen the version's pollers. */
  async function setCurrentVersion(buildId: string): Promise<void> {
    const args = [
      ...['worker', 'deployment', 'set-current-version', '--deployment-name', DEPLOYMENT],
      ...['--build-id', buildId, '--yes', '--address', address, '--namespace', NAMESPACE],
    ];
    let last = '';
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const result = await new Promise<{ ok: boolean; out: string }>((answer) =>
        execFile(ensureTemporalCli({ quiet: true }), args, { timeout: 10_000 }, (error, stdout, stderr) =>
          answer({ ok: !error, out: stdout + stderr }),
        ),
      );
      if (result.ok) return;
      last = result.out;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`set-current-version ${buildId} kept failing: ${last}`);
  }

  async function versioning(workflowId = handle.workflowId) {
    const { raw } = await client.workflow.getHandle(workflowId).describe();
    const info = raw.workflowExecutionInfo?.versioningInfo;
    return { behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId };
  }

  /** Polls until `check` holds of the latest run's view, or fails with the last one. */
  async function eventually(
    check: (view: EntityView, runId: string) => boolean,
    workflowId = handle.workflowId,
  ): Promise<EntityView> {
    let last: unknown;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const latest = client.workflow.getHandle(workflowId);
      try {
        const { runId } = await latest.describe();
        const view = await latest.query(viewQuery);
        if (check(view, runId)) return view;
        last = view;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`not there in 30 s; last ${JSON.stringify(last)}\n${cluster.output().slice(-2_000)}`);
  }

  before(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    cluster = await TestCluster.start(root, NAMESPACE);
    address = cluster.address;
    connection = await Connection.connect({ address });
    client = new Client({ connection, namespace: NAMESPACE });
    workerConnection = await NativeConnection.connect({ address });
  });

  after(async () => {
    for (const { worker } of running) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.allSettled(running.map((r) => r.done));
    await workerConnection?.close();
    await connection?.close();
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
    process.stderr.write(`versioning test: ${Date.now() - started} ms\n`);
  });

  test('a pinned run stays on build A after build B becomes the current version', async () => {
    await startWorker('a', 'build-a.ts');
    await setCurrentVersion('a');
    handle = await client.workflow.start('entity', {
      taskQueue,
      workflowId: `versioned-customer-${process.pid}`,
      args: [0],
    });
    const onA = { build: 'A', generation: 0, pokes: 0, taskBuildId: 'a', targetChanged: false };
    assert.deepEqual(await eventually(() => true), onA);
    assert.deepEqual(await versioning(), { behavior: PINNED, buildId: 'a' });

    await startWorker('b', 'build-b.ts');
    await setCurrentVersion('b');
    // The control: B is serving, and a customer started now is build B's.
    const fresh = await client.workflow.start('entity', {
      taskQueue,
      workflowId: `new-customer-${process.pid}`,
      args: [0],
    });
    const onB = { build: 'B', generation: 0, pokes: 0, taskBuildId: 'b', targetChanged: false };
    assert.deepEqual(await eventually(() => true, fresh.workflowId), onB);
    assert.deepEqual(await versioning(fresh.workflowId), { behavior: PINNED, buildId: 'b' });

    // A workflow task of the pinned run after the switch: still build A's code, on version a, now
    // told that the target moved (the cue to continue as new).
    await handle.signal(pokeSignal);
    assert.deepEqual(await eventually((view) => view.pokes === 1), { ...onA, pokes: 1, targetChanged: true });
    assert.deepEqual(await versioning(), { behavior: PINNED, buildId: 'a' });
  });

  test("continue-as-new with initialVersioningBehavior 'AUTO_UPGRADE' moves the run to build B", async () => {
    const firstRunId = (await handle.describe()).runId;
    await handle.signal(continueSignal);
    const next = await eventually((view, runId) => runId !== firstRunId && view.generation === 1);

    // The server applies AUTO_UPGRADE without recording it on the ContinuedAsNew event (which says
    // `inheritBuildId` whatever was asked): the new run's version is what shows it.

    // Build B's code runs the new run, on version b, pinned there in turn.
    assert.deepEqual(next, { build: 'B', generation: 1, pokes: 0, taskBuildId: 'b', targetChanged: false });
    assert.deepEqual(await versioning(), { behavior: PINNED, buildId: 'b' });
  });
});
