/**
 * npm run bench:replay: what an evicted onboarding costs when it wakes. The worker keeps at most
 * WORKER_MAX_CACHED_WORKFLOWS runs in memory; one that is not cached replays its whole history on its
 * next workflow task (a callback, a timer, an update) before it acts. This replays each recorded
 * history (test/replay/histories: the codec's decryption included, as on a worker)
 * --times times through one replay worker and prints the time per replay, next to the history's size.
 * It asserts nothing (machines are shared and noisy).
 */
import { parseArgs } from 'node:util';
import { Worker } from '@temporalio/worker';
import { recordedHistories, sealedFor } from '../test/support/histories.js';
import { workflowBundle } from '../test/support/stack.js';
import { installTestRuntime, testDataConverter } from '../test/support/temporal.js';

const { values: args } = parseArgs({ options: { times: { type: 'string', default: '20' } } });
const times = Number(args.times);
if (!Number.isInteger(times) || times < 1) throw new Error(`--times must be a whole number ≥ 1`);

installTestRuntime();
const bundle = await workflowBundle();
const encrypted = await recordedHistories();

// A first pass warms the replay worker and the bundle's code, so the figures are per replay, not per start.
const rows: { name: string; events: number; kb: number; ms: number }[] = [];
for (const warmup of [true, false]) {
  for (const { workflowId, history } of encrypted) {
    // Each history is sealed for its workflow: it replays under that workflow's ID, with the worker's converter.
    const sealed = sealedFor(history)!;
    const copies = Array.from({ length: warmup ? 1 : times }, () => ({ workflowId: sealed, history }));
    const dataConverter = testDataConverter;
    const started = performance.now();
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: bundle, dataConverter, replayName: 'replay-cost' },
      copies,
    )) {
      if (result.error) throw new Error(`${workflowId}: ${result.error.message}`);
    }
    if (warmup) continue;
    const bytes = Buffer.byteLength(JSON.stringify(history.toJSON()));
    rows.push({
      name: workflowId,
      events: history.events?.length ?? 0,
      kb: bytes / 1024,
      ms: (performance.now() - started) / times,
    });
  }
}

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`replaying each encrypted fixture ${times} times through one replay worker`);
console.log(`${'history'.padEnd(width)}  events  size     ms per replay  µs per event`);
for (const r of rows.sort((a, b) => a.events - b.events)) {
  console.log(
    `${r.name.padEnd(width)}  ${String(r.events).padStart(6)}  ${`${r.kb.toFixed(0)} KB`.padStart(7)}  ${r.ms.toFixed(1).padStart(13)}  ${((r.ms * 1000) / r.events).toFixed(0).padStart(12)}`,
  );
}
