/**
 * The onboarding ID format has one builder and one parser (src/contract/ids.ts): what one makes
 * the other reads back, and the pattern the API and the webhook validate with agrees with both. And
 * the carried state older code handed over is read into this code's shape.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CUSTOMER_ID_PATTERN,
  ONBOARDING_ID_PATTERN,
  PHONE_NUMBER_PATTERN,
  customerIdOf,
  onboardingIdFor,
} from '../../src/contract/ids.js';
import type { CarriedByOlderCode } from '../../src/workflows/onboarding/carried.js';
import { readCarried } from '../../src/workflows/onboarding/state.js';

test('customerIdOf reads back what onboardingIdFor made', () => {
  for (const customerId of ['acme-dental', 'a', 'A.b_c-9', 'x'.repeat(64)]) {
    assert.match(customerId, new RegExp(CUSTOMER_ID_PATTERN));
    const id = onboardingIdFor(customerId);
    assert.match(id, new RegExp(ONBOARDING_ID_PATTERN));
    assert.equal(customerIdOf(id), customerId);
  }
});

test('customerIdOf refuses what is not an onboarding ID', () => {
  for (const id of [
    'acme-dental',
    'onboarding-',
    'onboarding-.acme',
    `onboarding-${'x'.repeat(65)}`,
    'claim:customer:acme',
  ]) {
    assert.equal(customerIdOf(id), undefined, id);
  }
});

test('a phone number is named by E.164 or a PN SID, nothing else', () => {
  const named = new RegExp(PHONE_NUMBER_PATTERN);
  assert.match('+14155550100', named);
  assert.match(`PN${'a'.repeat(32)}`, named);
  assert.doesNotMatch('14155550100', named);
  assert.doesNotMatch(`PN${'a'.repeat(31)}`, named);
});

test("older code's carried numbers are read into one shape, by bundle SID", () => {
  const older = {
    view: {
      resources: { customerProfileSid: 'BUprofile', trustProductSid: 'BUproduct', representativeSids: [] },
    },
    linked: { BUprofile: ['ITbusiness'], 'BUprofile:numbers': ['PN1', 'PN2'] },
    phoneNumbersOnTrustProduct: ['PN1'],
    revision: 1,
  } as unknown as CarriedByOlderCode;
  const carried = readCarried(older);
  assert.deepEqual(carried.numbers, { BUprofile: ['PN1', 'PN2'], BUproduct: ['PN1'] });
  assert.deepEqual(carried.linked, { BUprofile: ['ITbusiness'] });
  assert.ok(!('phoneNumbersOnTrustProduct' in carried));
  // What this code hands over is read as it is.
  assert.equal(readCarried(carried), carried);
});
