/**
 * npm run bench: the service from outside (npm start: dev server, sandbox, worker, API as separate
 * processes) against the script an ISV would otherwise write, on the sandbox with Twilio-like latency
 * and concurrency limit. One table from one run; it asserts nothing (machines are shared and noisy).
 *
 *   1. throughput: N onboardings POSTed at once and run to completion, against the guide's calls run
 *      customer after customer (bench/guide-script.ts) on the same sandbox. The baseline runs
 *      --baseline customers and is scaled to N (sequential runs are independent).
 *      Also: Twilio calls per onboarding by operation, POST latency, time for the batch to be
 *      submitted, worker + Temporal CPU per onboarding.
 *   2. budget: --budget-onboardings with TWILIO_REQUESTS_PER_SECOND=--budget, the achieved request
 *      rate sampled each second at the sandbox.
 *   3. parked: --parked onboardings left in vetting (manual), then worker and Temporal RSS.
 *
 * --phases picks some of them (default throughput,budget,parked).
 */
import { parseArgs } from 'node:util';
import { createTwilioClient } from '../src/trusthub/client.js';
import { onboardingRequest } from '../test/support/stack.js';
import { processUsage, startService, type RunningService } from '../test/support/npm-start.js';
import { guideScript } from './guide-script.js';

const { values: args } = parseArgs({
  options: {
    onboardings: { type: 'string', default: '50' },
    baseline: { type: 'string', default: '5' },
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
const submitted = (status: string) => ['pending-review', 'in-review', 'twilio-approved'].includes(status);

async function throughput() {
  const service = await startService(
    sandboxEnv({
      TWILIO_REQUESTS_PER_SECOND: args.rps,
      SANDBOX_PHONE_NUMBERS: String(N + count('baseline')),
    }),
  );
  try {
    const info = await sandboxGet<SandboxInfo>(service, '/__sandbox/info');
    const pids = service.pids();
    const before = await sandboxGet<SandboxState>(service, '/__sandbox/state');
    const cpuBefore = [processUsage(pids.worker), processUsage(pids.temporal)];
    const started = performance.now();
    const postMs = await Promise.all(
      info.phoneNumbers.slice(0, N).map((n, i) => post(service, `bench-${i}`, n.phoneNumber)),
    );
    const submittedMs = await until(
      service,
      (s) => s.resources.trustProducts.filter((b) => submitted(b.status)).length >= N,
      600_000,
    );
    await until(
      service,
      (s) => s.resources.trustProducts.filter((b) => b.status === 'twilio-approved').length >= N,
      600_000,
    );
    // Approved at Twilio; the service is done once it has assigned nothing more: wait for quiet.
    let last = -1;
    for (;;) {
      const { total } = (await sandboxGet<SandboxState>(service, '/__sandbox/state')).requests;
      if (total === last) break;
      last = total;
      await sleep(1_000);
    }
    const serviceMs = performance.now() - started - 1_000;
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
    const samples: number[] = [];
    let previous = (await sandboxGet<SandboxState>(service, '/__sandbox/state')).requests.total;
    await Promise.all(
      info.phoneNumbers.slice(0, n).map((p, i) => post(service, `budget-${i}`, p.phoneNumber)),
    );
    let quiet = 0;
    const started = performance.now();
    while (quiet < 3 && performance.now() - started < 600_000) {
      await sleep(1_000);
      const { total } = (await sandboxGet<SandboxState>(service, '/__sandbox/state')).requests;
      samples.push(total - previous);
      quiet = total === previous ? quiet + 1 : 0;
      previous = total;
    }
    const busy = samples.slice(0, samples.length - quiet);
    const windows = busy.map((_, i) => busy.slice(i, i + 5)).filter((w) => w.length === 5);
    return {
      mean: busy.reduce((a, b) => a + b, 0) / Math.max(1, busy.length),
      peak5s: Math.max(...windows.map((w) => w.reduce((a, b) => a + b, 0) / 5)),
      peak1s: Math.max(...busy),
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
    for (let i = 0; i < n; i += 50) {
      await Promise.all(
        info.phoneNumbers.slice(i, i + 50).map((p, j) => post(service, `parked-${i + j}`, p.phoneNumber)),
      );
    }
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
    ['worker + Temporal CPU per onboarding', `${(t.cpuPerOnboarding * 1000).toFixed(0)} ms`],
  );
}
if (phases.has('budget')) {
  const b = await budget();
  rows.push([
    `requests/s with TWILIO_REQUESTS_PER_SECOND=${args.budget}: mean / peak 5 s / peak 1 s`,
    `${b.mean.toFixed(1)} / ${b.peak5s.toFixed(1)} / ${b.peak1s}`,
  ]);
}
if (phases.has('parked')) {
  const p = await parked();
  rows.push(
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
