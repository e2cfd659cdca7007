/**
 * `npm start`, or `npm run start:cluster`, as a user runs it, on free ports and a fresh DATA_DIR, for the
 * tests and benchmarks that need the service from outside: separate processes, the real Temporal (the
 * CLI's dev server, or the server on PostgreSQL with several workers) and Web UI.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/toolchain.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Which Temporal the service runs on: npm start's dev server, or start:cluster's server on PostgreSQL. */
export type Topology = 'dev' | 'cluster';

export interface ServicePids {
  /** The first worker; `workers` has them all. */
  worker?: number;
  workers: number[];
  api?: number;
  sandbox?: number;
  /** The dev server, or the Temporal server. */
  temporal?: number;
  postgres?: number;
}

export interface RunningService {
  topology: Topology;
  ports: {
    api: number;
    sandbox: number;
    ui: number;
    temporal: number;
    workerMetrics: number;
    postgres?: number;
  };
  dataDir: string;
  apiUrl: string;
  sandboxUrl: string;
  uiUrl: string;
  /** What npm start and its children printed so far (the last 20,000 characters). */
  output(): string;
  /** Whether npm start itself is still running. */
  running(): boolean;
  /** npm start's exit code once it has ended (null after a signal). */
  exited: Promise<number | null>;
  /** The PIDs of the service's processes, found among npm start's children. */
  pids(): ServicePids;
  /**
   * The V8 heaps of a process run with --trace-gc (WORKER_NODE_ARGS), as its latest full collection
   * (or, before one, its latest scavenge) left each isolate, in the order the isolates first
   * collected: the main thread's, then a worker thread's.
   */
  heaps(pid: number | undefined): { usedMb: number; committedMb: number; full: boolean }[];
  /** The cluster's PostgreSQL: its size in bytes (all databases); undefined on the dev server. */
  databaseBytes(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts `npm start` (or, with topology 'cluster', `npm run start:cluster`) with `env` on top of the
 * caller's environment minus anything that points it elsewhere.
 */
export async function startService(
  env: Record<string, string> = {},
  {
    readyTimeoutMs = 120_000,
    topology = 'dev',
    waitForReady = true,
  }: {
    readyTimeoutMs?: number;
    topology?: Topology;
    /** false: hand the service back at once, for a test that watches it fail to start. */
    waitForReady?: boolean;
  } = {},
): Promise<RunningService> {
  const ports = {
    api: await freePort(),
    sandbox: await freePort(),
    ui: await freePort(),
    temporal: await freePort(),
    workerMetrics: await freePort(),
    ...(topology === 'cluster' ? { postgres: await freePort() } : {}),
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'trusthub-service-'));
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(TWILIO_|TEMPORAL_|PAYLOAD_|API_TOKEN|CODEC_TOKEN|METRICS_TOKEN|SANDBOX_|DATABASE_URL|POSTGRES_)/.test(
          key,
        ),
    ),
  );
  const script = topology === 'cluster' ? 'scripts/start-cluster.ts' : 'scripts/start.ts';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
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
      ...(ports.postgres ? { POSTGRES_PORT: String(ports.postgres) } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // printReady's line (scripts/start-kit.ts): the worker is healthy and npm start supervises restarts.
  let up = false;
  // --trace-gc lines: "[pid:0xisolate]  1234 ms: Mark-Compact 45.1 (60.2) -> 30.0 (58.0) MB, …". A
  // scavenge's figure still holds the old generation's garbage, so a full collection's is kept once seen.
  const gcLine = /\[(\d+):(0x[0-9a-f]+)\]\s+\d+ ms: ([\w-]+)[^\n]*?-> ([\d.]+) \(([\d.]+)\) MB/g;
  type Heap = { usedMb: number; committedMb: number; full: boolean };
  const heaps = new Map<number, Map<string, Heap>>();
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    for (const [, pid, isolate, kind, used, committed] of text.matchAll(gcLine)) {
      const byIsolate = heaps.get(Number(pid)) ?? new Map<string, Heap>();
      const full = kind === 'Mark-Compact';
      if (full || !byIsolate.get(isolate!)?.full)
        byIsolate.set(isolate!, { usedMb: Number(used), committedMb: Number(committed), full });
      heaps.set(Number(pid), byIsolate);
    }
    output = (output + text).slice(-20_000);
    if (/trusthub-onboarding is up \(/.test(text)) up = true;
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  const service: RunningService = {
    topology,
    ports,
    dataDir,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    sandboxUrl: `http://127.0.0.1:${ports.sandbox}`,
    uiUrl: `http://127.0.0.1:${ports.ui}`,
    output: () => output,
    running: () => child.exitCode === null && child.signalCode === null,
    exited,
    pids: () => childPids(child.pid!),
    heaps: (pid) => [...(heaps.get(pid ?? -1)?.values() ?? [])],
    databaseBytes: () => (ports.postgres ? databaseBytes(dataDir, ports.postgres) : undefined),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        // Unref'd: a pending 30 s timer would otherwise hold the test's process open after a quick stop.
        await Promise.race([exited, new Promise((done) => setTimeout(done, 30_000).unref())]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };

  if (!waitForReady) return service;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    // The API answering is not enough: until npm start says it is up, a worker that dies stops it all
    // (as designed), so a test that kills one must not begin before.
    const ready =
      up &&
      (await fetch(`${service.apiUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      ));
    if (ready) return service;
    if (Date.now() > deadline || child.exitCode !== null) {
      await service.stop();
      throw new Error(`${script} was not ready in ${readyTimeoutMs} ms:\n${output.slice(-3_000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** npm start's children by what they run (Linux /proc), compiled (START_FROM=dist) or not. */
function childPids(parent: number): ServicePids {
  const found: ServicePids = { workers: [] };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const runs = (path: RegExp) => cmdline.some((arg) => path.test(arg));
      if (runs(/^(src\/worker\.ts|dist\/worker\.js)$/)) found.workers.push(Number(entry));
      else if (runs(/^(src\/api\/server\.ts|dist\/api\/server\.js)$/)) found.api = Number(entry);
      else if (runs(/trusthub-sandbox\/bin\/trusthub-sandbox\.js$/)) found.sandbox = Number(entry);
      else if (runs(/^start-dev$/) || runs(/\/temporal-server-v[^/]*\/server$/))
        found.temporal = Number(entry);
      else if (runs(/\/postgres$/)) found.postgres = Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  found.workers.sort((a, b) => a - b);
  if (found.workers[0] !== undefined) found.worker = found.workers[0];
  return found;
}

/** The cluster's PostgreSQL size, by psql with the password start:cluster generated into DATA_DIR. */
function databaseBytes(dataDir: string, port: number): number {
  const password = readFileSync(join(dataDir, 'postgres.password'), 'utf8').trim();
  const out = execFileSync(
    'psql',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'temporal',
      '-d',
      'postgres',
      '-tAc',
      'select sum(pg_database_size(datname)) from pg_database',
    ],
    { env: { ...process.env, PGPASSWORD: password }, encoding: 'utf8' },
  );
  return Number(out.trim());
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
