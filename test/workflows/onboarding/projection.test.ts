/**
 * The projection (src/workflows/onboarding/projection.ts) on its own: the view every query answers, the
 * Web UI's current details, the search attributes a change writes, and the timeline's folding of steps
 * that found nothing to do. Plain data in and out, without a server.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TypedSearchAttributes } from '@temporalio/common';
import type { TimelineEntry, TwilioOutage } from '../../../src/contract/types.js';
import {
  BundleSids,
  CustomerId,
  CustomerProfileStatus,
  OnboardingProblem,
  OnboardingStatus,
  OnboardingStep,
  TrustProductStatus,
  TwilioFailingSince,
} from '../../../src/contract/search-attributes.js';
import {
  CHECKED_NOTHING_TO_DO,
  answer,
  changedSearchAttributes,
  describe,
  foldIdleStep,
  type IdleSteps,
} from '../../../src/workflows/onboarding/projection.js';
import {
  NUMBER_SID,
  PROFILE_SID,
  SETTINGS,
  TRUST_PRODUCT_SID,
  bundle,
  servedState,
} from '../../support/carried-state.js';

const FOREIGN_SID = `BU${'9'.repeat(32)}`;
const outage: TwilioOutage = {
  operation: 'fetchBundle',
  since: '2026-12-01T10:00:00.000Z',
  attempts: 4,
  lastError: { message: 'Service Unavailable', status: 503 },
} as TwilioOutage;

test("the view gives each number its attestation and redacts SIDs that are not the customer's", () => {
  const carried = servedState({
    trustProduct: bundle('trust-product', 'twilio-rejected', {
      errors: [{ code: 22217, meaning: `the end user is also on ${FOREIGN_SID}` }],
    }),
  });
  const view = answer(carried, SETTINGS);
  assert.equal(view.phoneNumbers[0]?.sid, NUMBER_SID);
  assert.notEqual(view.phoneNumbers[0]?.attestation, 'A', 'a rejected trust product signs no A');
  const text = JSON.stringify(view);
  assert.ok(!text.includes(FOREIGN_SID), 'a SID of another customer never leaves the run');
  assert.ok(text.includes(TRUST_PRODUCT_SID), "the customer's own SIDs stay readable");
});

test('current details: one Markdown paragraph per line, the outage with its remedy, the bundles', () => {
  const carried = { ...servedState(), twilioOutage: outage };
  const details = describe(carried).split('\n\n');
  assert.equal(details[0], '**completed** — serving');
  assert.ok(details.includes(`Customer profile ${PROFILE_SID}: twilio-approved`), details.join('\n'));
  assert.ok(details.includes(`SHAKEN/STIR trust product ${TRUST_PRODUCT_SID}: twilio-approved`));
  assert.ok(details.some((line) => line.startsWith('Twilio failing (twilio-unavailable): ')));
  assert.ok(details.some((line) => line.startsWith('Told after 4 failed attempts of fetchBundle')));
});

test('only the search attributes that differ from what the run has set are written', () => {
  const carried = servedState();
  const fresh = changedSearchAttributes(carried, null, new TypedSearchAttributes());
  // A first upsert writes every attribute that has a value (an unset one equals null already).
  assert.deepEqual(
    fresh.map((pair) => pair.key.name),
    [CustomerId, OnboardingStatus, OnboardingStep, CustomerProfileStatus, TrustProductStatus, BundleSids].map(
      (key) => key.name,
    ),
  );
  const set = new TypedSearchAttributes().updateCopy(fresh);
  assert.deepEqual(changedSearchAttributes(carried, null, set), [], 'nothing changed, nothing written');

  carried.view.status = 'action-required';
  carried.view.problem = { kind: 'approval-lost', message: 'lost', codes: [], failures: [] };
  assert.deepEqual(
    changedSearchAttributes(carried, null, set).map(({ key, value }) => [key.name, value]),
    [
      [OnboardingStatus.name, 'action-required'],
      [OnboardingProblem.name, 'approval-lost'],
    ],
  );
});

test('TwilioFailingSince is written only by a run that heard of an outage, and cleared after it', () => {
  const carried = servedState();
  const keys = (set: TypedSearchAttributes) =>
    changedSearchAttributes(carried, null, set).map((p) => p.key.name);
  assert.ok(!keys(new TypedSearchAttributes()).includes(TwilioFailingSince.name));
  carried.twilioOutage = outage;
  const failing = changedSearchAttributes(carried, null, new TypedSearchAttributes());
  assert.deepEqual(
    failing.find((p) => p.key.name === TwilioFailingSince.name)?.value,
    new Date('2026-12-01T10:00:00.000Z'),
  );
  const set = new TypedSearchAttributes().updateCopy(failing);
  delete carried.twilioOutage;
  const cleared = changedSearchAttributes(carried, null, set);
  assert.deepEqual(
    cleared.map(({ key, value }) => [key.name, value]),
    [
      [OnboardingProblem.name, null],
      [TwilioFailingSince.name, null],
    ],
  );
});

test('steps that found nothing to do in one workflow task fold into one entry naming them', () => {
  const timeline: TimelineEntry[] = [];
  const steps: IdleSteps = {};
  const step = (name: string, task: number) => {
    foldIdleStep(timeline, steps, task);
    timeline.push({ at: `2026-12-01T10:00:0${task}.000Z`, event: `step: ${name}` });
    steps.last = { entry: timeline.at(-1)!, task };
  };
  step('creating-customer-profile', 5);
  step('attaching-address', 5);
  step('attaching-business-information', 5);
  // The next step begins in a later task: this one ran something (an activity), and stays.
  step('submitting-customer-profile', 7);
  const events = () => timeline.map(({ event, detail }) => (detail ? `${event}: ${detail}` : event));
  assert.deepEqual(events(), [
    `${CHECKED_NOTHING_TO_DO}: creating-customer-profile, attaching-address`,
    'step: attaching-business-information',
    'step: submitting-customer-profile',
  ]);
  // A step with a note after it stays too, even when the next one begins in the same task.
  timeline.push({ at: '2026-12-01T10:00:07.000Z', event: 'customer-profile BU…: pending-review' });
  step('waiting-for-customer-profile', 7);
  assert.deepEqual(events().slice(-3), [
    'step: submitting-customer-profile',
    'customer-profile BU…: pending-review',
    'step: waiting-for-customer-profile',
  ]);
});
