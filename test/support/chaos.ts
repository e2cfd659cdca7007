/**
 * The service under faults (npm run chaos; a small scenario in test/e2e/chaos.test.ts): the dev
 * server, the sandbox, the API and the worker as separate processes on loopback, so any of them can be
 * SIGKILLed and restarted, with the sandbox's fault switches on. A scenario starts N onboardings and
 * waits, bounded in time, until every one is completed, then counts what exists at "Twilio" through
 * the twilio SDK: the pass condition is every onboarding completed, none failed, and exactly one of
 * each resource per customer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { generatePayloadKey } from '../../src/temporal/codec.js';
import { tsToMs } from '@temporalio/common/lib/time.js';
import { seededRandom } from 'trusthub-sandbox';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../src/contract/search-attributes.js';
import { DEFAULT_CLAIMS_NAMESPACE } from '../../src/contract/ids.js';
import { ensureTemporalCli, freePort, waitForHttp, waitForPort } from '../../scripts/toolchain.js';
import { onboardingRequest } from './customers.js';
import { connectToSandbox } from './sandbox.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Scenario {
  name: string;
  /** Sandbox fault switches (SANDBOX_FAULT_*, SANDBOX_CALLBACK_*). */
  sandbox?: Record<string, string>;
  /** The worker's reconciliation poll (default 5s). */
  pollInterval?: string;
  /** SIGKILL the worker every 10–15 s and start it again. */
  killWorker?: boolean;
  /** Stop killing the worker after this many kills (default: never stop). */
  maxWorkerKills?: number;
  /** SIGKILL the Temporal dev server once, a few seconds in, and start it again on its database. */
  killTemporal?: boolean;
}

export const SCENARIOS: Scenario[] = [
  { name: 'worker SIGKILLed every 10–15 s', killWorker: true },
  { name: 'Temporal dev server SIGKILLed and restarted', killTemporal: true },
  {
    name: 'Twilio: 10% 429, 5% 500, 5% dropped, 10% lost responses',
    sandbox: {
      SANDBOX_FAULT_429_RATE: '0.1',
      SANDBOX_FAULT_500_RATE: '0.05',
      SANDBOX_FAULT_DROP_RATE: '0.05',
      SANDBOX_FAULT_LOST_RESPONSE_RATE: '0.1',
    },
  },
  {
    name: 'callbacks: half dropped, a third duplicated, reordered',
    sandbox: {
      SANDBOX_CALLBACK_DROP_RATE: '0.5',
      SANDBOX_CALLBACK_DUPLICATE_RATE: '0.33',
      SANDBOX_CALLBACK_REORDER_WINDOW: '500ms',
    },
    pollInterval: '3s',
  },
];
/**
 * One kill, while every activity is mid-call (each request takes a second), so the time until the
 * killed worker's calls run again elsewhere is unambiguous (ScenarioResult.recoverySeconds).
 */
export const KILLED_MID_CALL: Scenario = {
  name: 'worker SIGKILLed once mid-call, 1 s per request',
  killWorker: true,
  maxWorkerKills: 1,
  sandbox: { SANDBOX_FAULT_LATENCY: '1s' },
};

export const EVERYTHING: Scenario = {
  name: 'all of the above at once',
  killWorker: true,
  killTemporal: true,
  sandbox: Object.assign({}, ...SCENARIOS.map((s) => s.sandbox ?? {})) as Record<string, string>,
  pollInterval: '3s',
};

export interface ScenarioResult {
  name: string;
  started: number;
  completed: number;
  failed: number;
  /** Resources made for the customers (seeded ones excluded), by kind, counted through the twilio SDK. */
  counts: Record<string, number>;
  /** Kinds whose count is not exactly one per customer (two per customer for end users). */
  wrong: string[];
  seconds: number;
  kills: number;
  /** Worker or API exits the harness did not cause, restarted as a supervisor would. */
  restarts: number;
  /**
   * For each activity a killed worker was running: seconds from the SIGKILL until it started again
   * elsewhere (its retry after the heartbeat timeout), sorted. Measured only when the worker is
   * killed once: with a kill every 10–15 s, a retry cannot be told apart from the next kill's.
   */
  recoverySeconds: number[];
  pass: boolean;
}

interface Proc {
  name: string;
  child: ChildProcess;
  output: string;
}

function start(
  name: string,
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Proc {
  const child = spawn(command, [...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = { name, child, output: '' };
  const keep = (chunk: Buffer) => (proc.output = (proc.output + chunk.toString()).slice(-5_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return proc;
}

async function kill(proc: Proc | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((done) => proc.child.once('exit', done));
  proc.child.kill(signal);
  await Promise.race([exited, sleep(20_000)]);
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
}

/** Runs one scenario with `onboardings` customers; every wait is bounded by `timeoutMs`. */
export async function runScenario(
  scenario: Scenario,
  { onboardings = 30, vetting = '3s', timeoutMs = 300_000, seed = 7 } = {},
): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'trusthub-chaos-'));
  const random = seededRandom(seed);
  const ports = { temporal: await freePort(), sandbox: await freePort(), api: await freePort() };
  const node = (entry: string) => [process.execPath, ['--import', 'tsx', entry]] as const;
  const payloadKeys = generatePayloadKey('chaos');
  const procs: Record<string, Proc | undefined> = {};
  let kills = 0;
  const started = Date.now();

  const startTemporal = () =>
    start('temporal', ensureTemporalCli({ quiet: true }), [
      'server',
      'start-dev',
      '--headless',
      '--db-filename',
      join(dir, 'temporal.db'),
      '--ip',
      '127.0.0.1',
      '--port',
      String(ports.temporal),
      '--http-port',
      '0',
      '--metrics-port',
      '0',
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--log-level',
      'error',
      ...Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES).flatMap(([n, t]) => ['--search-attribute', `${n}=${t}`]),
      // The claims' namespace (TEMPORAL_CLAIMS_NAMESPACE's default), as npm start's dev server has it.
      '--namespace',
      DEFAULT_CLAIMS_NAMESPACE,
    ]);

  try {
    procs.temporal = startTemporal();
    await waitForPort(ports.temporal, 60_000);
    procs.sandbox = start('sandbox', ...node('node_modules/trusthub-sandbox/bin/trusthub-sandbox.js'), {
      SANDBOX_PORT: String(ports.sandbox),
      SANDBOX_PHONE_NUMBERS: String(onboardings),
      SANDBOX_PROFILE_REVIEW_DELAY: vetting,
      SANDBOX_TRUST_PRODUCT_REVIEW_DELAY: vetting,
      SANDBOX_FAULT_SEED: String(seed),
      ...scenario.sandbox,
    });
    const sandboxUrl = `http://127.0.0.1:${ports.sandbox}`;
    const info = (await (await waitForHttp(`${sandboxUrl}/__sandbox/info`, 30_000)).json()) as {
      accountSid: string;
      authToken: string;
      primaryCustomerProfileSid: string;
      phoneNumbers: { sid: string; phoneNumber: string }[];
    };
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const shared = {
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
      TEMPORAL_NAMESPACE: 'default',
      PAYLOAD_ENCRYPTION_KEYS: payloadKeys,
      PUBLIC_BASE_URL: apiUrl,
      TWILIO_AUTH_TOKEN: info.authToken,
    };
    const startWorker = () =>
      start('worker', ...node('src/worker.ts'), {
        ...shared,
        TWILIO_ACCOUNT_SID: info.accountSid,
        TWILIO_BASE_URL: sandboxUrl,
        TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: info.primaryCustomerProfileSid,
        TWILIO_REQUESTS_PER_SECOND: '100',
        VETTING_POLL_INTERVAL: scenario.pollInterval ?? '5s',
        // No metrics endpoint: its fixed port could be held by an `npm start` on the same machine.
        WORKER_METRICS_PORT: '0',
      });
    procs.worker = startWorker();
    procs.api = start('api', ...node('src/api/server.ts'), { ...shared, PORT: String(ports.api) });
    await waitForHttp(`${apiUrl}/readyz`, 60_000);

    const deadline = Date.now() + timeoutMs;
    const ids = info.phoneNumbers.slice(0, onboardings).map((_, i) => `onboarding-chaos-${i}`);
    // Starting is retried until accepted: the API answers 5xx while Temporal is down.
    const startAll = Promise.all(
      info.phoneNumbers.slice(0, onboardings).map(async (number, i) => {
        for (;;) {
          const response = await fetch(`${apiUrl}/v1/onboardings`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(onboardingRequest(`chaos-${i}`, [number.phoneNumber])),
            signal: AbortSignal.timeout(15_000),
          }).catch(() => undefined);
          if (response?.status === 202) return;
          if (Date.now() > deadline) throw new Error(`could not start chaos-${i}`);
          await sleep(500);
        }
      }),
    );

    // Statuses from Temporal's visibility (the list endpoint), which answers without a worker: a
    // query per onboarding would wait for the worker this harness keeps killing.
    let statuses = new Map<string, string>();
    const read = async () => {
      const response = await fetch(`${apiUrl}/v1/onboardings?limit=200`, {
        signal: AbortSignal.timeout(10_000),
      }).catch(() => undefined);
      if (!response?.ok) return;
      const { onboardings: listed } = (await response.json()) as {
        onboardings: { id: string; status: string | null }[];
      };
      statuses = new Map(listed.filter((o) => ids.includes(o.id)).map((o) => [o.id, o.status ?? 'running']));
    };
    const count = (status: string) => [...statuses.values()].filter((s) => s === status).length;

    // A supervisor's restart policy (compose: restart: unless-stopped) for the service's own processes.
    let restarts = 0;
    const supervise = () => {
      for (const [name, again] of [
        ['worker', startWorker],
        ['api', () => start('api', ...node('src/api/server.ts'), { ...shared, PORT: String(ports.api) })],
      ] as const) {
        const proc = procs[name];
        if (proc && (proc.child.exitCode !== null || proc.child.signalCode !== null)) {
          restarts += 1;
          procs[name] = again();
        }
      }
    };
    let nextWorkerKill = Date.now() + 10_000 + random() * 5_000;
    let workerKills = 0;
    const workerKilledAt: number[] = [];
    let temporalKilled = false;
    while (Date.now() < deadline) {
      if (
        scenario.killWorker &&
        workerKills < (scenario.maxWorkerKills ?? Infinity) &&
        Date.now() >= nextWorkerKill
      ) {
        workerKilledAt.push(Date.now());
        await kill(procs.worker);
        kills += 1;
        workerKills += 1;
        procs.worker = startWorker();
        nextWorkerKill = Date.now() + 10_000 + random() * 5_000;
      }
      if (scenario.killTemporal && !temporalKilled && Date.now() - started > 8_000) {
        await kill(procs.temporal);
        kills += 1;
        temporalKilled = true;
        await sleep(2_000);
        procs.temporal = startTemporal();
        await waitForPort(ports.temporal, 60_000);
      }
      supervise();
      await read();
      if (count('completed') === onboardings || count('failed') > 0) break;
      await sleep(1_000);
    }
    await startAll.catch(() => undefined);
    await read();

    // Counted with the faults off: the counting is not under test.
    await fetch(`${sandboxUrl}/__sandbox/faults`, { method: 'DELETE' });
    const { client: twilio } = connectToSandbox(sandboxUrl, info);
    const { seeded } = (await (await fetch(`${sandboxUrl}/__sandbox/state`)).json()) as { seeded: string[] };
    const made = <T extends { sid: string }>(items: T[]) =>
      items.filter((item) => !seeded.includes(item.sid)).length;
    const v1 = twilio.trusthub.v1;
    const counts = {
      customerProfiles: made(await v1.customerProfiles.list()),
      trustProducts: made(await v1.trustProducts.list()),
      endUsers: made(await v1.endUsers.list()),
      supportingDocuments: made(await v1.supportingDocuments.list()),
      addresses: made(await twilio.addresses.list()),
    };
    const perCustomer: Record<string, number> = { endUsers: 2 };
    const wrong = Object.entries(counts)
      .filter(([kind, n]) => n !== onboardings * (perCustomer[kind] ?? 1))
      .map(([kind]) => kind);
    const completed = count('completed');
    const failed = count('failed');
    const recoverySeconds =
      workerKilledAt.length === 1
        ? await recoveryAfterKill(`127.0.0.1:${ports.temporal}`, ids, workerKilledAt[0]!)
        : [];
    return {
      name: scenario.name,
      started: onboardings,
      completed,
      failed,
      counts,
      wrong,
      seconds: Math.round((Date.now() - started) / 1000),
      kills,
      restarts,
      recoverySeconds,
      pass: completed === onboardings && failed === 0 && wrong.length === 0,
    };
  } finally {
    for (const name of ['api', 'worker', 'sandbox', 'temporal']) await kill(procs[name], 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { TimeoutType } = proto.temporal.api.enums.v1;

/**
 * From the histories: every activity whose previous attempt ended in a heartbeat timeout (its worker
 * was killed mid-call) was started again at its ActivityTaskStarted event's time. Only timestamps and
 * failure kinds are read, which the codec leaves in the clear.
 */
async function recoveryAfterKill(address: string, ids: string[], killedAt: number): Promise<number[]> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const seconds: number[] = [];
    for (const id of ids) {
      const history = await client.workflow.getHandle(id).fetchHistory();
      for (const event of history.events ?? []) {
        const started = event.activityTaskStartedEventAttributes;
        const timeout = started?.lastFailure?.timeoutFailureInfo?.timeoutType;
        if (!started || timeout !== TimeoutType.TIMEOUT_TYPE_HEARTBEAT || !event.eventTime) continue;
        const at = tsToMs(event.eventTime);
        if (at >= killedAt) seconds.push((at - killedAt) / 1000);
      }
    }
    return seconds.sort((a, b) => a - b);
  } finally {
    await connection.close();
  }
}

/** One line per scenario, for the CLI and the closing note. */
export function chaosTable(results: ScenarioResult[]): string {
  const header = [
    'scenario',
    'started',
    'completed',
    'failed',
    'kills',
    'restarts',
    'killed → running again (s, median / max)',
    'profiles',
    'trust products',
    'end users',
    'documents',
    'addresses',
    's',
    'pass',
  ];
  const rows = results.map((r) => [
    r.name,
    String(r.started),
    String(r.completed),
    String(r.failed),
    String(r.kills),
    String(r.restarts),
    r.recoverySeconds.length
      ? `${r.recoverySeconds[Math.floor(r.recoverySeconds.length / 2)]!.toFixed(1)} / ${r.recoverySeconds.at(-1)!.toFixed(1)} (${r.recoverySeconds.length})`
      : '-',
    String(r.counts.customerProfiles),
    String(r.counts.trustProducts),
    String(r.counts.endUsers),
    String(r.counts.supportingDocuments),
    String(r.counts.addresses),
    String(r.seconds),
    r.pass ? 'yes' : `NO${r.wrong.length ? ` (${r.wrong.join(', ')})` : ''}`,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  return [header, ...rows].map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n');
}
