/**
 * What `npm start` (scripts/start.ts) and `npm run start:cluster` (scripts/start-cluster.ts) share: the
 * child processes and how they are run, logged, restarted when one exits once the stack is up
 * (scripts/start-supervisor.ts, as compose's `restart:`) and stopped (Ctrl-C stops them all, newest
 * first), the API's, sandbox's and worker's ports, the development payload key and codec token in
 * DATA_DIR, the sandbox, the worker(s) and the API, and the ready summary. The two commands differ only in the
 * Temporal they start: the CLI's dev server, or the server on PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from './toolchain.js';
import { generatePayloadKey } from '../src/temporal/codec.js';
import { loadSandboxConfig } from 'trusthub-sandbox';
import { configDefault, TOKEN_VARIABLES } from '../src/config.js';
import { childEnvironment, usesSandbox, type SandboxAccount, type TwilioSource } from './start-env.js';
import { Supervisor, type Supervised } from './start-supervisor.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const dataDir = resolve(process.env.DATA_DIR ?? join(repoRoot, '.data'));
export const pretty = process.stdout.isTTY === true && process.env.LOG_FORMAT !== 'json';
export const color = (code: number, text: string) => (pretty ? `\x1b[${code}m${text}\x1b[0m` : text);

/** The prefix of this command's own lines. */
export const launcher = { label: 'start' };

// The API's and worker's defaults are theirs (src/config.ts), the sandbox's its package's.
export const appPorts = {
  api: Number(process.env.PORT ?? configDefault('api', 'PORT')),
  sandbox: Number(process.env.SANDBOX_PORT ?? loadSandboxConfig({}).SANDBOX_PORT),
  // The worker reads it too (src/config.ts); 0 turns its metrics endpoint off.
  workerMetrics: Number(process.env.WORKER_METRICS_PORT ?? configDefault('worker', 'WORKER_METRICS_PORT')),
};
export const workerMetricsHost =
  process.env.WORKER_METRICS_HOST ?? configDefault('worker', 'WORKER_METRICS_HOST');
export const host = process.env.HOST ?? configDefault('api', 'HOST');
export const useSandbox = usesSandbox(process.env);
/** What does not call Twilio gets no Twilio account (scripts/start-env.ts). */
export const NO_TWILIO: TwilioSource = { from: 'none' };
const ports = appPorts;

export class StartError extends Error {}

let stopping = false;

export function say(message: string): void {
  process.stdout.write(`${color(1, `[${launcher.label}]`)} ${message}\n`);
}

/** Lines from a child, prefixed in a terminal; passed through untouched as JSON otherwise. */
function pipe(
  name: string,
  colorCode: number,
  stream: NodeJS.ReadableStream | null,
  out: NodeJS.WriteStream,
) {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    // While stopping, the dev server complains about connections its own parts already closed: noise.
    if (stopping && name === 'temporal') return;
    for (const line of lines)
      out.write(pretty ? `${color(colorCode, `[${name}]`.padEnd(10))} ${line}\n` : `${line}\n`);
  });
}

/**
 * Services the others depend on (PostgreSQL, Temporal, the sandbox) run in their own process group, so a Ctrl-C in
 * the terminal reaches only the API and the worker; they are stopped last, once the worker has drained.
 */
const SERVICES = new Set(['postgres', 'temporal', 'sandbox']);

/** Every child, restarted when it exits once the stack is up; an exit before, or giving up, stops all. */
const supervisor = new Supervisor({
  say: (message) => say(color(33, message)),
  fail: (message) => {
    say(color(31, message));
    void stop(1);
  },
});

/** How a process is brought back (scripts/start-supervisor.ts); by default, as compose's `restart:`. */
export type Restart = Pick<Supervised, 'ready' | 'giveUpAfter'>;

/**
 * The Temporal server and PostgreSQL: restarts in a row that do not come back before everything stops
 * (about 30 s of back-off, plus their readiness checks).
 */
export const SERVICE_RESTARTS = 5;

export function run(
  name: string,
  colorCode: number,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  twilio: TwilioSource,
  restart: Restart = {},
) {
  const spawnIt = () => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: childEnvironment(
        process.env,
        { LOG_FORMAT: process.env.LOG_FORMAT ?? (pretty ? 'pretty' : 'json'), ...env },
        twilio,
      ),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: SERVICES.has(name),
    });
    pipe(name, colorCode, child.stdout, process.stdout);
    pipe(name, colorCode, child.stderr, process.stderr);
    return child;
  };
  return supervisor.add({ name, spawn: spawnIt, ...restart });
}

/**
 * A child started elsewhere (PostgreSQL, by scripts/cluster.ts), supervised and stopped with the
 * others: `spec.spawn` starts it again.
 */
export function track(spec: Supervised, child: ChildProcess): void {
  supervisor.add(spec, child);
}

/**
 * START_FROM=dist runs the service's processes compiled (`npm run build`), as the image does: plain
 * Node, and the worker with its prebuilt workflow bundle. The figures that depend on how the code is
 * loaded (a worker's memory, its start-up) are measured that way.
 */
const startFromDist = process.env.START_FROM === 'dist';

/**
 * Node children run TypeScript through tsx's loader in a single process, so signals reach them
 * directly; with START_FROM=dist, src/<name>.ts runs as dist/<name>.js.
 */
export function runNode(
  name: string,
  colorCode: number,
  entry: string,
  env: NodeJS.ProcessEnv,
  twilio: TwilioSource,
  nodeArgs: string[] = [],
) {
  if (startFromDist && entry.startsWith('src/')) {
    const compiled = entry.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js');
    if (!existsSync(join(repoRoot, compiled)))
      throw new StartError(`START_FROM=dist: ${compiled} is missing; run \`npm run build\` first.`);
    return run(name, colorCode, process.execPath, [...nodeArgs, compiled], env, twilio);
  }
  return run(name, colorCode, process.execPath, [...nodeArgs, '--import', 'tsx', entry], env, twilio);
}

export async function stop(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const { name, child } of supervisor.stop()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      const exited = new Promise((done) => child.once('exit', done));
      const timeout = new Promise((done) => setTimeout(done, 15_000));
      await Promise.race([exited, timeout]);
      if (child.exitCode === null && child.signalCode === null) {
        say(`${name} did not stop in 15 s; killing it.`);
        child.kill('SIGKILL');
      }
    }
  }
  process.exit(exitCode);
}

export function portIsFree(port: number, bindHost: string): Promise<boolean> {
  return new Promise((answer) => {
    const server = createServer();
    server.once('error', () => answer(false));
    server.listen(port, bindHost, () => server.close(() => answer(true)));
  });
}

/**
 * PAYLOAD_ENCRYPTION_KEYS from the environment, or the development key kept with the data it encrypts
 * (created on the first start, owner-only). Losing it makes .data/temporal.db's payloads unreadable.
 */
export function payloadEncryptionKeys(): string {
  if (process.env.PAYLOAD_ENCRYPTION_KEYS) return process.env.PAYLOAD_ENCRYPTION_KEYS;
  const file = join(dataDir, 'payload-encryption-keys');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${generatePayloadKey(`dev-${new Date().toISOString().slice(0, 10)}`)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    say(`generated a development payload encryption key in ${file}`);
  }
  return readFileSync(file, 'utf8').trim();
}

/**
 * The codec's token when npm start must make one: the caller guards the API (any other token
 * variable of TOKEN_VARIABLES) without giving the codec its own, which would leave the Web UI's codec refusing
 * everything (src/api/app.ts). It is generated once into .data/codec-token (owner-only) and reused;
 * the dev server's UI sends no token itself, so an operator adds it to the UI's codec calls (a proxy,
 * a browser extension) or passes it to `temporal … --codec-auth`. With no token configured at all the
 * API is open on loopback, codec included, as before; an exported CODEC_TOKEN is used as it is.
 */
export function codecTokenFor(): { value: string; file: string } | undefined {
  if (!needsGeneratedCodecToken(process.env)) return undefined;
  const file = join(dataDir, 'codec-token');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    say(`generated a development CODEC_TOKEN for the Web UI's codec in ${file}`);
  }
  return { value: readFileSync(file, 'utf8').trim(), file };
}

/** Whether another scope's token is set and CODEC_TOKEN is not: then npm start makes the codec one. */
export function needsGeneratedCodecToken(env: NodeJS.ProcessEnv): boolean {
  if (env.CODEC_TOKEN) return false;
  return TOKEN_VARIABLES.some((variable) => variable !== 'CODEC_TOKEN' && Boolean(env[variable]));
}

/** The codec endpoint as the operator's browser reaches it (src/api/routes/codec.ts). */
export const codecEndpoint = () => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${ports.api}/v1/codec`;

export interface SandboxInfo extends SandboxAccount {
  baseUrl: string;
  phoneNumbers: { sid: string; phoneNumber: string }[];
}

export async function startSandbox(): Promise<SandboxInfo> {
  runNode(
    'sandbox',
    33,
    // The sandbox's own command (its package's bin), as `npx trusthub-sandbox` runs it.
    'node_modules/trusthub-sandbox/bin/trusthub-sandbox.js',
    {
      SANDBOX_PORT: String(ports.sandbox),
      SANDBOX_STATE_FILE: process.env.SANDBOX_STATE_FILE ?? join(dataDir, 'sandbox.json'),
    },
    NO_TWILIO,
  );
  const response = await waitForHttp(`http://127.0.0.1:${ports.sandbox}/__sandbox/info`, 30_000);
  return (await response.json()) as SandboxInfo;
}

/** The API as this machine reaches it. */
export const apiBase = () => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${appPorts.api}`;

/** The ports the sandbox, the API and the worker(s) need, for checkPorts. */
export function appPortsWanted(workers: number): [string, number, string][] {
  const wanted: [string, number, string][] = [['API (PORT)', appPorts.api, host]];
  if (useSandbox) wanted.push(['Trust Hub sandbox (SANDBOX_PORT)', appPorts.sandbox, '127.0.0.1']);
  for (let i = 0; i < workers && appPorts.workerMetrics; i += 1) {
    wanted.push([
      `worker metrics (WORKER_METRICS_PORT${i ? ` + ${i}` : ''}; 0 = off)`,
      appPorts.workerMetrics + i,
      workerMetricsHost,
    ]);
  }
  return wanted;
}

/** Refuses to start when a port is taken, naming each and the variable that moves it. */
export async function checkPorts(wanted: [string, number, string][], again: string): Promise<void> {
  const taken: string[] = [];
  for (const [what, port, bindHost] of wanted) {
    if (!(await portIsFree(port, bindHost))) taken.push(`  ${port} for the ${what}`);
  }
  if (taken.length) {
    throw new StartError(
      [
        'These ports are already in use:',
        ...taken,
        `Is another \`${again}\` running? Stop it (or whatever holds the port: \`lsof -i :PORT\`), or choose other ports with the variables named.`,
      ].join('\n'),
    );
  }
}

export interface Application {
  sandbox: SandboxInfo | undefined;
  publicBaseUrl: string;
  codecToken: { value: string; file: string } | undefined;
  workers: number;
}

/**
 * The sandbox (without Twilio credentials), `workers` worker processes and the API, on the Temporal in
 * `temporalEnv`; resolves once the API answers. With several workers, worker i's metrics port is
 * WORKER_METRICS_PORT + i.
 */
export async function startApplication(
  temporalEnv: NodeJS.ProcessEnv,
  apiEnv: NodeJS.ProcessEnv,
  workers = 1,
): Promise<Application> {
  const publicBaseUrl = process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${appPorts.api}`;
  let twilio: TwilioSource = { from: 'caller' };
  let sandbox: SandboxInfo | undefined;
  if (useSandbox) {
    say('no TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN: starting the Trust Hub sandbox in their place…');
    sandbox = await startSandbox();
    // The sandbox's account and nothing of the caller's, whatever Twilio variables are exported.
    twilio = { from: 'sandbox', account: sandbox, baseUrl: `http://127.0.0.1:${appPorts.sandbox}` };
  }

  const shared = {
    ...temporalEnv,
    PUBLIC_BASE_URL: publicBaseUrl,
    PAYLOAD_ENCRYPTION_KEYS: payloadEncryptionKeys(),
  };
  const codecToken = codecTokenFor();
  const healthPorts = await workerHealthPorts(workers);
  for (let i = 0; i < workers; i += 1) {
    const metrics = appPorts.workerMetrics ? { WORKER_METRICS_PORT: String(appPorts.workerMetrics + i) } : {};
    const health = { WORKER_HEALTH_HOST: '127.0.0.1', WORKER_HEALTH_PORT: String(healthPorts[i] ?? 0) };
    // The workers started here share TWILIO_REQUESTS_PER_SECOND (src/config.ts, WORKER_REPLICAS), unless
    // WORKER_REPLICAS says more replicas run elsewhere too.
    const replicas = { WORKER_REPLICAS: process.env.WORKER_REPLICAS ?? String(workers) };
    // As compose sets it: glibc's per-thread malloc arenas cost a parked worker 110-180 MB otherwise.
    const malloc = { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' };
    runNode(
      workers === 1 ? 'worker' : `worker-${i + 1}`,
      36,
      'src/worker.ts',
      { ...shared, ...metrics, ...health, ...replicas, ...malloc },
      twilio,
      // Node's own flags for the workers only: a heap limit, or --trace-gc when profiling their memory
      // (which NODE_OPTIONS does not take).
      process.env.WORKER_NODE_ARGS?.split(/\s+/).filter(Boolean),
    );
  }
  runNode(
    'api',
    32,
    'src/api/server.ts',
    {
      ...shared,
      PORT: String(appPorts.api),
      HOST: host,
      ...(codecToken ? { CODEC_TOKEN: codecToken.value } : {}),
      ...apiEnv,
    },
    twilio,
  );
  await waitForHttp(`${apiBase()}/healthz`, 60_000);
  await untilWorkersServe(healthPorts);
  return { sandbox, publicBaseUrl, codecToken, workers };
}

/**
 * Each worker's health port (src/temporal/worker-health.ts): WORKER_HEALTH_PORT (+ i) when set, a free
 * one otherwise, so that "is up" can wait for the workers. WORKER_HEALTH_PORT=0 turns it off, and the
 * workers are then not waited for.
 */
async function workerHealthPorts(workers: number): Promise<number[]> {
  const set = process.env.WORKER_HEALTH_PORT;
  if (set !== undefined)
    return Array.from({ length: workers }, (_, i) => (Number(set) ? Number(set) + i : 0));
  return Promise.all(Array.from({ length: workers }, () => freePort()));
}

/** The longest npm start waits for a worker to poll and pass its start-up checks (Twilio may be slow). */
const WORKER_START_TIMEOUT_MS = 5 * 60_000;

/**
 * Resolves once every worker polls its task queue and has checked the primary customer profile with
 * Twilio (its health endpoint says RUNNING and primaryProfile ok). A worker that exits meanwhile stops
 * everything through the supervisor (the stack is not up yet), saying so, with exit code 1.
 */
async function untilWorkersServe(ports: number[]): Promise<void> {
  const watched = ports.filter((port) => port !== 0);
  if (watched.length < ports.length) say('WORKER_HEALTH_PORT=0: not waiting for the worker to poll.');
  if (!watched.length) return;
  say(
    `waiting for the worker${watched.length > 1 ? 's' : ''} to poll Temporal and check the primary profile…`,
  );
  const deadline = Date.now() + WORKER_START_TIMEOUT_MS;
  for (const port of watched) {
    for (;;) {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then(async (r) => ({
          ok: r.ok,
          ...((await r.json()) as { state?: string; primaryProfile?: string }),
        }))
        .catch(() => undefined);
      if (health?.ok && health.primaryProfile === 'ok') break;
      if (Date.now() > deadline)
        throw new StartError(
          `the worker on health port ${port} did not start in ${WORKER_START_TIMEOUT_MS / 60_000} min (its state: ${health?.state ?? 'no answer'}, primary profile: ${health?.primaryProfile ?? 'unknown'}); see its lines above.`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * How to run the Temporal CLI this command used (scripts/toolchain.ts builds it into the cache, off
 * PATH) against the server it started: an alias line to paste, so that docs/operations.md's `temporal`
 * commands work as written.
 */
export function temporalCliLine(cli: string, address: string): string {
  return `  Temporal CLI   alias temporal='TEMPORAL_ADDRESS=${address} ${cli}'   (paste it; then e.g. temporal workflow list)`;
}

/** The ready summary, with `temporal`'s lines (what each command started) in the middle. */
export function printReady(started: number, app: Application, temporal: string[]): void {
  const metricsHost = workerMetricsHost === '0.0.0.0' ? '127.0.0.1' : workerMetricsHost;
  const metricsPorts = Array.from({ length: app.workers }, (_, i) => appPorts.workerMetrics + i);
  const lines = [
    '',
    color(1, `trusthub-onboarding is up (${((Date.now() - started) / 1000).toFixed(1)} s)`),
    `  API            http://${host}:${appPorts.api}  (health: /healthz, /readyz; metrics: /metrics)`,
    `  API docs       http://${host}:${appPorts.api}/docs`,
    appPorts.workerMetrics
      ? `  Worker metrics ${metricsPorts.map((port) => `http://${metricsHost}:${port}/metrics`).join(', ')}`
      : '',
    ...temporal,
    app.sandbox
      ? `  Sandbox        http://127.0.0.1:${appPorts.sandbox}  (state: /__sandbox/state, account ${app.sandbox.accountSid}, primary profile ${app.sandbox.primaryCustomerProfileSid})`
      : '  Twilio         the real Trust Hub, account ' + String(process.env.TWILIO_ACCOUNT_SID),
    app.sandbox ? `  Phone numbers  ${app.sandbox.phoneNumbers.map((n) => n.phoneNumber).join(', ')}` : '',
    `  Status callbacks go to ${app.publicBaseUrl}/v1/webhooks/trusthub/<onboarding ID>`,
    '  A process that exits is restarted (1 s, doubling to 30 s); Ctrl-C stops everything.',
    '',
  ].filter((line) => line !== '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Installs Ctrl-C, runs `main`, and on failure says why in the command's name and stops everything.
 * Once `main` has brought the stack up, a process that exits is restarted rather than stopping it all.
 */
export function launch(command: string, main: () => Promise<void>): void {
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  main()
    .then(() => supervisor.up())
    .catch(async (error: unknown) => {
      if (error instanceof StartError || (error as Error).name === 'ToolchainError') {
        process.stderr.write(`\n${color(31, `${command} stopped:`)} ${(error as Error).message}\n`);
      } else {
        process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      }
      await stop(1);
    });
}
