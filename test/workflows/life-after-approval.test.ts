/**
 * A customer's life after approval, through the real API, worker and twilio SDK against the sandbox, on
 * the time-skipping server: attestation per number, a second POST, numbers added and removed (and
 * refused by Twilio with nothing changed), an approval running out (Twilio's callback, and the
 * workflow's own timer a year on), and offboarding. What Twilio holds is read back through the SDK.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { OnboardingView } from '../../src/contract/types.js';
import { acmeCustomer, onboardingRequest } from '../support/customers.js';
import { createSecondaryProfile } from '../support/sandbox.js';
import { useStack } from '../support/stack.js';
import { recordHistory } from '../support/histories.js';

type ErrorReply = { error: { code: string; message: string } };

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { EventType } = proto.temporal.api.enums.v1;

describe('life after approval (time-skipping server)', { timeout: 300_000 }, () => {
  let numbers: { sid: string; phoneNumber: string }[];

  const stack = useStack({ temporal: 'time-skipping' });
  before(async () => {
    numbers = stack.info.phoneNumbers;
  });

  const decide = (sid: string, outcome: 'approve' | 'reject') =>
    stack.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome });

  const call = async <T = OnboardingView>(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: object,
  ) => {
    const reply = await stack.api.inject({ method, url, ...(payload ? { payload } : {}) });
    return { status: reply.statusCode, body: reply.json<T>() };
  };

  /** Starts a customer through the API and approves both bundles (manual vetting, real callbacks). */
  async function approvedCustomer(customerId: string, phoneNumbers: string[]): Promise<OnboardingView> {
    const started = await call<{ id: string }>(
      'POST',
      '/v1/onboardings',
      onboardingRequest(customerId, phoneNumbers),
    );
    assert.equal(started.status, 202);
    const id = started.body.id;
    let view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    await decide(view.customerProfile!.sid, 'approve');
    view = await stack.waitFor(id, (v) => v.step === 'waiting-for-trust-product-vetting');
    await decide(view.trustProduct!.sid, 'approve');
    return stack.waitFor(id, (v) => v.step === 'serving');
  }

  /** The numbers Twilio has on each bundle (ChannelEndpointAssignments), by PN SID. */
  async function numbersAtTwilio(view: OnboardingView) {
    const v1 = stack.twilio.trusthub.v1;
    const profile = await v1
      .customerProfiles(view.resources.customerProfileSid!)
      .customerProfilesChannelEndpointAssignment.list();
    const trustProduct = await v1
      .trustProducts(view.resources.trustProductSid!)
      .trustProductsChannelEndpointAssignment.list();
    return {
      profile: profile.map((a) => a.channelEndpointSid).sort(),
      trustProduct: trustProduct.map((a) => a.channelEndpointSid).sort(),
    };
  }

  test('numbers are C while in review, A once approved; a second POST returns the same record and makes nothing', async () => {
    const request = onboardingRequest('serving', [numbers[0]!.phoneNumber]);
    const first = await call<{ id: string }>('POST', '/v1/onboardings', request);
    const id = first.body.id;
    let view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    assert.equal(view.phoneNumbers[0]!.attestation, 'C');
    assert.match(view.phoneNumbers[0]!.blockedBy ?? '', /^customer profile in review since \d{4}-/);

    const early = await call<ErrorReply>('POST', `/v1/onboardings/${id}/phone-numbers`, {
      phoneNumbers: [numbers[9]!.phoneNumber],
    });
    assert.equal(early.status, 409, 'numbers change only once approved');
    assert.equal(early.body.error.code, 'not_approved_yet');

    await decide(view.customerProfile!.sid, 'approve');
    view = await stack.waitFor(id, (v) => v.step === 'waiting-for-trust-product-vetting');
    assert.match(view.phoneNumbers[0]!.blockedBy ?? '', /^trust product in review since/);
    await decide(view.trustProduct!.sid, 'approve');
    view = await stack.waitFor(id, (v) => v.step === 'serving');
    assert.equal(view.status, 'completed');
    assert.deepEqual(
      view.phoneNumbers.map((n) => [n.phoneNumber, n.attestation, n.blockedBy]),
      [[numbers[0]!.phoneNumber, 'A', null]],
    );

    const again = await call<{ id: string; status: string; created: boolean }>(
      'POST',
      '/v1/onboardings',
      request,
    );
    assert.equal(again.status, 200, 'the same record, not a new start');
    assert.deepEqual([again.body.id, again.body.status, again.body.created], [id, 'completed', false]);
    const v1 = stack.twilio.trusthub.v1;
    const mine = <T extends { friendlyName: string }>(list: T[]) =>
      list.filter((b) => b.friendlyName.includes('serving'));
    assert.equal(mine(await v1.customerProfiles.list()).length, 1, 'one secondary profile');
    assert.equal(mine(await v1.trustProducts.list()).length, 1, 'one trust product');
    await recordHistory(stack.env.client, '1.0-serving', id);

    // What operators see without decoding anything — search attributes and the run's current details —
    // carries SIDs and statuses, never the customer's personal data.
    const handle = stack.env.client.workflow.getHandle(id);
    const description = await handle.describe();
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    const visible = JSON.stringify([
      description.typedSearchAttributes,
      await description.staticSummary(),
      await description.staticDetails(),
      metadata.currentDetails,
    ]);
    assert.match(metadata.currentDetails ?? '', /serving/);
    const personal = [
      request.email,
      request.business.name,
      request.business.registrationNumber,
      request.address.street,
      request.address.customerName,
      ...request.authorizedRepresentatives.flatMap((r) => [r.firstName, r.lastName, r.email, r.phoneNumber]),
      ...request.phoneNumbers,
    ];
    assert.ok(visible.includes(view.resources.customerProfileSid!), 'the check sees the search attributes');
    for (const value of personal) assert.ok(!visible.includes(value), `${value} is visible without decoding`);
  });

  test('numbers after approval: added to both bundles, refused by Twilio with nothing changed, removed from both', async () => {
    const [, one, two, three] = numbers;
    let view = await approvedCustomer('numbers', [one!.phoneNumber]);
    const id = view.id;

    const added = await call('POST', `/v1/onboardings/${id}/phone-numbers`, { phoneNumbers: [two!.sid] });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    assert.deepEqual(
      added.body.phoneNumbers.map((n) => [n.sid, n.attestation]),
      [
        [one!.sid, 'A'],
        [two!.sid, 'A'],
      ],
    );
    const both = [one!.sid, two!.sid].sort();
    assert.deepEqual(await numbersAtTwilio(added.body), { profile: both, trustProduct: both });

    const notOwned = await call<ErrorReply>('POST', `/v1/onboardings/${id}/phone-numbers`, {
      phoneNumbers: ['+14155559876'],
    });
    assert.equal(notOwned.status, 422);
    assert.equal(notOwned.body.error.code, 'twilio_refused');
    assert.match(notOwned.body.error.message, /not an incoming number of this Twilio account/);
    assert.match(notOwned.body.error.message, /B at most/);

    // numbers[0] is on the first test's customer: Twilio allows a number on one profile at a time. The
    // request also names a free number, which must not be left behind on either bundle.
    const taken = await call<ErrorReply>('POST', `/v1/onboardings/${id}/phone-numbers`, {
      phoneNumbers: [three!.phoneNumber, numbers[0]!.phoneNumber],
    });
    assert.equal(taken.status, 422, JSON.stringify(taken.body));
    // Whose kind of bundle has it (another customer of this service), never whose.
    assert.match(taken.body.error.message, /already on .*another customer of this service/);
    assert.doesNotMatch(taken.body.error.message, /BU[0-9a-f]{32}|another customer's BU/);
    view = await stack.view(id);
    assert.deepEqual(await numbersAtTwilio(view), { profile: both, trustProduct: both }, 'nothing changed');
    assert.equal(view.phoneNumbers.length, 2);

    const removed = await call(
      'DELETE',
      `/v1/onboardings/${id}/phone-numbers/${encodeURIComponent(one!.phoneNumber)}`,
    );
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.deepEqual(
      removed.body.phoneNumbers.map((n) => n.sid),
      [two!.sid],
    );
    assert.deepEqual(await numbersAtTwilio(removed.body), { profile: [two!.sid], trustProduct: [two!.sid] });

    const unknown = await call<ErrorReply>('DELETE', `/v1/onboardings/${id}/phone-numbers/${one!.sid}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'unknown_phone_number');
    const malformed = await call<ErrorReply>('DELETE', `/v1/onboardings/${id}/phone-numbers/4155550100`);
    assert.equal(malformed.status, 400);
    await recordHistory(stack.env.client, '1.0-numbers-changed', id);
  });

  test("an approval Twilio ends (here: valid_until passed) makes the customer action-required, with Twilio's reason", async () => {
    const view = await approvedCustomer('expiring', [numbers[4]!.phoneNumber]);
    const refused = await stack
      .admin('PUT', `/__sandbox/bundles/${view.customerProfile!.sid}/valid-until`, {
        validUntil: 'next week',
      })
      .catch((error: Error) => error);
    assert.ok(refused instanceof Error, 'the admin route refuses a date it cannot read');

    await stack.admin('PUT', `/__sandbox/bundles/${view.customerProfile!.sid}/valid-until`, {
      validUntil: new Date(Date.now() + 300).toISOString(),
    });
    const lost = await stack.waitFor(view.id, (v) => v.status === 'action-required');
    assert.equal(lost.problem?.kind, 'approval-lost');
    assert.equal(lost.problem?.bundle, 'customer-profile');
    assert.deepEqual(
      lost.problem?.codes.map((c) => c.code),
      [99602],
    );
    assert.equal(lost.phoneNumbers[0]!.attestation, 'C');
    assert.match(lost.phoneNumbers[0]!.blockedBy ?? '', /^customer profile rejected: 99602/);
    await recordHistory(stack.env.client, '1.0-approval-lost', view.id);
  });

  test('an approved secondary profile the customer already has is adopted: no duplicate, only a trust product is made', async () => {
    const v1 = stack.twilio.trusthub.v1;
    const { profileSid } = await createSecondaryProfile(
      stack.twilio,
      stack.info.primaryCustomerProfileSid,
      acmeCustomer(),
    );
    await v1.customerProfiles(profileSid).update({ status: 'pending-review' });
    await decide(profileSid, 'approve');
    const counts = async () => ({
      customerProfiles: (await v1.customerProfiles.list()).length,
      trustProducts: (await v1.trustProducts.list()).length,
      endUsers: (await v1.endUsers.list()).length,
      addresses: (await stack.twilio.addresses.list()).length,
    });
    const before = await counts();

    const request = onboardingRequest('adopter', [numbers[7]!.phoneNumber]);
    const acme = acmeCustomer();
    // The business the profile was vetted for, as the profile says it (adoption-identity.ts compares
    // name, registration number, website, email domain and address); the operators' route.
    const started = await call<{ id: string }>('POST', '/v1/adoptions', {
      ...request,
      email: acme.email,
      business: {
        ...request.business,
        name: acme.businessInformation.business_name!,
        websiteUrl: acme.businessInformation.website_url!,
      },
      address: acme.address,
      authorizedRepresentatives: [
        { ...request.authorizedRepresentatives[0]!, email: acme.representative.email! },
      ],
      customerProfileSid: profileSid,
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    let view = await stack.waitFor(started.body.id, (v) => v.step === 'waiting-for-trust-product-vetting');
    assert.equal(view.resources.customerProfileSid, profileSid);
    assert.ok(view.timeline.some((e) => e.event === 'customer profile adopted'));
    assert.deepEqual(
      await counts(),
      { ...before, trustProducts: before.trustProducts + 1 },
      'only a trust product was made',
    );
    const onProfile = await v1.customerProfiles(profileSid).customerProfilesChannelEndpointAssignment.list();
    assert.deepEqual(
      onProfile.map((a) => a.channelEndpointSid),
      [numbers[7]!.sid],
    );

    await decide(view.trustProduct!.sid, 'approve');
    view = await stack.waitFor(view.id, (v) => v.step === 'serving');
    assert.deepEqual(
      view.phoneNumbers.map((n) => n.attestation),
      ['A'],
    );
    await recordHistory(stack.env.client, '1.0-adopted-profile', view.id);
  });

  test('offboarding an approved customer takes its numbers off both bundles and ends its workflow', async () => {
    const view = await approvedCustomer('leaving', [numbers[5]!.phoneNumber]);
    const cancelled = await call<{ status: string }>('DELETE', `/v1/onboardings/${view.id}`);
    assert.equal(cancelled.status, 202);
    await assert.rejects(stack.result(stack.env.client.workflow.getHandle(view.id)), WorkflowFailedError);
    const final = await stack.view(view.id);
    assert.equal(final.status, 'cancelled');
    assert.deepEqual(
      final.compensation.map((c) => [c.kind, c.outcome, c.reason]),
      [
        ['phone-number', 'unassigned', 'trust-product'],
        ['phone-number', 'unassigned', 'customer-profile'],
        ['trust-product', 'kept', 'approved: Twilio keeps it'],
        ['customer-profile', 'kept', 'approved: Twilio keeps it'],
      ],
    );
    assert.deepEqual(await numbersAtTwilio(view), { profile: [], trustProduct: [] });
    await recordHistory(stack.env.client, '1.0-offboarded', view.id);
  });

  test('numbers the Console takes off the bundles are found at the next re-check and put back', async () => {
    // The offboarded customer's number: offboarding took it off every bundle.
    const view = await approvedCustomer('drifted', [numbers[5]!.phoneNumber]);
    const v1 = stack.twilio.trusthub.v1;
    const onTrustProduct = v1.trustProducts(
      view.resources.trustProductSid!,
    ).trustProductsChannelEndpointAssignment;
    const onProfile = v1.customerProfiles(
      view.resources.customerProfileSid!,
    ).customerProfilesChannelEndpointAssignment;
    for (const assignment of await onTrustProduct.list()) await onTrustProduct(assignment.sid).remove();
    for (const assignment of await onProfile.list()) await onProfile(assignment.sid).remove();
    assert.deepEqual(await numbersAtTwilio(view), { profile: [], trustProduct: [] });
    // No callback tells of it: only the weekly re-check's timer wakes the workflow.
    await stack.env.sleep(7 * 24 * 3_600_000 + 3_600_000);
    const found = await stack.waitFor(view.id, (v) => (v.drift?.length ?? 0) === 2, 60_000);
    assert.deepEqual(
      found.drift!.map((d) => [d.product, d.objectSid, d.objectKind, d.repaired]),
      [
        ['customer-profile', numbers[5]!.sid, 'phone-number', true],
        ['shaken-stir', numbers[5]!.sid, 'phone-number', true],
      ],
      'the profile first: a trust product takes only numbers already on it',
    );
    assert.deepEqual(await numbersAtTwilio(view), {
      profile: [numbers[5]!.sid],
      trustProduct: [numbers[5]!.sid],
    });
    assert.equal(found.phoneNumbers[0]!.attestation, 'A');
    assert.equal(found.status, 'completed');
    await recordHistory(stack.env.client, '1.0-drift-repaired-at-recheck', view.id);
  });

  test("a year on, the workflow's own timer notices the approval ran out, with no callback", async () => {
    const view = await approvedCustomer('a-year-on', [numbers[6]!.phoneNumber]);
    const validUntil = Date.parse(view.customerProfile!.validUntil!);
    const handle = stack.env.client.workflow.getHandle(view.id);
    const approvedAt = (await handle.fetchHistory()).events?.length ?? 0;
    // Nothing is sent to any workflow from here on: only timers wake them.
    await stack.env.sleep(validUntil - Date.now() + 2 * 24 * 3_600_000);
    const lost = await stack.waitFor(view.id, (v) => v.status === 'action-required', 60_000);
    assert.equal(lost.problem?.kind, 'approval-lost');
    assert.match(lost.problem?.message ?? '', /approval ran out on/);
    assert.match(lost.phoneNumbers[0]!.blockedBy ?? '', /approval expired on/);
    // A year of weekly re-checks that found nothing new upserted no search attributes: the expiry, which
    // changed the status and the problem, upserted those two, and only those. A patch's marker upserts
    // TemporalChangeVersion (the SDK's), left out here. The server keeps an upsert's attributes in a map,
    // so their order in the event is its own: compared as a set.
    const inTheYear = ((await handle.fetchHistory()).events ?? []).slice(approvedAt);
    const fired = inTheYear.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
    assert.ok(fired.length >= 50, `the weekly re-checks ran (${fired.length} timers fired)`);
    const upserted = inTheYear
      .map((e) =>
        Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {}),
      )
      .filter((keys) => keys.length && !keys.includes('TemporalChangeVersion'))
      .map((keys) => keys.sort());
    assert.deepEqual(upserted, [['OnboardingProblem', 'OnboardingStatus']]);
    await recordHistory(stack.env.client, '1.0-approval-ran-out', view.id);
  });
});
