/**
 * Interactive work during a bulk import (npm run bench:priority): how soon the service acts for
 * customers already there while `trusthub-onboarding import` starts --rows new ones, with task
 * priorities honoured by the server and without (TEMPORAL_PRIORITIES=off: the server's FIFO matcher,
 * as before this change), on the dev server (`npm start`) and on the production topology (PostgreSQL,
 * the Temporal server with deploy/temporal/config.yaml, compose's jobs; scripts/cluster.ts).
 *
 * Each run: `npm start` (against its own cluster for the production topology) on a fresh sandbox with
 * manual vetting and TWILIO_REQUESTS_PER_SECOND=--rps, so the server holds the activity backlog; --serving
 * customers POSTed and left in review; the import started (its runs queue at `bulk`); --settle seconds
 * for the backlog to form; then, import still running, each customer's bundles approved (Twilio's
 * decision callbacks) and, once the customer is served, a number added and removed. It reports, per
 * topology and priority setting: from each decision callback leaving the sandbox to the next Twilio
 * request about that bundle (the re-read), the number changes' API round trips (each answers once Twilio
 * has made the change), and how far the import got meanwhile. It asserts nothing.
 *
 *   npm run bench:priority -- --rows 200 [--serving 3] [--rps 20] [--settle 15] [--patience 120]
 *     [--topologies dev,cluster] [--modes on,off]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { CallbackRecord, RequestArrival } from 'trusthub-sandbox';
import {
  freeServerPorts,
  LocalPostgres,
  runNamespaceJob,
  runSchemaJob,
  serverCommand,
  serverEnvironment,
  waitForServing,
} from '../scripts/cluster.js';
import { freePort } from '../scripts/toolchain.js';
import { startService, type RunningService } from '../test/support/npm-start.js';
import { onboardingRequest } from '../test/support/customers.js';
import { percentile } from './percentile.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000' },
    serving: { type: 'string', default: '3' },
    rps: { type: 'string', default: '20' },
    settle: { type: 'string', default: '15' },
    topologies: { type: 'string', default: 'dev,cluster' },
    modes: { type: 'string', default: 'on,off' },
    patience: { type: 'string', default: '120' },
  },
});
const rows = Number(args.rows);
const serving = Number(args.serving);
const settleMs = Number(args.settle) * 1000;
const bin = fileURLToPath(new URL('../bin/trusthub-onboarding.js', import.meta.url));
const example = fileURLToPath(new URL('../examples/customers.csv', import.meta.url));
/** How long a run waits for its customers to reach review, and then to be served (--patience s). */
const STEP_TIMEOUT_MS = Number(args.patience) * 1000;

interface View {
  id: string;
  step: string;
  customerProfile?: { sid: string; status: string } | null;
  trustProduct?: { sid: string; status: string } | null;
}
interface SandboxInfo {
  phoneNumbers: { sid: string; phoneNumber: string }[];
}

async function json<T>(
  url: string,
  init: { method?: string; body?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    ...init,
    ...(init.body === undefined ? {} : { headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
}

/** The production topology's Temporal: PostgreSQL, the schema job, the server, the namespace job. */
async function startCluster(priorities: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'trusthub-bench-priority-'));
  const pg = new LocalPostgres(join(root, 'postgres'), await freePort());
  pg.init();
  await pg.start();
  await runSchemaJob(pg.database);
  const ports = await freeServerPorts();
  const address = `127.0.0.1:${ports.frontend}`;
  const { command, args: serverArgs } = serverCommand();
  let output = '';
  const server = spawn(command, serverArgs, {
    env: {
      PATH: process.env.PATH,
      ...serverEnvironment(pg.database, ports, { priorities }),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  server.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
  try {
    await waitForServing(address, 120_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  await runNamespaceJob(address, 'default');
  return {
    address,
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((done) => server.once('exit', done));
        server.kill('SIGTERM');
        await Promise.race([exited, sleep(20_000)]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      await pg.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** One row per number: copies of the example's first customer, each with its own id (as bench/import.ts). */
function customerFile(dir: string, numbers: string[]): string {
  const [template] = parse<Record<string, string>>(readFileSync(example, 'utf8'), { columns: true });
  const records = numbers.map((phoneNumbers, i) => ({
    ...template,
    customerId: `bulk-${String(i).padStart(5, '0')}`,
    phoneNumbers,
  }));
  const file = join(dir, 'customers.csv');
  writeFileSync(file, stringify(records, { header: true }));
  return file;
}

interface RunResult {
  topology: string;
  priorities: string;
  decisions: number[];
  changes: number[];
  changeFailures: number;
  /** Reviewed customers not served within --patience. */
  unserved: number;
  /** Twilio requests from the import's start to the measurement's. */
  settleRequests: number;
  /** Twilio requests per second while interactive work was measured, and for how long. */
  measuredRate: number;
  measuredSeconds: number;
}

async function run(topology: 'dev' | 'cluster', mode: 'on' | 'off'): Promise<RunResult> {
  const priorities = mode === 'on';
  const cluster = topology === 'cluster' ? await startCluster(priorities) : undefined;
  const service: RunningService = await startService(
    {
      SANDBOX_VETTING: 'manual',
      SANDBOX_PHONE_NUMBERS: String(rows + serving * 3),
      TWILIO_REQUESTS_PER_SECOND: args.rps,
      TEMPORAL_PRIORITIES: mode,
      ...(cluster ? { TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: 'default' } : {}),
    },
    { readyTimeoutMs: 180_000 },
  );
  let importer: ChildProcess | undefined;
  try {
    const api = service.apiUrl;
    const sandbox = service.sandboxUrl;
    const info = (await json<SandboxInfo>(`${sandbox}/__sandbox/info`)).body;
    const numbers = info.phoneNumbers.map((n) => n.phoneNumber);
    const view = async (id: string) => (await json<View>(`${api}/v1/onboardings/${id}`)).body;

    // The customers already there: `serving` in review (their decisions come during the import) and
    // `serving` approved and served (their numbers change during the import).
    const post = async (customerId: string, number: string) => {
      const { status, body } = await json<{ id: string }>(`${api}/v1/onboardings`, {
        method: 'POST',
        body: JSON.stringify(onboardingRequest(customerId, [number])),
      });
      if (status !== 202) throw new Error(`POST ${customerId}: ${status} ${JSON.stringify(body)}`);
      return body.id;
    };
    const inReview: string[] = [];
    const served: string[] = [];
    for (let i = 0; i < serving; i += 1) {
      inReview.push(await post(`in-review-${i}`, numbers[rows + i]!));
      served.push(await post(`served-${i}`, numbers[rows + serving + i]!));
    }
    const decided = new Set<string>();
    /** Approves each bundle of `ids` as it comes into review, until `done` holds of every view or time is up. */
    const decideUntil = async (ids: string[], done: (v: View) => boolean) => {
      const deadline = Date.now() + STEP_TIMEOUT_MS;
      const finished = new Set<string>();
      while (finished.size < ids.length && Date.now() < deadline) {
        for (const id of ids.filter((i) => !finished.has(i))) {
          const v = await view(id);
          if (done(v)) finished.add(id);
          for (const bundle of [v.customerProfile, v.trustProduct]) {
            if (bundle?.status === 'pending-review' && !decided.has(bundle.sid)) {
              decided.add(bundle.sid);
              await json(`${sandbox}/__sandbox/bundles/${bundle.sid}/decide`, {
                method: 'POST',
                body: JSON.stringify({ outcome: 'approve' }),
              });
            }
          }
        }
        await sleep(250);
      }
      return finished;
    };
    const ready = await decideUntil(served, (v) => v.step === 'serving');
    if (ready.size < served.length) throw new Error('the served customers were not served in time');
    const reviewDeadline = Date.now() + STEP_TIMEOUT_MS;
    for (const id of inReview) {
      while ((await view(id)).customerProfile?.status !== 'pending-review') {
        if (Date.now() > reviewDeadline) throw new Error(`${id} did not reach review`);
        await sleep(250);
      }
    }
    const decidedBefore = new Set(decided);

    // The import, left running.
    const file = customerFile(service.dataDir, numbers.slice(0, rows));
    const requestsSoFar = async () =>
      (await json<{ requests: { total: number } }>(`${sandbox}/__sandbox/state`)).body.requests.total;
    const before = await requestsSoFar();
    importer = spawn(process.execPath, [bin, 'import', file, '--no-progress'], {
      env: { ...process.env, API_URL: api },
      stdio: 'ignore',
    });
    await sleep(settleMs);
    const measuredFrom = Date.now();
    const atMeasuring = await requestsSoFar();

    // Meanwhile, at once: the reviewed customers' decisions (each bundle approved as it comes into
    // review, until served), and the served customers' number changes (each adds one, then removes it).
    const changes: number[] = [];
    let changeFailures = 0;
    const [servedInTime] = await Promise.all([
      decideUntil(inReview, (v) => v.step === 'serving'),
      ...served.map(async (id, i) => {
        const number = numbers[rows + 2 * serving + i]!;
        for (const [method, path, body] of [
          ['POST', `/v1/onboardings/${id}/phone-numbers`, { phoneNumbers: [number] }],
          ['DELETE', `/v1/onboardings/${id}/phone-numbers/${encodeURIComponent(number)}`, undefined],
        ] as const) {
          const started = performance.now();
          const { status } = await json(`${api}${path}`, {
            method,
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
          if (status === 200) changes.push(performance.now() - started);
          else changeFailures += 1;
        }
      }),
    ]);

    const log = (
      await json<{ arrivals: RequestArrival[]; callbacks: CallbackRecord[] }>(`${sandbox}/__sandbox/requests`)
    ).body;
    const decisions = log.callbacks
      .filter((c) => decided.has(c.bundleSid) && !decidedBefore.has(c.bundleSid))
      .filter((c) => c.outcome === 'delivered' && c.sentAt !== null)
      .filter((c) => c.status === 'twilio-approved' && c.sentAt! >= measuredFrom)
      .flatMap((c) => {
        const next = log.arrivals.find((a) => a.bundleSid === c.bundleSid && a.at >= c.sentAt!);
        return next ? [next.at - c.sentAt!] : [];
      });
    const after = await requestsSoFar();
    const measuredSeconds = (Date.now() - measuredFrom) / 1000;
    const unserved = inReview.length - servedInTime.size;
    if (unserved) console.error(`${topology}/${mode}: ${unserved} reviewed customer(s) not served in time`);
    return {
      topology,
      priorities: mode,
      decisions,
      changes,
      changeFailures,
      unserved,
      settleRequests: atMeasuring - before,
      measuredRate: (after - atMeasuring) / measuredSeconds,
      measuredSeconds,
    };
  } finally {
    importer?.kill('SIGINT');
    await service.stop();
    await cluster?.stop();
  }
}

const results: RunResult[] = [];
for (const topology of args.topologies.split(',') as ('dev' | 'cluster')[]) {
  for (const mode of args.modes.split(',') as ('on' | 'off')[]) {
    const started = performance.now();
    const result = await run(topology, mode);
    results.push(result);
    console.error(`${topology}, priorities ${mode}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
}

const ms = (values: number[], p: number) => (values.length ? `${percentile(values, p).toFixed(0)}` : '–');
console.log(
  `\n${rows}-row import running (TWILIO_REQUESTS_PER_SECOND=${args.rps}, measured from ${args.settle} s after it began): ${serving} customers' decisions, ${serving} served customers' number changes`,
);
console.log(
  `| topology | priorities | decision → re-read, ms (median / max, n) | number change round trip, ms (median / max, n) | changes failed | reviewed not served in ${args.patience} s | Twilio requests before measuring | requests/s while measuring (over s) |`,
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.topology} | ${r.priorities} | ${ms(r.decisions, 50)} / ${ms(r.decisions, 100)} (${r.decisions.length}) | ${ms(r.changes, 50)} / ${ms(r.changes, 100)} (${r.changes.length}) | ${r.changeFailures} | ${r.unserved} | ${r.settleRequests} | ${r.measuredRate.toFixed(1)} (${r.measuredSeconds.toFixed(0)}) |`,
  );
}
