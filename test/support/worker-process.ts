/**
 * `src/worker.ts` as its own process, configured as `npm start` would configure it against the test's
 * dev server and sandbox, for the tests that watch the worker from outside (its exit code, its health
 * and metrics endpoints).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { RunningSandbox } from './sandbox.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from './temporal.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** What it printed so far, for failure messages. */
  output(): string;
}

/** Starts the worker; `overrides` go on top (the task queue, ports, a different primary profile…). */
export function spawnWorker(
  env: TestWorkflowEnvironment,
  sandbox: Pick<RunningSandbox, 'info' | 'baseUrl'>,
  overrides: Record<string, string>,
): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
      PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
      TWILIO_ACCOUNT_SID: sandbox.info.accountSid,
      TWILIO_AUTH_TOKEN: sandbox.info.authToken,
      TWILIO_BASE_URL: sandbox.baseUrl,
      TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: sandbox.info.primaryCustomerProfileSid,
      // Off unless asked for: the default port may be held by an `npm start` on the same machine.
      WORKER_METRICS_PORT: '0',
      ...overrides,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}
