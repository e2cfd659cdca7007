/**
 * Temporal's answers as HTTP (src/api/onboarding-problems.ts), the one map the app's error handler
 * reads: the status, code, message and fields a client gets for each refusal the workflow raises, for
 * an onboarding that does not run and for a customer already onboarded. Built from the SDK's own error
 * types, as the client throws them; the stack tests see the same answers end to end.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  ADOPTION_REFUSED_MESSAGE,
  CorrectionRefusal,
  NumberChangeRefusal,
  ProductRefusal,
  StartRefusal,
} from '../../src/contract/messages.js';
import { failedStartResult, onboardingProblem } from '../../src/api/onboarding-problems.js';

/** An update the workflow's validator refused with this type, message and details. */
const refused = (type: string, message: string, details?: unknown[]) =>
  new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({ type, message, nonRetryable: true, ...(details ? { details } : {}) }),
  );

describe('onboardingProblem', () => {
  test('an onboarding that does not run is a 404 naming it', () => {
    const error = new WorkflowNotFoundError('workflow not found', 'onboarding-acme', undefined);
    assert.deepEqual(onboardingProblem(error), {
      status: 404,
      body: { error: { code: 'not_found', message: 'No onboarding onboarding-acme' } },
    });
  });

  test('a customer whose onboarding completed is a 409 pointing at its record', () => {
    const error = new WorkflowExecutionAlreadyStartedError(
      'Workflow execution already started',
      'onboarding-acme.dental',
      'shakenStirOnboarding',
    );
    assert.deepEqual(onboardingProblem(error), {
      status: 409,
      body: {
        error: {
          code: 'already_onboarded',
          message:
            'Customer acme.dental already completed its onboarding (onboarding-acme.dental); see GET /v1/onboardings/onboarding-acme.dental.',
        },
      },
    });
  });

  test('a different request names each differing field, never its value', () => {
    const problem = onboardingProblem(
      refused(StartRefusal.DifferentRequest, 'This customer was started with another request', [
        'email',
        'business.name',
      ]),
    );
    assert.equal(problem?.status, 409);
    assert.deepEqual(problem?.body.error, {
      code: 'different_request',
      message: 'This customer was started with another request',
      fields: [
        { field: 'email', rule: 'differs from the request this onboarding was started with' },
        { field: 'business.name', rule: 'differs from the request this onboarding was started with' },
      ],
    });
  });

  test("a 400 refusal lists the workflow's rules, each under the field it starts with", () => {
    const problem = onboardingProblem(
      refused(NumberChangeRefusal.Invalid, 'Invalid numbers', ['phoneNumbers.0 must be E.164', 'oops']),
    );
    assert.equal(problem?.status, 400);
    assert.deepEqual(problem?.body.error, {
      code: 'invalid_phone_numbers',
      message: 'Invalid numbers',
      fields: [
        { field: 'phoneNumbers.0', rule: 'phoneNumbers.0 must be E.164' },
        { field: 'oops', rule: 'oops' },
      ],
    });
  });

  test('each refusal type has its status and code; only 400s and field paths carry fields', () => {
    const cases: [string, number, string][] = [
      [CorrectionRefusal.NotWaiting, 409, 'not_waiting_for_corrections'],
      [CorrectionRefusal.Invalid, 400, 'invalid_corrections'],
      [NumberChangeRefusal.NotServing, 409, 'not_approved_yet'],
      [NumberChangeRefusal.Offboarding, 409, 'offboarding'],
      [NumberChangeRefusal.UnknownNumber, 404, 'unknown_phone_number'],
      [NumberChangeRefusal.TwilioRefused, 422, 'twilio_refused'],
      [ProductRefusal.NotServing, 409, 'not_approved_yet'],
      [ProductRefusal.Offboarding, 409, 'offboarding'],
      [ProductRefusal.AlreadyRequested, 409, 'product_already_requested'],
      [ProductRefusal.Invalid, 400, 'invalid_products'],
      [ProductRefusal.TwilioRefused, 422, 'twilio_refused'],
    ];
    for (const [type, status, code] of cases) {
      const problem = onboardingProblem(refused(type, `refused: ${type}`, ['cnam.displayName is generic']));
      assert.equal(problem?.status, status, type);
      assert.equal(problem?.body.error.code, code, type);
      assert.equal(problem?.body.error.message, `refused: ${type}`, type);
      assert.equal('fields' in (problem?.body.error ?? {}), status === 400, type);
    }
    // Details that are not all strings are not shown.
    const mixed = onboardingProblem(refused(ProductRefusal.Invalid, 'Invalid products', ['a rule', 42]));
    assert.deepEqual(mixed?.body.error, { code: 'invalid_products', message: 'Invalid products' });
  });

  test('every refused adoption is one 422 with one message, whatever the workflow said', () => {
    const answers = [
      refused(StartRefusal.AdoptionRefused, 'The EIN differs', ['business.registrationIdentifier']),
      refused(StartRefusal.AdoptionRefused, 'Owned by onboarding-other'),
    ].map(onboardingProblem);
    for (const answer of answers) {
      assert.deepEqual(answer, {
        status: 422,
        body: { error: { code: 'adoption_refused', message: ADOPTION_REFUSED_MESSAGE } },
      });
    }
  });

  test("what is not an onboarding's answer is left to the error handler", () => {
    assert.equal(onboardingProblem(refused('SomethingElse', 'unheard of')), undefined);
    assert.equal(onboardingProblem(new WorkflowUpdateFailedError('failed', new Error('boom'))), undefined);
    assert.equal(onboardingProblem(new WorkflowUpdateFailedError('failed', undefined)), undefined);
    assert.equal(onboardingProblem(new Error('connection refused')), undefined);
    assert.equal(
      onboardingProblem(ApplicationFailure.create({ type: StartRefusal.DifferentRequest })),
      undefined,
    );
  });
});

describe('failedStartResult', () => {
  test('a completed customer is counted apart; any other failure is a refusal', () => {
    const started = new WorkflowExecutionAlreadyStartedError(
      'started',
      'onboarding-acme',
      'shakenStirOnboarding',
    );
    assert.equal(failedStartResult(started), 'already_onboarded');
    assert.equal(failedStartResult(refused(StartRefusal.DifferentRequest, 'different')), 'refused');
    assert.equal(failedStartResult(new Error('Temporal is down')), 'refused');
  });
});
