/**
 * Every recorded history (test/replay/histories, see test/support/histories.ts) replays against the
 * current workflow code. Runs last days, and with the customer's life after approval, years: a change
 * that cannot replay one of these would fail that customer's run in flight, or every query on it.
 * Histories named `v1-*` were recorded before the workflow stayed on after approval, `v2-*` after.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { hasCompletedWorkflowTask, recordedHistories } from '../support/histories.js';
import { workflowBundle } from '../support/stack.js';
import { installTestRuntime, testDataConverter } from '../support/temporal.js';

test('recorded histories replay against the current workflow code', { timeout: 120_000 }, async () => {
  installTestRuntime();
  const histories = await recordedHistories();
  assert.ok(histories.length >= 5, `expected the recorded fixtures, found ${histories.length}`);
  for (const { workflowId, history } of histories) {
    assert.ok(hasCompletedWorkflowTask(history), `${workflowId} has no completed workflow task to replay`);
  }
  const failures: string[] = [];
  const replayed: string[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: await workflowBundle(), dataConverter: testDataConverter, replayName: 'fixtures' },
    histories,
  )) {
    replayed.push(result.workflowId);
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  assert.deepEqual(
    replayed.sort(),
    histories.map((h) => h.workflowId),
  );
  assert.deepEqual(failures, [], failures.join('\n'));
});
