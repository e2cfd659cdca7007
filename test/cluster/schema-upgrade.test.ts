/**
 * Issue 29: what an ISV upgrading an existing cluster sees. A database made by the release upgrades are
 * tested from (TEMPORAL_UPGRADE_FROM_VERSION, 1.29.1: its admin-tools' schema job, its server, the
 * namespace job) holds a customer's run that waits for a signal; the old server stops, the project's
 * own schema job (compose's temporal-schema, `npm run start:cluster`'s) runs at compose's release and
 * must bring both databases to that release's schema versions, read from the database's schema_version
 * rows; then compose's release starts on the same database and the run is still there, with the same
 * history and its search attributes, and finishes with a worker. Before the job, the new server
 * refuses the old schema, which is what an upgrade that skips the job would see.
 *
 * It builds nothing when the binaries are cached: scripts/toolchain.ts builds both releases' server and
 * temporal-sql-tool (the old ones as `[toolchain]` lines here otherwise). PostgreSQL 15's programs and
 * psql must be installed, as for cluster.test.ts.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { runNamespaceJob, runSchemaJob } from '../../scripts/cluster.js';
import {
  ensureTemporalServer,
  ensureTemporalSqlTool,
  TEMPORAL_UPGRADE_FROM_VERSION,
  temporalSchemaDir,
  temporalServerVersion,
} from '../../scripts/toolchain.js';
import { DEFAULT_CLAIMS_NAMESPACE } from '../../src/contract/ids.js';
import { TestCluster } from '../support/cluster.js';
import { finishSignal } from './fixtures/waiting-customer.js';

const NAMESPACE = 'default';
const OLD = TEMPORAL_UPGRADE_FROM_VERSION;
const NEW = temporalServerVersion();
const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
const { History } = proto.temporal.api.history.v1;
const { EventType } = proto.temporal.api.enums.v1;
const DATABASES = { temporal: 'temporal', temporal_visibility: 'visibility' } as const;
type Versions = Record<keyof typeof DATABASES, string>;

/** The highest versioned/vX.Y of each database in `version`'s schema files: what its schema job leaves. */
function releaseSchemaVersions(version: string): Versions {
  const dir = join(temporalSchemaDir({ quiet: true, version }), 'postgresql', 'v12');
  const highest = (schema: string) =>
    readdirSync(join(dir, schema, 'versioned'))
      .map((name) => name.replace(/^v/, ''))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .at(-1)!;
  return {
    temporal: highest(DATABASES.temporal),
    temporal_visibility: highest(DATABASES.temporal_visibility),
  };
}

/** A history as protobuf's JSON: compared field for field (map entries' order in the wire bytes varies). */
function historyJson(history: proto.temporal.api.history.v1.IHistory): Record<string, unknown> {
  return History.decode(History.encode(history).finish()).toJSON();
}

describe(`upgrading an existing database from Temporal ${OLD} to ${NEW}`, { timeout: 600_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'trusthub-schema-upgrade-'));
  const taskQueue = `schema-upgrade-${process.pid}`;
  const customerId = `upgrade-customer-${process.pid}`;
  let cluster: TestCluster;
  let connection: Connection;
  let client: Client;
  let handle: WorkflowHandle;
  let workflowCode: string;
  let history: Record<string, unknown>;
  let historyLength: number;
  const searchAttributes: Record<string, unknown> = {};
  const versions: { before?: Versions; after?: Versions } = {};
  let refusal: string | undefined;
  const started = Date.now();

  /** curr_version of each database's schema_version row, as the server and temporal-sql-tool read it. */
  function schemaVersions(): Versions {
    const { host, port, user, password } = cluster.pg.database;
    const read = (db: string) =>
      execFileSync(
        'psql',
        [
          ...['-h', host, '-p', String(port), '-U', user, '-d', db, '-tAc'],
          `select curr_version from schema_version where version_partition = 0 and db_name = '${db}'`,
        ],
        { env: { ...process.env, PGPASSWORD: password }, encoding: 'utf8' },
      ).trim();
    return { temporal: read('temporal'), temporal_visibility: read('temporal_visibility') };
  }

  /** The custom search attributes of the onboardings' and the claims' namespaces. */
  async function customAttributes(): Promise<Record<string, unknown>> {
    const list = async (namespace: string) =>
      (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes;
    return {
      [NAMESPACE]: await list(NAMESPACE),
      [DEFAULT_CLAIMS_NAMESPACE]: await list(DEFAULT_CLAIMS_NAMESPACE),
    };
  }

  /** Runs `work` with a worker for the fixture on the current server, shutting it down after. */
  async function withWorker<T>(work: () => Promise<T>): Promise<T> {
    const workerConnection = await NativeConnection.connect({ address: cluster.address });
    const worker = await Worker.create({
      connection: workerConnection,
      namespace: NAMESPACE,
      taskQueue,
      workflowBundle: { code: workflowCode },
    });
    try {
      return await worker.runUntil(work());
    } finally {
      await workerConnection.close();
    }
  }

  before(async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    // Built once into the cache (npm run toolchain builds them first; a build here is reported).
    ensureTemporalServer({ version: OLD });
    ensureTemporalSqlTool({ version: OLD });
    cluster = await TestCluster.start(root, NAMESPACE, undefined, { version: OLD });
    ({ code: workflowCode } = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./fixtures/waiting-customer.ts', import.meta.url)),
      logger: new DefaultLogger('ERROR'),
    }));
  });

  after(async () => {
    await connection?.close();
    await cluster?.stop();
    rmSync(root, { recursive: true, force: true });
    process.stderr.write(
      [
        `schema upgrade test: ${Date.now() - started} ms`,
        `schema versions ${JSON.stringify(versions.before)} -> ${JSON.stringify(versions.after)}`,
        `history of the waiting run: ${historyLength} events`,
        `${NEW} before the schema job: ${refusal}\n`,
      ].join('; '),
    );
  });

  test(`on ${OLD}: its schema versions, the namespace job's search attributes, a run left waiting`, async () => {
    versions.before = schemaVersions();
    assert.deepEqual(versions.before, releaseSchemaVersions(OLD));
    connection = await Connection.connect({ address: cluster.address });
    client = new Client({ connection, namespace: NAMESPACE });
    Object.assign(searchAttributes, await customAttributes());
    assert.ok(
      CustomerId.name in (searchAttributes[NAMESPACE] as object),
      'the namespace job registered CustomerId',
    );

    handle = await client.workflow.start('waitingCustomer', {
      taskQueue,
      workflowId: customerId,
      args: [customerId],
      typedSearchAttributes: [{ key: CustomerId, value: customerId }],
    });
    // A worker runs its first workflow task, so that the run waits on its condition in the database.
    await withWorker(async () => {
      for (;;) {
        const { events } = await handle.fetchHistory();
        if (events?.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    const fetched = await handle.fetchHistory();
    historyLength = fetched.events!.length;
    history = historyJson(fetched);
    assert.equal((await handle.describe()).status.name, 'RUNNING');
  });

  test(`${NEW} refuses the ${OLD} schema; the schema job brings both databases to ${NEW}'s versions`, async () => {
    await cluster.stopServer();
    // An upgrade that skips the job: the new server checks the schema versions and exits.
    await assert.rejects(cluster.startServer(), (error: Error) => {
      refusal = /version mismatch[^\n"]*"[^"]*"[^\n]*?Actual version: [\d.]+/.exec(error.message)?.[0];
      return refusal !== undefined;
    });
    assert.deepEqual(schemaVersions(), releaseSchemaVersions(OLD), 'the refused start changed nothing');

    await runSchemaJob(cluster.pg.database);
    versions.after = schemaVersions();
    assert.deepEqual(versions.after, releaseSchemaVersions(NEW));
  });

  test(`on ${NEW}: the same run with the same history, its search attributes; it finishes`, async () => {
    await cluster.startServer();
    const fetched = await handle.fetchHistory();
    assert.equal(fetched.events!.length, historyLength);
    assert.deepEqual(historyJson(fetched), history, 'the same events, field for field');
    assert.equal((await handle.describe()).status.name, 'RUNNING');

    // The registrations survived in the database: before compose's namespace job runs again on `up`,
    // and after it (which then changes nothing).
    assert.deepEqual(await customAttributes(), searchAttributes);
    await runNamespaceJob(cluster.address, NAMESPACE);
    assert.deepEqual(await customAttributes(), searchAttributes);

    // Visibility's rows too: the run is found by its search attribute (eventually consistent: polled).
    const query = `${CustomerId.name} = '${customerId}'`;
    let found: string[] = [];
    for (let tries = 0; tries < 100 && found.length === 0; tries += 1) {
      found = [];
      for await (const execution of client.workflow.list({ query })) found.push(execution.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(found, [customerId]);

    const result = await withWorker(async () => {
      await handle.signal(finishSignal, 'upgraded');
      return (await handle.result()) as string;
    });
    assert.equal(result, `${customerId}: upgraded`);
    const finished = await handle.fetchHistory();
    assert.deepEqual(
      finished.events!.slice(historyLength).map((e) => EventType[e.eventType!]),
      [
        'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
        'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED',
        'EVENT_TYPE_WORKFLOW_TASK_STARTED',
        'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
        'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
      ],
    );
  });
});
