/**
 * Voice Integrity and CNAM on the customer's one profile, and the attestation Twilio reports signing,
 * end to end on the dev server: the API over HTTP, the real workflow and activities, and the sandbox
 * deciding both as Twilio would, with its own rules. The sandbox also places the calls: it decides
 * `StirStatus` from its own state, so a number taken off a trust product behind the service's back shows
 * up there first, and the service must find out why and repair it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OnboardingView } from '../../src/contract/types.js';
import { describeTwilioCode } from '../../src/contract/vocabulary.js';
import { recordHistory } from '../support/histories.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';

const voiceIntegrity = {
  useCase: 'Appointment Reminders',
  employeeCount: 42,
  averageBusinessDayCallVolume: 300,
} as const;
const cnam = { displayName: 'Acme Dental' };

describe('Voice Integrity, CNAM and observed attestation', { timeout: 600_000 }, () => {
  const stack = useStack({ temporal: 'dev' });

  const api = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const reply = await stack.api.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
    return { status: reply.statusCode, body: reply.json<Record<string, unknown>>() };
  };
  const decide = (sid: string, outcome: 'approve' | 'reject' = 'approve', codes?: number[]) =>
    stack.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome, ...(codes ? { codes } : {}) });
  const requests = async () =>
    (await stack.admin<{ requests: { byRoute: Record<string, number> } }>('GET', '/__sandbox/state')).requests
      .byRoute;
  /** Twilio's numbers on a trust product, read with the real SDK: what Twilio holds, not what we think. */
  const numbersOn = async (trustProductSid: string) =>
    (
      await stack.twilio.trusthub.v1
        .trustProducts(trustProductSid)
        .trustProductsChannelEndpointAssignment.list()
    ).map((a) => a.channelEndpointSid);
  const placeCall = (from: string, onboardingId: string) =>
    stack.admin<{ callSid: string; stirStatus: string }>('POST', '/__sandbox/calls', {
      from,
      to: '+12125550199',
      statusCallback: `${stack.apiUrl}/v1/webhooks/calls/${encodeURIComponent(onboardingId)}`,
    });

  /** Starts a customer with both products and approves everything once Twilio has it in review. */
  async function approvedWithThreeProducts(customerId: string, numbers: string[]): Promise<OnboardingView> {
    const started = await api('POST', '/v1/onboardings', {
      ...onboardingRequest(customerId, numbers),
      voiceIntegrity,
      cnam,
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const id = started.body.id as string;
    const profile = await stack.waitFor(id, (v) => v.customerProfile?.status === 'pending-review');
    assert.equal(profile.voiceIntegrity, null, 'asked for, not made before the profile is approved');
    assert.equal(profile.cnam, null);
    await decide(profile.customerProfile!.sid);
    const inReview = await stack.waitFor(
      id,
      (v) =>
        v.trustProduct?.status === 'pending-review' &&
        v.voiceIntegrity?.status === 'pending-review' &&
        v.cnam?.status === 'pending-review',
    );
    await decide(inReview.trustProduct!.sid);
    // Signed A now, and serving: number changes and expiry watching do not wait for the add-ons' reviewers.
    const attested = await stack.waitFor(id, (v) => v.step === 'serving');
    assert.equal(attested.status, 'running', 'completed only once every product is approved');
    assert.equal(attested.phoneNumbers[0]!.attestation, 'A');
    for (const bundle of [inReview.voiceIntegrity, inReview.cnam]) await decide(bundle!.sid);
    return stack.waitFor(id, (v) => v.status === 'completed');
  }

  test('three products approved for one customer, each its own trust product on the one profile', async () => {
    const before = await requests();
    const number = stack.info.phoneNumbers[0]!;
    const view = await approvedWithThreeProducts('three-products', [number.phoneNumber]);
    assert.equal(view.voiceIntegrity?.status, 'twilio-approved');
    assert.equal(view.cnam?.status, 'twilio-approved');
    assert.equal(view.voiceIntegrity?.product, 'voice-integrity');
    assert.deepEqual(view.phoneNumbers[0]!.products, {
      'shaken-stir': { state: 'active', reason: null },
      'voice-integrity': { state: 'active', reason: null },
      cnam: { state: 'active', reason: null },
    });
    assert.equal(view.phoneNumbers[0]!.attestation, 'A');

    // Counted before this test reads Twilio itself.
    const after = await requests();
    const made = Object.entries(after).reduce((sum, [route, n]) => sum + n - (before[route] ?? 0), 0);
    // The happy path's 21, and per product: trust product, end user, two entity assignments, one number,
    // evaluation, submission, and the read of Twilio's decision.
    assert.equal(made, 21 + 2 * 8, JSON.stringify(after));

    // What Twilio holds: three trust products with their own policies, each with the profile and its own
    // end user assigned, and the number on each.
    const v1 = stack.twilio.trusthub.v1;
    const profileSid = view.resources.customerProfileSid!;
    for (const [sid, endUserSid, type] of [
      [
        view.resources.voiceIntegritySid!,
        view.resources.voiceIntegrityInformationSid!,
        'voice_integrity_information',
      ],
      [view.resources.cnamSid!, view.resources.cnamInformationSid!, 'cnam_information'],
    ] as const) {
      const objects = (await v1.trustProducts(sid).trustProductsEntityAssignments.list()).map(
        (a) => a.objectSid,
      );
      assert.deepEqual(objects.sort(), [endUserSid, profileSid].sort());
      assert.equal((await v1.endUsers(endUserSid).fetch()).type, type);
      assert.deepEqual(await numbersOn(sid), [number.sid]);
    }
    const attributes = (await v1.endUsers(view.resources.voiceIntegrityInformationSid!).fetch())
      .attributes as Record<string, string>;
    assert.deepEqual(
      [attributes.use_case, attributes.business_employee_count, attributes.average_business_day_call_volume],
      ['Appointment Reminders', '42', '300'],
    );

    await recordHistory(stack.env.client, '1.0-three-products', view.id);
  });

  test('a CNAM rejection is corrected and resubmitted', async () => {
    const started = await api('POST', '/v1/onboardings', {
      ...onboardingRequest('cnam-rejected', [stack.info.phoneNumbers[1]!.phoneNumber]),
      cnam: { displayName: 'Acme Group' },
    });
    const id = started.body.id as string;
    const profile = await stack.waitFor(id, (v) => v.customerProfile?.status === 'pending-review');
    await decide(profile.customerProfile!.sid);
    const inReview = await stack.waitFor(id, (v) => v.cnam?.status === 'pending-review');
    assert.equal(inReview.voiceIntegrity, undefined, 'a product not asked for is not on the view');
    await decide(inReview.trustProduct!.sid);
    // Twilio's reviewer judges the name too like another business's.
    await decide(inReview.cnam!.sid, 'reject', [11007]);
    const rejected = await stack.waitFor(id, (v) => v.status === 'action-required');
    assert.equal(rejected.problem?.kind, 'rejection');
    assert.equal(rejected.problem?.product, 'cnam');
    assert.deepEqual(rejected.problem?.codes, [{ code: 11007, meaning: describeTwilioCode(11007) }]);
    assert.equal(rejected.phoneNumbers[0]!.products?.cnam?.state, 'pending');

    // Signed A and serving already: the correction is the product asked for again with a new name.
    assert.equal(rejected.step, 'serving');
    const corrected = await api('POST', `/v1/onboardings/${id}/products`, {
      cnam: { displayName: 'Acme Dental' },
    });
    assert.equal(corrected.status, 202, JSON.stringify(corrected.body));
    assert.equal(corrected.body.problem ?? null, null, 'the rejection is no longer the problem');
    const resubmitted = await stack.waitFor(id, (v) => v.cnam?.status === 'pending-review');
    assert.equal(resubmitted.resources.cnamSid, inReview.cnam!.sid, 'the same trust product, resubmitted');
    const endUser = await stack.twilio.trusthub.v1
      .endUsers(resubmitted.resources.cnamInformationSid!)
      .fetch();
    assert.equal((endUser.attributes as Record<string, string>).cnam_display_name, 'Acme Dental');
    await decide(resubmitted.cnam!.sid);
    const done = await stack.waitFor(id, (v) => v.status === 'completed');
    assert.equal(done.phoneNumbers[0]!.products?.cnam?.state, 'active');
    await recordHistory(stack.env.client, '1.0-cnam-rejection-corrected', id);
  });

  test('Voice Integrity added to a serving customer: running until Twilio approves it', async () => {
    const started = await api(
      'POST',
      '/v1/onboardings',
      onboardingRequest('vi-later', [stack.info.phoneNumbers[2]!.phoneNumber]),
    );
    const id = started.body.id as string;
    await stack.approveBoth(id);
    const serving = await stack.waitFor(id, (v) => v.status === 'completed');
    assert.equal(serving.voiceIntegrity, undefined);

    const added = await api('POST', `/v1/onboardings/${id}/products`, { voiceIntegrity });
    assert.equal(added.status, 202, JSON.stringify(added.body));
    const inVetting = await stack.view(id);
    assert.equal(inVetting.status, 'running', 'completed means every product asked for is approved');
    assert.equal(inVetting.step, 'serving');
    assert.equal(inVetting.voiceIntegrity?.status, 'pending-review');
    assert.equal(inVetting.phoneNumbers[0]!.products?.['voice-integrity']?.state, 'pending');

    const again = await api('POST', `/v1/onboardings/${id}/products`, { voiceIntegrity });
    assert.equal(again.status, 409, 'asked for already, and not rejected');

    await decide(inVetting.voiceIntegrity.sid);
    const approved = await stack.waitFor(id, (v) => v.status === 'completed');
    assert.equal(approved.voiceIntegrity?.status, 'twilio-approved');
    assert.equal(approved.phoneNumbers[0]!.products?.['voice-integrity']?.state, 'active');
    await recordHistory(stack.env.client, '1.0-product-added-while-serving', id);
  });

  test('a number added and removed reaches all three products', async () => {
    const [first, second] = [stack.info.phoneNumbers[3]!, stack.info.phoneNumbers[4]!];
    const view = await approvedWithThreeProducts('numbers-everywhere', [first.phoneNumber]);
    const bundles = [
      view.resources.trustProductSid!,
      view.resources.voiceIntegritySid!,
      view.resources.cnamSid!,
    ];

    const added = await api('POST', `/v1/onboardings/${view.id}/phone-numbers`, {
      phoneNumbers: [second.phoneNumber],
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    for (const sid of bundles)
      assert.deepEqual((await numbersOn(sid)).sort(), [first.sid, second.sid].sort());

    const removed = await api(
      'DELETE',
      `/v1/onboardings/${view.id}/phone-numbers/${encodeURIComponent(first.phoneNumber)}`,
    );
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    for (const sid of bundles) assert.deepEqual(await numbersOn(sid), [second.sid]);
    const profileNumbers = await stack.twilio.trusthub.v1
      .customerProfiles(view.resources.customerProfileSid!)
      .customerProfilesChannelEndpointAssignment.list();
    assert.deepEqual(
      profileNumbers.map((a) => a.channelEndpointSid),
      [second.sid],
    );
    const after = await stack.view(view.id);
    assert.deepEqual(
      after.phoneNumbers.map((n) => [n.sid, n.products?.cnam?.state]),
      [[second.sid, 'active']],
    );
  });

  test('an observed A, then a mismatch after a number is taken off behind the service’s back, repaired', async () => {
    const number = stack.info.phoneNumbers[5]!;
    const started = await api('POST', '/v1/onboardings', onboardingRequest('observed', [number.phoneNumber]));
    const id = started.body.id as string;
    await stack.approveBoth(id);
    const serving = await stack.waitFor(id, (v) => v.status === 'completed');
    const trustProductSid = serving.resources.trustProductSid!;

    const first = await placeCall(number.phoneNumber, id);
    assert.equal(first.stirStatus, 'A', 'the sandbox, deciding alone, signs A too');
    const observed = await stack.waitFor(
      id,
      (v) => v.phoneNumbers[0]!.observedAttestation?.callSid === first.callSid,
    );
    assert.equal(observed.phoneNumbers[0]!.observedAttestation?.level, 'A');
    assert.equal(observed.phoneNumbers[0]!.attestationMismatch, null);

    // Someone takes the number off the SHAKEN/STIR trust product in the Console.
    const assignments =
      stack.twilio.trusthub.v1.trustProducts(trustProductSid).trustProductsChannelEndpointAssignment;
    for (const assignment of await assignments.list()) await assignments(assignment.sid).remove();
    assert.deepEqual(await numbersOn(trustProductSid), []);
    assert.equal((await stack.view(id)).phoneNumbers[0]!.attestation, 'A', 'nothing told the service');

    const second = await placeCall(number.phoneNumber, id);
    assert.notEqual(second.stirStatus, 'A');
    const explained = await stack.waitFor(
      id,
      (v) => v.phoneNumbers[0]!.attestationMismatch?.cause === 'drift',
    );
    const mismatch = explained.phoneNumbers[0]!.attestationMismatch!;
    assert.equal(mismatch.observed, second.stirStatus);
    assert.equal(mismatch.inferred, 'A');
    assert.match(mismatch.detail, /taken off .* and was put back/);
    assert.deepEqual(
      explained.drift?.map((d) => [d.bundleSid, d.objectSid, d.objectKind, d.repaired]),
      [[trustProductSid, number.sid, 'phone-number', true]],
    );
    assert.deepEqual(await numbersOn(trustProductSid), [number.sid], 'put back at Twilio');
    assert.equal(explained.step, 'serving');

    const third = await placeCall(number.phoneNumber, id);
    assert.equal(third.stirStatus, 'A', 'Twilio signs A again');
    const agreed = await stack.waitFor(
      id,
      (v) => v.phoneNumbers[0]!.observedAttestation?.callSid === third.callSid,
    );
    assert.equal(
      agreed.phoneNumbers[0]!.attestationMismatch,
      null,
      'Twilio signs what the service infers again',
    );
    await recordHistory(stack.env.client, '1.0-mismatch-drift-repaired', id);
  });
});
