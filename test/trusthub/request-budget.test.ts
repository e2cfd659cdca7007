/**
 * TWILIO_REQUESTS_PER_SECOND is a promise to Twilio, counted in requests as they arrive at Twilio (the
 * sandbox's arrival log), not in activities. A slow machine can only spread requests out, never bunch
 * them, so the window counts below cannot fail from noise.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RequestArrival } from 'trusthub-sandbox';
import { createTwilioClient } from '../../src/trusthub/client.js';
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

  async function burst(requestsPerSecond: number | undefined, count: number) {
    await harness.admin('POST', '/__sandbox/reset');
    const twilio = createTwilioClient({
      accountSid: harness.info.accountSid,
      authToken: harness.info.authToken,
      baseUrl: harness.baseUrl,
      requestsPerSecond,
    });
    const sid = harness.info.primaryCustomerProfileSid;
    const answers = await Promise.all(
      Array.from({ length: count }, () => twilio.trusthub.v1.customerProfiles(sid).fetch()),
    );
    assert.equal(answers.length, count);
    assert.ok(answers.every((profile) => profile.sid === sid));
    const seen = await arrivals();
    assert.equal(seen.length, count, 'every request arrived once');
    assert.ok(seen.every((a) => a.route === 'GET /v1/CustomerProfiles/:Sid' && a.bundleSid === sid));
    return seen;
  }

  it('holds 25 concurrent requests to 10 in any second, and sends them all', async () => {
    const seen = await burst(10, 25);
    assert.ok(
      busiestWindow(times(seen), 1_000) <= 10,
      `busiest second held ${busiestWindow(times(seen), 1_000)}`,
    );
    // 25 requests at 10 per second cannot all arrive within 2 s.
    assert.ok(seen.at(-1)!.at - seen[0]!.at >= 2_000);
  });

  it('spaces requests evenly, a fractional budget too', async () => {
    const seen = await burst(2.5, 4);
    assert.ok(busiestWindow(times(seen), 400) <= 1, 'at most one request in any 400 ms');
  });

  it('sends everything at once without a budget', async () => {
    const seen = await burst(undefined, 25);
    // The control: the same burst without a budget does bunch, so the first test's count is not vacuous.
    assert.ok(busiestWindow(times(seen), 1_000) > 10);
  });
});
