/**
 * The onboarding workflow on Temporal's time-skipping test server, with the real activities talking to
 * the sandbox through the real twilio SDK and the real API receiving the sandbox's callbacks. Vetting
 * is manual: each test says when Twilio answers, and skips the days in between.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { WorkflowFailedError } from '@temporalio/client';

import { bundleStatusChanged, submitCorrections } from '../../src/contract/messages.js';
import type { OnboardingView, OnboardingRequest } from '../../src/contract/types.js';

import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';

import { recordHistory } from '../support/histories.js';
import { CHECKED_NOTHING_TO_DO } from '../../src/workflows/onboarding/projection.js';

interface SandboxState {
  resources: Record<string, { sid: string; friendlyName?: string | null; friendly_name?: string | null }[]>;
  callbacks: { delivered?: number; dropped?: number };
}

describe('shakenStirOnboarding (time-skipping server)', { timeout: 300_000 }, () => {
  let numbers: { sid: string; phoneNumber: string }[];

  const stack = useStack({ temporal: 'time-skipping', sandbox: { phoneNumbers: 12 } });
  before(async () => {
    numbers = stack.info.phoneNumbers;
  });

  const start = (request: OnboardingRequest) => stack.startRun(request);
  const decide = (sid: string, outcome: 'approve' | 'reject' | 'rules', codes?: number[]) =>
    stack.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome, ...(codes ? { codes } : {}) });
  const state = () => stack.admin<SandboxState>('GET', '/__sandbox/state');
  /** How many times anyone fetched a customer profile (the sandbox counts requests by route). */
  const profileFetches = async () => {
    const { requests } = await stack.admin<{ requests: { byRoute: Record<string, number> } }>(
      'GET',
      '/__sandbox/state',
    );
    return requests.byRoute['GET /v1/CustomerProfiles/:Sid'] ?? 0;
  };
  /** Resources of one onboarding in the sandbox, found by the deterministic friendly names. */
  const resourcesOf = async (customerId: string) => {
    const { resources } = await state();
    const mine = (items: SandboxState['resources'][string] = []) =>
      items.filter((item) => (item.friendlyName ?? item.friendly_name ?? '').startsWith(customerId));
    return {
      customerProfiles: mine(resources.customerProfiles).length,
      trustProducts: mine(resources.trustProducts).length,
      addresses: mine(resources.addresses).length,
      supportingDocuments: mine(resources.supportingDocuments).length,
      endUsers: mine(resources.endUsers).length,
    };
  };

  test('happy path: the 24 h and 72 h vettings, woken by callbacks, end with both bundles approved', async () => {
    const handle = await start(onboardingRequest('happy', [numbers[0]!.phoneNumber, numbers[1]!.sid]));

    let view = await stack.waitFor(
      handle.workflowId,
      (v) => v.step === 'waiting-for-customer-profile-vetting',
    );
    assert.equal(view.customerProfile?.status, 'pending-review');
    // The guide's order: the trust product is submitted at once, so the two vettings overlap.
    assert.equal(view.trustProduct?.status, 'pending-review');
    assert.equal(view.latestEvaluation?.status, 'compliant');
    const profileSid = view.customerProfile.sid;

    await stack.env.sleep('24 hours');
    await decide(profileSid, 'approve');
    // No time passes from here: only the callback (→ webhook → signal) can wake the workflow.
    view = await stack.waitFor(handle.workflowId, (v) => v.step === 'waiting-for-trust-product-vetting');
    assert.equal(view.customerProfile?.status, 'twilio-approved');
    assert.ok(view.customerProfile?.validUntil, 'an approved profile carries valid_until');

    await stack.env.sleep('72 hours');
    await decide(view.trustProduct!.sid, 'approve');
    const result = await stack.waitFor(handle.workflowId, (v) => v.status === 'completed');

    assert.equal(result.status, 'completed');
    assert.equal(result.trustProduct?.status, 'twilio-approved');
    assert.deepEqual(
      result.phoneNumbers.map((n) => n.sid),
      [numbers[0]!.sid, numbers[1]!.sid],
    );
    assert.deepEqual(await resourcesOf('happy'), {
      customerProfiles: 1,
      trustProducts: 1,
      addresses: 1,
      supportingDocuments: 1,
      endUsers: 2,
    });
    const submitted = result.timeline.find(
      (e) => e.event.includes('customer-profile') && e.event.endsWith('pending-review'),
    );
    const approved = result.timeline.find(
      (e) => e.event.includes('customer-profile') && e.event.endsWith('twilio-approved'),
    );
    assert.ok(submitted && approved);
    assert.ok(
      Date.parse(approved.at) - Date.parse(submitted.at) >= 24 * 3600_000,
      'the profile waited a day',
    );
    await recordHistory(stack.env.client, '1.0-happy-path', handle.workflowId);
  });

  test('every callback lost: the reconciliation poll completes the onboarding', async () => {
    await stack.admin('PUT', '/__sandbox/faults', { callbacks: { dropRate: 1 } });
    try {
      const handle = await start(onboardingRequest('no-callbacks', [numbers[2]!.phoneNumber]));
      let view = await stack.waitFor(
        handle.workflowId,
        (v) => v.step === 'waiting-for-customer-profile-vetting',
      );
      await decide(view.customerProfile!.sid, 'approve');
      await stack.env.sleep(stack.pollIntervalMs + 60_000);
      view = await stack.waitFor(handle.workflowId, (v) => v.step === 'waiting-for-trust-product-vetting');
      await decide(view.trustProduct!.sid, 'approve');
      await stack.env.sleep(stack.pollIntervalMs + 60_000);
      const result = await stack.waitFor(handle.workflowId, (v) => v.status === 'completed');
      assert.equal(result.status, 'completed');
      const { callbacks } = await state();
      assert.ok((callbacks.dropped ?? 0) >= 2, 'the sandbox really dropped the callbacks');
    } finally {
      await stack.admin('DELETE', '/__sandbox/faults');
    }
  });

  test('duplicate and out-of-order callbacks are hints: the workflow believes only what it reads back', async () => {
    const handle = await start(onboardingRequest('liars', [numbers[3]!.phoneNumber]));
    const view = await stack.waitFor(
      handle.workflowId,
      (v) => v.step === 'waiting-for-customer-profile-vetting',
    );
    const profileSid = view.customerProfile!.sid;

    const before = await profileFetches();
    for (const status of ['twilio-approved', 'twilio-rejected', 'twilio-approved', 'in-review']) {
      await handle.signal(bundleStatusChanged, { bundleSid: profileSid, status });
    }
    await handle.signal(bundleStatusChanged, {
      bundleSid: 'BU00000000000000000000000000000000',
      status: 'twilio-approved',
    });
    // The workflow re-read the bundle at least once because of the hints…
    const deadline = Date.now() + 10_000;
    while ((await profileFetches()) === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    assert.ok((await profileFetches()) > before, 'the hints made the workflow read the bundle again');
    // …and, the bundle still being in review, it keeps waiting.
    const after = await stack.view(handle.workflowId);
    assert.equal(after.step, 'waiting-for-customer-profile-vetting');
    assert.equal(after.customerProfile?.status, 'pending-review');
    assert.equal(after.status, 'running');
    await handle.cancel();
  });

  test("an email off the website's domain is caught before submission, with no vetting round spent", async () => {
    const request = onboardingRequest('pre-checked', [numbers[9]!.phoneNumber]);
    request.authorizedRepresentatives[0]!.email = 'dana.reyes@gmail.com';
    request.business.registrationIdentifier = 'DUNS';
    request.business.registrationNumber = '123456789';
    const handle = await start(request);
    const view = await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    assert.equal(view.problem?.kind, 'pre-check');
    assert.equal(view.customerProfile?.status, 'draft', 'nothing was submitted');
    assert.deepEqual(
      view.problem.failures.map((f) => [f.objectType, f.field, f.errorCode]),
      [['authorized_representative_1', 'email', 18606]],
    );
    assert.match(view.problem.failures[0]!.reason, /on gmail\.com, the website on acmedental\.com/);
    assert.match(view.warnings?.[0] ?? '', /^18609 .* registered by DUNS/);

    const fixed = await stack.api.inject({
      method: 'PATCH',
      url: `/v1/onboardings/${handle.workflowId}`,
      payload: {
        authorizedRepresentatives: [
          { ...request.authorizedRepresentatives[0], email: 'dana@acmedental.com' },
        ],
      },
    });
    assert.equal(fixed.statusCode, 200, fixed.body);
    assert.equal(fixed.json<OnboardingView>().step, 'waiting-for-customer-profile-vetting');
    assert.equal(fixed.json<OnboardingView>().customerProfile?.status, 'pending-review');
    await recordHistory(stack.env.client, '1.0-pre-check-corrected', handle.workflowId);
    await handle.cancel();
  });

  test('rejection → correction → approval', async () => {
    const request = onboardingRequest('rejected', [numbers[4]!.phoneNumber]);
    // Valid E.164, but too short to be anyone's number: Twilio cannot verify the representative.
    request.authorizedRepresentatives[0]!.phoneNumber = '+141555';
    const handle = await start(request);

    let view = await stack.waitFor(
      handle.workflowId,
      (v) => v.step === 'waiting-for-customer-profile-vetting',
    );
    await stack.env.sleep('24 hours');
    await decide(view.customerProfile!.sid, 'rules');
    view = await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    assert.equal(view.customerProfile?.status, 'twilio-rejected');
    assert.equal(view.problem?.kind, 'rejection');
    assert.deepEqual(
      view.problem?.codes.map((c) => c.code),
      [18604],
    );
    assert.match(view.problem.codes[0]!.meaning, /representative #1 could not be verified/);

    // The API's PATCH goes through the workflow's update; it answers once the bundle is back in vetting.
    const patched = await stack.api.inject({
      method: 'PATCH',
      url: `/v1/onboardings/${handle.workflowId}`,
      payload: {
        authorizedRepresentatives: [{ ...request.authorizedRepresentatives[0], phoneNumber: '+14155550123' }],
      },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json<OnboardingView>().step, 'waiting-for-customer-profile-vetting');
    assert.equal(patched.json<OnboardingView>().corrections, 1);
    // The guide asked every step again: those already done are one entry, not one each.
    const { timeline } = patched.json<OnboardingView>();
    const sinceCorrection = timeline.slice(timeline.findIndex((e) => e.event === 'corrections received'));
    const checked = sinceCorrection.filter((e) => e.event === CHECKED_NOTHING_TO_DO);
    assert.equal(checked.length, 1, JSON.stringify(sinceCorrection, null, 1));
    assert.match(checked[0]!.detail ?? '', /linking-primary-profile, .*creating-business-information/);
    const steps = sinceCorrection.filter((e) => e.event.startsWith('step: '));
    assert.deepEqual(
      steps.map((e) => e.event),
      [...new Set(steps.map((e) => e.event))],
      'no step noted twice after the correction',
    );
    assert.equal(new Set(steps.map((e) => e.at)).size, steps.length, 'no two steps at the same instant');

    // Nothing waits for corrections now: a second PATCH is a conflict.
    const conflict = await stack.api.inject({
      method: 'PATCH',
      url: `/v1/onboardings/${handle.workflowId}`,
      payload: { email: 'other@acmedental.com' },
    });
    assert.equal(conflict.statusCode, 409, conflict.body);

    view = await stack.view(handle.workflowId);
    await decide(view.customerProfile!.sid, 'rules');
    view = await stack.waitFor(handle.workflowId, (v) => v.step === 'waiting-for-trust-product-vetting');
    await decide(view.trustProduct!.sid, 'rules');
    const result = await stack.waitFor(handle.workflowId, (v) => v.status === 'completed');
    assert.equal(result.status, 'completed');
    await recordHistory(stack.env.client, '1.0-rejection-corrections', handle.workflowId);
    // The representative was updated in place: still one of each.
    assert.deepEqual(await resourcesOf('rejected'), {
      customerProfiles: 1,
      trustProducts: 1,
      addresses: 1,
      supportingDocuments: 1,
      endUsers: 2,
    });
  });

  test('a rejected trust product takes only an email correction: the approved profile is frozen', async () => {
    const handle = await start(onboardingRequest('tp-rejected', [numbers[7]!.phoneNumber]));
    let view = await stack.waitFor(
      handle.workflowId,
      (v) => v.step === 'waiting-for-customer-profile-vetting',
    );
    await decide(view.customerProfile!.sid, 'approve');
    view = await stack.waitFor(handle.workflowId, (v) => v.step === 'waiting-for-trust-product-vetting');
    await decide(view.trustProduct!.sid, 'reject', [18601]);
    view = await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    assert.equal(view.problem?.bundle, 'trust-product');

    const refused = await stack.api.inject({
      method: 'PATCH',
      url: `/v1/onboardings/${handle.workflowId}`,
      payload: { business: { name: 'Acme Dental Group Inc' } },
    });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal(refused.json<{ error: { code: string } }>().error.code, 'invalid_corrections');
    assert.match(
      refused.json<{ error: { message: string } }>().error.message,
      /business cannot be corrected/,
    );

    const accepted = await stack.api.inject({
      method: 'PATCH',
      url: `/v1/onboardings/${handle.workflowId}`,
      payload: { email: 'trust@acmedental.com' },
    });
    assert.equal(accepted.statusCode, 200, accepted.body);
    view = accepted.json<OnboardingView>();
    assert.equal(view.step, 'waiting-for-trust-product-vetting');
    await decide(view.trustProduct!.sid, 'approve');
    await stack.waitFor(handle.workflowId, (v) => v.status === 'completed');
    await recordHistory(stack.env.client, '1.0-trust-product-rejected', handle.workflowId);
  });

  test('a trust product rejected for another cause is replaced by a new one on the same approved profile', async () => {
    const number = numbers[5]!;
    const handle = await start(onboardingRequest('tp-replaced', [number.phoneNumber]));
    let view = await stack.waitFor(
      handle.workflowId,
      (v) => v.step === 'waiting-for-customer-profile-vetting',
    );
    await decide(view.customerProfile!.sid, 'approve');
    view = await stack.waitFor(handle.workflowId, (v) => v.step === 'waiting-for-trust-product-vetting');
    const rejectedSid = view.trustProduct!.sid;
    await decide(rejectedSid, 'reject', [18601]);
    await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');

    const replaced = await stack.api.inject({
      method: 'PATCH',
      url: `/v1/onboardings/${handle.workflowId}`,
      payload: { replaceTrustProduct: true },
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    view = replaced.json<OnboardingView>();
    assert.equal(view.step, 'waiting-for-trust-product-vetting');
    assert.notEqual(view.trustProduct?.sid, rejectedSid, 'a new trust product');
    assert.equal(view.trustProduct?.status, 'pending-review');
    await assert.rejects(stack.twilio.trusthub.v1.trustProducts(rejectedSid).fetch(), /not found|20404/i);
    const onNew = await stack.twilio.trusthub.v1
      .trustProducts(view.trustProduct.sid)
      .trustProductsChannelEndpointAssignment.list();
    assert.deepEqual(
      onNew.map((a) => a.channelEndpointSid),
      [number.sid],
    );

    await decide(view.trustProduct.sid, 'approve');
    view = await stack.waitFor(handle.workflowId, (v) => v.status === 'completed');
    assert.equal(view.phoneNumbers[0]!.attestation, 'A');
    assert.equal((await resourcesOf('tp-replaced')).trustProducts, 1);
    await recordHistory(stack.env.client, '1.0-trust-product-replaced', handle.workflowId);
  });

  test("a noncompliant evaluation stops before submission and shows Twilio's field-level results", async () => {
    const request = onboardingRequest('noncompliant', [numbers[8]!.phoneNumber]);
    request.business.websiteUrl = 'acmedental';
    const handle = await start(request);
    let view = await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    assert.equal(view.problem?.kind, 'evaluation');
    assert.equal(view.customerProfile?.status, 'draft', 'nothing was submitted');
    const failure = view.problem?.failures.find((f) => f.field === 'website_url');
    assert.ok(failure, JSON.stringify(view.problem));
    assert.equal(failure.errorCode, 22217);

    await handle.executeUpdate(submitCorrections, {
      args: [{ business: { websiteUrl: 'https://www.acmedental.com' } }],
    });
    view = await stack.view(handle.workflowId);
    assert.equal(view.step, 'waiting-for-customer-profile-vetting');
    assert.equal(view.latestEvaluation?.status, 'compliant');
    await handle.cancel();
  });

  test('any number of correction rounds: a correction Twilio refuses again leaves it action-required', async () => {
    const handle = await start(onboardingRequest('rounds', ['+14155559876']));
    await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    const patch = (phoneNumbers: string[]) =>
      stack.api.inject({
        method: 'PATCH',
        url: `/v1/onboardings/${handle.workflowId}`,
        payload: { phoneNumbers },
      });

    const stillWrong = await patch(['+14155559877']);
    assert.equal(stillWrong.statusCode, 200, stillWrong.body);
    assert.equal(stillWrong.json<OnboardingView>().status, 'action-required');
    assert.equal(stillWrong.json<OnboardingView>().problem?.kind, 'phone-numbers');

    const fixed = await patch([numbers[6]!.phoneNumber]);
    assert.equal(fixed.statusCode, 200, fixed.body);
    const view = fixed.json<OnboardingView>();
    assert.equal(view.step, 'waiting-for-customer-profile-vetting');
    assert.equal(view.corrections, 2);
    assert.deepEqual(
      view.phoneNumbers.map((n) => n.sid),
      [numbers[6]!.sid],
    );
    await handle.cancel();
  });

  test('a number Twilio refuses (on another profile) is corrected away: numbers left out come off the profile', async () => {
    const [mine, replacement, taken] = [numbers[10]!, numbers[11]!, numbers[0]!];
    const handle = await start(onboardingRequest('number-taken', [mine.phoneNumber, taken.phoneNumber]));
    let view = await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    // Another customer of this service (the happy path's) has the number: said, without naming it.
    assert.equal(view.problem?.kind, 'phone-numbers');
    assert.match(view.problem.message, /another customer of this service/);
    assert.deepEqual(view.problem.fields, [
      { pointer: '/phoneNumbers/1', twilio: 'channel_endpoint_assignment.channel_endpoint_sid' },
    ]);

    const fixed = await stack.api.inject({
      method: 'PATCH',
      url: `/v1/onboardings/${handle.workflowId}`,
      payload: { phoneNumbers: [replacement.phoneNumber] },
    });
    assert.equal(fixed.statusCode, 200, fixed.body);
    view = fixed.json<OnboardingView>();
    assert.equal(view.step, 'waiting-for-customer-profile-vetting');
    assert.deepEqual(
      view.phoneNumbers.map((n) => n.sid),
      [replacement.sid],
    );
    const onProfile = await stack.twilio.trusthub.v1
      .customerProfiles(view.customerProfile!.sid)
      .customerProfilesChannelEndpointAssignment.list();
    assert.deepEqual(
      onProfile.map((a) => a.channelEndpointSid),
      [replacement.sid],
      'the number left out came off the profile',
    );
    await handle.cancel();
  });

  test('a number the account does not own needs a correction; cancelling then removes every draft resource', async () => {
    const handle = await start(onboardingRequest('cancelled', ['+14155559876']));
    const view = await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    assert.equal(view.problem?.kind, 'phone-numbers');
    assert.equal(view.customerProfile?.status, 'draft');
    assert.equal((await resourcesOf('cancelled')).endUsers, 2);

    await handle.cancel();
    await assert.rejects(stack.result(handle), WorkflowFailedError);
    const final = await stack.view(handle.workflowId);
    assert.equal(final.status, 'cancelled');
    await recordHistory(stack.env.client, '1.0-cancelled', handle.workflowId);
    assert.deepEqual(
      final.compensation.map((c) => [c.kind, c.outcome]),
      [
        ['end-user', 'deleted'],
        ['end-user', 'deleted'],
        ['supporting-document', 'deleted'],
        ['address', 'deleted'],
        ['customer-profile', 'deleted'],
      ],
    );
    assert.deepEqual(await resourcesOf('cancelled'), {
      customerProfiles: 0,
      trustProducts: 0,
      addresses: 0,
      supportingDocuments: 0,
      endUsers: 0,
    });
  });
});
