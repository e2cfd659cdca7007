/**
 * Carried states (src/workflows/onboarding/carried.ts) for the unit tests of the workflow's parts, which
 * take plain data: a customer approved and served, with one number on both bundles.
 */
import type { BundleSnapshot, OnboardingSettings } from '../../src/contract/types.js';
import type { CarriedState } from '../../src/workflows/onboarding/carried.js';
import { onboardingRequest } from './customers.js';

export const PROFILE_SID = `BU${'a'.repeat(32)}`;
export const TRUST_PRODUCT_SID = `BU${'b'.repeat(32)}`;
export const NUMBER_SID = `PN${'1'.repeat(32)}`;
export const NUMBER = '+14155550100';

export const SETTINGS: OnboardingSettings = {
  primaryCustomerProfileSid: `BU${'f'.repeat(32)}`,
  statusCallbackUrl: 'https://isv.example/twilio/status',
  vettingPollIntervalMs: 600_000,
};

export function bundle(
  kind: BundleSnapshot['kind'],
  status: BundleSnapshot['status'],
  extra: Partial<BundleSnapshot> = {},
): BundleSnapshot {
  const sid = kind === 'customer-profile' ? PROFILE_SID : TRUST_PRODUCT_SID;
  return { kind, sid, status, errors: [], validUntil: null, ...extra };
}

/** A customer approved and served: profile and SHAKEN/STIR approved, one number on both. */
export function servedState(view: Partial<CarriedState['view']> = {}): CarriedState {
  return {
    view: {
      id: 'onboarding-acme',
      customerId: 'acme',
      status: 'completed',
      step: 'serving',
      customerProfile: bundle('customer-profile', 'twilio-approved'),
      trustProduct: bundle('trust-product', 'twilio-approved'),
      resources: {
        customerProfileSid: PROFILE_SID,
        trustProductSid: TRUST_PRODUCT_SID,
        representativeSids: [],
      },
      phoneNumbers: [{ input: NUMBER, sid: NUMBER_SID, phoneNumber: NUMBER }],
      latestEvaluation: null,
      problem: null,
      corrections: 0,
      compensation: [],
      timeline: [],
      ...view,
    },
    request: onboardingRequest('acme', [NUMBER]),
    linked: {},
    numbers: { [PROFILE_SID]: [NUMBER_SID], [TRUST_PRODUCT_SID]: [NUMBER_SID] },
    revision: 1,
    serving: true,
  };
}
