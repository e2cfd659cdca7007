/**
 * The production topology, as docker-compose.yml runs it, on this machine without Docker: PostgreSQL,
 * compose's schema job, the Temporal server at compose's release with deploy/temporal/config.yaml
 * (history and SQL visibility in PostgreSQL), compose's namespace/search-attribute job, two worker
 * processes, the API and the sandbox (scripts/cluster.ts holds the pieces `npm run start:cluster`
 * starts). Everything the dev server could not prove is proved here: an onboarding that survives a
 * SIGKILLed worker, a restarted server and a restarted database; every operator query and the API's
 * cursor listing on SQL visibility, BundleSids as a KeywordList included; and both jobs re-run on the
 * existing database, changing nothing.
 *
 * It builds nothing when the binaries are cached: `npm test` runs scripts/toolchain.ts first, which
 * builds the Temporal server and temporal-sql-tool into the cache on a fresh machine, once. PostgreSQL
 * 15's programs must be installed (.ci/run installs them).
 *
 * The worker is SIGKILLed as soon as the POST is accepted: the run is then between its first workflow
 * task and its first activities, which the other worker must pick up; the test does not pin down
 * which of the two held an activity at that instant.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { loadApiConfig } from '../../src/config.js';
import { DEFAULT_CLAIMS_NAMESPACE, claimIdFor } from '../../src/contract/ids.js';
import type { OnboardingView } from '../../src/contract/types.js';
import { stuckOnboardingQueries } from '../../src/contract/visibility-queries.js';
import { runNamespaceJob, runSchemaJob } from '../../scripts/cluster.js';
import { ensureTemporalCli, freePort } from '../../scripts/toolchain.js';
import { TestCluster } from '../support/cluster.js';
import { onboardingRequest } from '../support/customers.js';
import { type RunningSandbox, runSandbox } from '../support/sandbox.js';
import { testDataConverter, TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';
import { spawnWorker, type WorkerProcess } from '../support/worker-process.js';

const NAMESPACE = 'default';
const TOKEN = 'cluster-test-token-0123456789abcdef';

describe('the production topology: Temporal on PostgreSQL, two workers', { timeout: 600_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'trusthub-cluster-'));
  let cluster: TestCluster;
  let address: string;
  let connection: Connection;
  let client: Client;
  let sandbox: RunningSandbox;
  let api: FastifyInstance;
  let apiUrl: string;
  const taskQueue = `cluster-test-${process.pid}`;
  const workers: WorkerProcess[] = [];
  const timings: Record<string, number> = {};

  async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[name] = Date.now() - started;
    }
  }

  function startWorker(): WorkerProcess {
    const worker = spawnWorker({ address }, sandbox, {
      TEMPORAL_TASK_QUEUE: taskQueue,
      PUBLIC_BASE_URL: apiUrl,
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
    });
    workers.push(worker);
    return worker;
  }

  before(async () => {
    cluster = await TestCluster.start(root, NAMESPACE, timed);
    address = cluster.address;

    sandbox = await runSandbox({ vetting: 'manual', logLevel: 'silent' });
    connection = await Connection.connect({ address });
    client = new Client({ connection, namespace: NAMESPACE, dataConverter: testDataConverter });
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    const config = loadApiConfig({
      LOG_LEVEL: 'silent',
      PORT: String(port),
      PUBLIC_BASE_URL: apiUrl,
      API_TOKEN: TOKEN,
      TWILIO_AUTH_TOKEN: sandbox.info.authToken,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_NAMESPACE: NAMESPACE,
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
    });
    api = await buildApp({ config, temporal: client });
    await api.listen({ host: '127.0.0.1', port });
    startWorker();
    startWorker();
  });

  after(async () => {
    for (const worker of workers) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await api?.close();
    await sandbox?.close();
    await connection?.close();
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
    process.stderr.write(`cluster timings (ms): ${JSON.stringify(timings)}\n`);
  });

  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const decide = (sid: string, outcome: 'approve' | 'rules') =>
    sandbox.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome });

  /** Polls GET /v1/onboardings/:id until `predicate` holds; the API answers 5xx while a restart is under way. */
  async function waitFor(
    id: string,
    predicate: (view: OnboardingView) => boolean,
    timeoutMs = 90_000,
  ): Promise<OnboardingView> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      const answer = await call<OnboardingView>('GET', `/v1/onboardings/${id}`).catch((error: Error) => ({
        status: 0,
        body: error.message,
      }));
      last = answer.body;
      if (answer.status === 200 && predicate(answer.body as OnboardingView))
        return answer.body as OnboardingView;
      if (Date.now() > deadline) {
        const output = workers.map((w, i) => `worker ${i}:\n${w.output().slice(-2_000)}`).join('\n');
        throw new Error(`${id}: not there in ${timeoutMs} ms; last ${JSON.stringify(last)}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Visibility is eventually consistent: poll a query until it returns what is expected. */
  async function listIds(query: string, expect: (ids: string[]) => boolean): Promise<string[]> {
    let ids: string[] = [];
    for (let tries = 0; tries < 100; tries += 1) {
      ids = [];
      for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
      if (expect(ids)) return ids;
      await new Promise((r) => setTimeout(r, 100));
    }
    return ids;
  }

  let completed: OnboardingView;

  test('an onboarding completes through a SIGKILLed worker, a restarted server and a restarted PostgreSQL', async () => {
    const request = onboardingRequest('cluster-happy', [sandbox.info.phoneNumbers[0]!.phoneNumber]);
    const accepted = await call<{ id: string }>('POST', '/v1/onboardings', request);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const { id } = accepted.body;

    // Mid-run: one worker dies without a chance to hand anything back; the other carries on.
    workers[0]!.child.kill('SIGKILL');
    await workers[0]!.exited;
    let view = await waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');

    // The server goes away and comes back on the same database; workers and the API reconnect.
    await timed('server restart', async () => {
      await cluster.stopServer();
      await cluster.startServer();
    });
    await decide(view.customerProfile!.sid, 'approve');
    view = await waitFor(id, (v) => v.step === 'waiting-for-trust-product-vetting');

    // PostgreSQL goes away under the running server and comes back.
    await timed('postgres restart', () => cluster.pg.restart());
    await decide(view.trustProduct!.sid, 'approve');
    completed = await waitFor(id, (v) => v.status === 'completed');
    assert.equal(completed.trustProduct?.status, 'twilio-approved');
    assert.equal(workers[1]!.child.exitCode, null, 'the surviving worker is still running');

    // The customer's claim is held in the claims' namespace (the namespace job made it), not beside
    // the onboardings, whose list shows customers only.
    const claimId = claimIdFor('customer', 'cluster-happy');
    const claims = new Client({
      connection,
      namespace: DEFAULT_CLAIMS_NAMESPACE,
      dataConverter: testDataConverter,
    });
    assert.equal((await claims.workflow.getHandle(claimId).describe()).status.name, 'RUNNING');
    await assert.rejects(client.workflow.getHandle(claimId).describe(), WorkflowNotFoundError);
  });

  test('every operator query answers on SQL visibility, and GET /v1/onboardings pages with its cursor', async () => {
    assert.ok(completed, 'the onboarding above completed');
    // One more waiting on vetting, one whose profile Twilio rejected.
    const waiting = await call<{ id: string }>(
      'POST',
      '/v1/onboardings',
      onboardingRequest('cluster-waiting', [sandbox.info.phoneNumbers[1]!.phoneNumber]),
    );
    const rejectedRequest = onboardingRequest('cluster-rejected', [
      sandbox.info.phoneNumbers[2]!.phoneNumber,
    ]);
    // Valid E.164, but too short to be anyone's number: Twilio cannot verify the representative.
    rejectedRequest.authorizedRepresentatives[0]!.phoneNumber = '+141555';
    const rejected = await call<{ id: string }>('POST', '/v1/onboardings', rejectedRequest);
    const waitingId = waiting.body.id;
    const rejectedId = rejected.body.id;
    await waitFor(waitingId, (v) => v.step === 'waiting-for-customer-profile-vetting');
    const inReview = await waitFor(rejectedId, (v) => v.step === 'waiting-for-customer-profile-vetting');
    await decide(inReview.customerProfile!.sid, 'rules');
    await waitFor(rejectedId, (v) => v.status === 'action-required');

    const soon = new Date(Date.now() + 60_000);
    const expected: [string, string[]][] = [
      [stuckOnboardingQueries.vettingStartedBefore(soon), [waitingId]],
      [stuckOnboardingQueries.correctionsAwaitedSince(soon), [rejectedId]],
      [stuckOnboardingQueries.actionRequired(), [rejectedId]],
      [stuckOnboardingQueries.profilesRejected(), [rejectedId]],
      [stuckOnboardingQueries.failed(), []],
      [stuckOnboardingQueries.byCustomer('cluster-happy'), [completed.id]],
      // BundleSids is a KeywordList: each of its values matches on its own.
      [stuckOnboardingQueries.byBundleSid(completed.customerProfile!.sid), [completed.id]],
      [stuckOnboardingQueries.byBundleSid(completed.trustProduct!.sid), [completed.id]],
    ];
    for (const [query, ids] of expected) {
      const found = await listIds(
        query,
        (got) => got.length === ids.length && ids.every((i) => got.includes(i)),
      );
      assert.deepEqual(found.sort(), [...ids].sort(), query);
    }
    assert.deepEqual(
      await listIds(
        stuckOnboardingQueries.vettingStartedBefore(new Date(Date.now() - 86_400_000)),
        () => false,
      ),
      [],
      'nothing has waited a day',
    );

    // The API's listing, one per page, followed by its cursor to the end.
    const all = [completed.id, waitingId, rejectedId].sort();
    const listed: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const page: { status: number; body: { onboardings: { id: string }[]; nextCursor: string | null } } =
        await call('GET', `/v1/onboardings?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.ok(page.body.onboardings.length <= 1);
      listed.push(...page.body.onboardings.map((o) => o.id));
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    assert.deepEqual(listed.sort(), all, 'three pages of one, then no cursor');
  });

  test('both jobs run again on the existing database, succeed, and change nothing', async () => {
    const snapshot = () => {
      // The schema, and the rows the schema tool keeps of what it applied; pg_dump's per-dump
      // \restrict token is random, so it is left out.
      const dump = (db: string, args: string[]) =>
        execFileSync(
          '/usr/lib/postgresql/15/bin/pg_dump',
          ['-h', '127.0.0.1', '-p', String(cluster.pg.port), '-U', cluster.pg.database.user, ...args, db],
          { encoding: 'utf8', env: { PATH: process.env.PATH, PGPASSWORD: cluster.pg.database.password } },
        ).replace(/^\\(un)?restrict .*$/gm, '');
      const database = (db: string) =>
        dump(db, ['--schema-only']) +
        dump(db, ['--data-only', '-t', 'schema_version', '-t', 'schema_update_history']);
      const cli = (args: string[]) =>
        execFileSync(
          ensureTemporalCli({ quiet: true }),
          [...args, '--address', address, '--namespace', NAMESPACE],
          {
            encoding: 'utf8',
          },
        );
      return {
        temporal: database('temporal'),
        visibility: database('temporal_visibility'),
        // Listed in no fixed order.
        searchAttributes: cli(['operator', 'search-attribute', 'list']).split('\n').sort().join('\n'),
        namespace: cli(['operator', 'namespace', 'describe', '--output', 'json']),
      };
    };
    const before = snapshot();
    await timed('schema job again', () => runSchemaJob(cluster.pg.database));
    await timed('namespace job again', () => runNamespaceJob(address, NAMESPACE));
    const afterwards = snapshot();
    assert.equal(afterwards.temporal, before.temporal, 'the temporal schema is unchanged');
    assert.equal(afterwards.visibility, before.visibility, 'the visibility schema is unchanged');
    assert.equal(afterwards.searchAttributes, before.searchAttributes);
    assert.equal(afterwards.namespace, before.namespace);
    assert.match(afterwards.searchAttributes, /BundleSids\s+KeywordList/);
    assert.match(afterwards.temporal, /schema_version/);
  });
});
