/**
 * npm run bench:budget: whether N worker processes on one task queue keep the account within
 * TWILIO_REQUESTS_PER_SECOND together, as Twilio would count it: the busiest one-second window of the
 * sandbox's arrival log. Each run starts the worker processes (src/worker.ts, as deployed) with
 * WORKER_REPLICAS=N against one dev server, a fresh sandbox with quick automatic vetting and the
 * API in this process, POSTs --onboardings at once, and waits until every trust product is approved
 * and the sandbox has gone quiet. The last run leaves the shares at 1 with 2 workers: the
 * misconfiguration the shares exist for, which should show a busiest second above the budget.
 *
 * It prints figures and asserts nothing: the machine is shared, and a slow second only spreads
 * requests out (test/trusthub/request-budget.test.ts is the check that cannot be flaky).
 *
 *   npm run bench:budget -- --budget 8 --onboardings 20 --workers 1,2,4
 */
import { parseArgs } from 'node:util';
import type { RequestArrival } from 'trusthub-sandbox';
import { buildApp } from '../src/api/app.js';
import { loadApiConfig, workerRequestsPerSecond } from '../src/config.js';
import { workerWorkflowBundle } from '../src/temporal/workflow-bundle.js';
import { freePort } from '../scripts/toolchain.js';
import { onboardingRequest } from '../test/support/customers.js';
import { busiestWindow, eventually, runSandbox } from '../test/support/sandbox.js';
import { devServerEnvironment, TEST_PAYLOAD_ENCRYPTION_KEYS } from '../test/support/temporal.js';
import { spawnWorker, type WorkerProcess } from '../test/support/worker-process.js';

const { values: args } = parseArgs({
  options: {
    budget: { type: 'string', default: '8' },
    onboardings: { type: 'string', default: '20' },
    workers: { type: 'string', default: '1,2,4' },
    vetting: { type: 'string', default: '500' },
  },
});
const budget = Number(args.budget);
const onboardings = Number(args.onboardings);
const vettingMs = Number(args.vetting);
const runs = [
  ...args.workers.split(',').map((n) => ({ workers: Number(n), shares: Number(n) })),
  { workers: 2, shares: 1 },
];

interface SandboxState {
  requests: { total: number };
  resources: { trustProducts: { status: string }[] };
}

const env = await devServerEnvironment();
// Built (or found) once here, so that the workers read it from the cache rather than each bundling.
await workerWorkflowBundle();

async function run(workers: number, shares: number) {
  const sandbox = await runSandbox({
    vetting: 'auto',
    profileReviewMs: vettingMs,
    trustProductReviewMs: vettingMs,
    phoneNumbers: onboardings,
    logLevel: 'silent',
  });
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  // Its own queue and customers per run: the dev server keeps the runs before, and a customer's POST
  // would otherwise reach that customer's earlier run, whose workers are gone.
  const taskQueue = `bench-budget-${port}`;
  const api = await buildApp({
    config: loadApiConfig({
      LOG_LEVEL: 'silent',
      PORT: String(port),
      PUBLIC_BASE_URL: apiUrl,
      TWILIO_AUTH_TOKEN: sandbox.info.authToken,
      TEMPORAL_TASK_QUEUE: taskQueue,
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
    }),
    temporal: env.client,
  });
  await api.listen({ host: '127.0.0.1', port });
  const state = () => sandbox.admin<SandboxState>('GET', '/__sandbox/state');

  const processes: WorkerProcess[] = Array.from({ length: workers }, () =>
    spawnWorker(env, sandbox, {
      LOG_LEVEL: 'info',
      PUBLIC_BASE_URL: apiUrl,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TWILIO_REQUESTS_PER_SECOND: String(budget),
      WORKER_REPLICAS: String(shares),
    }),
  );
  try {
    await eventually(
      async () => processes.every((p) => p.output().includes('worker started')) || undefined,
      120_000,
    );
    // The workers' start-up checks of the primary profile are requests too: let them finish first.
    await quiet(state);
    const since = Date.now();
    const { phoneNumbers } = sandbox.info;
    await Promise.all(
      phoneNumbers.slice(0, onboardings).map(async (number, i) => {
        const response = await fetch(`${apiUrl}/v1/onboardings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(onboardingRequest(`${taskQueue}-${i}`, [number.phoneNumber])),
        });
        if (response.status !== 202)
          throw new Error(`POST ${i}: ${response.status} ${await response.text()}`);
      }),
    );
    await eventually(async () => {
      const approved = (await state()).resources.trustProducts.filter((b) => b.status === 'twilio-approved');
      return approved.length >= onboardings || undefined;
    }, 900_000);
    await quiet(state);
    const { arrivals } = await sandbox.admin<{ arrivals: RequestArrival[] }>('GET', '/__sandbox/requests');
    const times = arrivals
      .map((a) => a.at)
      .filter((at) => at >= since)
      .sort((a, b) => a - b);
    const share = workerRequestsPerSecond({
      TWILIO_REQUESTS_PER_SECOND: budget,
      WORKER_REPLICAS: shares,
    });
    return {
      share,
      requests: times.length,
      busiest: busiestWindow(times, 1_000),
      seconds: (times.at(-1)! - since) / 1000,
    };
  } catch (error) {
    for (const p of processes) console.error(p.output().slice(-3_000));
    throw error;
  } finally {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await api.close();
    await sandbox.close();
  }
}

/** Polls the sandbox until its request count stops moving for a second. */
async function quiet(state: () => Promise<SandboxState>): Promise<void> {
  let last = -1;
  for (;;) {
    const { total } = (await state()).requests;
    if (total === last) return;
    last = total;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const rows: string[][] = [['workers', 'shares', 'each', 'requests', 'busiest 1 s', 'budget', 'finished in']];
try {
  for (const { workers, shares } of runs) {
    const r = await run(workers, shares);
    rows.push([
      String(workers),
      String(shares),
      `${r.share}/s`,
      String(r.requests),
      String(r.busiest),
      String(budget),
      `${r.seconds.toFixed(1)} s`,
    ]);
    console.error(rows.at(-1)!.join('  '));
  }
} finally {
  await env.teardown();
}
console.log(
  `${onboardings} onboardings at once, TWILIO_REQUESTS_PER_SECOND=${budget}, sandbox vetting ${vettingMs} ms`,
);
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i]!)).join('  '));
