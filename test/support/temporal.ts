/**
 * Real Temporal servers for tests, from the project's own toolchain (scripts/toolchain.ts): nothing is
 * downloaded at test time and nothing is mocked.
 */
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes.js';
import { registerSearchAttributes } from '../../src/temporal/register-search-attributes.js';
import { DEFAULT_CLAIMS_NAMESPACE } from '../../src/contract/ids.js';
import { encryptingDataConverter, parsePayloadKeys } from '../../src/temporal/codec.js';
import {
  devServerPriorityArgs,
  ensureTemporalCli,
  ensureTestServer,
  freePort,
} from '../../scripts/toolchain.js';

/**
 * Workflow-task completions the server refused, as the SDK's core logs them. Such a refusal leaves a
 * run with a workflow task that never completes (on the time-skipping server, forever: it neither
 * fails nor retries the task), so the test helpers stop waiting at the first one and say so.
 */
export const refusedCompletions: { at: number; message: string; meta: unknown }[] = [];

/**
 * Installs the SDK runtime the tests' workers and servers share, once, when a test first needs Temporal.
 * Workers in tests log warnings and errors only: activity start/complete lines would drown the report.
 * Core's own lines are forwarded here too, so that a refused completion is seen, not just printed.
 * Installed on demand, not on import: a runtime that forwards core logs keeps its process alive, and a
 * test file that only borrows a fixture from test/support must still exit when its tests are done.
 */
export function installTestRuntime(): void {
  if (installed) return;
  installed = true;
  const print = new DefaultLogger('WARN');
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry: LogEntry) => {
      if (/Error while completing workflow activation/.test(entry.message)) {
        refusedCompletions.push({ at: Date.now(), message: entry.message, meta: entry.meta });
      }
      print.log(entry.level, entry.message, entry.meta);
    }),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}
let installed = false;

/**
 * The payload keys of every test: a fixed key, so that recorded histories (test/replay) stay
 * decodable, and test-only, so it protects nothing. The second entry is a retired key, as during a
 * rotation.
 */
export const TEST_PAYLOAD_ENCRYPTION_KEYS =
  'test-2026:dGVzdC1vbmx5LWtleS1ub3QtYS1zZWNyZXQtMDAwMDA=,test-retired:cmV0aXJlZC10ZXN0LWtleS1ub3QtYS1zZWNyZXQtMDA=';

/**
 * The data converter the service's processes use, with the test keys: tests see what they see,
 * unencrypted payloads refused included.
 */
export const testDataConverter = encryptingDataConverter(parsePayloadKeys(TEST_PAYLOAD_ENCRYPTION_KEYS), {
  plaintext: 'refuse',
});

/** Temporal's Java test server: timers and `sleep` skip ahead whenever the workflow is only waiting. */
export async function timeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  installTestRuntime();
  const path = await ensureTestServer({ quiet: true });
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
    client: { dataConverter: testDataConverter },
  });
  // The workflow upserts the onboarding's search attributes: the server must know them. (This server
  // takes any namespace without its being made, the claims' included, and its attributes are global.)
  await registerSearchAttributes(env.connection, env.namespace ?? 'default', SEARCH_ATTRIBUTES);
  return env;
}

/**
 * The Temporal CLI's dev server with the onboarding's search attributes, for visibility queries, and the
 * claims' namespace beside `default`, as npm start's (the CLI registers the attributes in both).
 */
export async function devServerEnvironment(
  options: { ui?: boolean; uiPort?: number; dbFilename?: string; extraArgs?: string[] } = {},
): Promise<TestWorkflowEnvironment> {
  installTestRuntime();
  const path = ensureTemporalCli({ quiet: true });
  return TestWorkflowEnvironment.createLocal({
    client: { dataConverter: testDataConverter },
    server: {
      executable: { type: 'existing-path', path },
      searchAttributes: [...SEARCH_ATTRIBUTES],
      ui: options.ui ?? false,
      ...(options.uiPort ? { uiPort: options.uiPort } : {}),
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      // Priorities honoured, as npm start's dev server does.
      extraArgs: [
        ...devServerPriorityArgs(),
        '--namespace',
        DEFAULT_CLAIMS_NAMESPACE,
        ...(options.extraArgs ?? []),
      ],
      log: { format: 'json', level: 'warn' },
    },
  });
}

/** No Temporal server: a client on a lazy connection, for the API's tests that must not reach one. */
export interface OfflineTemporal {
  client: Client;
  /** How many gRPC calls reached the listener: 0 while nothing asked Temporal. */
  calls(): number;
  close(): Promise<void>;
}

/**
 * A bare HTTP/2 listener that counts each gRPC call and fails it at once (FAILED_PRECONDITION, which
 * the client does not retry), so a route that did reach Temporal fails, never passes by accident, and
 * a test can say that nothing asked.
 */
export async function offlineTemporal(): Promise<OfflineTemporal> {
  let calls = 0;
  const nothing = createServer();
  nothing.on('stream', (stream) => {
    calls += 1;
    const refusal = { 'grpc-status': '9', 'grpc-message': 'no Temporal in an offline test' };
    stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...refusal }, { endStream: true });
  });
  await new Promise<void>((resolve) => nothing.listen(0, '127.0.0.1', resolve));
  const { port } = nothing.address() as AddressInfo;
  const connection = Connection.lazy({ address: `127.0.0.1:${port}` });
  return {
    client: new Client({ connection }),
    calls: () => calls,
    async close() {
      await connection.close();
      await new Promise((resolve) => nothing.close(resolve));
    },
  };
}

/** Temporal down: a lazy connection to a port nothing listens on, which fails on first use. */
export async function unreachableTemporal(): Promise<OfflineTemporal> {
  const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
  return {
    client: new Client({ connection }),
    calls: () => 0,
    close: () => connection.close(),
  };
}
