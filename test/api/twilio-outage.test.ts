/**
 * The live figures GET /v1/onboardings/:id adds to a recorded Twilio outage (src/api/twilio-outage.ts),
 * from the run's pending activities as describe() gives them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { liveOutage, type PendingCall } from '../../src/api/twilio-outage.js';
import { RECORDED_OUTAGE } from '../support/outage.js';

const recorded = RECORDED_OUTAGE;

const unavailable = (status: number) =>
  ApplicationFailure.create({
    type: 'TwilioUnavailable',
    message: `Twilio is unavailable (HTTP ${status})`,
    details: [{ status, code: null, message: 'x', moreInfo: null }],
  });

const call = (overrides: Partial<PendingCall>): PendingCall => ({
  operation: 'createBundle',
  attempt: 7,
  nextAttemptAt: new Date('2026-12-07T10:05:00.000Z'),
  lastFailure: unavailable(503),
  ...overrides,
});

describe('liveOutage', () => {
  it('takes the attempts failed so far, the last error and the next try from the failing call', () => {
    assert.deepEqual(liveOutage(recorded, [call({})]), {
      ...recorded,
      attempts: 6,
      lastError: { type: 'TwilioUnavailable', status: 503, code: null, message: 'Twilio answered HTTP 503' },
      nextAttemptAt: '2026-12-07T10:05:00.000Z',
    });
  });

  it('says null for the next try while an attempt is under way, and keeps since', () => {
    const live = liveOutage(recorded, [call({ nextAttemptAt: null })]);
    assert.equal(live.nextAttemptAt, null);
    assert.equal(live.since, recorded.since);
  });

  it('prefers the recorded operation among several pending calls, and skips calls not failing at Twilio', () => {
    const live = liveOutage(recorded, [
      call({ operation: 'fetchBundle', lastFailure: new Error('worker lost') }),
      call({ operation: 'listAssignments', attempt: 4 }),
      call({ operation: 'createBundle', attempt: 9 }),
    ]);
    assert.equal(live.operation, 'createBundle');
    assert.equal(live.attempts, 8);
  });

  it('is the recorded outage when no pending call fails at Twilio (it is answering again)', () => {
    assert.deepEqual(liveOutage(recorded, [call({ lastFailure: undefined })]), recorded);
    assert.deepEqual(liveOutage(recorded, []), recorded);
  });
});
