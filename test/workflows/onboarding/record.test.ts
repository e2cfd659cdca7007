/**
 * The resource ledger (src/workflows/onboarding/record.ts) on its own: what the record remembers of the
 * customer's resources, numbers and replaced personal data, so that nothing at Twilio is made twice and
 * a SID that left the record stays readable in the timeline. Plain data, without a server.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ledger } from '../../../src/workflows/onboarding/record.js';
import {
  NUMBER_SID,
  PROFILE_SID,
  TRUST_PRODUCT_SID,
  bundle,
  servedState,
} from '../../support/carried-state.js';

const sid = (prefix: string, digit: string) => `${prefix}${digit.repeat(32)}`;

test('a replaced or dropped SID leaves the record but stays among the former ones, once', () => {
  const ledger = new Ledger(servedState());
  ledger.resourceMade('addressSid', sid('AD', '1'));
  ledger.resourceMade('addressSid', sid('AD', '2'));
  ledger.resourceMade('addressSid', sid('AD', '2'));
  ledger.phoneNumberDropped(NUMBER_SID);
  ledger.phoneNumberDropped(NUMBER_SID); // a retried removal
  assert.equal(ledger.record.resources.addressSid, sid('AD', '2'));
  assert.deepEqual(ledger.record.phoneNumbers, []);
  assert.deepEqual(ledger.carried.formerSids, [sid('AD', '1'), NUMBER_SID]);
});

test('replaced personal data is queued for deletion once, in order', () => {
  const ledger = new Ledger(servedState());
  const first = { kind: 'end-user' as const, sid: sid('IT', '1') };
  const second = { kind: 'address' as const, sid: sid('AD', '1') };
  assert.deepEqual(ledger.deletionsPending([first]), [first]);
  assert.deepEqual(ledger.deletionsPending([first, second]), [second], 'only what was not queued before');
  assert.deepEqual(ledger.carried.pendingDeletions, [first, second]);
});

test('a deleted trust product takes its assignments with it, and the next one gets a new name', () => {
  const ledger = new Ledger(servedState());
  ledger.trustProductDeleted(TRUST_PRODUCT_SID);
  assert.equal(ledger.record.resources.trustProductSid, undefined);
  assert.equal(ledger.record.trustProduct, null);
  assert.deepEqual(ledger.numbersOn(TRUST_PRODUCT_SID), []);
  assert.deepEqual(ledger.numbersOn(PROFILE_SID), [NUMBER_SID]);
  assert.equal(ledger.carried.trustProductRevision, 2);
  assert.deepEqual(
    ledger.customerBundles().map((b) => b.bundleSid),
    [PROFILE_SID],
  );
});

test('a bundle read is kept where the record shows it, and a change of status is noted once', () => {
  const ledger = new Ledger(servedState());
  ledger.recordBundle(bundle('trust-product', 'twilio-approved'));
  assert.equal(ledger.record.timeline.length, 0, 'the same status is no news');
  ledger.recordBundle(bundle('trust-product', 'twilio-rejected'));
  assert.equal(ledger.record.trustProduct?.status, 'twilio-rejected');
  assert.deepEqual(
    ledger.record.timeline.map((e) => e.event),
    [`trust-product ${TRUST_PRODUCT_SID}: twilio-rejected`],
  );
});
