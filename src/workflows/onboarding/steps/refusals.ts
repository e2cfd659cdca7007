/**
 * What a failed Trust Hub call means for the ISV: the failure's type, and the problem a refusal of
 * Twilio's makes (a value to correct, a number not owned, a number another bundle holds). Steps and
 * phases alike read failures through these, so none of them reaches into a phase for it.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { TrustHubFailureType, type TwilioErrorDetails } from '../../../contract/failures.js';
import { describeTwilioCode, NOT_OWNED_ATTESTATION } from '../../../contract/vocabulary.js';
import type { OnboardingRequest, PhoneNumberRef, Problem } from '../../../contract/types.js';
import { numberTakenProblem, phoneNumberPointer } from '../../remedies.js';

export function failureType(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/**
 * Twilio refused a request (bad value, not owned number, a number another bundle has): the ISV can fix
 * it with a correction. `numbers` (the record's and the request's) names the number a 20409 is about.
 */
export function refusalProblem(
  error: unknown,
  numbers?: { phoneNumbers: PhoneNumberRef[]; request: Pick<OnboardingRequest, 'phoneNumbers'> },
): Problem | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const taken = (cause.details?.[0] as Partial<TwilioErrorDetails> | undefined)?.numberTaken;
  if (cause.type === TrustHubFailureType.Rejected && taken) {
    const number = numbers?.phoneNumbers.find((n) => n.sid === taken.phoneNumberSid);
    const pointer = number && numbers ? phoneNumberPointer(numbers.request, number) : undefined;
    return numberTakenProblem(number, taken.heldBy, pointer);
  }
  if (cause.type === TrustHubFailureType.PhoneNumberNotOwned) {
    return {
      kind: 'phone-numbers',
      message: `${cause.message}. ${NOT_OWNED_ATTESTATION}`,
      codes: [],
      failures: [],
    };
  }
  if (cause.type === TrustHubFailureType.Rejected) {
    const details = (cause.details?.[0] ?? {}) as Partial<TwilioErrorDetails>;
    return {
      kind: 'twilio-error',
      message: `Twilio refused a request: ${details.message ?? cause.message}`,
      codes: details.code ? [{ code: details.code, meaning: describeTwilioCode(details.code) }] : [],
      failures: [],
    };
  }
  return undefined;
}
