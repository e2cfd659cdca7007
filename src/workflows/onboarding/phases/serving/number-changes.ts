/**
 * Numbers added to and removed from every bundle of a customer being served: what the update accepts,
 * and the Trust Hub calls, applied by the serving loop (../serving.ts) one change at a time.
 */
import { ActivityFailure, ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import { TrustHubFailureType, type TwilioErrorDetails } from '../../../../contract/failures.js';
import {
  describeTwilioCode,
  type BundleKind,
  NOT_OWNED_ATTESTATION,
} from '../../../../contract/vocabulary.js';
import { E164_NUMBER, PHONE_NUMBER_SID } from '../../../../contract/ids.js';
import { NumberChangeRefusal } from '../../../../contract/messages.js';
import { numberIneligibility } from '../../../../contract/product-checks.js';
import { NUMBER_HOLDERS, numberTakenProblem } from '../../../remedies.js';
import { activities } from '../../activities.js';
import type { Onboarding } from '../../onboarding.js';
import { MAX_NUMBERS_PER_CHANGE } from '../../../../contract/vocabulary.js';

/**
 * Changes while serving are made to an approved customer that is not leaving; anything else is refused
 * before it is recorded, saying why (the same refusal types for numbers and products: the API maps them).
 */
export function requireServing(
  onboarding: Onboarding,
  why: { offboarding: string; notServing: string },
): void {
  if (onboarding.record.step === 'cancelling' || onboarding.record.status === 'cancelled') {
    throw ApplicationFailure.create({
      type: NumberChangeRefusal.Offboarding,
      message: `This customer is being offboarded: ${why.offboarding}`,
    });
  }
  if (!onboarding.carried.serving) {
    throw ApplicationFailure.create({
      type: NumberChangeRefusal.NotServing,
      message: `This onboarding is ${onboarding.record.status} (${onboarding.record.step}); ${why.notServing}`,
    });
  }
}

/** The updates' validator: refused before anything is recorded when the customer or the input is wrong. */
export function checkNumberChange(onboarding: Onboarding, numbers: string[]): void {
  requireServing(onboarding, {
    offboarding: 'its numbers are coming off its bundles.',
    notServing: 'numbers can be added or removed once it is approved (status completed).',
  });
  const reasons: string[] = [];
  if (numbers.length === 0 || numbers.length > MAX_NUMBERS_PER_CHANGE) {
    reasons.push(`phoneNumbers must list between 1 and ${MAX_NUMBERS_PER_CHANGE} numbers`);
  }
  for (const [index, number] of numbers.entries()) {
    if (!E164_NUMBER.test(number) && !PHONE_NUMBER_SID.test(number)) {
      reasons.push(`phoneNumbers[${index}] must be an E.164 number (+14155550100) or a PN… SID`);
    }
  }
  if (reasons.length) {
    throw ApplicationFailure.create({
      type: NumberChangeRefusal.Invalid,
      message: reasons.join('; '),
      details: reasons,
    });
  }
}

export async function addNumbers(onboarding: Onboarding, inputs: string[]): Promise<void> {
  const { record } = onboarding;
  const resolved = await activities.resolvePhoneNumbers({ numbers: inputs });
  const fresh = resolved.filter(
    (number, index) =>
      !record.phoneNumbers.some((known) => known.sid === number.sid) &&
      resolved.findIndex((other) => other.sid === number.sid) === index,
  );
  const made: { kind: BundleKind; bundleSid: string; phoneNumberSid: string }[] = [];
  try {
    for (const number of fresh) {
      for (const { kind, bundleSid, product } of onboarding.customerBundles()) {
        if (product === 'cnam' && numberIneligibility(product, number.phoneNumber)) continue;
        await activities.assignPhoneNumber({ kind, bundleSid, phoneNumberSid: number.sid });
        made.push({ kind, bundleSid, phoneNumberSid: number.sid });
      }
    }
  } catch (error) {
    // All or nothing: a number Twilio refuses, or a cancel, leaves the customer exactly as it was.
    await CancellationScope.nonCancellable(async () => {
      for (const assignment of made.reverse()) await activities.unassignPhoneNumber(assignment);
    });
    throw error;
  }
  onboarding.phoneNumbersAdded(fresh);
  for (const { bundleSid, phoneNumberSid } of made) onboarding.numbersAssigned(bundleSid, phoneNumberSid);
  onboarding.updateRequest({
    ...onboarding.request,
    phoneNumbers: [...onboarding.request.phoneNumbers, ...fresh.map((n) => n.input)],
  });
  if (fresh.length) onboarding.note('phone numbers added', fresh.map((n) => n.sid).join(', '));
}

export async function removeNumber(onboarding: Onboarding, which: string): Promise<void> {
  const { record } = onboarding;
  const number = record.phoneNumbers.find(
    (n) => n.sid === which || n.phoneNumber === which || n.input === which,
  );
  if (!number) {
    throw ApplicationFailure.create({
      type: NumberChangeRefusal.UnknownNumber,
      message: `${which} is not one of this customer's numbers`,
    });
  }
  // Off the trust products first, the profile last: a number never stays on a trust product without
  // its profile. Each removal is remembered as it is made, so a retried change repeats none.
  for (const { kind, bundleSid, product } of onboarding.customerBundles().reverse()) {
    // An add-on that never took the number (CNAM: not a US local number) has nothing to remove.
    const addOn = product === 'voice-integrity' || product === 'cnam';
    if (addOn && !onboarding.numbersOn(bundleSid).includes(number.sid)) continue;
    await activities.unassignPhoneNumber({ kind, bundleSid, phoneNumberSid: number.sid });
    onboarding.numberUnassigned(bundleSid, number.sid);
  }
  onboarding.phoneNumberDropped(number.sid);
  onboarding.updateRequest({
    ...onboarding.request,
    phoneNumbers: onboarding.request.phoneNumbers.filter(
      (n) => n !== number.input && n !== number.phoneNumber && n !== number.sid,
    ),
  });
  onboarding.note('phone number removed', number.sid);
}

/** What the caller of the update sees: Twilio's reason, or ours; the workflow itself goes on. */
export function numberRefusal(error: unknown, redact: (text: string) => string): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (cause instanceof ApplicationFailure) {
    const details = (cause.details?.[0] ?? {}) as Partial<TwilioErrorDetails>;
    const taken = details.numberTaken;
    const reason =
      cause.type === TrustHubFailureType.PhoneNumberNotOwned
        ? `${cause.message}. ${NOT_OWNED_ATTESTATION}`
        : taken
          ? `${numberTakenProblem(undefined, taken.heldBy, undefined).message} ${NUMBER_HOLDERS[taken.heldBy].remedy}`
          : `Twilio refused: ${details.message ?? cause.message}`;
    return ApplicationFailure.create({
      type: NumberChangeRefusal.TwilioRefused,
      message: redact(reason),
      details: details.code ? [{ code: details.code, meaning: describeTwilioCode(details.code) }] : [],
    });
  }
  return ApplicationFailure.create({
    type: NumberChangeRefusal.TwilioRefused,
    message: redact((error as Error).message),
  });
}

// ---- products added while serving ---------------------------------------------------------------------
