/**
 * Replay fixtures: real histories of the onboarding workflow, recorded by the scenario tests and
 * replayed against the current workflow code by test/replay. A history recorded before a change is a
 * run that was in flight when the change was deployed: if the new code cannot replay it, the change
 * would break that customer's run (or the queries on it) with a non-determinism error.
 *
 * Recording is opt-in, so an ordinary test run never rewrites fixtures:
 *   RECORD_HISTORIES=1 npx tsx --test test/workflows/onboarding.test.ts
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { testDataConverter } from './temporal.js';
import { WORKFLOW_ID_METADATA } from '../../src/temporal/codec.js';
import proto from '@temporalio/proto';

// @temporalio/proto's own JSON mapping. The SDK's historyToJSON/historyFromJSON would give Temporal's
// standard file format, but with this lockfile @temporalio/common and @temporalio/proto each carry a copy
// of protobufjs and those helpers fail across the two ('type must be a Type').
const { History } = proto.temporal.api.history.v1;
const JSON_OPTIONS = { longs: String, enums: String, bytes: String, defaults: false } as const;

export const HISTORIES_DIR = fileURLToPath(new URL('../replay/histories/', import.meta.url));

/** Writes the run's history as `<name>.json` when RECORD_HISTORIES=1 and there is none yet. */
export async function recordHistory(
  client: Client,
  name: string,
  workflowId: string,
  runId?: string,
): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const handle = client.workflow.getHandle(workflowId, runId);
  // A run that has not finished its first workflow task (just continued as new, say) has nothing to
  // replay, and the replayer waits on it forever: wait for one, or refuse to record.
  let history = await handle.fetchHistory();
  for (let tries = 0; !hasCompletedWorkflowTask(history); tries += 1) {
    if (tries >= 50) throw new Error(`${workflowId}: no completed workflow task to record`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    history = await handle.fetchHistory();
  }
  await mkdir(HISTORIES_DIR, { recursive: true });
  const json = History.toObject(History.fromObject(history), JSON_OPTIONS);
  try {
    // Never rewritten: a recorded history stands for a run that was in flight when it was recorded, and
    // the code must keep replaying it. A new behaviour gets a new fixture name.
    await writeFile(`${HISTORIES_DIR}${name}.json`, `${JSON.stringify(json, null, 1)}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export function hasCompletedWorkflowTask(history: { events?: { eventType?: unknown }[] | null }): boolean {
  const completed = [
    proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    'EVENT_TYPE_WORKFLOW_TASK_COMPLETED',
  ];
  return (history.events ?? []).some((e) => completed.includes(e.eventType as never));
}

/**
 * The workflow a history's payloads are sealed for (src/temporal/codec.ts), read from the first
 * payload that carries the seal's metadata; undefined for a history with none. A replay must run under that ID: the worker's codec refuses a payload sealed for another.
 */
export function sealedFor(history: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (node: unknown): string | undefined => {
    if (!node || typeof node !== 'object' || seen.has(node) || ArrayBuffer.isView(node)) return undefined;
    seen.add(node);
    const sealed = (node as { metadata?: Record<string, Uint8Array> }).metadata?.[WORKFLOW_ID_METADATA];
    if (sealed?.length) return Buffer.from(sealed).toString();
    for (const value of Array.isArray(node) ? node : Object.values(node)) {
      const found = visit(value);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(history);
}

/** Every recorded history, as `runReplayHistories` takes them (workflowId is the fixture's name). */
export async function recordedHistories() {
  const files = (await readdir(HISTORIES_DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: History.fromObject(JSON.parse(await readFile(`${HISTORIES_DIR}${file}`, 'utf8')) as object),
    })),
  );
}

/**
 * Replays a recorded history (1.0-happy-path) on `workflowBundle` with the worker's converter, under
 * the workflow ID its payloads are sealed for: 'replayed', or the replay's error.
 */
export async function replayOn(workflowBundle: WorkflowBundleOption, replayName: string): Promise<string> {
  const [fixture] = (await recordedHistories()).filter((h) => h.workflowId === '1.0-happy-path');
  const { history } = fixture!;
  return Worker.runReplayHistory(
    { workflowBundle, dataConverter: testDataConverter, replayName },
    history,
    sealedFor(history),
  ).then(
    () => 'replayed',
    (error: Error) => error.message,
  );
}
