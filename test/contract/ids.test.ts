/**
 * The onboarding ID format has one builder and one parser (src/contract/ids.ts): what one makes
 * the other reads back, and the pattern the API and the webhook validate with agrees with both.
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
