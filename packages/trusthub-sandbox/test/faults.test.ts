/**
 * Faults on demand, each kind seen through the real SDK, plus callback faults and determinism.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { acmeCustomer } from '../../../test/support/customers.js';
import {
  type CallbackServer,
  createSecondaryProfile,
  restError,
  type SandboxHarness,
  startCallbackServer,
  startSandbox,
} from '../../../test/support/sandbox.js';

interface StateView {
  counts: Record<string, number>;
  resources: { endUsers: { sid: string; friendlyName: string }[] };
  faults: { injected: Record<string, number>; rules: { remaining: number | null }[] };
}

describe('faults', () => {
  let h: SandboxHarness;
  let callbacks: CallbackServer;

  before(async () => {
    h = await startSandbox({ vetting: 'manual' });
    callbacks = await startCallbackServer(() => h.info.authToken);
  });

  beforeEach(async () => {
    await h.admin('DELETE', '/__sandbox/faults');
  });

  after(async () => {
    await h.close();
    await callbacks.close();
    h.contract.assertNoViolations();
  });

  const createEndUser = (name: string) =>
    h.client.trusthub.v1.endUsers.create({
      friendlyName: name,
      type: 'authorized_representative_1',
      attributes: {},
    });
  const state = () => h.admin<StateView>('GET', '/__sandbox/state');

  test('429 with Twilio body code 20429, not applied; the next request passes', async () => {
    await h.admin('PUT', '/__sandbox/faults', {
      rules: [{ kind: '429', count: 1, method: 'POST', path: '/v1/EndUsers' }],
    });
    const countBefore = (await state()).counts.endUsers!;
    const error = await restError(() => createEndUser('throttled'));
    assert.deepEqual([error.status, error.code], [429, 20429]);
    assert.equal((await state()).counts.endUsers, countBefore, 'a 429 is never processed');
    await createEndUser('after throttle');
    const view = await state();
    assert.equal(view.counts.endUsers, countBefore + 1);
    assert.equal(view.faults.injected['429'], 1);
    assert.equal(view.faults.rules[0]?.remaining, 0);
  });

  test('500 with Twilio body', async () => {
    await h.admin('PUT', '/__sandbox/faults', { rules: [{ kind: '500', count: 1, path: '^/v1/Policies' }] });
    const error = await restError(() => h.client.trusthub.v1.policies.list());
    assert.deepEqual([error.status, error.code], [500, 20500]);
    assert.ok((await h.client.trusthub.v1.policies.list()).length >= 2);
  });

  test('a dropped connection surfaces as an SDK error without a status', async () => {
    await h.admin('PUT', '/__sandbox/faults', { rules: [{ kind: 'drop', count: 1, method: 'GET' }] });
    await assert.rejects(
      h.client.trusthub.v1.endUsers.list(),
      (error: Error & { status?: unknown; code?: unknown }) => {
        assert.equal(error.status, undefined);
        assert.match(`${String(error.code)} ${error.message}`, /ECONNRESET|socket hang up/i);
        return true;
      },
    );
    assert.ok(Array.isArray(await h.client.trusthub.v1.endUsers.list()));
  });

  test('a lost response: the SDK sees an error, yet the resource was created (visible in the state)', async () => {
    await h.admin('PUT', '/__sandbox/faults', {
      rules: [{ kind: 'lost-response', count: 1, path: '/v1/EndUsers' }],
    });
    const countBefore = (await state()).counts.endUsers!;
    await assert.rejects(createEndUser('lost but created'), (error: Error & { status?: unknown }) => {
      assert.equal(error.status, undefined);
      return true;
    });
    const view = await state();
    assert.equal(view.counts.endUsers, countBefore + 1);
    assert.ok(view.resources.endUsers.some((u) => u.friendlyName === 'lost but created'));
    assert.equal(view.faults.injected['lost-response'], 1);
    // Only creates are targeted by default: a fetch with the same path prefix is unaffected.
    await h.admin('PUT', '/__sandbox/faults', {
      rules: [{ kind: 'lost-response', rate: 1, path: '/v1/EndUsers' }],
    });
    assert.ok((await h.client.trusthub.v1.endUsers.list()).length > 0);
  });

  test('beyond the concurrency limit requests get 429 / 20429; latency is added', async () => {
    await h.admin('PUT', '/__sandbox/faults', { maxConcurrency: 1, latencyMs: 150 });
    const started = Date.now();
    const results = await Promise.allSettled([
      h.client.trusthub.v1.policies.list(),
      h.client.trusthub.v1.policies.list(),
      h.client.trusthub.v1.policies.list(),
    ]);
    assert.ok(Date.now() - started >= 150, 'latency applies');
    const rejected = results.filter((r) => r.status === 'rejected');
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal(rejected.length, 2);
    for (const r of rejected) {
      const reason = r.reason as { status: number; code: number };
      assert.deepEqual([reason.status, reason.code], [429, 20429]);
    }
  });

  test('admin routes are never faulted', async () => {
    await h.admin('PUT', '/__sandbox/faults', { rules: [{ kind: 'drop', rate: 1 }], latencyMs: 0 });
    const info = await h.admin<{ accountSid: string }>('GET', '/__sandbox/info');
    assert.equal(info.accountSid, h.info.accountSid);
    await assert.rejects(h.client.trusthub.v1.policies.list());
  });

  test('the same seed gives the same faults', async () => {
    const run = async () => {
      await h.admin('PUT', '/__sandbox/faults', {
        seed: 7,
        rules: [{ kind: '429', rate: 0.5, path: '/v1/Policies' }],
      });
      const outcomes: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        outcomes.push(
          await h.client.trusthub.v1.policies.list().then(
            () => 'ok',
            () => '429',
          ),
        );
      }
      return outcomes;
    };
    const first = await run();
    assert.ok(first.includes('ok') && first.includes('429'), first.join(','));
    assert.deepEqual(await run(), first);
  });

  describe('status callbacks', () => {
    const submittedProfile = async () => {
      const sids = await createSecondaryProfile(
        h.client,
        h.info.primaryCustomerProfileSid,
        acmeCustomer(),
        callbacks.url,
      );
      await h.client.trusthub.v1.customerProfiles(sids.profileSid).update({ status: 'pending-review' });
      return sids.profileSid;
    };
    const statusesOf = (sid: string) =>
      callbacks.received.filter((r) => r.params.BundleSid === sid).map((r) => r.params.Status);

    test('dropped', async () => {
      await h.admin('PUT', '/__sandbox/faults', { callbacks: { dropRate: 1 } });
      const sid = await submittedProfile();
      await h.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome: 'approve' });
      await h.sandbox.context.callbacks.idle();
      assert.deepEqual(statusesOf(sid), []);
      assert.equal((await h.client.trusthub.v1.customerProfiles(sid).fetch()).status, 'twilio-approved');
    });

    test('duplicated, each copy signed', async () => {
      await h.admin('PUT', '/__sandbox/faults', { callbacks: { duplicateRate: 1 } });
      const sid = await submittedProfile();
      await h.sandbox.context.callbacks.idle();
      assert.deepEqual(statusesOf(sid), ['pending-review', 'pending-review']);
      assert.ok(callbacks.received.filter((r) => r.params.BundleSid === sid).every((r) => r.valid));
    });

    test('delayed', async () => {
      await h.admin('PUT', '/__sandbox/faults', { callbacks: { delayMs: 300 } });
      const sid = await submittedProfile();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(statusesOf(sid), [], 'not yet');
      await h.sandbox.context.callbacks.idle();
      // Manual vetting: pending-review, then in-review (after 10 % of the review delay), then waiting.
      assert.deepEqual(statusesOf(sid), ['pending-review', 'in-review']);
    });

    test('reordered', async () => {
      await h.admin('PUT', '/__sandbox/faults', { callbacks: { reorderWindowMs: 200 } });
      const sid = await submittedProfile();
      await h.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome: 'approve' });
      await h.sandbox.context.callbacks.idle();
      assert.deepEqual(statusesOf(sid), ['twilio-approved', 'in-review', 'pending-review']);
    });
  });
});
