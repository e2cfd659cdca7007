/**
 * The status machine (src/workflows/onboarding/lifecycle.ts) on its own: each change of the record's
 * status with its timeline entry, the adoption a start waits on, and what the approvals call for while
 * serving. Plain data, without a server.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TwilioOutage } from '../../../src/contract/types.js';
import {
  approvalsVerdict,
  cancelled,
  complete,
  fail,
  productsPending,
  requireAction,
  resume,
  settledAdoption,
} from '../../../src/workflows/onboarding/lifecycle.js';
import { BOTH_ADD_ONS } from '../../support/customers.js';
import { bundle, servedState } from '../../support/carried-state.js';

const events = (carried: ReturnType<typeof servedState>) => carried.view.timeline.map((e) => e.event);
const VI_SID = `BU${'c'.repeat(32)}`;

/** Served, with Voice Integrity asked for and its trust product in the given status. */
function withVoiceIntegrity(status: 'in-review' | 'twilio-approved' | 'twilio-rejected') {
  const carried = servedState({ status: 'running' });
  carried.request = { ...carried.request, voiceIntegrity: BOTH_ADD_ONS.voiceIntegrity };
  carried.view.resources.voiceIntegritySid = VI_SID;
  carried.view.voiceIntegrity = {
    ...bundle('trust-product', status),
    sid: VI_SID,
    product: 'voice-integrity',
  };
  return carried;
}

test('complete: completed once every product is approved, running (done) while an add-on is in vetting', () => {
  const vetting = withVoiceIntegrity('in-review');
  complete(vetting);
  assert.equal(vetting.view.status, 'running');
  assert.equal(vetting.view.step, 'done');
  assert.deepEqual(events(vetting), ['A-level attestation']);

  const approved = servedState({ status: 'running' });
  complete(approved);
  assert.equal(approved.view.status, 'completed');
  assert.deepEqual(events(approved), ['completed']);
  complete(approved);
  assert.deepEqual(events(approved), ['completed'], 'said once');
});

test('the ISV must act, then its corrections resume the run', () => {
  const carried = servedState({ status: 'running' });
  const problem = { kind: 'rejection' as const, message: 'Twilio rejected it', codes: [], failures: [] };
  requireAction(carried.view, problem);
  assert.equal(carried.view.status, 'action-required');
  assert.deepEqual(carried.view.problem, problem);
  resume(carried.view);
  assert.equal(carried.view.status, 'running');
  assert.equal(carried.view.problem, null);
  assert.deepEqual(events(carried), ['action required']);
});

test('a failure and a cancel end the run and the outage with it; the reason is redacted once recorded', () => {
  const outage = { operation: 'fetchBundle', since: '2026-12-01T10:00:00.000Z' } as TwilioOutage;
  const failed = { ...servedState(), twilioOutage: outage };
  fail(failed, 'secret reason', undefined, (text) => text.replace('secret', '[redacted]'));
  assert.equal(failed.view.status, 'failed');
  assert.equal(failed.view.step, 'done');
  assert.equal(failed.twilioOutage, undefined);
  assert.deepEqual(failed.view.timeline.at(-1)?.detail, '[redacted] reason');

  const gone = { ...servedState(), twilioOutage: outage };
  cancelled(gone, 'offboarded');
  assert.equal(gone.view.status, 'cancelled');
  assert.equal(gone.twilioOutage, undefined);
});

test('products added to a completed customer make it running until they are approved', () => {
  const carried = withVoiceIntegrity('in-review');
  carried.view.status = 'completed';
  productsPending(carried);
  assert.equal(carried.view.status, 'running');
  assert.deepEqual(carried.view.timeline.at(-1), {
    at: carried.view.timeline.at(-1)!.at,
    event: 'products in vetting',
    detail: 'voice-integrity',
  });
});

test('a start waiting on the adoption hears it refused when the run ends; a decided one stays', () => {
  assert.equal(settledAdoption({ state: 'pending' }).state, 'refused');
  assert.deepEqual(settledAdoption({ state: 'accepted' }), { state: 'accepted' });
});

test('approvals: a lost or expired approval is a problem for the ISV', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  const rejected = servedState({
    trustProduct: bundle('trust-product', 'twilio-rejected', { errors: [{ code: 22217 }] }),
  });
  const verdict = approvalsVerdict(rejected, 'onboarding-acme', now);
  assert.ok(verdict && typeof verdict === 'object');
  assert.equal(verdict.problem.kind, 'approval-lost');
  assert.equal(verdict.problem.bundle, 'trust-product');
  assert.deepEqual(
    verdict.problem.codes.map((c) => c.code),
    [22217],
  );
  assert.match(verdict.problem.message, /SHAKEN\/STIR trust product as twilio-rejected/);

  const expired = servedState({
    customerProfile: bundle('customer-profile', 'twilio-approved', { validUntil: '2026-11-30T00:00:00Z' }),
  });
  const ranOut = approvalsVerdict(expired, 'onboarding-acme', now);
  assert.ok(ranOut && typeof ranOut === 'object');
  assert.match(ranOut.problem.message, /customer profile's approval ran out on 2026-11-30/);
  assert.equal(approvalsVerdict(expired, 'onboarding-acme', Date.parse('2026-11-29T00:00:00Z')), undefined);
});

test('approvals: a rejected add-on asks for the product again', () => {
  const verdict = approvalsVerdict(withVoiceIntegrity('twilio-rejected'), 'onboarding-acme');
  assert.ok(verdict && typeof verdict === 'object');
  assert.equal(verdict.problem.kind, 'rejection');
  assert.equal(verdict.problem.product, 'voice-integrity');
  assert.match(verdict.problem.message, /POST \/v1\/onboardings\/onboarding-acme\/products/);
});

test('approvals: nothing wrong completes the customer, or resumes it while an add-on is in vetting', () => {
  const again = servedState({ status: 'action-required' });
  assert.equal(approvalsVerdict(again, 'onboarding-acme'), 'current-again');
  assert.equal(approvalsVerdict(withVoiceIntegrity('twilio-approved'), 'onboarding-acme'), 'all-approved');
  const inVetting = withVoiceIntegrity('in-review');
  assert.equal(approvalsVerdict(inVetting, 'onboarding-acme'), undefined, 'running until it is approved');
  inVetting.view.status = 'action-required';
  assert.equal(approvalsVerdict(inVetting, 'onboarding-acme'), 'resume');
  assert.equal(approvalsVerdict(servedState(), 'onboarding-acme'), undefined, 'completed stays completed');
});
