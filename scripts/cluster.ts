/**
 * The pieces of the production topology on this machine, shared by `npm run start:cluster` and
 * test/cluster: a PostgreSQL cluster, the schema job, the Temporal server (compose's release, built by
 * scripts/toolchain.ts) with deploy/temporal/config.yaml, and the namespace/search-attribute job. The two
 * jobs are compose's own scripts (scripts/cluster/*.sh), run on the host with the host's tools, so what
 * compose runs is what is tested here.
 *
 * PostgreSQL refuses to run as root; when this runs as root, its programs run as the `postgres` user,
 * which then owns the data directory.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensureTemporalCli,
  ensureTemporalServer,
  ensureTemporalSqlTool,
  PRIORITY_DYNAMIC_CONFIG_FILE,
  prioritiesEnabled,
  temporalSchemaDir,
  ToolchainError,
  waitForPort,
} from './toolchain.js';
import { DEFAULT_CLAIMS_NAMESPACE } from '../src/contract/ids.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_CONFIG_DIR = join(repoRoot, 'deploy', 'temporal');
const SCRIPTS_DIR = join(repoRoot, 'scripts', 'cluster');

/** Where PostgreSQL is, as the schema job and the server reach it. */
export interface Database {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** DATABASE_URL (postgres://user:password@host:port/…) as a Database; the database name is not used. */
export function parseDatabaseUrl(url: string): Database {
  const parsed = new URL(url);
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new ToolchainError('DATABASE_URL must be a postgres:// URL.');
  }
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username || 'temporal'),
    password: decodeURIComponent(parsed.password),
  };
}

const PG_BIN = ['/usr/lib/postgresql/15/bin', '/usr/local/bin'];

function pgBinary(name: string): string {
  const found = PG_BIN.map((dir) => join(dir, name)).find((path) => existsSync(path));
  if (!found) {
    throw new ToolchainError(
      `PostgreSQL's ${name} was not found (looked in ${PG_BIN.join(', ')}): install PostgreSQL 15 (e.g. \`apt-get install postgresql-15\`) or set DATABASE_URL to an existing server.`,
    );
  }
  return found;
}

/** The uid/gid PostgreSQL's programs run as: ours, or `postgres`'s when we are root. */
function pgUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A PostgreSQL cluster of its own in `dataDir`, listening on 127.0.0.1:`port` only (no Unix socket),
 * user `temporal` with a password generated once into `<dataDir>.password` (owner-only).
 */
export class LocalPostgres {
  process: ChildProcess | undefined;
  readonly database: Database;
  private output = '';

  constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {
    this.database = { host: '127.0.0.1', port, user: 'temporal', password: this.password() };
  }

  private password(): string {
    const file = `${this.dataDir}.password`;
    if (!existsSync(file)) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    }
    return readFileSync(file, 'utf8').trim();
  }

  /** initdb, once: a data directory that has PG_VERSION is left as it is. */
  init(): void {
    if (existsSync(join(this.dataDir, 'PG_VERSION'))) return;
    const user = pgUser();
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    // The postgres user must reach the directory through its parents.
    if (user) {
      chmodSync(dirname(this.dataDir), 0o755);
      chownSync(this.dataDir, user.uid, user.gid);
    }
    const pwfile = join(this.dataDir, '..', `.initdb-pw-${process.pid}`);
    writeFileSync(pwfile, `${this.database.password}\n`, { mode: 0o600 });
    if (user) chownSync(pwfile, user.uid, user.gid);
    try {
      execFileSync(
        pgBinary('initdb'),
        [
          '-D',
          this.dataDir,
          '-U',
          'temporal',
          `--pwfile=${pwfile}`,
          '--auth-host=scram-sha-256',
          '--auth-local=peer',
          '--encoding=UTF8',
          '--no-instructions',
        ],
        { stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}) },
      );
    } finally {
      execFileSync('rm', ['-f', pwfile]);
    }
  }

  /** Starts the server and resolves once it accepts connections. */
  async start(): Promise<void> {
    this.spawn();
    await this.ready();
  }

  /** Starts the server's process, without waiting for it (npm run start:cluster restarts it so). */
  spawn(): ChildProcess {
    const user = pgUser();
    this.output = '';
    const child = spawn(
      pgBinary('postgres'),
      [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(user ?? {}) },
    );
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.process = child;
    return child;
  }

  /** Resolves once the process `spawn` started takes logins; rejects if it exits first. */
  async ready(): Promise<void> {
    const child = this.process!;
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) =>
        reject(new ToolchainError(`postgres exited (code ${code}) while starting:\n${this.output}`)),
      ),
    );
    await Promise.race([waitForPort(this.port, 60_000), exited]);
    // Accepting TCP comes before accepting logins (the startup's recovery): wait for a login.
    await Promise.race([waitForLogin(this.database, 60_000), exited]);
  }

  /** Fast shutdown (SIGINT): sessions are ended, the data is left consistent. */
  stop(): Promise<void> {
    return stopProcess(this.process, 'SIGINT');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** What the server printed, for failure messages. */
  log(): string {
    return this.output;
  }
}

/** Sends `signal` to `child` unless it has already exited, and resolves once it has. */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill(signal);
  await exited;
}

/** Resolves once `psql` can log in as the database's user. */
async function waitForLogin(database: Database, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((answer) =>
      execFile(
        'psql',
        [
          '-h',
          database.host,
          '-p',
          String(database.port),
          '-U',
          database.user,
          '-d',
          'postgres',
          '-c',
          'select 1',
        ],
        { env: { ...process.env, PGPASSWORD: database.password }, timeout: 5_000 },
        (error) => answer(!error),
      ),
    );
    if (ok) return;
    if (Date.now() > deadline) throw new ToolchainError(`PostgreSQL refused logins for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs one of scripts/cluster's jobs with `env`, resolving with its output; rejects with it on failure. */
function runJob(script: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolveJob, reject) => {
    execFile(
      '/bin/sh',
      [join(SCRIPTS_DIR, script)],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error)
          reject(new ToolchainError(`${script} failed (${error.message.split('\n')[0]}):\n${output}`));
        else resolveJob(output);
      },
    );
  });
}

/**
 * scripts/cluster/temporal-schema.sh against `database`, as compose's temporal-schema job runs it: with
 * the tool and schema files of compose's release, or of `version`'s (admin-tools of that release).
 */
export function runSchemaJob(database: Database, { version }: { version?: string } = {}): Promise<string> {
  return runJob('temporal-schema.sh', {
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: database.host,
    SQL_PORT: String(database.port),
    SQL_USER: database.user,
    SQL_PASSWORD: database.password,
    TEMPORAL_SQL_TOOL: ensureTemporalSqlTool({ quiet: true, version }),
    TEMPORAL_SCHEMA_DIR: temporalSchemaDir({ quiet: true, version }),
  });
}

/**
 * scripts/cluster/temporal-namespace.sh, as compose's temporal-search-attributes job runs it: the
 * onboardings' namespace and the claims' (TEMPORAL_CLAIMS_NAMESPACE, as the worker reads it).
 */
export function runNamespaceJob(
  address: string,
  namespace: string,
  claimsNamespace = process.env.TEMPORAL_CLAIMS_NAMESPACE ?? DEFAULT_CLAIMS_NAMESPACE,
): Promise<string> {
  return runJob('temporal-namespace.sh', {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_CLAIMS_NAMESPACE: claimsNamespace,
    TEMPORAL_CLI: ensureTemporalCli({ quiet: true }),
  });
}

/** The server's ports: compose's (7233 and its neighbours) unless given. */
export interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

export const DEFAULT_SERVER_PORTS: ServerPorts = {
  frontend: 7233,
  frontendHttp: 7243,
  frontendMembership: 6933,
  history: 7234,
  historyMembership: 6934,
  matching: 7235,
  matchingMembership: 6935,
  worker: 7239,
  workerMembership: 6939,
};

/**
 * Free ports for a server of its own (tests, a second cluster). Membership ports must be below 32768:
 * the server stores them in cluster_membership.rpc_port, a smallint, and exits at start otherwise,
 * so they are drawn from 20000–32767 rather than from the kernel's ephemeral range.
 */
export async function freeServerPorts(): Promise<ServerPorts> {
  const ports = {} as ServerPorts;
  const taken = new Set<number>();
  for (const name of Object.keys(DEFAULT_SERVER_PORTS) as (keyof ServerPorts)[]) {
    for (;;) {
      const port = 20_000 + Math.floor(Math.random() * 12_000);
      if (!taken.has(port) && (await portIsFree(port))) {
        taken.add(port);
        ports[name] = port;
        break;
      }
    }
  }
  return ports;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const server = createServer();
    server.once('error', () => answer(false));
    server.listen(port, '127.0.0.1', () => server.close(() => answer(true)));
  });
}

/**
 * The environment deploy/temporal/config.yaml reads (temporalio/server's variable names), with the
 * dynamic config that turns task priorities on (deploy/temporal/dynamicconfig.yaml) unless
 * `priorities` is false (TEMPORAL_PRIORITIES=off).
 */
export function serverEnvironment(
  database: Database,
  ports: ServerPorts,
  { priorities = prioritiesEnabled() } = {},
): NodeJS.ProcessEnv {
  return {
    ...(priorities ? { DYNAMIC_CONFIG_FILE_PATH: PRIORITY_DYNAMIC_CONFIG_FILE } : {}),
    POSTGRES_SEEDS: database.host,
    DB_PORT: String(database.port),
    POSTGRES_USER: database.user,
    POSTGRES_PWD: database.password,
    BIND_ON_IP: '127.0.0.1',
    FRONTEND_GRPC_PORT: String(ports.frontend),
    FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    HISTORY_GRPC_PORT: String(ports.history),
    HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    MATCHING_GRPC_PORT: String(ports.matching),
    MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    WORKER_GRPC_PORT: String(ports.worker),
    WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
  };
}

/** The command line that starts the server (compose's release, or `version`) with deploy/temporal/config.yaml. */
export function serverCommand(version?: string): { command: string; args: string[] } {
  return {
    command: ensureTemporalServer({ version }),
    args: ['--root', '/', '--config', SERVER_CONFIG_DIR, '--env', 'config', '--allow-no-auth', 'start'],
  };
}

/** Resolves once the frontend reports SERVING, as compose's healthcheck asks it. */
export async function waitForServing(address: string, timeoutMs: number): Promise<void> {
  const cli = ensureTemporalCli({ quiet: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const serving = await new Promise<boolean>((answer) =>
      execFile(
        cli,
        ['operator', 'cluster', 'health', '--address', address],
        { timeout: 10_000 },
        (error, stdout) => answer(!error && stdout.includes('SERVING')),
      ),
    );
    if (serving) return;
    if (Date.now() > deadline)
      throw new ToolchainError(`the Temporal server at ${address} is not serving after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The Temporal Web UI server's configuration under `npm run start:cluster` (it reads YAML only, no
 * environment), as compose configures temporalio/ui through its environment. Write actions are off
 * (`disableWriteActions`, TEMPORAL_DISABLE_WRITE_ACTIONS in the image): the UI has no login here, and
 * its start, signal, reset and terminate would be a write path into the runs beside the API, one no
 * API check sees. Reading histories, decoded through the codec, needs none of them.
 */
export function uiServerConfig(options: {
  temporalAddress: string;
  port: number;
  namespace: string;
  codecEndpoint: string;
}): string {
  return [
    '# Written by scripts/start-cluster.ts on every start.',
    `temporalGrpcAddress: ${options.temporalAddress}`,
    'host: 127.0.0.1',
    `port: ${options.port}`,
    'enableUi: true',
    'disableWriteActions: true',
    `defaultNamespace: ${options.namespace}`,
    'codec:',
    `  endpoint: ${options.codecEndpoint}`,
    '',
  ].join('\n');
}
