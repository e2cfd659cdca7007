/**
 * scripts/start-supervisor.ts, on real child processes (tiny `node -e` scripts) with the back-off
 * shortened to milliseconds: what `npm start` and `npm run start:cluster` do when one of their
 * processes exits before and after the stack is up, when a service does not come back, and on Ctrl-C.
 * test/platform/start-restarts.test.ts checks the same on `npm start` itself.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, test } from 'node:test';
import {
  COMPOSE_RESTARTS,
  duration,
  restartDelay,
  Supervisor,
  type RestartPolicy,
  type Supervised,
} from '../../scripts/start-supervisor.js';

const FAST: RestartPolicy = { firstDelayMs: 5, maxDelayMs: 20, resetAfterMs: 60_000 };
const started: ChildProcess[] = [];

/** A node process that runs `script`; every one is killed after the tests. */
function node(script: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  started.push(child);
  return child;
}
const exitsAtOnce = () => node('process.exit(3)');
const runs = () => node('setInterval(() => {}, 1000)');

after(() => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A supervisor whose lines and failures are recorded. */
function recorded(policy: RestartPolicy = FAST) {
  const said: string[] = [];
  const failed: string[] = [];
  const supervisor = new Supervisor({ policy, say: (m) => said.push(m), fail: (m) => failed.push(m) });
  return { supervisor, said, failed };
}

async function until(what: string, holds: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!holds()) {
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((done) => child.once('exit', done));

describe('restartDelay', () => {
  test("doubles from 1 s and stays at 30 s, as compose's restart back-off", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => restartDelay(attempt, COMPOSE_RESTARTS)),
      [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000],
    );
  });

  test('reads as seconds and minutes', () => {
    assert.deepEqual(
      [duration(1_000), duration(59_400), duration(60_000), duration(125_000)],
      ['1 s', '59 s', '1 min', '2 min 5 s'],
    );
  });
});

describe('Supervisor', () => {
  test('before the stack is up, an exit stops everything and nothing is restarted', async () => {
    const { supervisor, said, failed } = recorded();
    let spawns = 0;
    const child = supervisor.add({ name: 'worker', spawn: () => (spawns++, exitsAtOnce()) });
    await exited(child);
    await until('the failure', () => failed.length > 0);
    assert.deepEqual(failed, ['worker exited (code 3); stopping everything.']);
    assert.deepEqual(said, []);
    assert.equal(spawns, 1);
  });

  test('once up, a killed process is restarted, printed with why and when, and the others keep running', async () => {
    const { supervisor, said, failed } = recorded();
    const first = supervisor.add({ name: 'worker-1', spawn: runs });
    const other = supervisor.add({ name: 'worker-2', spawn: runs });
    supervisor.up();
    first.kill('SIGKILL');
    await until('the restart', () => said.some((line) => line.startsWith('worker-1 restarted')));
    assert.match(
      said[0]!,
      /^worker-1 exited \(SIGKILL\) after \d+ s up; restarting it in 0 s \(restart 1\)\.$/,
    );
    const now = supervisor.stop().find(({ name }) => name === 'worker-1')!.child;
    assert.notEqual(now.pid, first.pid, 'a new process');
    assert.match(said[1]!, new RegExp(`^worker-1 restarted \\(pid ${now.pid}\\)\\.$`));
    assert.equal(other.exitCode, null, 'worker-2 was left alone');
    assert.deepEqual(failed, []);
  });

  test('a process that keeps exiting waits longer each time, up to the longest wait, and is never given up on', async () => {
    const { supervisor, said, failed } = recorded();
    supervisor.add({ name: 'api', spawn: exitsAtOnce });
    supervisor.up();
    await until('six restarts', () => said.filter((line) => line.includes('restarted')).length >= 6);
    supervisor.stop();
    const waits = said
      .filter((line) => line.startsWith('api exited'))
      .slice(0, 6)
      .map((line) => /restart (\d+)\)/.exec(line)![1]);
    assert.deepEqual(waits, ['1', '2', '3', '4', '5', '6']);
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((attempt) => restartDelay(attempt, FAST)),
      [5, 10, 20, 20, 20, 20],
    );
    assert.deepEqual(failed, []);
  });

  test('a process that stayed up long enough starts the back-off again', async () => {
    const { supervisor, said } = recorded({ ...FAST, resetAfterMs: 0 });
    supervisor.add({ name: 'sandbox', spawn: exitsAtOnce });
    supervisor.up();
    await until('three restarts', () => said.filter((line) => line.includes('restarted')).length >= 3);
    supervisor.stop();
    const exits = said.filter((line) => line.startsWith('sandbox exited')).slice(0, 3);
    assert.ok(
      exits.every((line) => line.endsWith('(restart 1).')),
      exits.join('\n'),
    );
  });

  test('a service that does not come back stops everything after its restarts', async () => {
    const { supervisor, said, failed } = recorded();
    let spawns = 0;
    const service: Supervised = {
      name: 'temporal',
      spawn: () => (spawns++ === 0 ? runs() : exitsAtOnce()),
      ready: () => new Promise(() => {}),
      giveUpAfter: 2,
    };
    const first = supervisor.add(service);
    supervisor.up();
    first.kill('SIGKILL');
    await until('giving up', () => failed.length > 0);
    assert.deepEqual(failed, [
      'temporal exited (code 3) and did not come back after 2 restarts; stopping everything.',
    ]);
    assert.equal(spawns, 3, 'the first start and two restarts');
    assert.match(said[0]!, /^temporal exited \(SIGKILL\) .*\(restart 1 of 2\)\.$/);
  });

  test('a restarted service that runs but does not serve is killed, and that counts as a restart', async () => {
    const { supervisor, said, failed } = recorded();
    let spawns = 0;
    const first = supervisor.add({
      name: 'postgres',
      spawn: () => (spawns++, runs()),
      ready: async () => {
        throw new Error('refused logins for 60000 ms');
      },
      giveUpAfter: 1,
    });
    supervisor.up();
    first.kill('SIGKILL');
    await until('giving up', () => failed.length > 0);
    assert.ok(
      said.includes('postgres did not come back (refused logins for 60000 ms); killing it.'),
      said.join('\n'),
    );
    assert.deepEqual(failed, [
      'postgres exited (SIGKILL) and did not come back after 1 restart; stopping everything.',
    ]);
    assert.equal(spawns, 2);
  });

  test('stop cancels a pending restart and hands back the current processes, newest first', async () => {
    // Long enough for stop() to come first, short enough that a timer left running would restart it.
    const { supervisor, said } = recorded({ ...FAST, firstDelayMs: 200, maxDelayMs: 200 });
    let spawns = 0;
    supervisor.add({ name: 'temporal', spawn: runs });
    const worker = supervisor.add({ name: 'worker', spawn: () => (spawns++, runs()) });
    supervisor.add({ name: 'api', spawn: runs });
    supervisor.up();
    worker.kill('SIGKILL');
    await until('the exit', () => said.length > 0);
    const stopping = supervisor.stop();
    assert.deepEqual(
      stopping.map(({ name }) => name),
      ['api', 'worker', 'temporal'],
    );
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(spawns, 1, 'not restarted once stopping');
  });
});
