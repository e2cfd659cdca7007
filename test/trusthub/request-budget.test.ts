/**
 * TWILIO_REQUESTS_PER_SECOND is a promise to Twilio, counted in requests as they arrive at Twilio (the
 * sandbox's arrival log), not in activities. A slow machine can only spread requests out, never bunch
 * them, so the window counts below cannot fail from noise. Several worker processes share the budget
 * (WORKER_REPLICAS): here several clients, each with its share, burst at one sandbox at once, and
 * the arrivals of all of them together stay within the account's budget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RequestArrival } from 'trusthub-sandbox';
import { loadWorkerConfig, workerRequestsPerSecond } from '../../src/config.js';
import { twilioClientFor } from '../../src/temporal/workers.js';
import { createTwilioClient, type TwilioClient } from '../../src/trusthub/client.js';
import { busiestWindow, startSandbox, type SandboxHarness } from '../support/sandbox.js';

describe('the Trust Hub request budget', () => {
  let harness: SandboxHarness;
  before(async () => {
    harness = await startSandbox();
  });
  after(() => harness.close());

  const times = (arrivals: RequestArrival[]) => arrivals.map((a) => a.at).sort((a, b) => a - b);
  const arrivals = async () =>
    (await harness.admin<{ arrivals: RequestArrival[] }>('GET', '/__sandbox/requests')).arrivals;

  const clientAt = (requestsPerSecond: number | undefined) =>
    createTwilioClient({
      accountSid: harness.info.accountSid,
      authToken: harness.info.authToken,
      baseUrl: harness.baseUrl,
      requestsPerSecond,
    });

  /** `count` requests at once from each client (each one a worker process's). */
  async function burst(clients: TwilioClient[], count: number) {
    await harness.admin('POST', '/__sandbox/reset');
    const sid = harness.info.primaryCustomerProfileSid;
    const answers = await Promise.all(
      clients.flatMap((twilio) =>
        Array.from({ length: count }, () => twilio.trusthub.v1.customerProfiles(sid).fetch()),
      ),
    );
    assert.equal(answers.length, count * clients.length);
    assert.ok(answers.every((profile) => profile.sid === sid));
    const seen = await arrivals();
    assert.equal(seen.length, count * clients.length, 'every request arrived once');
    assert.ok(seen.every((a) => a.route === 'GET /v1/CustomerProfiles/:Sid' && a.bundleSid === sid));
    return seen;
  }

  it('holds 25 concurrent requests to 10 in any second, and sends them all', async () => {
    const seen = await burst([clientAt(10)], 25);
    assert.ok(
      busiestWindow(times(seen), 1_000) <= 10,
      `busiest second held ${busiestWindow(times(seen), 1_000)}`,
    );
    // 25 requests at 10 per second cannot all arrive within 2 s.
    assert.ok(seen.at(-1)!.at - seen[0]!.at >= 2_000);
  });

  it('spaces requests evenly, a fractional budget too', async () => {
    const seen = await burst([clientAt(2.5)], 4);
    assert.ok(busiestWindow(times(seen), 400) <= 1, 'at most one request in any 400 ms');
  });

  // Both budgets split into fractional shares: 10 / 4 = 2.5 and 5 / 2 = 2.5, which spaced 1/2.5 s apart
  // would put 3 into some second on each worker. Each worker's share is a whole 2, so in any second
  // the workers together send 8 of 10 and 4 of 5, however their requests line up.
  for (const [budget, shares] of [
    [10, 4],
    [5, 2],
  ] as const) {
    it(`holds ${shares} workers sharing a budget of ${budget} to ${budget} in any second`, async () => {
      // Each worker process's own client, as src/worker.ts makes it from its configuration.
      const config = loadWorkerConfig({
        TWILIO_ACCOUNT_SID: harness.info.accountSid,
        TWILIO_AUTH_TOKEN: harness.info.authToken,
        TWILIO_BASE_URL: harness.baseUrl,
        TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: harness.info.primaryCustomerProfileSid,
        PUBLIC_BASE_URL: 'http://127.0.0.1:3000',
        PAYLOAD_ENCRYPTION_KEYS: `k:${Buffer.alloc(32).toString('base64')}`,
        TWILIO_REQUESTS_PER_SECOND: String(budget),
        WORKER_REPLICAS: String(shares),
      });
      const share = workerRequestsPerSecond(config);
      const workers = Array.from({ length: shares }, () => twilioClientFor(config));
      const seen = await burst(workers, 3 * share);
      const busiest = busiestWindow(times(seen), 1_000);
      assert.ok(busiest <= budget, `busiest second held ${busiest}`);
      // Each worker's 3 × share requests, one every 1/share s, cannot all arrive within 2 s.
      assert.ok(seen.at(-1)!.at - seen[0]!.at >= 2_000);
    });
  }

  it('sends everything at once without a budget', async () => {
    const seen = await burst([clientAt(undefined)], 25);
    // The control: the same burst without a budget does bunch, so the first test's count is not vacuous.
    assert.ok(busiestWindow(times(seen), 1_000) > 10);
  });
});
