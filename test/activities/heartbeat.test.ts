/**
 * A worker killed mid-request is noticed through missed heartbeats (10 s timeout), so an activity must
 * keep beating while a slow Twilio request is out, or a healthy one would be timed out and run twice.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { useFreshHarness } from './support.js';

describe('heartbeats during a Twilio request', () => {
  const harness = useFreshHarness();

  it('beats while a slow answer is awaited', async () => {
    const h = harness();
    await h.admin('PUT', '/__sandbox/faults', { latencyMs: 4_000 });
    const env = new MockActivityEnvironment({ attempt: 1 }, { logger: h.logger });
    let beats = 0;
    env.on('heartbeat', () => (beats += 1));
    // One request: fetchBundle is a single GET.
    let status: string | undefined;
    await env.run(async () => {
      const sid = h.info.primaryCustomerProfileSid;
      status = (await h.activities.fetchBundle({ kind: 'customer-profile', sid })).status;
    });
    assert.equal(status, 'twilio-approved');
    // One beat 3 s into the 4 s wait; a slower machine only adds beats.
    assert.ok(beats >= 1, `${beats} heartbeat(s) in a 4 s request`);
  });
});
