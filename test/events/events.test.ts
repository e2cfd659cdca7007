/**
 * Onboarding events as the ISV's system receives them: a real local HTTP server stands at EVENTS_URL and
 * checks every delivery with the `standardwebhooks` library, as the README tells ISVs to. The worker,
 * the dev server and the sandbox are real; Twilio's decisions are the sandbox's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENT_DELIVERY_WORKFLOW_TYPE, type OnboardingEvent } from '../../src/contract/events.js';
import { describeTwilioCode } from '../../src/contract/vocabulary.js';
import { EVENTS_SECRET as SECRET, startReceiver } from '../support/events-receiver.js';
import { recordHistory } from '../support/histories.js';
import { onboardingRequest } from '../support/customers.js';
import { eventually } from '../support/sandbox.js';
import { useStack } from '../support/stack.js';

describe('signed onboarding events', { timeout: 300_000 }, () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver();
  });
  const stack = useStack(() => ({ temporal: 'dev', events: { url: receiver.url, secret: SECRET } }));
  after(async () => {
    await receiver?.close();
  });

  const start = (customerId: string, numbers: string[]) =>
    fetch(`${stack.apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(onboardingRequest(customerId, numbers)),
    }).then((r) => assert.equal(r.status, 202));
  const decide = (sid: string, outcome: 'approve' | 'reject', codes?: number[]) =>
    stack.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome, ...(codes ? { codes } : {}) });
  const eventsOf = (customerId: string) =>
    receiver.deliveries.filter((d) => d.event.data.customerId === customerId);

  test('submitted, approved, attestation A and completed each reach the endpoint once, signed', async () => {
    await start('events-approved', ['+14155550100']);
    const id = 'onboarding-events-approved';
    const trustProduct = await stack.approveBoth(id);
    await stack.waitFor(id, (v) => v.status === 'completed');

    const expected = [
      'customer-profile.submitted',
      'customer-profile.approved',
      'trust-product.submitted',
      'trust-product.approved',
      'phone-number.attestation-changed',
      'onboarding.completed',
    ];
    const received = await eventually(async () => {
      const events = eventsOf('events-approved');
      return events.length >= expected.length ? events : undefined;
    }, 60_000);
    assert.deepEqual(received.map((d) => d.event.type).sort(), [...expected].sort());
    assert.ok(
      received.every((d) => d.verified),
      'every delivery carries a valid Standard Webhooks signature',
    );
    assert.equal(new Set(received.map((d) => d.id)).size, received.length, 'each event has its own ID');

    const byType = new Map(received.map((d) => [d.event.type, d.event]));
    assert.equal(
      byType.get('customer-profile.approved')!.data.bundle!.sid,
      trustProduct.resources.customerProfileSid,
    );
    assert.deepEqual(byType.get('phone-number.attestation-changed')!.data.phoneNumber, {
      phoneNumber: '+14155550100',
      sid: trustProduct.phoneNumbers[0]!.sid,
      attestation: 'A',
      previousAttestation: trustProduct.phoneNumbers[0]!.attestation,
      blockedBy: null,
    });
    assert.equal(byType.get('onboarding.completed')!.data.status, 'completed');

    // The deliveries are their own workflows, by event ID, so an operator finds an undelivered one.
    const delivery = await stack.env.client.workflow.getHandle(received[0]!.id).describe();
    assert.equal(delivery.type, EVENT_DELIVERY_WORKFLOW_TYPE);
    assert.equal(delivery.status.name, 'COMPLETED');
    await recordHistory(stack.env.client, '1.0-events-completed', id);
  });

  test("a rejection is announced with Twilio's codes and meanings, then action-required with the problem", async () => {
    await start('events-rejected', ['+14155550101']);
    const id = 'onboarding-events-rejected';
    const profile = await stack.waitFor(id, (v) => v.customerProfile?.status === 'pending-review');
    await decide(profile.customerProfile!.sid, 'reject', [18601]);
    await stack.waitFor(id, (v) => v.status === 'action-required');

    const events = await eventually(async () => {
      const got = eventsOf('events-rejected');
      return got.some((d) => d.event.type === 'onboarding.action-required') &&
        got.some((d) => d.event.type === 'customer-profile.rejected')
        ? got
        : undefined;
    }, 60_000);
    const rejected = events.find((d) => d.event.type === 'customer-profile.rejected')!.event;
    assert.deepEqual(rejected.data.bundle!.errors, [{ code: 18601, meaning: describeTwilioCode(18601) }]);
    const actionRequired = events.find((d) => d.event.type === 'onboarding.action-required')!.event;
    assert.equal(actionRequired.data.problem!.kind, 'rejection');
    assert.deepEqual(
      actionRequired.data.problem!.codes.map((c) => c.code),
      [18601],
    );
    // The why, as the view says it: the remedy, the request's paths and the call that applies it.
    assert.match(actionRequired.data.problem!.remedy ?? '', /legal name/);
    assert.deepEqual(
      actionRequired.data.problem!.fields?.map((f) => f.pointer),
      ['/business/name', '/business/websiteUrl'],
    );
    assert.deepEqual(actionRequired.data.problem!.fix, { method: 'PATCH', path: `/v1/onboardings/${id}` });
    await recordHistory(stack.env.client, '1.0-events-rejected', id);
  });

  test('Voice Integrity and CNAM are announced as their own bundles; a mismatch and its drift as theirs', async () => {
    const customerId = 'events-products';
    const reply = await fetch(`${stack.apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...onboardingRequest(customerId, ['+14155550103']),
        voiceIntegrity: { useCase: 'Customer Support', employeeCount: 12, averageBusinessDayCallVolume: 80 },
        cnam: { displayName: 'Acme Dental' },
      }),
    });
    assert.equal(reply.status, 202);
    const id = `onboarding-${customerId}`;
    const profile = await stack.waitFor(id, (v) => v.customerProfile?.status === 'pending-review');
    await decide(profile.customerProfile!.sid, 'approve');
    const inReview = await stack.waitFor(
      id,
      (v) => v.voiceIntegrity?.status === 'pending-review' && v.cnam?.status === 'pending-review',
    );
    await decide(inReview.trustProduct!.sid, 'approve');
    await decide(inReview.voiceIntegrity!.sid, 'approve');
    await decide(inReview.cnam!.sid, 'reject', [11008]);
    await stack.waitFor(id, (v) => v.status === 'action-required');

    const rejected = await eventually(async () => {
      const events = eventsOf(customerId);
      return events.some((d) => d.event.type === 'onboarding.action-required') ? events : undefined;
    }, 60_000);
    const types = rejected.map((d) => d.event.type);
    for (const type of [
      'voice-integrity.submitted',
      'voice-integrity.approved',
      'cnam.submitted',
      'cnam.rejected',
    ]) {
      assert.ok(types.includes(type as OnboardingEvent['type']), `${type} in ${types.join(', ')}`);
    }
    const cnamRejected = rejected.find((d) => d.event.type === 'cnam.rejected')!.event;
    assert.deepEqual(cnamRejected.data.bundle, {
      sid: inReview.cnam!.sid,
      status: 'twilio-rejected',
      errors: [{ code: 11008, meaning: describeTwilioCode(11008) }],
    });

    // Corrected, approved; then a call Twilio signs C after a Console change.
    const corrected = await stack.api.inject({
      method: 'POST',
      url: `/v1/onboardings/${id}/products`,
      payload: { cnam: { displayName: 'Acme Dental Co' } },
    });
    assert.equal(corrected.statusCode, 202, corrected.body);
    const resubmitted = await stack.waitFor(id, (v) => v.cnam?.status === 'pending-review');
    await decide(resubmitted.cnam!.sid, 'approve');
    const serving = await stack.waitFor(id, (v) => v.status === 'completed');
    const onTrustProduct = stack.twilio.trusthub.v1.trustProducts(
      serving.resources.trustProductSid!,
    ).trustProductsChannelEndpointAssignment;
    for (const assignment of await onTrustProduct.list()) await onTrustProduct(assignment.sid).remove();
    await stack.admin('POST', '/__sandbox/calls', {
      from: '+14155550103',
      to: '+12125550199',
      statusCallback: `${stack.apiUrl}/v1/webhooks/calls/${id}`,
    });
    await stack.waitFor(id, (v) => v.phoneNumbers[0]!.attestationMismatch?.cause === 'drift');
    const later = await eventually(async () => {
      const events = eventsOf(customerId);
      return events.filter((d) => d.event.type === 'phone-number.attestation-mismatch').length >= 2 &&
        events.some((d) => d.event.type === 'trust-product.drift')
        ? events
        : undefined;
    }, 60_000);
    const mismatches = later.filter((d) => d.event.type === 'phone-number.attestation-mismatch');
    assert.deepEqual(
      mismatches.map((d) => [d.event.data.mismatch!.inferred, d.event.data.mismatch!.cause]),
      [
        ['A', 'checking'],
        ['A', 'drift'],
      ],
    );
    assert.deepEqual(later.find((d) => d.event.type === 'trust-product.drift')!.event.data.drift, {
      bundleSid: serving.resources.trustProductSid,
      objectSid: serving.phoneNumbers[0]!.sid,
      objectKind: 'phone-number',
      repaired: true,
    });
    assert.ok(later.every((d) => d.verified));
  });

  test('an endpoint that is down never holds the onboarding up; the retries carry the same event ID', async () => {
    receiver.down = true;
    const attemptsBefore = receiver.attempts.length;
    await start('events-endpoint-down', ['+14155550102']);
    const id = 'onboarding-events-endpoint-down';
    await stack.approveBoth(id);
    // Completed while every delivery so far was refused.
    await stack.waitFor(id, (v) => v.status === 'completed');
    assert.equal(eventsOf('events-endpoint-down').length, 0);
    const refused = receiver.attempts.slice(attemptsBefore);
    assert.ok(refused.length > 0, 'deliveries were attempted while the endpoint was down');

    receiver.down = false;
    const delivered = await eventually(async () => {
      const got = eventsOf('events-endpoint-down');
      return got.length >= 6 ? got : undefined;
    }, 120_000);
    assert.ok(delivered.every((d) => d.verified));
    // The refused attempts were these same events, by ID: the receiver can de-duplicate on it.
    for (const attemptId of new Set(refused))
      assert.ok(
        delivered.some((d) => d.id === attemptId),
        attemptId,
      );
  });
});
