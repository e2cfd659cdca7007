/**
 * How `npm start` and `npm run start:cluster` keep their child processes running, as compose's
 * `restart: unless-stopped` keeps its containers: once the stack is up, a process that exits, whatever
 * the signal or code, is started again after a back-off (1 s, doubling to 30 s; back to 1 s once it has
 * stayed up a minute), while the others keep serving. Each exit and each restart is printed: which
 * process, why it exited, when the next try is.
 *
 * Before the stack is up an exit still stops everything: a worker that cannot start (a bad variable, a
 * taken port) says so once and the command ends, instead of looping on a mistake the operator must fix.
 *
 * The processes everything else stands on (the Temporal server, PostgreSQL) are restarted too, each
 * restart waiting for them to serve again, but given up on after a few restarts in a row that did not
 * come back (did not serve within their readiness check, or exited again within a minute): with no
 * Temporal nothing can be served, and retrying for ever would hide that. Giving up stops everything,
 * as Ctrl-C does. The worker, the API, the UI and the sandbox are never given up on, as compose's
 * `unless-stopped`: each is restarted while the others serve, the sandbox included, since it stands in
 * for Twilio, whose outages the activities already retry through, and keeps its state on disk.
 */
import type { ChildProcess } from 'node:child_process';

export interface RestartPolicy {
  /** The wait before the first restart of a process that had been up. */
  firstDelayMs: number;
  /** The longest wait; each quick exit doubles it up to this. */
  maxDelayMs: number;
  /** A process up this long counts as healthy: its next exit starts the back-off again. */
  resetAfterMs: number;
}

/** compose's restart back-off, about: 1 s doubling to 30 s, reset after a minute up. */
export const COMPOSE_RESTARTS: RestartPolicy = {
  firstDelayMs: 1_000,
  maxDelayMs: 30_000,
  resetAfterMs: 60_000,
};

/** The wait before restart number `attempt` (1 = the first after a process that had stayed up). */
export function restartDelay(attempt: number, policy: RestartPolicy = COMPOSE_RESTARTS): number {
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** "1 s", "2 min 5 s": how long a process was up, or how long until its next try. */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
}

export interface Supervised {
  /** As its lines are prefixed: `worker`, `worker-2`, `temporal`. */
  name: string;
  /** Starts the process once more, as it was first started. */
  spawn(): ChildProcess;
  /**
   * Resolves once a restarted process serves again. When it rejects while the process still runs, the
   * process is killed and that counts as a failed restart.
   */
  ready?(child: ChildProcess): Promise<void>;
  /** After this many restarts in a row that did not come back, everything stops. Unset: never. */
  giveUpAfter?: number;
}

interface Entry {
  spec: Supervised;
  child: ChildProcess;
  startedAt: number;
  /** Restarts in a row whose process did not stay up `resetAfterMs`. */
  attempt: number;
  timer?: NodeJS.Timeout;
}

export interface SupervisorOptions {
  policy?: RestartPolicy;
  /** Prints one of the supervisor's lines. */
  say(message: string): void;
  /** Stops everything: an exit before the stack is up, or a service that did not come back. */
  fail(message: string): void;
}

export class Supervisor {
  private readonly entries: Entry[] = [];
  private readonly policy: RestartPolicy;
  private restarting = false;
  private stopped = false;

  constructor(private readonly options: SupervisorOptions) {
    this.policy = options.policy ?? COMPOSE_RESTARTS;
  }

  /** Watches `child` (started by `spec.spawn()` unless given): its exit is handled from now on. */
  add(spec: Supervised, child: ChildProcess = spec.spawn()): ChildProcess {
    const entry: Entry = { spec, child, startedAt: Date.now(), attempt: 0 };
    this.entries.push(entry);
    this.watch(entry);
    return child;
  }

  /** The stack is up: from now on an exit restarts the process instead of stopping everything. */
  up(): void {
    this.restarting = true;
  }

  /**
   * No more restarts; the processes as they are now, newest first, for the caller to stop (a
   * restarted process keeps its place: the workers stop before the services they stand on).
   */
  stop(): { name: string; child: ChildProcess }[] {
    this.stopped = true;
    for (const entry of this.entries) clearTimeout(entry.timer);
    return [...this.entries].reverse().map(({ spec, child }) => ({ name: spec.name, child }));
  }

  private watch(entry: Entry): void {
    const { child } = entry;
    child.once('exit', (code, signal) => {
      if (this.stopped || entry.child !== child) return;
      const why = signal ?? `code ${code}`;
      const { name, giveUpAfter } = entry.spec;
      if (!this.restarting) {
        this.options.fail(`${name} exited (${why}); stopping everything.`);
        return;
      }
      const upFor = Date.now() - entry.startedAt;
      entry.attempt = upFor >= this.policy.resetAfterMs ? 1 : entry.attempt + 1;
      if (giveUpAfter !== undefined && entry.attempt > giveUpAfter) {
        this.options.fail(
          `${name} exited (${why}) and did not come back after ${giveUpAfter} restart${giveUpAfter === 1 ? '' : 's'}; stopping everything.`,
        );
        return;
      }
      const delay = restartDelay(entry.attempt, this.policy);
      this.options.say(
        `${name} exited (${why}) after ${duration(upFor)} up; restarting it in ${duration(delay)} (restart ${entry.attempt}${giveUpAfter === undefined ? '' : ` of ${giveUpAfter}`}).`,
      );
      entry.timer = setTimeout(() => this.restart(entry), delay);
    });
  }

  private restart(entry: Entry): void {
    if (this.stopped) return;
    const { spec } = entry;
    let child: ChildProcess;
    try {
      child = spec.spawn();
    } catch (error) {
      this.options.fail(
        `${spec.name} could not be restarted (${(error as Error).message}); stopping everything.`,
      );
      return;
    }
    Object.assign(entry, { child, startedAt: Date.now() });
    this.watch(entry);
    if (!spec.ready) {
      this.options.say(`${spec.name} restarted (pid ${child.pid}).`);
      return;
    }
    spec.ready(child).then(
      () => {
        if (!this.stopped && entry.child === child && child.exitCode === null && child.signalCode === null)
          this.options.say(`${spec.name} restarted and serving again (pid ${child.pid}).`);
      },
      (error: Error) => {
        if (this.stopped || child.exitCode !== null || child.signalCode !== null) return;
        // Running but not serving: killed, and its exit counts as a restart that did not come back.
        this.options.say(`${spec.name} did not come back (${error.message.split('\n')[0]}); killing it.`);
        child.kill('SIGKILL');
      },
    );
  }
}
