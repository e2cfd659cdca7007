/**
 * Visibility rows checked against the workflow's contract before GET /v1/onboardings lists them
 * (src/api/listed-onboardings.ts). The rows are built as Temporal's raw visibility call returns them,
 * search attributes encoded by the SDK's own converter; test/api/listing.test.ts plants the same kinds
 * of run on a real server.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { temporal } from '@temporalio/proto';
import { listedOnboarding, listedOnboardings } from '../../src/api/listed-onboardings.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import {
  CustomerId,
  CustomerProfileStatus,
  OnboardingProblem,
  OnboardingStatus,
  OnboardingStep,
  TrustProductStatus,
} from '../../src/contract/search-attributes.js';

const STARTED = new Date('2026-12-01T10:00:00.000Z');

/** One row as visibility returns it; `attributes` replace the real onboarding's. */
function execution(
  workflowId: string,
  attributes: Partial<Record<'customerId' | 'status' | 'step' | 'profile' | 'product' | 'problem', string>>,
  type = WORKFLOW_TYPE,
): temporal.api.workflow.v1.IWorkflowExecutionInfo {
  const pairs: SearchAttributeUpdatePair[] = [];
  if (attributes.customerId !== undefined) pairs.push({ key: CustomerId, value: attributes.customerId });
  if (attributes.status !== undefined) pairs.push({ key: OnboardingStatus, value: attributes.status });
  if (attributes.step !== undefined) pairs.push({ key: OnboardingStep, value: attributes.step });
  if (attributes.profile !== undefined) pairs.push({ key: CustomerProfileStatus, value: attributes.profile });
  if (attributes.product !== undefined) pairs.push({ key: TrustProductStatus, value: attributes.product });
  if (attributes.problem !== undefined) pairs.push({ key: OnboardingProblem, value: attributes.problem });
  return {
    execution: { workflowId, runId: '0195c6d4-0000-7000-8000-000000000000' },
    type: { name: type },
    startTime: msToTs(STARTED.getTime()),
    status: 1,
    searchAttributes: { indexedFields: encodeUnifiedSearchAttributes(undefined, pairs) },
  };
}

const acme = {
  customerId: 'acme-dental',
  status: 'running',
  step: 'waiting-for-customer-profile-vetting',
  profile: 'in-review',
  product: 'none',
};

describe('listedOnboarding', () => {
  test("the API's own onboarding is listed with every attribute", () => {
    assert.deepEqual(listedOnboarding(execution('onboarding-acme-dental', acme)), {
      row: {
        id: 'onboarding-acme-dental',
        customerId: 'acme-dental',
        status: 'running',
        step: 'waiting-for-customer-profile-vetting',
        customerProfileStatus: 'in-review',
        trustProductStatus: 'none',
        waitingSince: null,
        problem: null,
        startedAt: STARTED.toISOString(),
        temporalStatus: 'RUNNING',
      },
    });
  });

  test('the problem in brief is listed as the workflow writes it: a kind, then its codes', () => {
    for (const problem of ['rejection 18601', 'phone-numbers 20409', 'evaluation', 'pre-check 18606']) {
      const checked = listedOnboarding(execution('onboarding-acme-dental', { ...acme, problem }));
      assert.ok('row' in checked);
      assert.equal(checked.row.problem, problem);
    }
  });

  test('a run started but not picked up yet (no step, no bundles) is listed', () => {
    const checked = listedOnboarding(
      execution('onboarding-acme-dental', { customerId: 'acme-dental', status: 'running' }),
    );
    assert.ok('row' in checked);
    assert.deepEqual([checked.row.status, checked.row.step], ['running', null]);
  });

  test('a planted run is dropped, with the reason', () => {
    const cases: [string, ReturnType<typeof execution>][] = [
      ['workflow-type', execution('onboarding-acme-dental', acme, 'somethingElse')],
      ['workflow-id', execution('planted-acme-dental', acme)],
      // Another ID of the onboarding's format, claiming the victim's customer ID.
      ['workflow-id', execution('onboarding-decoy', acme)],
      ['workflow-id', execution('onboarding-acme-dental', { ...acme, customerId: 'acme-dental-2' })],
      ['customer-id', execution('onboarding-acme-dental', { ...acme, customerId: undefined })],
      ['workflow-id', execution('onboarding-=HYPERLINK("x")', { ...acme, customerId: '=HYPERLINK("x")' })],
      ['customer-id', execution('onboarding-acme-dental', { ...acme, customerId: 'acme dental' })],
      ['status', execution('onboarding-acme-dental', { ...acme, status: '=HYPERLINK("https://evil")' })],
      ['status', execution('onboarding-acme-dental', { ...acme, status: 'Running' })],
      ['step', execution('onboarding-acme-dental', { ...acme, step: 'wire-the-money' })],
      ['bundle-status', execution('onboarding-acme-dental', { ...acme, profile: 'approved-by-me' })],
      ['bundle-status', execution('onboarding-acme-dental', { ...acme, product: '@cmd' })],
      ['problem', execution('onboarding-acme-dental', { ...acme, problem: '=HYPERLINK("https://evil")' })],
      ['problem', execution('onboarding-acme-dental', { ...acme, problem: 'rejection 18601; call us' })],
    ];
    for (const [reason, row] of cases) {
      assert.deepEqual(listedOnboarding(row), { dropped: reason }, JSON.stringify(row.execution));
    }
  });

  test('listedOnboardings keeps the good rows in order and counts the rest by reason', () => {
    const { rows, dropped } = listedOnboardings([
      execution('onboarding-acme-dental', acme),
      execution('planted-1', acme),
      execution('onboarding-cedar-law', { ...acme, customerId: 'cedar-law' }),
      execution('onboarding-decoy', acme),
      execution('onboarding-blue', { ...acme, customerId: 'blue', step: 'nope' }),
    ]);
    assert.deepEqual(
      rows.map((r) => r.id),
      ['onboarding-acme-dental', 'onboarding-cedar-law'],
    );
    assert.deepEqual(dropped, { 'workflow-id': 2, step: 1 });
  });
});
