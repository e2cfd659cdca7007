/**
 * The attestation rule on its own (src/workflows/onboarding/attestation.ts): which level each number
 * gets from the state, and the one thing blocking A. The workflow tests show the same against the
 * sandbox; this covers the combinations one run cannot reach cheaply.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CarriedState } from '../../src/workflows/onboarding/carried.js';
import { phoneNumberStatuses } from '../../src/workflows/onboarding/attestation.js';
import type { BundleSnapshot } from '../../src/contract/types.js';

const PN = `PN${'a'.repeat(32)}`;
const bundle = (
  kind: BundleSnapshot['kind'],
  status: BundleSnapshot['status'],
  extra: Partial<BundleSnapshot> = {},
) => ({
  kind,
  sid: kind === 'customer-profile' ? 'BUprofile' : 'BUproduct',
  status,
  errors: [],
  validUntil: null,
  ...extra,
});

function state(
  overrides: Partial<CarriedState['view']> = {},
  onProfile = [PN],
  onProduct = [PN],
): CarriedState {
  return {
    view: {
      id: 'onboarding-x',
      customerId: 'x',
      status: 'completed',
      step: 'serving',
      customerProfile: bundle('customer-profile', 'twilio-approved'),
      trustProduct: bundle('trust-product', 'twilio-approved'),
      resources: { customerProfileSid: 'BUprofile', trustProductSid: 'BUproduct', representativeSids: [] },
      phoneNumbers: [{ input: '+14155550100', sid: PN, phoneNumber: '+14155550100' }],
      latestEvaluation: null,
      problem: null,
      corrections: 0,
      compensation: [],
      timeline: [{ at: '2026-11-20T10:00:00.000Z', event: 'trust-product BUproduct: pending-review' }],
      ...overrides,
    },
    request: {} as CarriedState['request'],
    linked: {},
    numbers: { BUprofile: onProfile, BUproduct: onProduct },
    revision: 1,
  };
}

const only = (carried: CarriedState, primaryTrustProductApproved = false) => {
  const [status] = phoneNumberStatuses(carried, { primaryTrustProductApproved });
  return [status!.attestation, status!.blockedBy];
};

test('A only with both bundles approved and the number on both', () => {
  assert.deepEqual(only(state()), ['A', null]);
});

test("otherwise B when the ISV's own trust product is approved, C when not, with the first thing missing", () => {
  assert.deepEqual(only(state({}, [PN], []), true), ['B', 'number not on the trust product']);
  assert.deepEqual(only(state({}, [], [PN])), ['C', 'number not on the customer profile']);
  assert.deepEqual(only(state({ trustProduct: bundle('trust-product', 'in-review') })), [
    'C',
    'trust product in review since 2026-11-20T10:00:00.000Z',
  ]);
  assert.deepEqual(only(state({ trustProduct: null })), ['C', 'trust product not created yet']);
  assert.deepEqual(
    only(
      state({
        customerProfile: bundle('customer-profile', 'twilio-rejected', {
          errors: [{ code: 18606, meaning: 'Email domain does not match website domain.' }],
        }),
      }),
    ),
    ['C', 'customer profile rejected: 18606 Email domain does not match website domain.'],
  );
  assert.deepEqual(
    only(
      state({
        customerProfile: bundle('customer-profile', 'twilio-approved', {
          validUntil: '2020-01-01T00:00:00.000Z',
        }),
      }),
    ),
    ['C', 'customer profile approval expired on 2020-01-01T00:00:00.000Z'],
  );
});
