/**
 * The why of every problem, for the ISV: what to do about it in words (`remedy`), which paths of the
 * onboarding request to change (`fields`, JSON pointers with Twilio's names beside them), and the call
 * that applies it (`fix`). A problem is recorded with Twilio's codes and field names only; this module
 * adds the rest where the problem leaves the run: the view every query and update answers, the events,
 * and the Web UI's current details (../onboarding/projection.ts). Being derived on the way out, runs already
 * in flight say it too, and nothing new is written to history.
 *
 * The words are the contract's (src/contract/remedies.ts); Twilio's names for the request's fields are
 * ./remedies/twilio-names.ts.
 *
 * Pure and deterministic (no Node built-ins, no TypeBox): the workflow bundle imports it. The remedies in
 * words are listed for people in docs/problems.md, which a test holds to the contract's table.
 */
import {
  CODE_REMEDIES,
  KIND_REMEDIES,
  NUMBER_HOLDERS,
  NUMBER_TAKEN_MEANING,
  TRUST_PRODUCT_REJECTED,
  type CodeRemedy,
} from '../contract/remedies.js';
import type { NumberHolder } from '../contract/failures.js';
import type {
  EvaluationFieldResult,
  OnboardingRecord,
  OnboardingRequest,
  PhoneNumberRef,
  Problem,
} from '../contract/types.js';
import type { OnboardingStatus } from '../contract/vocabulary.js';
import { pointerOf, twilioNameOf } from './remedies/twilio-names.js';

// The onboarding's modules read the words from here too.
export { KIND_REMEDIES, NUMBER_HOLDERS };

export type ProblemField = NonNullable<Problem['fields']>[number];
export type ProblemFix = NonNullable<Problem['fix']>;

// ---- a problem, explained ----------------------------------------------------------------------------

/** What the explanation needs of the run besides the problem. */
export interface ProblemContext {
  id: string;
  status: OnboardingStatus;
  /** The run is past approval (serving): corrections go to the products route, not PATCH. */
  serving?: boolean;
}

/** A failure with the request path it is about, when the request has one. */
export function withPointer(failure: EvaluationFieldResult): EvaluationFieldResult {
  if (failure.pointer) return failure;
  const pointer = pointerOf(failure.objectType, failure.field);
  return pointer ? { ...failure, pointer } : failure;
}

/** A failure's field in Twilio's words; one the pre-checks name in the request's words is looked up. */
function twilioNameOfFailure(failure: EvaluationFieldResult): string | undefined {
  const { objectType, field, pointer } = failure;
  if (field?.includes('.')) return pointer ? twilioNameOf(pointer) : undefined;
  return [objectType, field].filter(Boolean).join('.') || undefined;
}

/** The call that applies the remedy, or null when nothing the ISV sends does. */
function fixOf(problem: Problem, context: ProblemContext, fixable: boolean): ProblemFix | null {
  if (problem.kind === 'adoption') return { method: 'POST', path: '/v1/onboardings' };
  if (!fixable || problem.kind === 'approval-lost') return null;
  if (context.status === 'failed' || context.status === 'cancelled') return null;
  if (context.serving) {
    // Serving: a rejected Voice Integrity or CNAM is asked for again with corrected values.
    return problem.product && problem.product !== 'shaken-stir'
      ? { method: 'POST', path: `/v1/onboardings/${context.id}/products` }
      : null;
  }
  return { method: 'PATCH', path: `/v1/onboardings/${context.id}` };
}

/**
 * The problem with its remedy, the request paths to change and the call that applies it. What the
 * problem already says (a remedy written when it was found, a failure's pointer) is kept.
 */
export function explainProblem(problem: Problem, context: ProblemContext): Problem {
  const failures = problem.failures.map(withPointer);
  const known = problem.codes.map(({ code }) => CODE_REMEDIES[code]).filter((r): r is CodeRemedy => !!r);
  const trustProductRejected =
    problem.kind === 'rejection' && problem.bundle === 'trust-product' && !problem.product;
  // Only codes that cannot be fixed by a request (11005: wait for the profile) take the fix away, and
  // then the kind's "correct them" is not said either.
  const fixable = known.length === 0 || known.some((r) => r.fixable);
  const remedy =
    problem.remedy ??
    (trustProductRejected && known.length === 0
      ? TRUST_PRODUCT_REJECTED
      : [...(fixable ? [KIND_REMEDIES[problem.kind]] : []), ...known.map((r) => r.remedy)].join(' '));
  const named = failures.some((f) => f.pointer)
    ? failures.flatMap((f) => (f.pointer ? [{ pointer: f.pointer, twilio: twilioNameOfFailure(f) }] : []))
    : (trustProductRejected && known.length === 0
        ? ['/replaceTrustProduct']
        : known.flatMap((r) => r.pointers)
      ).map((pointer) => ({ pointer, twilio: twilioNameOf(pointer) }));
  const fields: ProblemField[] =
    problem.fields ??
    named
      .filter((field, index) => named.findIndex((f) => f.pointer === field.pointer) === index)
      .map(({ pointer, twilio }) => (twilio ? { pointer, twilio } : { pointer }));
  const fix = problem.fix !== undefined ? problem.fix : fixOf(problem, context, fixable);
  return { ...problem, failures, remedy, fields, fix };
}

/**
 * The problem in brief, for the `OnboardingProblem` search attribute and GET /v1/onboardings: its kind
 * followed by its codes, space separated (`rejection 18601`, `evaluation`); null without a problem.
 */
export function problemBrief(problem: Pick<Problem, 'kind' | 'codes'> | null | undefined): string | null {
  if (!problem) return null;
  return [problem.kind, ...problem.codes.map(({ code }) => String(code))].join(' ');
}

/** A request's number's pointer (`/phoneNumbers/1`), by what the ISV sent, its E.164 or its SID. */
export function phoneNumberPointer(
  request: Pick<OnboardingRequest, 'phoneNumbers'>,
  number: { input: string; sid: string; phoneNumber: string },
): string | undefined {
  const index = request.phoneNumbers.findIndex(
    (n) => n === number.input || n === number.phoneNumber || n === number.sid,
  );
  return index >= 0 ? `/phoneNumbers/${index}` : undefined;
}

/** The record's problem, explained (null without one): what the view, the events and the Web UI show. */
export function explainedProblemOf(carried: {
  view: Pick<OnboardingRecord, 'id' | 'status' | 'problem'>;
  serving?: boolean | undefined;
}): Problem | null {
  const { id, status, problem } = carried.view;
  if (!problem) return null;
  return explainProblem(problem, { id, status, serving: carried.serving === true });
}

// ---- a number already on another bundle (20409) -------------------------------------------------------

/** The problem of a number Twilio would not assign because another bundle holds it (20409). */
export function numberTakenProblem(
  number: PhoneNumberRef | undefined,
  heldBy: NumberHolder,
  pointer: string | undefined,
): Problem {
  const { where, remedy } = NUMBER_HOLDERS[heldBy];
  const named = number ? `${number.phoneNumber} (${number.sid})` : 'a number';
  return {
    kind: 'phone-numbers',
    message: `Twilio would not assign ${named}: it is already on ${where}.`,
    codes: [{ code: 20409, meaning: NUMBER_TAKEN_MEANING }],
    failures: [
      {
        requirement: 'A number is on one customer profile at a time',
        objectType: 'channel_endpoint_assignment',
        field: 'channel_endpoint_sid',
        errorCode: 20409,
        reason: `Already on ${where} (20409).`,
        ...(pointer ? { pointer } : {}),
      },
    ],
    remedy,
  };
}

/** What stops a number at the problem itself (20409: another bundle holds it), for its `blockedBy`. */
export function numberBlocker(
  problem: Problem | null,
  request: Pick<OnboardingRequest, 'phoneNumbers'> | undefined,
  number: PhoneNumberRef,
): string | null {
  if (problem?.kind !== 'phone-numbers' || !request?.phoneNumbers) return null;
  const pointer = phoneNumberPointer(request, number);
  const failure = problem.failures.find((f) => f.errorCode === 20409 && f.pointer === pointer);
  return failure && pointer ? failure.reason : null;
}
