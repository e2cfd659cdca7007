/**
 * Start-up figures (npm run bench): how long the Java time-skipping test server takes to accept
 * connections through the project's wrapper (the SDK allows about 5 s), the same JVM started without
 * the wrapper's flags and class-data-sharing archive, and a warm `npm start` until it prints that the
 * service is up. Prints the median and range of several runs; asserts nothing (machines are noisy).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureTestServer, freePort, waitForPort } from '../scripts/toolchain.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);

async function timeToPort(command: string, args: string[]): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, [...args, String(port)], { stdio: 'ignore' });
  try {
    await waitForPort(port, 30_000);
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
  }
}

async function timeNpmStart(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const elapsed = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('is up')) resolve(performance.now() - started);
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before it was up`)));
  });
  process.kill(-child.pid!, 'SIGINT');
  await new Promise((done) => child.once('exit', done));
  rmSync(dataDir, { recursive: true, force: true });
  return elapsed;
}

function report(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `${label.padEnd(44)} median ${(median / 1000).toFixed(2)} s  (min ${(sorted[0]! / 1000).toFixed(2)}, max ${(sorted.at(-1)! / 1000).toFixed(2)}, n=${samples.length})`,
  );
}

const wrapper = await ensureTestServer();
const lib = join(dirname(wrapper), 'lib');
const plainJava = [
  '-cp',
  `${lib}/${readdirSync(lib).length ? '*' : ''}`,
  'io.temporal.testserver.TestServer',
];

const withWrapper: number[] = [];
const withoutFlags: number[] = [];
for (let i = 0; i < runs; i += 1) {
  withWrapper.push(await timeToPort(wrapper, []));
  withoutFlags.push(await timeToPort('java', plainJava));
}
report('test server via wrapper (CDS + fast JVM flags)', withWrapper);
report('test server, plain java', withoutFlags);

if (!process.argv.includes('--no-npm-start')) {
  const starts: number[] = [];
  await timeNpmStart(); // the first start creates a database; later ones are what users see daily
  for (let i = 0; i < Math.min(runs, 3); i += 1) starts.push(await timeNpmStart());
  report('npm start until "is up" (warm toolchain)', starts);
}
