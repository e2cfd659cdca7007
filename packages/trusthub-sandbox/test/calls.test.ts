/**
 * Calls placed through the admin route: the StirStatus the sandbox signs, decided from its own state
 * (A / C after onboardings made through the real SDK; B from a hand-built state, since the API cannot
 * make it), and the three call-progress callbacks, signed and in order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSandbox, SHAKEN_STIR_POLICY_SID, stirStatusFor } from 'trusthub-sandbox';
import {
  approvedProfile,
  submitAndDecide,
  trustProduct,
  useSandboxWithCallbacks,
} from './products-fixtures.js';

const YEAR_MS = 365 * 24 * 3_600_000;
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

interface PlacedCall {
  callSid: string;
  stirStatus: string;
}

describe('calls and their StirStatus', () => {
  const harness = useSandboxWithCallbacks(4);

  const call = (from: string) =>
    harness.h.admin<PlacedCall>('POST', '/__sandbox/calls', {
      from,
      to: '+15125550123',
      statusCallback: harness.callbacks.url,
    });

  test('A on an approved profile and SHAKEN/STIR trust product; signed ringing → in-progress → completed', async () => {
    const [number] = harness.h.info.phoneNumbers;
    const profileSid = await approvedProfile(harness.h, [number!.sid]);
    const tp = await trustProduct(harness.h, {
      policySid: SHAKEN_STIR_POLICY_SID,
      profileSid,
      numberSids: [number!.sid],
    });
    // Not signed A until the trust product is approved.
    assert.equal((await call(number!.phoneNumber)).stirStatus, 'C');
    assert.equal((await submitAndDecide(harness.h, tp)).status, 'twilio-approved');

    const placed = await call(number!.phoneNumber);
    assert.match(placed.callSid, /^CA[0-9a-f]{32}$/);
    assert.equal(placed.stirStatus, 'A');

    await harness.callbacks.waitFor((r) => r.filter((c) => c.params.CallSid === placed.callSid).length >= 3);
    const events = harness.callbacks.received.filter((c) => c.params.CallSid === placed.callSid);
    assert.deepEqual(
      events.map((e) => [e.params.CallStatus, e.params.SequenceNumber, e.params.StirStatus]),
      [
        ['ringing', '0', 'A'],
        ['in-progress', '1', 'A'],
        ['completed', '2', undefined],
      ],
    );
    for (const { params, valid } of events) {
      assert.ok(valid, 'X-Twilio-Signature checks with twilio.validateRequest');
      assert.equal(params.AccountSid, harness.h.info.accountSid);
      assert.equal(params.From, number!.phoneNumber);
      assert.equal(params.To, '+15125550123');
      assert.equal(params.Direction, 'outbound-api');
      assert.equal(params.ApiVersion, '2010-04-01');
      assert.equal(params.CallbackSource, 'call-progress-events');
      assert.match(params.Timestamp ?? '', RFC_2822);
    }

    const state = await harness.h.admin<{
      resources: { calls: { sid: string; status: string; stirStatus: string }[] };
      counts: { calls: number };
    }>('GET', '/__sandbox/state');
    const recorded = state.resources.calls.find((c) => c.sid === placed.callSid);
    assert.deepEqual([recorded?.status, recorded?.stirStatus], ['completed', 'A']);
    assert.equal(state.counts.calls, state.resources.calls.length);
  });

  test('a number removed from the SHAKEN/STIR trust product through the SDK is no longer signed A', async () => {
    const number = harness.h.info.phoneNumbers[1]!;
    const profileSid = await approvedProfile(harness.h, [number.sid]);
    const tp = await trustProduct(harness.h, {
      policySid: SHAKEN_STIR_POLICY_SID,
      profileSid,
      numberSids: [number.sid],
    });
    await submitAndDecide(harness.h, tp);
    assert.equal((await call(number.phoneNumber)).stirStatus, 'A');

    const endpoints = harness.h.client.trusthub.v1.trustProducts(tp).trustProductsChannelEndpointAssignment;
    const [assignment] = await endpoints.list({ channelEndpointSid: number.sid });
    await harness.h.client.trusthub.v1
      .trustProducts(tp)
      .trustProductsChannelEndpointAssignment(assignment!.sid)
      .remove();
    const removed = await call(number.phoneNumber);
    assert.equal(removed.stirStatus, 'C', 'no primary SHAKEN/STIR trust product: B is out of reach');
    await harness.callbacks.waitFor((r) =>
      r.some((c) => c.params.CallSid === removed.callSid && c.params.StirStatus === 'C'),
    );
  });

  test('a number on nothing approved is signed C; a number the account does not own is refused', async () => {
    assert.equal((await call(harness.h.info.phoneNumbers[3]!.phoneNumber)).stirStatus, 'C');
    const post = async (body: Record<string, string>) => {
      const response = await fetch(`${harness.h.baseUrl}/__sandbox/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return [response.status, ((await response.json()) as { code: number }).code];
    };
    assert.deepEqual(await post({ from: '+15005550006', to: '+15125550123' }), [400, 21210]);
    assert.deepEqual(
      await post({ from: harness.h.info.phoneNumbers[3]!.phoneNumber, to: 'nobody' }),
      [400, 21211],
    );
    assert.deepEqual(
      await post({
        from: harness.h.info.phoneNumbers[3]!.phoneNumber,
        to: '+15125550123',
        statusCallback: 'ftp://x',
      }),
      [400, 20001],
    );
  });
});

describe('stirStatusFor', () => {
  test('B needs the approved primary and a SHAKEN/STIR trust product that has the primary assigned', async () => {
    const sandbox = await buildSandbox({ phoneNumbers: 1, logLevel: 'silent' });
    try {
      const { store } = sandbox;
      const { primaryCustomerProfileSid, phoneNumbers } = sandbox.info();
      const numberSid = phoneNumbers[0]!.sid;
      assert.equal(stirStatusFor(store, numberSid), 'C');

      // What Twilio's Console makes for a direct customer; Trust Hub's API refuses the primary here.
      const now = new Date().toISOString();
      const productSid = `BU${'b'.repeat(32)}`;
      store.state.bundles[productSid] = {
        sid: productSid,
        kind: 'trust-product',
        seq: store.nextSeq(),
        policySid: SHAKEN_STIR_POLICY_SID,
        friendlyName: 'primary SHAKEN/STIR',
        email: 'compliance@isv.example.com',
        statusCallback: null,
        status: 'twilio-approved',
        validUntil: new Date(Date.now() + YEAR_MS).toISOString(),
        errors: null,
        primary: false,
        dateCreated: now,
        dateUpdated: now,
      };
      const assignmentSid = `BV${'b'.repeat(32)}`;
      store.state.entityAssignments[assignmentSid] = {
        sid: assignmentSid,
        seq: store.nextSeq(),
        bundleSid: productSid,
        objectSid: primaryCustomerProfileSid,
        dateCreated: now,
      };
      assert.equal(stirStatusFor(store, numberSid), 'B', 'no number needs assigning for B');
      // Past valid_until, an approval no longer counts, even before the expiry job has run.
      assert.equal(stirStatusFor(store, numberSid, Date.now() + 2 * YEAR_MS), 'C');
      store.state.bundles[primaryCustomerProfileSid]!.status = 'twilio-rejected';
      assert.equal(stirStatusFor(store, numberSid), 'C');
    } finally {
      await sandbox.close();
    }
  });
});
