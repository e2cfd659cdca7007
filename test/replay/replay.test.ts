/**
 * Every recorded history (test/replay/histories, see test/support/histories.ts) replays against the
 * current workflow code. Runs last days, and with the customer's life after approval, years: a change
 * that cannot replay one of these would fail that customer's run in flight, or every query on it.
 * Histories named `v1-*` were recorded before the workflow stayed on after approval, `v2-*` after,
 * `v3-*` with adoption and overlapping vetting, `v4-*` with every payload encrypted under the test
 * keys (test/support/temporal.ts), which must therefore never change, and `v5-*` reading a bundle only
 * on a vetting decision.
 *
 * The worker refuses unencrypted payloads (src/temporal/codec.ts), so histories from v4 on replay with
 * that very converter; v1–v3, recorded in plain text, replay with one that lets plain payloads through:
 * they test the workflow code's determinism, not the codec. Likewise the worker refuses ciphertext
 * sealed for no workflow, and histories recorded before payloads were sealed for theirs replay with a
 * converter that reads it; a history with sealed payloads replays with the worker's own.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { hasCompletedWorkflowTask, recordedHistories, sealedFor } from '../support/histories.js';
import { workflowBundle } from '../support/stack.js';
import {
  installTestRuntime,
  plaintextTolerantDataConverter,
  testDataConverter,
  unboundTolerantDataConverter,
} from '../support/temporal.js';

/** Recorded before encryption was turned on. */
const recordedInPlainText = (workflowId: string) => Number(/^v(\d+)-/.exec(workflowId)?.[1]) < 4;

test('recorded histories replay against the current workflow code', { timeout: 120_000 }, async () => {
  installTestRuntime();
  const histories = await recordedHistories();
  assert.ok(histories.length >= 5, `expected the recorded fixtures, found ${histories.length}`);
  for (const { workflowId, history } of histories) {
    assert.ok(hasCompletedWorkflowTask(history), `${workflowId} has no completed workflow task to replay`);
  }
  const failures: string[] = [];
  const replayed: string[] = [];
  const plain = histories.filter((h) => recordedInPlainText(h.workflowId));
  const encrypted = histories.filter((h) => !recordedInPlainText(h.workflowId));
  assert.ok(plain.length > 0 && encrypted.length > 0, 'fixtures from before and after encryption');
  // By content, not by name: a history recorded since payloads were sealed for their workflow replays
  // with the worker's own converter, under the ID it was sealed for (the replay's workflow ID is what
  // the codec is told), one at a time so each result is known by its fixture's name.
  const sealed = encrypted.flatMap((h) => {
    const workflowId = sealedFor(h.history);
    return workflowId ? [{ name: h.workflowId, workflowId, history: h.history }] : [];
  });
  const unsealed = encrypted.filter((h) => !sealed.some((s) => s.name === h.workflowId));
  assert.ok(sealed.length > 0, 'fixtures recorded with sealed payloads');
  const batches = [
    [plain, plaintextTolerantDataConverter],
    [unsealed, unboundTolerantDataConverter],
    ...sealed.map((h) => [[h], testDataConverter] as const),
  ] as const;
  for (const [batch, dataConverter] of batches) {
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle(), dataConverter, replayName: 'fixtures' },
      batch.map(({ workflowId, history }) => ({ workflowId, history })),
    )) {
      const name = batch.length === 1 && 'name' in batch[0] ? batch[0].name : result.workflowId;
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

test('histories recorded since encryption hold only encrypted payloads, failures included', async () => {
  const histories = await recordedHistories();
  // v4 onwards were recorded with encryption on.
  const encrypted = histories.filter((h) => Number(/^v(\d+)-/.exec(h.workflowId)?.[1]) >= 4);
  assert.ok(encrypted.length >= 3, 'fixtures recorded with the encrypting data converter');
  const older = payloadEncodings(histories.find((h) => h.workflowId === 'v1-happy-path')!.history.toJSON());
  assert.ok(older.includes('json/plain'), 'the walk finds plain payloads where there are some');
  for (const { workflowId, history } of encrypted) {
    const encodings = payloadEncodings(history.toJSON());
    assert.ok(encodings.length >= 10, `${workflowId} has payloads`);
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
  assert.ok(failures('v2-numbers-changed').some((message) => message !== 'Encoded failure'));
  const encoded = failures('v4-encrypted-numbers-changed');
  assert.ok(encoded.length > 0, 'the fixture holds failures');
  assert.deepEqual(new Set(encoded), new Set(['Encoded failure']));
});
