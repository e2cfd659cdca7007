/**
 * Issue 21's experiment: can a customer whose workflow lives for a decade move to a new build at its
 * next continue-as-new, with Worker Deployment Versioning instead of patched()? On the cluster's
 * server (v1.29.1 on PostgreSQL, as cluster.test.ts starts it), two workers of one deployment run two
 * different bundles (fixtures/build-a.ts, fixtures/build-b.ts) of a PINNED entity workflow that
 * continues-as-new with `initialVersioningBehavior: 'AUTO_UPGRADE'` (SDK 1.24).
 *
 * What it shows, and why patched() stays (docs/deployment.md, "New workflow code"):
 *
 *   - pinning holds: after build B becomes the current version, a new customer starts on B and the
 *     running run stays on build A;
 *   - upgrade-on-continue-as-new does not: server 1.29.1 is built against go.temporal.io/api v1.53.0,
 *     whose ContinueAsNewWorkflowExecutionCommandAttributes has no field 16
 *     (initial_versioning_behavior), so the server drops the SDK's 'AUTO_UPGRADE' (which sdk-core's
 *     crates/protos/src/protos/mod.rs copies into the command); the
 *     ContinuedAsNew event has no such field, and the new run inherits the pinned build A
 *     (service/history/workflow/mutable_state_impl.go: "New run initiated by workflow ContinueAsNew
 *     of pinned run, will inherit the previous run's version"). A pinned customer would never leave
 *     build A.
 *
 * When the server learns the field, the second test fails on its "still build A" assertion: that is
 * the moment to reconsider versioning; the assertion's comment says what upgrade would look like.
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

describe(
  'Worker Deployment Versioning on server 1.29.1: upgrade on continue-as-new',
  { timeout: 300_000 },
  () => {
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

      // A workflow task of the pinned run after the switch: still build A's code, on version a.
      // Upstream servers also set targetWorkerDeploymentVersionChanged here, the cue to
      // continue-as-new; 1.29.1 does not.
      await handle.signal(pokeSignal);
      assert.deepEqual(await eventually((view) => view.pokes === 1), { ...onA, pokes: 1 });
      assert.deepEqual(await versioning(), { behavior: PINNED, buildId: 'a' });
    });

    test("continue-as-new with initialVersioningBehavior 'AUTO_UPGRADE' does not move the run: 1.29.1 drops it", async () => {
      const firstRunId = (await handle.describe()).runId;
      await handle.signal(continueSignal);
      const next = await eventually((view, runId) => runId !== firstRunId && view.generation === 1);

      // The SDK puts the behaviour in the command; the server's ContinuedAsNew event has no trace of it.
      const history = await client.workflow.getHandle(handle.workflowId, firstRunId).fetchHistory();
      const continued = history.events?.find(
        (e) => e.workflowExecutionContinuedAsNewEventAttributes,
      )?.workflowExecutionContinuedAsNewEventAttributes;
      assert.ok(continued, 'the first run continued as new');
      assert.equal(continued.initialVersioningBehavior ?? 0, 0, 'server 1.29.1 did not record AUTO_UPGRADE');

      // The new run inherited the pinned version: build A's code runs it, though B is current.
      // Upgrade-on-continue-as-new would give { build: 'B', generation: 1, taskBuildId: 'b' } and
      // build id 'b' below: when a server upgrade makes this fail, versioning can take over from
      // patched() for what changes between two continue-as-news (docs/deployment.md).
      assert.deepEqual(next, { build: 'A', generation: 1, pokes: 0, taskBuildId: 'a', targetChanged: false });
      assert.deepEqual(await versioning(), { behavior: PINNED, buildId: 'a' });
    });
  },
);
