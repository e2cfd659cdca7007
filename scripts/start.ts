/**
 * `npm start`: the whole service in one terminal.
 *
 *   1. the Temporal dev server (CLI `server start-dev`, SQLite in .data/, UI on 8233) — unless
 *      TEMPORAL_ADDRESS points elsewhere, in which case that cluster is used;
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
 * Ctrl-C stops them all, newest first. A second `npm start` reuses .data/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES, SEARCH_ATTRIBUTE_CLI_TYPES } from '../src/workflows/search-attributes.js';
import { ensureTemporalCli, ToolchainError, waitForHttp, waitForPort } from './toolchain.js';
import { registerSearchAttributes } from '../src/temporal/register-search-attributes.js';
import { generatePayloadKey } from '../src/temporal/codec.js';
import { loadSandboxConfig } from 'trusthub-sandbox';
import { configDefault } from '../src/config.js';
import { childEnvironment, usesSandbox, type SandboxAccount, type TwilioSource } from './start-env.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(process.env.DATA_DIR ?? join(repoRoot, '.data'));
const pretty = process.stdout.isTTY === true && process.env.LOG_FORMAT !== 'json';
const color = (code: number, text: string) => (pretty ? `\x1b[${code}m${text}\x1b[0m` : text);

// The API's and worker's defaults are theirs (src/config.ts), the sandbox's its package's; the dev
// server's are this script's.
const ports = {
  api: Number(process.env.PORT ?? configDefault('api', 'PORT')),
  sandbox: Number(process.env.SANDBOX_PORT ?? loadSandboxConfig({}).SANDBOX_PORT),
  temporal: Number(process.env.TEMPORAL_DEV_SERVER_PORT ?? 7233),
  ui: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
  // The worker reads it too (src/config.ts); 0 turns its metrics endpoint off.
  workerMetrics: Number(process.env.WORKER_METRICS_PORT ?? configDefault('worker', 'WORKER_METRICS_PORT')),
};
const workerMetricsHost = process.env.WORKER_METRICS_HOST ?? configDefault('worker', 'WORKER_METRICS_HOST');
const host = process.env.HOST ?? configDefault('api', 'HOST');
const useDevServer = !process.env.TEMPORAL_ADDRESS;
const useSandbox = usesSandbox(process.env);
/** What does not call Twilio gets no Twilio account (scripts/start-env.ts). */
const NO_TWILIO: TwilioSource = { from: 'none' };

class StartError extends Error {}

const children: { name: string; child: ChildProcess }[] = [];
let stopping = false;

function say(message: string): void {
  process.stdout.write(`${color(1, '[start]')} ${message}\n`);
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
 * Services the others depend on (Temporal, the sandbox) run in their own process group, so a Ctrl-C in
 * the terminal reaches only the API and the worker; they are stopped last, once the worker has drained.
 */
const SERVICES = new Set(['temporal', 'sandbox']);

function run(
  name: string,
  colorCode: number,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  twilio: TwilioSource,
) {
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
  child.once('exit', (code, signal) => {
    if (stopping) return;
    say(color(31, `${name} exited (${signal ?? `code ${code}`}); stopping everything.`));
    void stop(1);
  });
  children.push({ name, child });
  return child;
}

/** Node children run TypeScript through tsx's loader in a single process, so signals reach them directly. */
function runNode(
  name: string,
  colorCode: number,
  entry: string,
  env: NodeJS.ProcessEnv,
  twilio: TwilioSource,
) {
  return run(name, colorCode, process.execPath, ['--import', 'tsx', entry], env, twilio);
}

async function stop(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const { name, child } of [...children].reverse()) {
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

function portIsFree(port: number, bindHost: string): Promise<boolean> {
  return new Promise((answer) => {
    const server = createServer();
    server.once('error', () => answer(false));
    server.listen(port, bindHost, () => server.close(() => answer(true)));
  });
}

async function checkPorts(): Promise<void> {
  const wanted: [string, number, string][] = [
    ['API (PORT)', ports.api, host],
    ...(useSandbox
      ? ([['Trust Hub sandbox (SANDBOX_PORT)', ports.sandbox, '127.0.0.1']] as [string, number, string][])
      : []),
    ...(useDevServer
      ? ([
          ['Temporal dev server (TEMPORAL_DEV_SERVER_PORT)', ports.temporal, '127.0.0.1'],
          ['Temporal Web UI (TEMPORAL_UI_PORT)', ports.ui, '127.0.0.1'],
        ] as [string, number, string][])
      : []),
  ];
  if (ports.workerMetrics) {
    wanted.push(['worker metrics (WORKER_METRICS_PORT; 0 = off)', ports.workerMetrics, workerMetricsHost]);
  }
  const taken: string[] = [];
  for (const [what, port, bindHost] of wanted) {
    if (!(await portIsFree(port, bindHost))) taken.push(`  ${port} for the ${what}`);
  }
  if (taken.length) {
    throw new StartError(
      [
        'These ports are already in use:',
        ...taken,
        'Is another `npm start` running? Stop it (or whatever holds the port: `lsof -i :PORT`), or choose other ports with the variables named.',
      ].join('\n'),
    );
  }
}

/**
 * PAYLOAD_ENCRYPTION_KEYS from the environment, or the development key kept with the data it encrypts
 * (created on the first start, owner-only). Losing it makes .data/temporal.db's payloads unreadable.
 */
function payloadEncryptionKeys(): string {
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
 * The codec's token when npm start must make one: the caller guards the API (API_TOKEN or
 * METRICS_TOKEN) without giving the codec its own, which would leave the Web UI's codec refusing
 * everything (src/api/app.ts). It is generated once into .data/codec-token (owner-only) and reused;
 * the dev server's UI sends no token itself, so an operator adds it to the UI's codec calls (a proxy,
 * a browser extension) or passes it to `temporal … --codec-auth`. With no token configured at all the
 * API is open on loopback, codec included, as before; an exported CODEC_TOKEN is used as it is.
 */
function codecTokenFor(): { value: string; file: string } | undefined {
  if (process.env.CODEC_TOKEN || !(process.env.API_TOKEN || process.env.METRICS_TOKEN)) return undefined;
  const file = join(dataDir, 'codec-token');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    say(`generated a development CODEC_TOKEN for the Web UI's codec in ${file}`);
  }
  return { value: readFileSync(file, 'utf8').trim(), file };
}

/** The codec endpoint as the operator's browser reaches it (src/api/routes/codec.ts). */
const codecEndpoint = () => `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${ports.api}/v1/codec`;

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
    ],
    {},
    NO_TWILIO,
  );
  await waitForPort(ports.temporal, 60_000);
  // The CLI ignores --search-attribute when it reopens an existing database: register them here too.
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  try {
    await registerSearchAttributes(connection, 'default', SEARCH_ATTRIBUTES);
  } finally {
    await connection.close();
  }
  await waitForHttp(`http://127.0.0.1:${ports.ui}/`, 30_000);
}

interface SandboxInfo extends SandboxAccount {
  baseUrl: string;
  phoneNumbers: { sid: string; phoneNumber: string }[];
}

async function startSandbox(): Promise<SandboxInfo> {
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

async function main(): Promise<void> {
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  const started = Date.now();
  await checkPorts();

  const publicBaseUrl = process.env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${ports.api}`;
  const temporalEnv: NodeJS.ProcessEnv = useDevServer
    ? { TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`, TEMPORAL_NAMESPACE: 'default' }
    : {};
  if (useDevServer) {
    say('starting the Temporal dev server…');
    await startTemporal();
  }

  let twilio: TwilioSource = { from: 'caller' };
  let sandbox: SandboxInfo | undefined;
  if (useSandbox) {
    say('no TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN: starting the Trust Hub sandbox in their place…');
    sandbox = await startSandbox();
    // The sandbox's account and nothing of the caller's, whatever Twilio variables are exported.
    twilio = { from: 'sandbox', account: sandbox, baseUrl: `http://127.0.0.1:${ports.sandbox}` };
  }

  const shared = {
    ...temporalEnv,
    PUBLIC_BASE_URL: publicBaseUrl,
    PAYLOAD_ENCRYPTION_KEYS: payloadEncryptionKeys(),
  };
  const codecToken = codecTokenFor();
  runNode('worker', 36, 'src/worker.ts', shared, twilio);
  runNode(
    'api',
    32,
    'src/api/server.ts',
    {
      ...shared,
      PORT: String(ports.api),
      HOST: host,
      ...(codecToken ? { CODEC_TOKEN: codecToken.value } : {}),
      ...(useDevServer
        ? { TEMPORAL_UI_URL: process.env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${ports.ui}` }
        : {}),
    },
    twilio,
  );
  await waitForHttp(`http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${ports.api}/healthz`, 60_000);

  const lines = [
    '',
    color(1, `trusthub-onboarding is up (${((Date.now() - started) / 1000).toFixed(1)} s)`),
    `  API            http://${host}:${ports.api}  (health: /healthz, /readyz; metrics: /metrics)`,
    `  API docs       http://${host}:${ports.api}/docs`,
    ports.workerMetrics
      ? `  Worker metrics http://${workerMetricsHost === '0.0.0.0' ? '127.0.0.1' : workerMetricsHost}:${ports.workerMetrics}/metrics`
      : '',
    useDevServer
      ? `  Temporal UI    http://127.0.0.1:${ports.ui}   (gRPC 127.0.0.1:${ports.temporal}, data in ${dataDir}, decoded by ${codecEndpoint()}${codecToken ? ` with the CODEC_TOKEN in ${codecToken.file}` : process.env.CODEC_TOKEN ? ' with CODEC_TOKEN' : ''})`
      : `  Temporal       ${process.env.TEMPORAL_ADDRESS} (namespace ${process.env.TEMPORAL_NAMESPACE ?? 'default'})`,
    sandbox
      ? `  Sandbox        http://127.0.0.1:${ports.sandbox}  (state: /__sandbox/state, account ${sandbox.accountSid}, primary profile ${sandbox.primaryCustomerProfileSid})`
      : '  Twilio         the real Trust Hub, account ' + String(process.env.TWILIO_ACCOUNT_SID),
    sandbox ? `  Phone numbers  ${sandbox.phoneNumbers.map((n) => n.phoneNumber).join(', ')}` : '',
    `  Status callbacks go to ${publicBaseUrl}/v1/webhooks/trusthub`,
    '  Ctrl-C stops everything.',
    '',
  ].filter((line) => line !== '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(async (error: unknown) => {
  if (error instanceof StartError || error instanceof ToolchainError) {
    process.stderr.write(`\n${color(31, 'npm start stopped:')} ${error.message}\n`);
  } else {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  }
  await stop(1);
});
