/**
 * `npm start`: the whole service in one terminal.
 *
 *   1. the Temporal dev server (CLI `server start-dev`, SQLite in .data/, UI on 8233; task priorities
 *      honoured unless TEMPORAL_PRIORITIES=off) — unless TEMPORAL_ADDRESS points elsewhere, in which
 *      case that cluster is used;
 *   2. the Trust Hub sandbox on SANDBOX_PORT — only when TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN are unset;
 *   3. the worker, with its Prometheus metrics on WORKER_METRICS_PORT (9464);
 *   4. the API on PORT.
 *
 * Everything Temporal stores is encrypted (src/temporal/codec.ts). Unless PAYLOAD_ENCRYPTION_KEYS is
 * set, a development key is generated once into .data/payload-encryption-keys and reused, and the dev
 * server's Web UI decodes through the API's codec endpoint (with a generated CODEC_TOKEN when the API
 * is guarded by tokens: codecTokenFor).
 *
 * In sandbox mode the worker and the API get the sandbox's Twilio account and none of the caller's,
 * whatever is exported (scripts/start-env.ts).
 *
 * Once it is up, a process that exits is restarted with a back-off, the others serving meanwhile, as
 * compose's `restart:` (scripts/start-supervisor.ts); the dev server is given up on, stopping
 * everything, when it does not come back. Ctrl-C stops them all, newest first. A second `npm start`
 * reuses .data/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import {
  CustomerId,
  SEARCH_ATTRIBUTES,
  SEARCH_ATTRIBUTE_CLI_TYPES,
} from '../src/contract/search-attributes.js';
import { configDefault } from '../src/config.js';
import { devServerPriorityArgs, ensureTemporalCli, waitForHttp, waitForPort } from './toolchain.js';
import { registerSearchAttributes } from '../src/temporal/register-search-attributes.js';
import {
  appPortsWanted,
  checkPorts,
  codecEndpoint,
  dataDir,
  launch,
  NO_TWILIO,
  pretty,
  printReady,
  run,
  say,
  SERVICE_RESTARTS,
  startApplication,
  temporalCliLine,
} from './start-kit.js';

// The dev server's ports are this script's; the API's, sandbox's and worker's are start-kit's.
const ports = {
  temporal: Number(process.env.TEMPORAL_DEV_SERVER_PORT ?? 7233),
  ui: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
};
const useDevServer = !process.env.TEMPORAL_ADDRESS;
/** The claims' namespace (src/activities/temporal-claims.ts), made beside `default` so its list shows customers only. */
const claimsNamespace =
  process.env.TEMPORAL_CLAIMS_NAMESPACE ?? configDefault('worker', 'TEMPORAL_CLAIMS_NAMESPACE');

async function startTemporal(): Promise<void> {
  const cli = ensureTemporalCli();
  mkdirSync(dataDir, { recursive: true });
  const searchAttributeFlags = Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES).flatMap(([name, type]) => [
    '--search-attribute',
    `${name}=${type}`,
  ]);
  run(
    'temporal',
    35,
    cli,
    [
      'server',
      'start-dev',
      '--db-filename',
      join(dataDir, 'temporal.db'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(ports.temporal),
      '--ui-port',
      String(ports.ui),
      // The UI shows decoded inputs and state to an operator whose browser can call the API's codec.
      '--ui-codec-endpoint',
      codecEndpoint(),
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=NORMAL',
      '--log-level',
      'warn',
      '--log-format',
      pretty ? 'pretty' : 'json',
      ...searchAttributeFlags,
      // Claims apart from the onboardings: the Web UI's default list shows one row per customer.
      '--namespace',
      claimsNamespace,
      // Task priorities (interactive work ahead of bulk imports), unless TEMPORAL_PRIORITIES=off.
      ...devServerPriorityArgs(),
    ],
    {},
    NO_TWILIO,
    // Brought back on its database if it exits; everything stops if it will not serve again.
    { ready: () => waitForPort(ports.temporal, 60_000), giveUpAfter: SERVICE_RESTARTS },
  );
  await waitForPort(ports.temporal, 60_000);
  // The CLI ignores --search-attribute when it reopens an existing database: register them here too.
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  try {
    await registerSearchAttributes(connection, 'default', SEARCH_ATTRIBUTES);
    await registerSearchAttributes(connection, claimsNamespace, [CustomerId]);
  } finally {
    await connection.close();
  }
  await waitForHttp(`http://127.0.0.1:${ports.ui}/`, 30_000);
}

async function main(): Promise<void> {
  const started = Date.now();
  await checkPorts(
    [
      ...appPortsWanted(1),
      ...(useDevServer
        ? ([
            ['Temporal dev server (TEMPORAL_DEV_SERVER_PORT)', ports.temporal, '127.0.0.1'],
            ['Temporal Web UI (TEMPORAL_UI_PORT)', ports.ui, '127.0.0.1'],
          ] as [string, number, string][])
        : []),
    ],
    'npm start',
  );

  const temporalEnv: NodeJS.ProcessEnv = useDevServer
    ? {
        TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_CLAIMS_NAMESPACE: claimsNamespace,
      }
    : {};
  // A development loop restarts the worker with edited code, and no earlier build stays up to serve the
  // runs pinned to it: unversioned unless asked (the cluster and compose run versioned; docs/deployment.md).
  temporalEnv.TEMPORAL_WORKER_VERSIONING = process.env.TEMPORAL_WORKER_VERSIONING ?? 'off';
  if (useDevServer) {
    say('starting the Temporal dev server…');
    await startTemporal();
  }

  const app = await startApplication(
    temporalEnv,
    useDevServer ? { TEMPORAL_UI_URL: process.env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${ports.ui}` } : {},
  );
  const { codecToken } = app;
  printReady(started, app, [
    useDevServer
      ? `  Temporal UI    http://127.0.0.1:${ports.ui}   (gRPC 127.0.0.1:${ports.temporal}, data in ${dataDir}, decoded by ${codecEndpoint()}${codecToken ? ` with the CODEC_TOKEN in ${codecToken.file}` : process.env.CODEC_TOKEN ? ' with CODEC_TOKEN' : ''})`
      : `  Temporal       ${process.env.TEMPORAL_ADDRESS} (namespace ${process.env.TEMPORAL_NAMESPACE ?? 'default'})`,
    useDevServer ? temporalCliLine(ensureTemporalCli({ quiet: true }), `127.0.0.1:${ports.temporal}`) : '',
  ]);
}

launch('npm start', main);
