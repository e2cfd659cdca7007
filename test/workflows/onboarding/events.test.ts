/**
 * The events a change is announced with (src/workflows/onboarding/events.ts `eventsSinceAnnounced`), on
 * their own: derived from the state and what was last announced, each told once, in order, numbered.
 * The e2e tests deliver them to a receiver; here each rule is one case, without a server.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TwilioOutage } from '../../../src/contract/types.js';
import { phoneNumberStatuses } from '../../../src/workflows/onboarding/attestation.js';
import type { CarriedState } from '../../../src/workflows/onboarding/carried.js';
import { eventsSinceAnnounced } from '../../../src/workflows/onboarding/events.js';
import { NUMBER_SID, SETTINGS, TRUST_PRODUCT_SID, bundle, servedState } from '../../support/carried-state.js';

const RUN = 'first-run-id';
const NOW = new Date('2026-12-01T10:00:00.000Z');
const OUTAGE = {
  operation: 'fetchBundle',
  since: '2026-12-01T09:00:00.000Z',
  attempts: 4,
  lastError: { message: 'Service Unavailable', status: 503 },
} as TwilioOutage;
const since = (carried: CarriedState) =>
  eventsSinceAnnounced(carried, phoneNumberStatuses(carried, SETTINGS), NOW, RUN);

test('the first look only records: a run starts with nothing to tell', () => {
  const carried = servedState();
  assert.deepEqual(since(carried), []);
  assert.equal(carried.announced?.sequence, 0);
  assert.deepEqual(since(carried), [], 'nothing changed since');
});

test('a rejection is told once: the bundle, the attestation it costs, the status; numbered in order', () => {
  const carried = servedState();
  since(carried);
  carried.view.trustProduct = bundle('trust-product', 'twilio-rejected', { errors: [{ code: 22217 }] });
  carried.view.status = 'action-required';
  carried.view.problem = {
    kind: 'approval-lost',
    bundle: 'trust-product',
    message: 'lost',
    codes: [],
    failures: [],
  };
  const events = since(carried);
  assert.deepEqual(
    events.map((e) => [e.id, e.type]),
    [
      [`onboarding-acme:${RUN}:1`, 'trust-product.rejected'],
      [`onboarding-acme:${RUN}:2`, 'phone-number.attestation-changed'],
      [`onboarding-acme:${RUN}:3`, 'onboarding.action-required'],
    ],
  );
  assert.equal(events[0]?.data.bundle?.sid, TRUST_PRODUCT_SID);
  assert.equal(events[1]?.data.phoneNumber?.sid, NUMBER_SID);
  assert.equal(events[1]?.data.phoneNumber?.previousAttestation, 'A');
  assert.equal(events[2]?.timestamp, NOW.toISOString());
  assert.deepEqual(since(carried), [], 'told once');
  assert.equal(carried.announced?.sequence, 3, 'the next event is number 4, in this run or a continued one');
});

test('a resubmission in review is one submitted event, not one per step', () => {
  const carried = servedState();
  since(carried);
  carried.view.trustProduct = bundle('trust-product', 'pending-review');
  assert.deepEqual(
    since(carried).map((e) => e.type),
    ['trust-product.submitted', 'phone-number.attestation-changed'],
  );
  carried.view.trustProduct = bundle('trust-product', 'in-review');
  assert.deepEqual(since(carried), []);
});

test('an outage is told once; its end is told unless the run ended with it', () => {
  const carried = servedState();
  since(carried);
  carried.twilioOutage = { ...OUTAGE };
  assert.deepEqual(
    since(carried).map((e) => e.type),
    ['onboarding.twilio-failing'],
  );
  assert.deepEqual(since(carried), []);
  delete carried.twilioOutage;
  assert.deepEqual(
    since(carried).map((e) => e.type),
    ['onboarding.twilio-recovered'],
  );

  const ended = servedState();
  since(ended);
  ended.twilioOutage = { ...OUTAGE };
  since(ended);
  delete ended.twilioOutage;
  ended.view.status = 'cancelled';
  assert.deepEqual(
    since(ended).map((e) => e.type),
    ['onboarding.cancelled'],
  );
});
