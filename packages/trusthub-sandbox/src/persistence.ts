/**
 * Optional persistence: the state as one JSON file, written after changes (debounced) through a
 * temporary file and a rename, so a crash never leaves half a snapshot. Loaded at start, it brings
 * back the account (same credentials), every resource and the vetting jobs, which resume.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from './logger.js';
import type { SandboxState } from './state.js';

export function loadStateFile(file: string): SandboxState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const state = JSON.parse(text) as SandboxState;
  if (state.version !== 1 || !state.account?.sid) throw new Error(`${file} is not a sandbox state file`);
  // Files written before calls were recorded have none.
  state.calls ??= {};
  return state;
}

export class StatePersister {
  readonly #file: string;
  readonly #snapshot: () => SandboxState;
  readonly #logger: Logger;
  readonly #debounceMs: number;
  #timer: NodeJS.Timeout | null = null;

  constructor(file: string, snapshot: () => SandboxState, logger: Logger, debounceMs = 50) {
    this.#file = file;
    this.#snapshot = snapshot;
    this.#logger = logger;
    this.#debounceMs = debounceMs;
  }

  /** How long the last write took: a world of thousands of customers takes a while to serialise. */
  #lastWriteMs = 0;

  /**
   * Writes soon after a change; never spending more than a tenth of the time writing, so a world of
   * thousands of customers (benchmarks) is written every few seconds instead of without pause.
   */
  schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.flush();
      },
      Math.max(this.#debounceMs, 10 * this.#lastWriteMs),
    );
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const started = performance.now();
    try {
      mkdirSync(dirname(this.#file), { recursive: true });
      const temporary = `${this.#file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(this.#snapshot()), { mode: 0o600 });
      renameSync(temporary, this.#file);
    } catch (error) {
      this.#logger.error({ err: (error as Error).message }, 'could not write the sandbox state file');
    }
    this.#lastWriteMs = performance.now() - started;
  }
}
