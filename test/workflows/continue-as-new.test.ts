/**
 * A vetting wait can last days and be polled hundreds of times: the workflow continues as new when
 * Temporal suggests it, carrying its state, so the history stays bounded. The dev server is told to
 * suggest it after 40 events so that this happens within seconds.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import type { OnboardingView } from '../../src/contract/types.js';
import type { shakenStirOnboarding } from '../../src/workflows/index.js';
import { SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes.js';
import { devServerEnvironment } from '../support/temporal.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';
import { recordHistory } from '../support/histories.js';
import { CHECKED_NOTHING_TO_DO } from '../../src/workflows/onboarding/projection.js';

describe('a long vetting wait', { timeout: 300_000 }, () => {
  // Poll every 200 ms, as if days of half-hourly polls went by.
  const stack = useStack({
    temporal: () =>
      devServerEnvironment({
        extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
      }),
    pollInterval: 200,
  });

  test('continues as new with its state, and still completes', async () => {
    const request = onboardingRequest('long-wait', [stack.info.phoneNumbers[5]!.phoneNumber]);
    const id = onboardingIdFor(request.customerId);
    const handle = await stack.env.client.workflow.start<typeof shakenStirOnboarding>(WORKFLOW_TYPE, {
      taskQueue: stack.taskQueue,
      workflowId: id,
      args: [{ onboardingId: id, request }],
    });
    const firstRun = handle.firstExecutionRunId;
    const waiting = await stack.waitFor(id, (v) => v.timeline.some((e) => e.event === 'continued as new'));
    const latest = await stack.env.client.workflow.getHandle(id).describe();
    assert.notEqual(latest.runId, firstRun, 'a new run took over');
    // The run that handed over did not mark the onboarding failed on its way out.
    const handedOver = await stack.env.client.workflow
      .getHandle(id, firstRun)
      .query<OnboardingView>('getOnboarding');
    assert.equal(handedOver.status, 'running');
    assert.ok((latest.historyLength ?? 0) < 200, `the new run's history is short (${latest.historyLength})`);
    assert.equal(waiting.step, 'waiting-for-customer-profile-vetting', JSON.stringify(waiting, null, 1));
    assert.ok(waiting.customerProfile?.sid, 'the new run knows the customer profile');

    await stack.admin('POST', `/__sandbox/bundles/${waiting.customerProfile.sid}/decide`, {
      outcome: 'approve',
    });
    const trust = await stack.waitFor(id, (v) => v.step === 'waiting-for-trust-product-vetting');
    await stack.admin('POST', `/__sandbox/bundles/${trust.trustProduct!.sid}/decide`, { outcome: 'approve' });
    const done = await stack.waitFor(id, (v) => v.status === 'completed');
    await recordHistory(stack.env.client, '1.0-continued-as-new', id, firstRun);
    assert.equal(done.resources.customerProfileSid, waiting.customerProfile.sid);
    // Upserts write only what differs from what the run has set (UPSERT_CHANGED_ATTRIBUTES), and a
    // continued run starts with the attributes of the run before: the server's still match the record.
    const serving = await stack.waitFor(id, (v) => v.step === 'serving');
    const attributes = (await stack.env.client.workflow.getHandle(id).describe()).typedSearchAttributes;
    assert.deepEqual(Object.fromEntries(SEARCH_ATTRIBUTES.map((key) => [key.name, attributes.get(key)])), {
      CustomerId: request.customerId,
      OnboardingStatus: serving.status,
      OnboardingStep: 'serving',
      CustomerProfileStatus: 'twilio-approved',
      TrustProductStatus: 'twilio-approved',
      BundleSids: [done.resources.customerProfileSid, done.resources.trustProductSid],
      WaitingSince: undefined,
      OnboardingProblem: undefined,
      TwilioFailingSince: undefined,
    });

    const { countsExcludingSeed } = await stack.admin<{ countsExcludingSeed: Record<string, number> }>(
      'GET',
      '/__sandbox/state',
    );
    assert.equal(countsExcludingSeed.customerProfiles, 1, 'no step was redone by the new run');
    assert.equal(countsExcludingSeed.endUsers, 2);
    assert.equal(countsExcludingSeed.addresses, 1);

    // Serving continues as new too, and the new run serves on (it does not walk the guide again). The
    // loop hands over after a change once the history is past 40 events: two changes make sure of it.
    const add = async (index: number) => {
      const reply = await stack.api.inject({
        method: 'POST',
        url: `/v1/onboardings/${id}/phone-numbers`,
        payload: { phoneNumbers: [stack.info.phoneNumbers[index]!.phoneNumber] },
      });
      assert.equal(reply.statusCode, 200, reply.body);
      return reply.json<OnboardingView>();
    };
    await add(7);
    await add(8);
    await stack.waitFor(id, (v) => {
      const addedAt = v.timeline.findIndex((e) => e.event === 'phone numbers added');
      return addedAt >= 0 && v.timeline.slice(addedAt).some((e) => e.event === 'continued as new');
    });
    const again = await add(9);
    assert.equal(again.phoneNumbers.length, 4);
    assert.equal(again.step, 'serving');
    const timeline = again.timeline.map((e) => e.event);
    const handOver = timeline.indexOf('continued as new', timeline.indexOf('phone numbers added'));
    assert.ok(handOver > 0);
    assert.deepEqual(
      timeline
        .slice(handOver + 1)
        .filter(
          (e) =>
            (e.startsWith('step: ') || e === CHECKED_NOTHING_TO_DO) &&
            e !== 'step: serving' &&
            e !== 'step: changing-phone-numbers',
        ),
      [],
      'the new run went straight back to serving, not through the guide',
    );
  });

  test('corrections survive a continue-as-new: the next run uses the corrected data everywhere', async () => {
    const request = onboardingRequest('corrected-then-continued', [stack.info.phoneNumbers[6]!.phoneNumber]);
    const id = onboardingIdFor(request.customerId);
    await stack.env.client.workflow.start<typeof shakenStirOnboarding>(WORKFLOW_TYPE, {
      taskQueue: stack.taskQueue,
      workflowId: id,
      args: [{ onboardingId: id, request }],
    });
    let view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    await stack.admin('POST', `/__sandbox/bundles/${view.customerProfile!.sid}/decide`, {
      outcome: 'reject',
      codes: [18606],
    });
    await stack.waitFor(id, (v) => v.status === 'action-required');
    // The trust product, submitted while the profile was in review, is rejected with it (the sandbox's
    // 99601): its email can then be corrected too, and it is resubmitted once the profile is approved.
    await stack.admin('POST', `/__sandbox/bundles/${view.trustProduct!.sid}/decide`, { outcome: 'rules' });
    const corrected = 'trust@acmedental.com';
    const patched = await stack.api.inject({
      method: 'PATCH',
      url: `/v1/onboardings/${id}`,
      payload: { email: corrected },
    });
    assert.equal(patched.statusCode, 200, patched.body);

    // Polled every 200 ms, the resubmitted profile's wait soon hands over to a new run.
    const handedOver = (v: OnboardingView) => {
      const correctedAt = v.timeline.findIndex((e) => e.event === 'corrections received');
      return correctedAt >= 0 && v.timeline.slice(correctedAt).some((e) => e.event === 'continued as new');
    };
    view = await stack.waitFor(id, (v) => handedOver(v) && v.step === 'waiting-for-customer-profile-vetting');
    await stack.admin('POST', `/__sandbox/bundles/${view.customerProfile!.sid}/decide`, {
      outcome: 'approve',
    });
    view = await stack.waitFor(id, (v) => v.step === 'waiting-for-trust-product-vetting');

    const v1 = stack.twilio.trusthub.v1;
    assert.equal((await v1.customerProfiles(view.customerProfile!.sid).fetch()).email, corrected);
    assert.equal(
      (await v1.trustProducts(view.trustProduct!.sid).fetch()).email,
      corrected,
      'the trust product, created by the new run, has the corrected email',
    );
    await recordHistory(stack.env.client, '1.0-corrections-then-continued', id);
  });
});
