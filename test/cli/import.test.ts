/**
 * What `import` skips before starting anything (src/cli/import.ts): a customer is skipped only for a
 * listed run that is the customer's own onboarding (the ID the start itself would meet), never for a
 * row that merely says its customer ID, as an API that lists planted runs (an older one) would hand
 * back. The API is a stand-in that lists what it is told and records each start; test/cli/cli.test.ts
 * plants a run on a real server.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { ApiClient, OnboardingSummary } from '../../src/cli/api-client.js';
import { importCustomers } from '../../src/cli/import.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/customers.csv', import.meta.url));

test("only a listed run under the customer's own onboarding ID skips that customer", async () => {
  const listed: OnboardingSummary[] = [
    // Planted: the victims' customer IDs under IDs that are not theirs.
    { id: 'planted-acme-dental', customerId: 'acme-dental', status: 'running', step: null, startedAt: '' },
    {
      id: 'onboarding-decoy',
      customerId: 'blue-river-plumbing',
      status: 'completed',
      step: 'serving',
      startedAt: '',
    },
    // The real thing.
    { id: 'onboarding-cedar-law', customerId: 'cedar-law', status: 'running', step: null, startedAt: '' },
  ];
  const started: string[] = [];
  const api = {
    async *onboardings(): AsyncGenerator<OnboardingSummary> {
      yield* listed;
    },
    async request(method: string, path: string, body?: { customerId: string }) {
      assert.equal(`${method} ${path}`, 'POST /v1/onboardings?priority=bulk');
      started.push(body!.customerId);
      return { status: 202, body: {} };
    },
  } as unknown as ApiClient;

  let out = '';
  const code = await importCustomers(
    api,
    EXAMPLE,
    { dryRun: false, concurrency: 1, progress: false },
    (line) => (out += `${line}\n`),
  );
  assert.equal(code, 0, out);
  assert.deepEqual(started.sort(), ['acme-dental', 'blue-river-plumbing']);
  assert.match(out, /started +2\n/);
  assert.match(out, /already-started +1\n/);
});
