/** The `twilio-unavailable` problem the run shows while Twilio fails its calls (src/workflows/onboarding/twilio-outage.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOutage, outageProblem } from '../../src/workflows/onboarding/twilio-outage.js';
import { TWILIO_STATUS_PAGE } from '../../src/contract/remedies.js';
import { RECORDED_OUTAGE } from '../support/outage.js';

const outage = RECORDED_OUTAGE;

describe('outageProblem', () => {
  it('says since when, what fails, that there is nothing to send, and where Twilio reports its status', () => {
    const problem = outageProblem(outage);
    assert.equal(problem.kind, 'twilio-unavailable');
    assert.deepEqual(problem.outage, outage);
    assert.deepEqual([problem.codes, problem.failures], [[], []]);
    for (const part of [outage.since, 'createBundle', 'HTTP 500']) {
      assert.ok(problem.message.includes(part), `${part} in ${problem.message}`);
    }
    assert.match(problem.remedy ?? '', /^Nothing to send: .*retries until Twilio answers/);
    assert.ok(problem.remedy?.includes(TWILIO_STATUS_PAGE));
    assert.deepEqual([problem.fields, problem.fix], [[], null], 'no field to change, no call to make');
  });
});

describe('isOutage', () => {
  it('takes what the activity sends and drops anything malformed', () => {
    assert.ok(isOutage(outage));
    assert.ok(!isOutage(undefined));
    assert.ok(!isOutage({ ...outage, since: 'yesterday' }));
    assert.ok(!isOutage({ ...outage, attempts: '3' }));
    assert.ok(!isOutage({ ...outage, lastError: null }));
  });
});
