/**
 * A small chaos run in the suite (npm run chaos runs the full one): eight customers while the worker
 * is SIGKILLed twice, 10–15 s apart, the Temporal dev server is SIGKILLed and restarted on its database, Twilio
 * answers 429/500, drops connections and loses responses, and half the status callbacks are lost and a
 * third duplicated and reordered. Every onboarding completes, none fails, and Twilio holds exactly one
 * of each resource per customer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EVERYTHING, chaosTable, runScenario } from '../support/chaos.js';

test(
  'onboardings survive crashes and a faulty Twilio, making nothing twice',
  { timeout: 360_000 },
  async () => {
    const result = await runScenario(
      { ...EVERYTHING, maxWorkerKills: 2 },
      { onboardings: 8, timeoutMs: 240_000 },
    );
    const table = chaosTable([result]);
    assert.ok(result.kills >= 2, `the worker and the dev server were killed:\n${table}`);
    assert.equal(result.failed, 0, table);
    assert.equal(result.completed, 8, table);
    assert.deepEqual(result.wrong, [], table);
    assert.deepEqual(result.counts, {
      customerProfiles: 8,
      trustProducts: 8,
      endUsers: 16,
      supportingDocuments: 8,
      addresses: 8,
    });
  },
);
