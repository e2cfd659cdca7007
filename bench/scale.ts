/**
 * npm run bench: the service from outside (npm start: dev server, sandbox, worker, API as separate
 * processes) against the script an ISV would otherwise write, on the sandbox with Twilio-like latency
 * and concurrency limit. One table from one run; it asserts nothing (machines are shared and noisy).
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
 *   3. parked: --parked onboardings POSTed at once and left in vetting (manual): POST latency with
 *      that many starts in flight, then worker and Temporal RSS.
 *
 * --phases picks some of them (default throughput,budget,parked).
 */
import { parseArgs } from 'node:util';
import type { CallbackRecord, RequestArrival } from 'trusthub-sandbox';
import { createTwilioClient } from '../src/trusthub/client.js';
import { onboardingRequest } from '../test/support/stack.js';
import { processUsage, startService, type RunningService } from '../test/support/npm-start.js';
import { busiestWindow } from '../test/support/sandbox.js';
import { guideScript } from './guide-script.js';

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
    parked: { type: 'string', default: '300' },
    vetting: { type: 'string', default: '2s' },
    phases: { type: 'string', default: 'throughput,budget,parked' },
  },
});
const phases = new Set(args.phases.split(','));
const count = (name: keyof typeof args) => {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a whole number, got ${args[name]}`);
  return value;
};
const N = count('onboardings');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

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

function sandboxEnv(extra: Record<string, string>): Record<string, string> {
  return {
    SANDBOX_FAULT_LATENCY: args.latency,
    SANDBOX_MAX_CONCURRENCY: args.concurrency,
    SANDBOX_PROFILE_REVIEW_DELAY: args.vetting,
    SANDBOX_TRUST_PRODUCT_REVIEW_DELAY: args.vetting,
    ...extra,
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
async function until(service: RunningService, done: (state: SandboxState) => boolean, timeoutMs: number) {
  const started = performance.now();
  for (;;) {
    if (done(await sandboxGet<SandboxState>(service, '/__sandbox/state'))) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`gave up after ${timeoutMs} ms`);
    await sleep(200);
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

async function throughput() {
  const service = await startService(
    sandboxEnv({
      TWILIO_REQUESTS_PER_SECOND: args.rps,
      SANDBOX_PHONE_NUMBERS: String(N + count('baseline') + count('idle')),
    }),
  );
  try {
    const info = await sandboxGet<SandboxInfo>(service, '/__sandbox/info');
    const pids = service.pids();

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
    const cpuBefore = [processUsage(pids.worker), processUsage(pids.temporal)];
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
    const cpuAfter = [processUsage(pids.worker), processUsage(pids.temporal)];

    const byRoute = Object.fromEntries(
      Object.entries(after.requests.byRoute)
        .map(([route, n]) => [route, (n - (before.requests.byRoute[route] ?? 0)) / N] as const)
        .filter(([, n]) => n > 0),
    );
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
    return {
      serviceMs,
      baselineMs: perCustomerMs * N,
      perCustomerMs,
      callsPerOnboarding,
      byRoute,
      postP50: percentile(postMs, 50),
      postP99: percentile(postMs, 99),
      submittedMs,
      idleLatencies,
      loadedLatencies,
      cpuPerOnboarding:
        (cpuAfter[0]!.cpuSeconds -
          cpuBefore[0]!.cpuSeconds +
          cpuAfter[1]!.cpuSeconds -
          cpuBefore[1]!.cpuSeconds) /
        N,
    };
  } finally {
    await service.stop();
  }
}

async function budget() {
  const n = count('budget-onboardings');
  const service = await startService(
    sandboxEnv({ TWILIO_REQUESTS_PER_SECOND: args.budget, SANDBOX_PHONE_NUMBERS: String(n) }),
  );
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
    return {
      requests: times.length,
      mean: times.length / spanSeconds,
      peak5s: busiestWindow(times, 5_000) / 5,
      peak1s: busiestWindow(times, 1_000),
    };
  } finally {
    await service.stop();
  }
}

async function parked() {
  const n = count('parked');
  const service = await startService(
    sandboxEnv({
      TWILIO_REQUESTS_PER_SECOND: args.rps,
      SANDBOX_VETTING: 'manual',
      SANDBOX_PHONE_NUMBERS: String(n),
    }),
  );
  try {
    const info = await sandboxGet<SandboxInfo>(service, '/__sandbox/info');
    const { worker, temporal } = service.pids();
    const idle = { worker: processUsage(worker).rssMb, temporal: processUsage(temporal).rssMb };
    let peakWorker = 0;
    const sampler = setInterval(() => (peakWorker = Math.max(peakWorker, processUsage(worker).rssMb)), 500);
    const postMs = await Promise.all(
      info.phoneNumbers.slice(0, n).map((p, i) => post(service, `parked-${i}`, p.phoneNumber)),
    );
    await until(
      service,
      (s) =>
        s.resources.trustProducts.filter((b) => submitted(b.status)).length >= n &&
        s.resources.customerProfiles.filter((b) => submitted(b.status)).length >= n,
      900_000,
    );
    await sleep(5_000);
    clearInterval(sampler);
    return {
      n,
      postP50: percentile(postMs, 50),
      postP99: percentile(postMs, 99),
      idle,
      worker: processUsage(worker).rssMb,
      peakWorker,
      temporal: processUsage(temporal).rssMb,
    };
  } finally {
    await service.stop();
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rows: [string, string][] = [];
if (phases.has('throughput')) {
  const t = await throughput();
  rows.push(
    [`${N} onboardings through the service (POST → all approved and quiet)`, s(t.serviceMs)],
    [`the guide's calls, customer after customer (${s(t.perCustomerMs)} each × ${N})`, s(t.baselineMs)],
    ['service vs guide script', `${(t.baselineMs / t.serviceMs).toFixed(1)}× faster`],
    ['Twilio calls per onboarding', t.callsPerOnboarding.toFixed(1)],
    ...Object.entries(t.byRoute)
      .sort(([, a], [, b]) => b - a)
      .map(([route, n]): [string, string] => [`  ${route}`, n.toFixed(2)]),
    [
      `POST /v1/onboardings latency, ${N} at once: p50 / p99`,
      `${t.postP50.toFixed(0)} / ${t.postP99.toFixed(0)} ms`,
    ],
    [`time until all ${N} trust products are submitted`, s(t.submittedMs)],
    [
      `decision callback → next call, idle (${t.idleLatencies.length} callbacks): p50 / p99`,
      `${percentile(t.idleLatencies, 50).toFixed(0)} / ${percentile(t.idleLatencies, 99).toFixed(0)} ms`,
    ],
    [
      `decision callback → next call, ${N} in flight (${t.loadedLatencies.length} callbacks): p50 / p99`,
      `${percentile(t.loadedLatencies, 50).toFixed(0)} / ${percentile(t.loadedLatencies, 99).toFixed(0)} ms`,
    ],
    ['worker + Temporal CPU per onboarding', `${(t.cpuPerOnboarding * 1000).toFixed(0)} ms`],
  );
}
if (phases.has('budget')) {
  const b = await budget();
  rows.push([
    `requests/s with TWILIO_REQUESTS_PER_SECOND=${args.budget} (${b.requests} requests): mean / busiest 5 s / busiest 1 s`,
    `${b.mean.toFixed(1)} / ${b.peak5s.toFixed(1)} / ${b.peak1s}`,
  ]);
}
if (phases.has('parked')) {
  const p = await parked();
  rows.push(
    [
      `POST /v1/onboardings latency, ${p.n} at once: p50 / p99`,
      `${p.postP50.toFixed(0)} / ${p.postP99.toFixed(0)} ms`,
    ],
    [
      `worker RSS idle → ${p.n} parked in vetting (peak)`,
      `${p.idle.worker.toFixed(0)} → ${p.worker.toFixed(0)} MB (${p.peakWorker.toFixed(0)})`,
    ],
    [
      `Temporal dev server RSS idle → ${p.n} parked`,
      `${p.idle.temporal.toFixed(0)} → ${p.temporal.toFixed(0)} MB`,
    ],
  );
}
const width = Math.max(...rows.map(([label]) => label.length));
console.log(
  `sandbox latency ${args.latency}, ${args.concurrency} concurrent requests max, vetting ${args.vetting}, TWILIO_REQUESTS_PER_SECOND=${args.rps}`,
);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
