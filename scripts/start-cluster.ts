/**
 * `npm run start:cluster`: the production topology (docker-compose.yml's) in one terminal, without
 * Docker, on the ports and variables of `npm start`:
 *
 *   1. PostgreSQL: an initdb'd cluster in .data/postgres on POSTGRES_PORT (default: a free port), or
 *      DATABASE_URL for an existing server (postgres://user:password@host:port);
 *   2. compose's schema job (scripts/cluster/temporal-schema.sh);
 *   3. the Temporal server at compose's release with deploy/temporal/config.yaml (history and SQL
 *      visibility in PostgreSQL) and deploy/temporal/dynamicconfig.yaml (task priorities honoured, unless
 *      TEMPORAL_PRIORITIES=off), gRPC on TEMPORAL_DEV_SERVER_PORT (7233) as with npm start;
 *   4. compose's namespace/search-attribute job (scripts/cluster/temporal-namespace.sh);
 *   5. the Temporal Web UI (temporalio/ui's server, built from Go) on TEMPORAL_UI_PORT (8233), decoding
 *      through the API's codec endpoint, with write actions off as in compose;
 *   6. the sandbox without Twilio credentials, WORKERS worker processes (default 2; worker i's metrics
 *      on WORKER_METRICS_PORT + i), and the API on PORT (scripts/start-kit.ts, as npm start).
 *
 * The binaries build once into the cache (scripts/toolchain.ts). Once the cluster is up, a process that
 * exits (a worker, the API, the server, PostgreSQL) is restarted with a back-off while the others keep
 * serving, as compose's `restart:` does (scripts/start-supervisor.ts); only Ctrl-C, or the server or
 * PostgreSQL not coming back, stops everything, newest first. A second start reuses .data/ (the jobs
 * accept what the first left).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_SERVER_PORTS,
  LocalPostgres,
  parseDatabaseUrl,
  runNamespaceJob,
  runSchemaJob,
  serverCommand,
  serverEnvironment,
  uiServerConfig,
  waitForServing,
  type Database,
} from './cluster.js';
import { ensureTemporalCli, ensureTemporalUiServer, freePort, waitForHttp } from './toolchain.js';
import {
  appPortsWanted,
  checkPorts,
  codecEndpoint,
  dataDir,
  launch,
  launcher,
  NO_TWILIO,
  printReady,
  run,
  say,
  SERVICE_RESTARTS,
  startApplication,
  StartError,
  temporalCliLine,
  track,
} from './start-kit.js';

launcher.label = 'cluster';
const NAMESPACE = 'default';
const workers = Number(process.env.WORKERS ?? 2);
const serverPorts = {
  ...DEFAULT_SERVER_PORTS,
  frontend: Number(process.env.TEMPORAL_DEV_SERVER_PORT ?? DEFAULT_SERVER_PORTS.frontend),
};
const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
const address = `127.0.0.1:${serverPorts.frontend}`;

async function startPostgres(): Promise<{ database: Database; where: string }> {
  if (process.env.DATABASE_URL) {
    const database = parseDatabaseUrl(process.env.DATABASE_URL);
    return { database, where: `${database.host}:${database.port} (DATABASE_URL)` };
  }
  const pg = new LocalPostgres(
    join(dataDir, 'postgres'),
    Number(process.env.POSTGRES_PORT ?? (await freePort())),
  );
  say(`starting PostgreSQL in ${pg.dataDir} on 127.0.0.1:${pg.port}…`);
  pg.init();
  await pg.start();
  // Brought back on its data directory if it exits; everything stops if it will not take logins again.
  track(
    { name: 'postgres', spawn: () => pg.spawn(), ready: () => pg.ready(), giveUpAfter: SERVICE_RESTARTS },
    pg.process!,
  );
  return { database: pg.database, where: `127.0.0.1:${pg.port}, data in ${pg.dataDir}` };
}

/** The UI server reads YAML only, no environment: its file is written here, in .data/temporal-ui. */
async function startUi(): Promise<void> {
  const configDir = join(dataDir, 'temporal-ui');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    join(configDir, 'cluster.yaml'),
    uiServerConfig({
      temporalAddress: address,
      port: uiPort,
      namespace: NAMESPACE,
      codecEndpoint: codecEndpoint(),
    }),
  );
  run(
    'ui',
    34,
    ensureTemporalUiServer(),
    ['--root', '/', '--config', configDir, '--env', 'cluster', 'start'],
    {},
    NO_TWILIO,
  );
  await waitForHttp(`http://127.0.0.1:${uiPort}/`, 60_000);
}

async function main(): Promise<void> {
  const started = Date.now();
  if (!Number.isInteger(workers) || workers < 1) throw new StartError('WORKERS must be a whole number ≥ 1.');
  await checkPorts(
    [
      ...appPortsWanted(workers),
      ...Object.entries(serverPorts).map(
        ([name, port]) => [`Temporal server (${name})`, port, '127.0.0.1'] as [string, number, string],
      ),
      ['Temporal Web UI (TEMPORAL_UI_PORT)', uiPort, '127.0.0.1'],
    ],
    'npm run start:cluster',
  );

  const { database, where } = await startPostgres();
  say('running the schema job (scripts/cluster/temporal-schema.sh)…');
  await runSchemaJob(database);

  say('starting the Temporal server on PostgreSQL…');
  const { command, args } = serverCommand();
  run(
    'temporal',
    35,
    command,
    args,
    {
      ...serverEnvironment(database, serverPorts),
      LOG_LEVEL: process.env.TEMPORAL_LOG_LEVEL ?? 'warn',
      // Go's pprof on 127.0.0.1 at this port, for profiling the server's CPU (bench/scale.ts --pprof).
      PPROF_PORT: process.env.TEMPORAL_PPROF_PORT ?? '0',
    },
    NO_TWILIO,
    { ready: () => waitForServing(address, 120_000), giveUpAfter: SERVICE_RESTARTS },
  );
  await waitForServing(address, 120_000);
  say('running the namespace job (scripts/cluster/temporal-namespace.sh)…');
  await runNamespaceJob(address, NAMESPACE);
  await startUi();

  const app = await startApplication(
    {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      // Versioned, as in production; this checkout's build serves new runs at once (a second build's
      // rollout is docs/deployment.md's "New workflow code", which test/cluster/versioning.test.ts runs).
      TEMPORAL_DEPLOYMENT_PROMOTE: process.env.TEMPORAL_DEPLOYMENT_PROMOTE ?? 'always',
    },
    { TEMPORAL_UI_URL: process.env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${uiPort}` },
    workers,
  );
  const { codecToken } = app;
  printReady(started, app, [
    `  Temporal       ${address} (the server at compose's release, namespace ${NAMESPACE}; ${workers} workers)`,
    `  Temporal UI    http://127.0.0.1:${uiPort}   (decoded by ${codecEndpoint()}${codecToken ? ` with the CODEC_TOKEN in ${codecToken.file}` : ''})`,
    `  PostgreSQL     ${where}`,
    temporalCliLine(ensureTemporalCli({ quiet: true }), address),
  ]);
}

launch('npm run start:cluster', main);
