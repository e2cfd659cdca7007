/**
 * What a start answers, found on the Temporal server alone (src/api/onboardings-client.ts `start`):
 *
 * - The start is sent with `USE_EXISTING`, and the server says whether it made the run: made, it is
 *   `created`, with the first record's status and step (the run has not run yet).
 * - Met a running one: `describe` reads the run's memo, which keeps the SHA-256 digest of the body the
 *   run was started with (and, from the `start-memo` patch, of the body as corrected so far), and its
 *   search attributes, which the workflow keeps at its status and step. The same digest is the same
 *   request: answered from those, `created: false`.
 * - Anything else (another digest, a run that keeps none, a memo that does not decrypt, a run of
 *   another type at the ID) is the workflow's to judge: the `startOnboarding` update compares the
 *   bodies and names the differing fields (409), or finds the body as corrected so far (200).
 */
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { WORKFLOW_TYPE } from '../contract/messages.js';
import { OnboardingStatus, OnboardingStep } from '../contract/search-attributes.js';
import type { OnboardingView } from '../contract/types.js';
import { ONBOARDING_STATUSES, ONBOARDING_STEPS } from '../contract/vocabulary.js';
import type { StartMemo } from '../contract/request-identity.js';

/** The answer to a start: whether this start made the onboarding, and where it is. */
export interface StartedOnboarding {
  created: boolean;
  status: OnboardingView['status'];
  step: OnboardingView['step'];
}

/** Where a run is before its first workflow task: the record the workflow starts from. */
export const FIRST_STATUS: OnboardingView['status'] = 'running';
export const FIRST_STEP: OnboardingView['step'] = 'creating-customer-profile';

/** The memo a run is started with: its request's digest (the workflow adds the corrected body's). */
export function startMemo(requestDigest: string): StartMemo {
  return { requestDigest };
}

export function createdOnboarding(): StartedOnboarding {
  return { created: true, status: FIRST_STATUS, step: FIRST_STEP };
}

const isStatus = (value: unknown): value is OnboardingView['status'] =>
  (ONBOARDING_STATUSES as readonly unknown[]).includes(value);
const isStep = (value: unknown): value is OnboardingView['step'] =>
  (ONBOARDING_STEPS as readonly unknown[]).includes(value);

/**
 * The answer to a start that met `found`, when its memo says it was started (or corrected) with the
 * body of digest `digest`; undefined when the server alone cannot tell.
 */
export function foundOnboarding(
  found: Pick<WorkflowExecutionDescription, 'type' | 'memo' | 'typedSearchAttributes'>,
  digest: string,
): StartedOnboarding | undefined {
  if (found.type !== WORKFLOW_TYPE) return undefined;
  const memo = found.memo as Partial<StartMemo> | undefined;
  if (memo?.requestDigest !== digest && memo?.correctedRequestDigest !== digest) return undefined;
  const status = found.typedSearchAttributes.get(OnboardingStatus);
  const step = found.typedSearchAttributes.get(OnboardingStep);
  if (!isStatus(status) || !isStep(step)) return undefined;
  return { created: false, status, step };
}
