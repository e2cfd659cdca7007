/**
 * When the serving loop (src/workflows/onboarding/serving.ts) re-reads the approvals, on its own: ahead
 * of the earliest `valid_until`, at it, daily once expired, weekly with nothing in sight, and at the
 * vetting poll while an add-on is in review. The entity is built from a carried state, without a
 * server; what the approvals then call for is `approvalsVerdict` (lifecycle.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Onboarding } from '../../../../../src/workflows/onboarding/onboarding.js';
import {
  EXPIRY_LEAD_MS,
  msUntilApprovalCheck,
} from '../../../../../src/workflows/onboarding/phases/serving/approvals.js';
import { BOTH_ADD_ONS } from '../../../../support/customers.js';
import { SETTINGS, bundle, servedState } from '../../../../support/carried-state.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-01T10:00:00Z');

function served(validUntil: string | null, voiceIntegrity?: 'in-review' | 'twilio-approved'): Onboarding {
  const carried = servedState({ trustProduct: bundle('trust-product', 'twilio-approved', { validUntil }) });
  if (voiceIntegrity) {
    const sid = `BU${'c'.repeat(32)}`;
    carried.request = { ...carried.request, voiceIntegrity: BOTH_ADD_ONS.voiceIntegrity };
    carried.view.resources.voiceIntegritySid = sid;
    carried.view.voiceIntegrity = {
      ...bundle('trust-product', voiceIntegrity),
      sid,
      product: 'voice-integrity',
    };
  }
  const onboarding = new Onboarding({ onboardingId: carried.view.id, request: carried.request, carried });
  onboarding.settingsRead(SETTINGS);
  return onboarding;
}

test('with no expiry in sight the approvals are re-read weekly', () => {
  assert.equal(msUntilApprovalCheck(served(null), NOW), 7 * DAY);
});

test('an expiry far ahead is re-read 30 days before it (at most a week from now)', () => {
  const in40Days = new Date(NOW + 40 * DAY).toISOString();
  assert.equal(EXPIRY_LEAD_MS, 30 * DAY);
  assert.equal(msUntilApprovalCheck(served(in40Days), NOW), 7 * DAY);
  const in32Days = new Date(NOW + 32 * DAY).toISOString();
  assert.equal(msUntilApprovalCheck(served(in32Days), NOW), 2 * DAY);
});

test('within the lead the next read is just after the expiry, then daily once it has passed', () => {
  const in10Days = new Date(NOW + 10 * DAY).toISOString();
  assert.equal(msUntilApprovalCheck(served(in10Days), NOW), 10 * DAY + 60_000);
  const yesterday = new Date(NOW - DAY).toISOString();
  assert.equal(msUntilApprovalCheck(served(yesterday), NOW), DAY);
});

test('an add-on in vetting is polled as a vetting wait is; an approved one is not', () => {
  assert.equal(msUntilApprovalCheck(served(null, 'in-review'), NOW), SETTINGS.vettingPollIntervalMs);
  assert.equal(msUntilApprovalCheck(served(null, 'twilio-approved'), NOW), 7 * DAY);
});
