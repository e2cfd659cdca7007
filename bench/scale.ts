/**
 * npm run bench: the service from outside (npm start: dev server, sandbox, worker, API as separate
 * processes) against the script an ISV would otherwise write, on the sandbox with Twilio-like latency
 * and concurrency limit. One table from one run; it asserts nothing (machines are shared and noisy).
 * With --cluster, every phase runs twice, on npm start's dev server and on `npm run start:cluster`'s
 * production topology (the Temporal server on PostgreSQL, --workers worker processes), side by side.
 * The service runs compiled (`npm run build`, START_FROM=dist), as the image runs it; --from src runs
 * it through tsx instead.
 *
 *   1. throughput: N onboardings POSTed at once and run to completion, against the guide's calls run
 *      customer after customer (bench/guide-script.ts) on the same sandbox. The baseline runs
 *      --baseline customers and is scaled to N (sequential runs are independent).
 *      Also: Twilio calls per onboarding by operation, POST latency, time for the batch to be
 *      submitted, worker + Temporal CPU per onboarding, and how soon the service acts on Twilio's
 *      decision: from a decision callback leaving the sandbox to the next request about that bundle,
 *      for --idle onboardings run one at a time first, then for the batch.
 *   2. budget: --budget-onboardings with TWILIO_REQUESTS_PER_SECOND=--budget, the achieved request
 *      rate from the sandbox's arrival log: the mean, and the busiest 5 s and 1 s windows.
 *   3. floor: --burst onboardings POSTed at once with every worker stopped: the start's latency as
 *      the API and the Temporal server alone set it.
 *   4. parked: --burst onboardings POSTed at once (their POST latency), then more in waves of --burst
 *      up to --parked, all left in vetting (manual): worker and Temporal RSS with that many parked,
 *      and the workers' a minute later.
 *   5. serving: --serving onboardings run to approval and left serving (the weekly re-check's timers),
 *      --serving-concurrency POSTs in flight: then the database's size, worker RSS, and the time for
 *      `trusthub-onboarding status` and for listing every onboarding through the API's cursor.
 *
 * --phases picks some of them (default throughput,budget,floor,parked,serving). --pprof FILE (with
 * --cluster) writes the Temporal server's CPU profile over the throughput batch's first 20 s.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { CallbackRecord, RequestArrival } from 'trusthub-sandbox';
import { createTwilioClient } from '../src/trusthub/client.js';
import { onboardingRequest } from '../test/support/customers.js';
import { busiestWindow } from '../test/support/sandbox.js';
import { processUsage, startService, type RunningService, type Topology } from '../test/support/npm-start.js';
import { freePort } from '../scripts/toolchain.js';
import { guideScript } from './guide-script.js';
import { percentile } from './percentile.js';

const { values: args } = parseArgs({
  options: {
    onboardings: { type: 'string', default: '50' },
    baseline: { type: 'string', default: '5' },
    idle: { type: 'string', default: '5' },
    latency: { type: 'string', default: '100ms' },
    concurrency: { type: 'string', default: '100' },
    rps: { type: 'string', default: '100' },
    budget: { type: 'string', default: '10' },
    'budget-onboardings': { type: 'string', default: '10' },
    burst: { type: 'string', default: '300' },
    parked: { type: 'string', default: '1000' },
    serving: { type: 'string', default: '10000' },
    'serving-concurrency': { type: 'string', default: '50' },
    vetting: { type: 'string', default: '2s' },
    phases: { type: 'string', default: 'throughput,budget,floor,parked,serving' },
    cluster: { type: 'boolean', default: false },
    workers: { type: 'string', default: '2' },
    from: { type: 'string', default: 'dist' },
    'trace-gc': { type: 'boolean', default: false },
    pprof: { type: 'string' },
  },
});
if (!['src', 'dist'].includes(args.from)) throw new Error(`--from must be src or dist, got ${args.from}`);
const phases = new Set(args.phases.split(','));
const count = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a whole number, got ${args[name]}`);
  return value;
};
const N = count('onboardings');

const s = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)} s`;
const ms = (milliseconds: number) => `${milliseconds.toFixed(0)} ms`;
const mb = (megabytes: number) => `${megabytes.toFixed(0)} MB`;

interface SandboxInfo {
  accountSid: string;
  authToken: string;
  primaryCustomerProfileSid: string;
  phoneNumbers: { sid: string; phoneNumber: string }[];
}
interface RequestLog {
  arrivals: RequestArrival[];
  callbacks: CallbackRecord[];
}
interface SandboxState {
  requests: { total: number; byRoute: Record<string, number>; byStatus: Record<string, number> };
  resources: { trustProducts: { status: string }[]; customerProfiles: { status: string }[] };
}
const sandboxGet = async <T>(service: RunningService, path: string) =>
  (await (await fetch(`${service.sandboxUrl}${path}`)).json()) as T;

/** The service on `topology`, with the sandbox's Twilio-like latency and `extra` on top. */
function start(topology: Topology, extra: Record<string, string>): Promise<RunningService> {
  return startService(
    {
      SANDBOX_FAULT_LATENCY: args.latency,
      SANDBOX_MAX_CONCURRENCY: args.concurrency,
      SANDBOX_PROFILE_REVIEW_DELAY: args.vetting,
      SANDBOX_TRUST_PRODUCT_REVIEW_DELAY: args.vetting,
      START_FROM: args.from,
      // startService keeps the caller's TEMPORAL_* away from the service; this one is a comparison's switch.
      ...(process.env.TEMPORAL_PRIORITIES ? { TEMPORAL_PRIORITIES: process.env.TEMPORAL_PRIORITIES } : {}),
      ...(args['trace-gc'] ? { WORKER_NODE_ARGS: '--trace-gc' } : {}),
      ...(topology === 'cluster' ? { WORKERS: args.workers } : {}),
      ...extra,
    },
    { topology, readyTimeoutMs: 300_000 },
  );
}

/** Resident memory of every worker process: the largest, and all of them together. */
function workersRss(service: RunningService): { max: number; sum: number } {
  const rss = service.pids().workers.map((pid) => processUsage(pid).rssMb);
  return { max: Math.max(...rss), sum: rss.reduce((a, b) => a + b, 0) };
}
/** A process's resident memory split into anonymous (heaps, malloc) and file-backed (code) pages. */
function anonymousRss(pid: number | undefined): { anonMb: number; fileMb: number } {
  if (!pid) return { anonMb: Number.NaN, fileMb: Number.NaN };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024 };
}
/**
 * CPU seconds of a process and its living descendants: PostgreSQL's work is in the backends its
 * postmaster forks, one per connection (the server's pool keeps them for the run).
 */
function treeCpu(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean);
    return processUsage(pid).cpuSeconds + children.reduce((sum, child) => sum + treeCpu(Number(child)), 0);
  } catch {
    return 0; // a backend that ended while being read
  }
}
const workersCpu = (service: RunningService) =>
  service
    .pids()
    .workers.map((pid) => processUsage(pid).cpuSeconds)
    .reduce((a, b) => a + b, 0);
/** CPU seconds so far of each part of the service (NaN for a part this topology has not). */
function cpuByProcess(service: RunningService) {
  const { temporal, postgres, api } = service.pids();
  return {
    workers: workersCpu(service),
    temporal: processUsage(temporal).cpuSeconds,
    postgres: treeCpu(postgres),
    api: processUsage(api).cpuSeconds,
  };
}

async function post(service: RunningService, customerId: string, phoneNumber: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${service.apiUrl}/v1/onboardings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(onboardingRequest(customerId, [phoneNumber])),
  });
  if (response.status !== 202)
    throw new Error(`POST ${customerId}: ${response.status} ${await response.text()}`);
  return performance.now() - started;
}

/** Polls the sandbox until `done` holds of its state; returns the elapsed ms. */
async function until(
  service: RunningService,
  done: (state: SandboxState) => boolean,
  timeoutMs: number,
  everyMs = 200,
) {
  const started = performance.now();
  for (;;) {
    if (done(await sandboxGet<SandboxState>(service, '/__sandbox/state'))) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`gave up after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}
/**
 * From each decision callback sent at or after `since` (epoch ms) to the next request about its bundle:
 * the re-read that follows a decision, or the first assignment to an approved trust product.
 */
function callbackToNextCall({ arrivals, callbacks }: RequestLog, since: number): number[] {
  return callbacks
    .filter((c) => ['twilio-approved', 'twilio-rejected'].includes(c.status) && c.outcome === 'delivered')
    .filter((c) => c.sentAt !== null && c.sentAt >= since)
    .flatMap((c) => {
      const next = arrivals.find((a) => a.bundleSid === c.bundleSid && a.at >= c.sentAt!);
      return next ? [next.at - c.sentAt!] : [];
    });
}

/** Polls the sandbox until its request count stops moving for a second. */
async function quiet(service: RunningService): Promise<void> {
  let last = -1;
  for (;;) {
    const { total } = (await sandboxGet<SandboxState>(service, '/__sandbox/state')).requests;
    if (total === last) return;
    last = total;
    await sleep(1_000);
  }
}

const submitted = (status: string) => ['pending-review', 'in-review', 'twilio-approved'].includes(status);

/**
 * With --pprof FILE, on the cluster: the Temporal server's CPU profile (Go's pprof) over `seconds`
 * from now, written to FILE; read it with `go tool pprof -top FILE`.
 */
async function serverProfile(service: RunningService, port: number | undefined, seconds: number) {
  if (!args.pprof || port === undefined) return;
  const response = await fetch(`http://127.0.0.1:${port}/debug/pprof/profile?seconds=${seconds}`);
  if (!response.ok) throw new Error(`pprof: ${response.status} ${await response.text()}`);
  writeFileSync(args.pprof, Buffer.from(await response.arrayBuffer()));
  console.error(`the Temporal server's CPU profile: go tool pprof -top ${args.pprof}`);
}

async function throughput(topology: Topology): Promise<Row[]> {
  const pprofPort = args.pprof && topology === 'cluster' ? await freePort() : undefined;
  const service = await start(topology, {
    TWILIO_REQUESTS_PER_SECOND: args.rps,
    SANDBOX_PHONE_NUMBERS: String(N + count('baseline') + count('idle')),
    ...(pprofPort ? { TEMPORAL_PPROF_PORT: String(pprofPort) } : {}),
  });
  try {
    const info = await sandboxGet<SandboxInfo>(service, '/__sandbox/info');

    // Idle: one onboarding at a time, each to approval, nothing else in flight.
    const idleStarted = Date.now();
    for (let i = 0; i < count('idle'); i += 1) {
      await post(service, `idle-${i}`, info.phoneNumbers[N + count('baseline') + i]!.phoneNumber);
      await until(
        service,
        (s) => s.resources.trustProducts.filter((b) => b.status === 'twilio-approved').length > i,
        120_000,
      );
      await quiet(service);
    }
    const idleLatencies = callbackToNextCall(
      await sandboxGet<RequestLog>(service, '/__sandbox/requests'),
      idleStarted,
    );

    const batchStarted = Date.now();
    const before = await sandboxGet<SandboxState>(service, '/__sandbox/state');
    const cpuBefore = cpuByProcess(service);
    // The batch's first 20 s: its starts, and most of its runs' work up to vetting.
    const profiled = serverProfile(service, pprofPort, 20);
    const started = performance.now();
    const postMs = await Promise.all(
      info.phoneNumbers.slice(0, N).map((n, i) => post(service, `bench-${i}`, n.phoneNumber)),
    );
    const submittedMs = await until(
      service,
      (s) => s.resources.trustProducts.filter((b) => submitted(b.status)).length >= N + count('idle'),
      600_000,
    );
    await until(
      service,
      (s) =>
        s.resources.trustProducts.filter((b) => b.status === 'twilio-approved').length >= N + count('idle'),
      600_000,
    );
    // Approved at Twilio; the service is done once it has assigned nothing more: wait for quiet.
    await quiet(service);
    const serviceMs = performance.now() - started - 1_000;
    const loadedLatencies = callbackToNextCall(
      await sandboxGet<RequestLog>(service, '/__sandbox/requests'),
      batchStarted,
    );
    const after = await sandboxGet<SandboxState>(service, '/__sandbox/state');
    await profiled;
    const cpuAfter = cpuByProcess(service);
    const cpuMs = (part: keyof typeof cpuAfter) => ((cpuAfter[part] - cpuBefore[part]) / N) * 1000;
    const cpuPerOnboarding = (cpuMs('workers') + cpuMs('temporal')) / 1000;

    const byRoute = Object.entries(after.requests.byRoute)
      .map(([route, n]) => [route, (n - (before.requests.byRoute[route] ?? 0)) / N] as const)
      .filter(([, n]) => n > 0)
      .sort(([, a], [, b]) => b - a);
    const callsPerOnboarding = (after.requests.total - before.requests.total) / N;

    const twilio = createTwilioClient({
      accountSid: info.accountSid,
      authToken: info.authToken,
      baseUrl: service.sandboxUrl,
    });
    const baselineStarted = performance.now();
    for (let i = 0; i < count('baseline'); i += 1) {
      await guideScript(twilio, {
        primaryProfileSid: info.primaryCustomerProfileSid,
        phoneNumberSid: info.phoneNumbers[N + i]!.sid,
        label: `baseline ${i}`,
      });
    }
    const perCustomerMs = (performance.now() - baselineStarted) / count('baseline');
    const baselineMs = perCustomerMs * N;
    const latencies = (values: number[]) =>
      `${ms(percentile(values, 50))} / ${ms(percentile(values, 99))} (${values.length})`;
    return [
      [`${N} onboardings through the service (POST → all approved and quiet)`, s(serviceMs)],
      [`the guide's calls, customer after customer, × ${N}`, `${s(baselineMs)} (${s(perCustomerMs)} each)`],
      ['service vs guide script', `${(baselineMs / serviceMs).toFixed(1)}× faster`],
      ['Twilio calls per onboarding', callsPerOnboarding.toFixed(1)],
      ...byRoute.map(([route, n]): Row => [`  ${route}`, n.toFixed(2)]),
      [
        `POST /v1/onboardings latency, ${N} at once: p50 / p99`,
        `${ms(percentile(postMs, 50))} / ${ms(percentile(postMs, 99))}`,
      ],
      [`time until all ${N} trust products are submitted`, s(submittedMs)],
      ['decision callback → next call, idle: p50 / p99 (callbacks)', latencies(idleLatencies)],
      [`decision callback → next call, ${N} in flight: p50 / p99 (callbacks)`, latencies(loadedLatencies)],
      ['workers + Temporal CPU per onboarding', `${(cpuPerOnboarding * 1000).toFixed(0)} ms`],
      // Where that goes, and what else the onboarding costs beside it (the API, PostgreSQL).
      [
        '  workers / Temporal server / PostgreSQL / API',
        [cpuMs('workers'), cpuMs('temporal'), cpuMs('postgres'), cpuMs('api')]
          .map((v) => (Number.isNaN(v) ? '—' : ms(v)))
          .join(' / '),
      ],
    ];
  } finally {
    await service.stop();
  }
}

async function budget(topology: Topology): Promise<Row[]> {
  const n = count('budget-onboardings');
  const service = await start(topology, {
    TWILIO_REQUESTS_PER_SECOND: args.budget,
    SANDBOX_PHONE_NUMBERS: String(n),
  });
  try {
    const info = await sandboxGet<SandboxInfo>(service, '/__sandbox/info');
    const since = Date.now();
    await Promise.all(
      info.phoneNumbers.slice(0, n).map((p, i) => post(service, `budget-${i}`, p.phoneNumber)),
    );
    await until(
      service,
      (s) => s.resources.trustProducts.filter((b) => b.status === 'twilio-approved').length >= n,
      600_000,
    );
    await quiet(service);
    const { arrivals } = await sandboxGet<RequestLog>(service, '/__sandbox/requests');
    const times = arrivals.map((a) => a.at).filter((at) => at >= since);
    const spanSeconds = Math.max(1, (times.at(-1)! - times[0]!) / 1000);
    return [
      [
        `requests/s, TWILIO_REQUESTS_PER_SECOND=${args.budget}, ${n} onboardings: mean / busiest 5 s / busiest 1 s`,
        `${(times.length / spanSeconds).toFixed(1)} / ${(busiestWindow(times, 5_000) / 5).toFixed(1)} / ${busiestWindow(times, 1_000)}`,
      ],
    ];
  } finally {
    await service.stop();
  }
}

async function parked(topology: Topology): Promise<Row[]> {
  const n = count('parked');
  const burst = Math.min(count('burst'), n);
  const service = await start(topology, {
    TWILIO_REQUESTS_PER_SECOND: args.rps,
    SANDBOX_VETTING: 'manual',
    SANDBOX_PHONE_NUMBERS: String(n),
  });
  try {
    const info = await sandboxGet<SandboxInfo>(service, '/__sandbox/info');
    const { temporal } = service.pids();
    const idle = { worker: workersRss(service), temporal: processUsage(temporal).rssMb };
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, workersRss(service).max)), 500);
    const parkedBy = (wanted: number) =>
      until(
        service,
        (s) =>
          s.resources.trustProducts.filter((b) => submitted(b.status)).length >= wanted &&
          s.resources.customerProfiles.filter((b) => submitted(b.status)).length >= wanted,
        900_000,
      );
    const postMs = await Promise.all(
      info.phoneNumbers.slice(0, burst).map((p, i) => post(service, `parked-${i}`, p.phoneNumber)),
    );
    await parkedBy(burst);
    // The rest in waves of the same size, each left to park before the next.
    for (let from = burst; from < n; from += burst) {
      const wave = info.phoneNumbers.slice(from, Math.min(n, from + burst));
      await Promise.all(wave.map((p, i) => post(service, `parked-${from + i}`, p.phoneNumber)));
      await parkedBy(from + wave.length);
    }
    await sleep(5_000);
    clearInterval(sampler);
    const rss = workersRss(service);
    // The issue's second memory figure: what a worker gives back within a minute of the burst.
    await sleep(55_000);
    const aMinuteLater = workersRss(service);
    const database = service.databaseBytes();
    const workers = service.pids().workers.length;
    const { worker } = service.pids();
    const anon = anonymousRss(worker);
    const heaps = service.heaps(worker);
    return [
      [
        `POST /v1/onboardings latency, ${burst} at once: p50 / p99`,
        `${ms(percentile(postMs, 50))} / ${ms(percentile(postMs, 99))}`,
      ],
      [
        `worker RSS idle → ${n} parked in vetting (peak), per worker`,
        `${mb(idle.worker.max)} → ${mb(rss.max)} (${mb(peak)})${workers > 1 ? ` × ${workers}, ${mb(rss.sum)} in all` : ''}`,
      ],
      [`worker RSS a minute after the last wave parked, per worker`, mb(aMinuteLater.max)],
      [`  of the first worker's RSS: anonymous / file-backed`, `${mb(anon.anonMb)} / ${mb(anon.fileMb)}`],
      ...(heaps.length > 0
        ? [
            [
              `  its V8 heaps after the last full GC, used (committed): main thread, workflow thread`,
              heaps
                .map((h) => `${mb(h.usedMb)} (${mb(h.committedMb)})${h.full ? '' : ' (scavenge)'}`)
                .join(', '),
            ] as Row,
          ]
        : []),
      [`Temporal RSS idle → ${n} parked`, `${mb(idle.temporal)} → ${mb(processUsage(temporal).rssMb)}`],
      ...(database !== undefined
        ? [[`PostgreSQL size with ${n} parked`, mb(database / 2 ** 20)] as Row]
        : []),
    ];
  } finally {
    await service.stop();
  }
}

/**
 * The start's floor: --burst POSTs at once with every worker stopped (SIGSTOP), so that only the API
 * and the Temporal server (and its database) answer them, as they do when the workers are busy
 * elsewhere. The workers are let go again before the service stops.
 */
async function floor(topology: Topology): Promise<Row[]> {
  const burst = count('burst');
  const service = await start(topology, { SANDBOX_VETTING: 'manual', SANDBOX_PHONE_NUMBERS: String(burst) });
  const workers = service.pids().workers;
  try {
    const info = await sandboxGet<SandboxInfo>(service, '/__sandbox/info');
    for (const pid of workers) process.kill(pid, 'SIGSTOP');
    const cpu = () => {
      const { temporal, postgres, api } = cpuByProcess(service);
      return [temporal, postgres, api];
    };
    const before = cpu();
    const started = performance.now();
    const postMs = await Promise.all(
      info.phoneNumbers.slice(0, burst).map((p, i) => post(service, `floor-${i}`, p.phoneNumber)),
    );
    const wallMs = performance.now() - started;
    const perStart = cpu().map((after, i) => ((after - before[i]!) / burst) * 1000);
    return [
      [
        `POST /v1/onboardings latency, ${burst} at once, every worker stopped: p50 / p99 (all answered)`,
        `${ms(percentile(postMs, 50))} / ${ms(percentile(postMs, 99))} (${ms(wallMs)})`,
      ],
      [
        '  CPU per start: Temporal server / PostgreSQL / API',
        perStart.map((v) => (Number.isNaN(v) ? '—' : `${v.toFixed(1)} ms`)).join(' / '),
      ],
    ];
  } finally {
    for (const pid of workers) process.kill(pid, 'SIGCONT');
    await service.stop();
  }
}

/** Runs `trusthub-onboarding <args>` against the service; resolves with its wall time and output. */
function cli(service: RunningService, cliArgs: string[]): Promise<{ ms: number; output: string }> {
  const started = performance.now();
  const entry = args.from === 'dist' ? ['dist/cli/main.js'] : ['bin/trusthub-onboarding.js'];
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [...entry, ...cliArgs],
      { env: { ...process.env, API_URL: service.apiUrl }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`trusthub-onboarding ${cliArgs.join(' ')}: ${error.message}\n${stderr}`))
          : resolve({ ms: performance.now() - started, output: stdout }),
    ),
  );
}

/** Every onboarding through GET /v1/onboardings' cursor, 200 a page: how many, and in how many pages. */
async function listAll(service: RunningService): Promise<{ onboardings: number; pages: number }> {
  let cursor: string | null = null;
  let onboardings = 0;
  let pages = 0;
  do {
    const query = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${service.apiUrl}/v1/onboardings?${query}`);
    if (!response.ok) throw new Error(`GET /v1/onboardings: ${response.status} ${await response.text()}`);
    const page = (await response.json()) as { onboardings: unknown[]; nextCursor: string | null };
    onboardings += page.onboardings.length;
    pages += 1;
    cursor = page.nextCursor;
  } while (cursor);
  return { onboardings, pages };
}

async function serving(topology: Topology): Promise<Row[]> {
  const n = count('serving');
  const inFlight = count('serving-concurrency');
  const service = await start(topology, {
    TWILIO_REQUESTS_PER_SECOND: args.rps,
    SANDBOX_PHONE_NUMBERS: String(n),
    // The world is big: the sandbox's own log would fill the terminal's buffer for nothing.
    LOG_LEVEL: 'error',
  });
  try {
    const info = await sandboxGet<SandboxInfo>(service, '/__sandbox/info');
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < n) {
          const i = next++;
          await post(service, `serving-${String(i).padStart(5, '0')}`, info.phoneNumbers[i]!.phoneNumber);
        }
      }),
    );
    const postedMs = performance.now() - started;
    await until(
      service,
      (s) => s.resources.trustProducts.filter((b) => b.status === 'twilio-approved').length >= n,
      6 * 3_600_000,
      5_000,
    );
    await quiet(service);
    const approvedMs = performance.now() - started;
    await sleep(5_000);
    const rss = workersRss(service);
    const workers = service.pids().workers.length;
    const database = service.databaseBytes();
    const listed = performance.now();
    const { onboardings, pages } = await listAll(service);
    const listMs = performance.now() - listed;
    const status = await cli(service, ['status']);
    const filtered = await cli(service, ['status', '--status', 'action-required']);
    const completed = /completed\s+\S+\s+(\d+)/.exec(status.output)?.[1];
    return [
      [
        `${n} onboardings POSTed (${inFlight} in flight) / all approved and quiet`,
        `${s(postedMs)} / ${s(approvedMs)}`,
      ],
      [
        `worker RSS with ${n} serving, per worker`,
        `${mb(rss.max)}${workers > 1 ? ` × ${workers}, ${mb(rss.sum)} in all` : ''}`,
      ],
      [`Temporal RSS with ${n} serving`, mb(processUsage(service.pids().temporal).rssMb)],
      ...(database !== undefined
        ? [
            [
              `PostgreSQL size with ${n} serving (per customer)`,
              `${mb(database / 2 ** 20)} (${(database / n / 1024).toFixed(0)} KB)`,
            ] as Row,
          ]
        : []),
      [
        `listing all ${n} through GET /v1/onboardings (${pages} pages of 200)`,
        `${s(listMs)} (${onboardings} listed)`,
      ],
      [`trusthub-onboarding status (${completed ?? '?'} completed counted)`, s(status.ms)],
      ['trusthub-onboarding status --status action-required', s(filtered.ms)],
    ];
  } finally {
    await service.stop();
  }
}

type Row = [label: string, value: string];
const PHASES: Record<string, (topology: Topology) => Promise<Row[]>> = {
  throughput,
  budget,
  floor,
  parked,
  serving,
};
const unknown = [...phases].filter((phase) => !(phase in PHASES));
if (unknown.length > 0) throw new Error(`--phases: unknown ${unknown.join(', ')}`);

if (args.from === 'dist') {
  console.error('building the service (npm run build), to run it compiled…');
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build failed:\n${String(stdout ?? '')}${String(stderr ?? '')}`);
  }
}
const topologies: Topology[] = args.cluster ? ['dev', 'cluster'] : ['dev'];
const heading: Record<Topology, string> = {
  dev: 'dev server (npm start)',
  cluster: `server on PostgreSQL, ${args.workers} workers (start:cluster)`,
};
// Phase by phase, each back end in turn, so that both see the machine in the same state.
const table: { label: string; values: Partial<Record<Topology, string>> }[] = [];
for (const phase of Object.keys(PHASES).filter((p) => phases.has(p))) {
  for (const topology of topologies) {
    console.error(`${phase} on ${heading[topology]}…`);
    const rows = await PHASES[phase]!(topology);
    for (const [label, value] of rows) {
      const row = table.find((r) => r.label === label) ?? table[table.push({ label, values: {} }) - 1]!;
      row.values[topology] = value;
    }
  }
}
const columns = [
  Math.max(...table.map((r) => r.label.length)),
  ...topologies.map((t) => Math.max(heading[t].length, ...table.map((r) => (r.values[t] ?? '').length))),
];
const line = (cells: string[]) =>
  cells
    .map((cell, i) => cell.padEnd(columns[i]!))
    .join('  ')
    .trimEnd();
console.log(
  `sandbox latency ${args.latency}, ${args.concurrency} concurrent requests max, vetting ${args.vetting}, TWILIO_REQUESTS_PER_SECOND=${args.rps}, service from ${args.from}/`,
);
console.log(line(['', ...topologies.map((t) => heading[t])]));
for (const row of table) console.log(line([row.label, ...topologies.map((t) => row.values[t] ?? '—')]));
