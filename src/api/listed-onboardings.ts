/**
 * GET /v1/onboardings' rows, from what Temporal visibility returns, checked against the workflow's
 * contract before anything is listed. Visibility is not the service's own record: anyone who can reach
 * Temporal's port (or its Web UI with write actions on) can start a run of the onboarding's type with
 * any ID and any search attributes. Listed as it came, such a run told `import` that a real customer
 * was already onboarding (so it was skipped), and put its own text in the cells of `report --csv`.
 *
 * A row is listed only when it is what the API itself would have started: the onboarding's workflow
 * type, a workflow ID of the onboarding's format that is exactly the one derived from its CustomerId
 * (which has the customer ID's format), and status, step and bundle statuses that are values the
 * workflow writes (or not written yet: a run the worker has not picked up has no step). The rest are
 * dropped and counted by reason; their IDs and attributes are not logged, since they are whatever the
 * planter wrote, customer IDs included.
 */
import type { temporal } from '@temporalio/proto';
import { decodeTypedSearchAttributes, optionalTsToDate } from '../temporal/sdk-internals.js';
import {
  BUNDLE_STATUSES,
  ONBOARDING_STATUSES,
  ONBOARDING_STEPS,
  PROBLEM_KINDS,
} from '../contract/vocabulary.js';
import { CUSTOMER_ID_PATTERN, ONBOARDING_ID_PATTERN, onboardingIdFor } from '../contract/ids.js';
import { WORKFLOW_TYPE } from '../contract/messages.js';
import {
  CustomerId,
  CustomerProfileStatus,
  OnboardingStatus,
  OnboardingStep,
  TrustProductStatus,
  WaitingSince,
  OnboardingProblem,
} from '../contract/search-attributes.js';
import { executionStatusName } from '../temporal/execution-status.js';

export interface ListedOnboarding {
  id: string;
  customerId: string;
  status: string | null;
  step: string | null;
  customerProfileStatus: string | null;
  trustProductStatus: string | null;
  waitingSince: string | null;
  /** The problem in brief: its kind, then its codes (`rejection 18601`); null without one. */
  problem: string | null;
  startedAt: string;
  temporalStatus: string;
}

/** Why a row was dropped: fixed words, safe to log. */
export type DropReason =
  | 'workflow-type'
  | 'workflow-id'
  | 'customer-id'
  | 'status'
  | 'step'
  | 'bundle-status'
  | 'problem'
  | 'start-time';

const ONBOARDING_ID = new RegExp(ONBOARDING_ID_PATTERN);
const CUSTOMER_ID = new RegExp(CUSTOMER_ID_PATTERN);
/** What the workflow writes as a bundle's status: Twilio's, or `none` before the bundle exists. */
const BUNDLE_STATUS_VALUES: readonly string[] = [...BUNDLE_STATUSES, 'none'];

/** What the workflow writes as OnboardingProblem: a problem kind, then Twilio's codes. */
const PROBLEM_BRIEF = new RegExp(`^(${PROBLEM_KINDS.join('|')})( \\d{1,9})*$`);

/** Absent, or one of `known`. */
const knownOrAbsent = (value: string | undefined, known: readonly string[]) =>
  value === undefined || known.includes(value);

/** The row to list for one execution, or why it does not belong in the list. */
export function listedOnboarding(
  execution: temporal.api.workflow.v1.IWorkflowExecutionInfo,
): { row: ListedOnboarding } | { dropped: DropReason } {
  if (execution.type?.name !== WORKFLOW_TYPE) return { dropped: 'workflow-type' };
  const id = execution.execution?.workflowId ?? '';
  if (!ONBOARDING_ID.test(id)) return { dropped: 'workflow-id' };
  const attributes = decodeTypedSearchAttributes(execution.searchAttributes?.indexedFields);
  const customerId = attributes.get(CustomerId);
  if (customerId === undefined || !CUSTOMER_ID.test(customerId)) return { dropped: 'customer-id' };
  // The ID the API derives from the customer, and no other: a run under another ID is not this
  // customer's onboarding, whatever its CustomerId says.
  if (onboardingIdFor(customerId) !== id) return { dropped: 'workflow-id' };
  const status = attributes.get(OnboardingStatus);
  if (!knownOrAbsent(status, ONBOARDING_STATUSES)) return { dropped: 'status' };
  const step = attributes.get(OnboardingStep);
  if (!knownOrAbsent(step, ONBOARDING_STEPS)) return { dropped: 'step' };
  const customerProfileStatus = attributes.get(CustomerProfileStatus);
  const trustProductStatus = attributes.get(TrustProductStatus);
  if (
    !knownOrAbsent(customerProfileStatus, BUNDLE_STATUS_VALUES) ||
    !knownOrAbsent(trustProductStatus, BUNDLE_STATUS_VALUES)
  ) {
    return { dropped: 'bundle-status' };
  }
  const problem = attributes.get(OnboardingProblem);
  if (problem !== undefined && problem !== '' && !PROBLEM_BRIEF.test(problem)) return { dropped: 'problem' };
  const startedAt = optionalTsToDate(execution.startTime);
  if (!startedAt) return { dropped: 'start-time' };
  return {
    row: {
      id,
      customerId,
      status: status ?? null,
      step: step ?? null,
      customerProfileStatus: customerProfileStatus ?? null,
      trustProductStatus: trustProductStatus ?? null,
      waitingSince: attributes.get(WaitingSince)?.toISOString() ?? null,
      problem: problem || null,
      startedAt: startedAt.toISOString(),
      temporalStatus: executionStatusName(execution.status),
    },
  };
}

/** The rows of one visibility page that keep the contract, and how many were dropped for each reason. */
export function listedOnboardings(executions: temporal.api.workflow.v1.IWorkflowExecutionInfo[]): {
  rows: ListedOnboarding[];
  dropped: Partial<Record<DropReason, number>>;
} {
  const rows: ListedOnboarding[] = [];
  const dropped: Partial<Record<DropReason, number>> = {};
  for (const execution of executions) {
    const checked = listedOnboarding(execution);
    if ('row' in checked) rows.push(checked.row);
    else dropped[checked.dropped] = (dropped[checked.dropped] ?? 0) + 1;
  }
  return { rows, dropped };
}
