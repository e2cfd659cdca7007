/**
 * Every recorded history (test/replay/histories, see test/support/histories.ts) replays against the
 * current workflow code. Runs last days, and with the customer's life after approval, years: a change
 * that cannot replay one of these would fail that customer's run in flight, or every query on it.
 *
 * The family starts at 1.0.0 (CHANGELOG.md): `1.0-*` histories were recorded by the scenario tests on
 * the 1.0 workflow code, every payload encrypted under the test keys (test/support/temporal.ts, which
 * must therefore never change) and sealed for its workflow, so each replays with the worker's own
 * converter under the workflow ID it was sealed for. A change to workflow code from here on goes
 * behind `patched()` (src/workflows/patches.ts) and adds the histories of its new branch.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { hasCompletedWorkflowTask, recordedHistories, sealedFor } from '../support/histories.js';
import { workflowBundle } from '../support/stack.js';
import { installTestRuntime, testDataConverter } from '../support/temporal.js';

test('recorded histories replay against the current workflow code', { timeout: 120_000 }, async () => {
  installTestRuntime();
  const histories = await recordedHistories();
  assert.ok(histories.length >= 30, `expected the recorded 1.0 fixtures, found ${histories.length}`);
  const failures: string[] = [];
  const replayed: string[] = [];
  for (const { workflowId: name, history } of histories) {
    assert.ok(hasCompletedWorkflowTask(history), `${name} has no completed workflow task to replay`);
    const workflowId = sealedFor(history);
    assert.ok(workflowId, `${name}: its payloads are sealed for its workflow`);
    // One at a time, under the ID it was sealed for (what the codec is told), so each result is known
    // by its fixture's name.
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), dataConverter: testDataConverter, replayName: 'fixtures' },
      [{ workflowId, history }],
    )) {
      replayed.push(name);
      if (result.error) failures.push(`${name}: ${result.error.message}`);
    }
  }
  assert.deepEqual(
    replayed.sort(),
    histories.map((h) => h.workflowId),
  );
  assert.deepEqual(failures, [], failures.join('\n'));
});

/**
 * Payloads Temporal keeps readable by design: search attributes (the server indexes them, so they
 * stay free of personal data: test/workflows/life-after-approval.test.ts) and the SDK's patch markers,
 * which hold only a patch ID.
 */
const READABLE_BY_DESIGN = new Set(['searchAttributes', 'patch-data']);

/** Every other payload's encoding in a recorded history's JSON (bytes are base64 there). */
function payloadEncodings(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) payloadEncodings(item, found);
  else if (node && typeof node === 'object') {
    const { metadata } = node as { metadata?: { encoding?: unknown } };
    if (typeof metadata?.encoding === 'string')
      found.push(Buffer.from(metadata.encoding, 'base64').toString());
    for (const [key, value] of Object.entries(node)) {
      if (!READABLE_BY_DESIGN.has(key)) payloadEncodings(value, found);
    }
  }
  return found;
}

test('recorded histories hold only encrypted payloads, failures included', async () => {
  const histories = await recordedHistories();
  for (const { workflowId, history } of histories) {
    const encodings = payloadEncodings(history.toJSON());
    assert.ok(encodings.length > 0, `${workflowId} has payloads`);
    assert.deepEqual(
      encodings.filter((encoding) => encoding !== 'binary/encrypted'),
      [],
      `${workflowId}: every payload is encrypted`,
    );
  }
  // A refused number change fails activities: their messages travel encrypted, not as text.
  const failures = (workflowId: string) =>
    [
      ...JSON.stringify(histories.find((h) => h.workflowId === workflowId)!.history.toJSON()).matchAll(
        /"failure":\{"message":"([^"]*)"/g,
      ),
    ].map((match) => match[1]);
  const encoded = failures('1.0-numbers-changed');
  assert.ok(encoded.length > 0, 'the fixture holds failures');
  assert.deepEqual(new Set(encoded), new Set(['Encoded failure']));
});
