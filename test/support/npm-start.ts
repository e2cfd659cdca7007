/**
 * `npm start` as a user runs it, on free ports and a fresh DATA_DIR, for the tests and benchmarks that
 * need the service from outside: separate processes, the real dev server and Web UI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/toolchain.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface RunningService {
  ports: { api: number; sandbox: number; ui: number; temporal: number; workerMetrics: number };
  dataDir: string;
  apiUrl: string;
  sandboxUrl: string;
  uiUrl: string;
  /** What npm start and its children printed so far (for failure messages). */
  output(): string;
  /** The PIDs of the service's processes, found among npm start's children. */
  pids(): { worker?: number; api?: number; sandbox?: number; temporal?: number };
  stop(): Promise<void>;
}

/** Starts `npm start` with `env` on top of the caller's environment minus anything that points it elsewhere. */
export async function startService(
  env: Record<string, string> = {},
  { readyTimeoutMs = 120_000 } = {},
): Promise<RunningService> {
  const ports = {
    api: await freePort(),
    sandbox: await freePort(),
    ui: await freePort(),
    temporal: await freePort(),
    workerMetrics: await freePort(),
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'trusthub-service-'));
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(TWILIO_|TEMPORAL_|PAYLOAD_|API_TOKEN|CODEC_TOKEN|METRICS_TOKEN|SANDBOX_)/.test(key),
    ),
  );
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: repoRoot,
    env: {
      ...inherited,
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'warn',
      PORT: String(ports.api),
      SANDBOX_PORT: String(ports.sandbox),
      TEMPORAL_UI_PORT: String(ports.ui),
      TEMPORAL_DEV_SERVER_PORT: String(ports.temporal),
      WORKER_METRICS_PORT: String(ports.workerMetrics),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  const service: RunningService = {
    ports,
    dataDir,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    sandboxUrl: `http://127.0.0.1:${ports.sandbox}`,
    uiUrl: `http://127.0.0.1:${ports.ui}`,
    output: () => output,
    pids: () => childPids(child.pid!),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((done) => setTimeout(done, 30_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const ready = await fetch(`${service.apiUrl}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return service;
    if (Date.now() > deadline || child.exitCode !== null) {
      await service.stop();
      throw new Error(`npm start was not ready in ${readyTimeoutMs} ms:\n${output.slice(-3_000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** npm start's children by what they run (Linux /proc). */
function childPids(parent: number) {
  const found: ReturnType<RunningService['pids']> = {};
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('src/worker.ts')) found.worker = Number(entry);
      else if (cmdline.includes('src/api/server.ts')) found.api = Number(entry);
      else if (cmdline.includes('trusthub-sandbox/bin/trusthub-sandbox.js')) found.sandbox = Number(entry);
      else if (cmdline.includes('start-dev')) found.temporal = Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Resident memory (MB) and CPU time (s) of a process, from /proc. */
export function processUsage(pid: number | undefined): { rssMb: number; cpuSeconds: number } {
  if (!pid) return { rssMb: Number.NaN, cpuSeconds: Number.NaN };
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}
