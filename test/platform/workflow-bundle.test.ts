/**
 * The worker's on-disk workflow bundle: built once, reused while the sources are unchanged, and a
 * bundle read back from disk replays recorded histories like a fresh one.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { workerWorkflowBundle } from '../../src/temporal/workflow-bundle.js';
import { replayOn } from '../support/histories.js';
import { installTestRuntime } from '../support/temporal.js';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

test('the worker bundles once and then starts from the cached bundle', { timeout: 180_000 }, async () => {
  installTestRuntime();
  const dir = mkdtempSync(join(tmpdir(), 'trusthub-bundle-'));
  try {
    const first = await workerWorkflowBundle(quiet, dir);
    assert.ok('code' in first, 'the first start bundles');
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^workflow-bundle-[0-9a-f]{16}\.js$/);

    const second = await workerWorkflowBundle(quiet, dir);
    assert.deepEqual(second, { codePath: join(dir, files[0]!) });
    assert.equal(readFileSync(join(dir, files[0]!), 'utf8'), first.code);

    const result = await replayOn(second, 'cached-bundle');
    assert.equal(result, 'replayed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
