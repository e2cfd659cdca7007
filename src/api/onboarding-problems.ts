/**
 * Temporal's answers to the onboardings client, as HTTP: the one place they are mapped. The routes let
 * them through and the app's error handler (plugins/errors.ts) asks `onboardingProblem` for the status
 * and body: no such onboarding (404), a customer whose onboarding already completed (409), and an
 * update the workflow refused, in the workflow's own words, by the ApplicationFailure type its
 * validator raised (src/contract/messages.ts lists them beside each message). Anything else is not an
 * onboarding's answer, and the handler treats it as any error.
 */
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
} from '../contract/messages.js';
import { customerIdOf } from '../contract/ids.js';
import type { OnboardingStartResult } from './plugins/metrics.js';
import type { ErrorBody, FieldError } from './plugins/errors.js';

export interface Problem {
  status: number;
  body: ErrorBody;
}

function problem(status: number, code: string, message: string, fields?: FieldError[]): Problem {
  return { status, body: { error: { code, message, ...(fields ? { fields } : {}) } } };
}

/** The 404 of an onboarding that does not run: Temporal's not-found, or a relayed call's. */
export function unknownOnboarding(id: string): ErrorBody {
  return problem(404, 'not_found', `No onboarding ${id}`).body;
}

/** The refusals a workflow update raises, by ApplicationFailure type: the HTTP status and error code. */
const UPDATE_REFUSALS: Record<string, [status: number, code: string]> = {
  [StartRefusal.DifferentRequest]: [409, 'different_request'],
  [CorrectionRefusal.NotWaiting]: [409, 'not_waiting_for_corrections'],
  [CorrectionRefusal.Invalid]: [400, 'invalid_corrections'],
  [NumberChangeRefusal.NotServing]: [409, 'not_approved_yet'],
  [NumberChangeRefusal.Offboarding]: [409, 'offboarding'],
  [NumberChangeRefusal.Invalid]: [400, 'invalid_phone_numbers'],
  [NumberChangeRefusal.UnknownNumber]: [404, 'unknown_phone_number'],
  [NumberChangeRefusal.TwilioRefused]: [422, 'twilio_refused'],
  // ProductRefusal.NotServing and .Offboarding are the number changes' own types: the same answers.
  [ProductRefusal.AlreadyRequested]: [409, 'product_already_requested'],
  [ProductRefusal.Invalid]: [400, 'invalid_products'],
  [ProductRefusal.TwilioRefused]: [422, 'twilio_refused'],
};

/** The refusals whose details are field paths: named in `fields`, each with why. */
const FIELD_RULES: Record<string, string> = {
  [StartRefusal.DifferentRequest]: 'differs from the request this onboarding was started with',
};

/**
 * Every refused adoption, whatever its reason and whatever the workflow said: one status, one body,
 * byte for byte. A refusal that differed by reason would confirm a guessed name or EIN for a known SID.
 */
const ADOPTION_REFUSALS: ReadonlySet<string> = new Set([StartRefusal.AdoptionRefused]);

/** A refused update in the workflow's own words; undefined for any other failure of an update. */
function updateRefusal(error: WorkflowUpdateFailedError): Problem | undefined {
  if (!(error.cause instanceof ApplicationFailure)) return undefined;
  const { type, message, details } = error.cause;
  if (type && ADOPTION_REFUSALS.has(type)) return problem(422, 'adoption_refused', ADOPTION_REFUSED_MESSAGE);
  const refusal = type ? UPDATE_REFUSALS[type] : undefined;
  if (!refusal) return undefined;
  const strings = details?.every((d): d is string => typeof d === 'string') ? details : undefined;
  const fieldRule = type ? FIELD_RULES[type] : undefined;
  const fields = fieldRule
    ? strings?.map((field) => ({ field, rule: fieldRule }))
    : refusal[0] === 400
      ? strings?.map((rule) => ({ field: rule.split(' ')[0] ?? 'body', rule }))
      : undefined;
  return problem(refusal[0], refusal[1], message, fields);
}

/** The answer to an error the onboardings client raised, or undefined when it is not an onboarding's. */
export function onboardingProblem(error: unknown): Problem | undefined {
  if (error instanceof WorkflowNotFoundError) {
    return { status: 404, body: unknownOnboarding(error.workflowId) };
  }
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    // The reuse policy refused a new run: the customer's last one completed (runs from before the
    // workflow served customers after approval did).
    const id = error.workflowId;
    return problem(
      409,
      'already_onboarded',
      `Customer ${customerIdOf(id)} already completed its onboarding (${id}); see GET /v1/onboardings/${id}.`,
    );
  }
  if (error instanceof WorkflowUpdateFailedError) return updateRefusal(error);
  return undefined;
}

/** How a start that failed is counted (plugins/metrics.ts): a completed customer, or refused. */
export function failedStartResult(error: unknown): OnboardingStartResult {
  return error instanceof WorkflowExecutionAlreadyStartedError ? 'already_onboarded' : 'refused';
}
