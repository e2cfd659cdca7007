/**
 * Life after approval. The workflow stays with the customer: it adds and removes numbers on both
 * bundles when the ISV asks (Workflow Updates, applied one at a time by the main loop so they never
 * interleave with a re-read or a continue-as-new), and it re-reads the approvals when Twilio calls back
 * and ahead of each bundle's `valid_until`, so an approval that runs out or is withdrawn shows up as
 * `action-required` with Twilio's reason instead of as calls quietly signed B or C.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
} from '@temporalio/workflow';
import { TrustHubFailureType, type TwilioErrorDetails } from '../../trusthub/errors.js';
import { describeTwilioCode, type BundleKind, type BundleSnapshot } from '../../trusthub/types.js';
import {
  E164_NUMBER,
  PHONE_NUMBER_SID,
  NOT_OWNED_ATTESTATION,
  NumberChangeRefusal,
  type OnboardingView,
  type Problem,
} from '../contract.js';
import { refusalProblem } from './corrections.js';
import { activities } from './activities.js';
import { retryPendingDeletions } from './personal-data.js';
import type { NumberChange, Onboarding } from './state.js';

/** Re-read an approval this long before it runs out, while there is time to act on what Twilio says. */
export const EXPIRY_LEAD_MS = 30 * 24 * 3_600_000;
/** With no expiry in sight, still re-read the approvals now and then: Twilio may withdraw one. */
const RECHECK_MS = 7 * 24 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

/** One update adds at most this many numbers: each is two Trust Hub calls made while the caller waits. */
export const MAX_NUMBERS_PER_CHANGE = 50;

export async function serve(onboarding: Onboarding): Promise<never> {
  onboarding.startServing();
  if (onboarding.boundedCallbacks) return serveWithBoundedCallbacks(onboarding);
  for (;;) {
    await condition(
      () => onboarding.hints.size > 0 || onboarding.numberChanges.length > 0,
      msUntilApprovalCheck(onboarding),
      {
        summary: 'serving: number changes, Twilio callbacks, approval re-checks',
      },
    );
    const change = onboarding.numberChanges.shift();
    if (change) await applyNumberChange(onboarding, change);
    else await checkApprovals(onboarding);
    if (onboarding.numberChanges.length === 0) await onboarding.continueAsNewIfHistoryIsLong();
  }
}

/**
 * The serving loop of runs since BOUNDED_CALLBACKS: callbacks re-read their bundle at most
 * CALLBACK_READS_PER_WINDOW times per window (a callback repeating what the record says was dropped on
 * arrival), and one beyond that waits for its turn, folded into any others about the same bundle.
 */
async function serveWithBoundedCallbacks(onboarding: Onboarding): Promise<never> {
  for (;;) {
    onboarding.hintsArrived = false;
    const approvalCheckMs = msUntilApprovalCheck(onboarding);
    const hintMs = msUntilHintDue(onboarding);
    const woken = await condition(
      () => dueHints(onboarding).length > 0 || onboarding.numberChanges.length > 0 || onboarding.hintsArrived,
      Math.min(approvalCheckMs, hintMs),
      { summary: 'serving: number changes, Twilio callbacks, approval re-checks' },
    );
    const change = onboarding.numberChanges.shift();
    const due = dueHints(onboarding);
    if (change) await applyNumberChange(onboarding, change);
    else if (due.length > 0) await checkApprovals(onboarding, due);
    // The timer that ended the wait was the approval re-check's (not a held-back callback's turn).
    else if (!woken && approvalCheckMs <= hintMs) await checkApprovals(onboarding);
    // Otherwise a callback arrived that must wait for its turn: the next wait includes it. A held-back
    // callback lives in this run only, so the hand-over to a fresh run waits until it has been read.
    if (onboarding.numberChanges.length === 0 && onboarding.hints.size === 0) {
      await onboarding.continueAsNewIfHistoryIsLong();
    }
  }
}

/** Hints about the customer's current bundles whose re-read may happen now. */
function dueHints(onboarding: Onboarding): string[] {
  const now = Date.now();
  return onboarding
    .bundleSids()
    .filter((sid) => onboarding.hints.has(sid) && onboarding.msUntilCallbackRead(sid, now) === 0);
}

/** Until the earliest held-back callback may be read (Infinity when none waits). */
function msUntilHintDue(onboarding: Onboarding): number {
  const waits = onboarding
    .bundleSids()
    .filter((sid) => onboarding.hints.has(sid))
    .map((sid) => onboarding.msUntilCallbackRead(sid));
  return waits.length ? Math.max(1, Math.min(...waits)) : Number.POSITIVE_INFINITY;
}

// ---- numbers -----------------------------------------------------------------------------------------

/** The updates' validator: refused before anything is recorded when the customer or the input is wrong. */
export function checkNumberChange(onboarding: Onboarding, numbers: string[]): void {
  if (onboarding.record.step === 'cancelling' || onboarding.record.status === 'cancelled') {
    throw ApplicationFailure.create({
      type: NumberChangeRefusal.Offboarding,
      message: 'This customer is being offboarded: its numbers are coming off its bundles.',
    });
  }
  if (!onboarding.carried.serving) {
    throw ApplicationFailure.create({
      type: NumberChangeRefusal.NotServing,
      message: `This onboarding is ${onboarding.record.status} (${onboarding.record.step}); numbers can be added or removed once it is approved (status completed).`,
    });
  }
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

/** The updates' handler: queue the change for the main loop and answer when Twilio has made it. */
export async function requestNumberChange(
  onboarding: Onboarding,
  change: Pick<NumberChange, 'add' | 'remove'>,
): Promise<OnboardingView> {
  const queued: NumberChange = { ...change, done: false };
  onboarding.numberChanges.push(queued);
  await condition(() => queued.done);
  if (queued.refusal) throw queued.refusal;
  return onboarding.answer();
}

async function applyNumberChange(onboarding: Onboarding, change: NumberChange): Promise<void> {
  onboarding.setStep('changing-phone-numbers');
  try {
    if (change.add) await addNumbers(onboarding, change.add);
    else if (change.remove) await removeNumber(onboarding, change.remove);
  } catch (error) {
    // A cancel (offboarding) goes on to offboard; the caller hears it from the cleanup.
    if (isCancellation(error)) throw error;
    change.refusal = numberRefusal(error, (text) => onboarding.redact(text));
    onboarding.note('phone number change refused', change.refusal.message);
  } finally {
    change.done = true;
    onboarding.setStep('serving');
  }
}

async function addNumbers(onboarding: Onboarding, inputs: string[]): Promise<void> {
  const { record } = onboarding;
  const profileSid = record.resources.customerProfileSid!;
  const trustProductSid = record.resources.trustProductSid!;
  const resolved = await activities.resolvePhoneNumbers({ numbers: inputs });
  const fresh = resolved.filter(
    (number, index) =>
      !record.phoneNumbers.some((known) => known.sid === number.sid) &&
      resolved.findIndex((other) => other.sid === number.sid) === index,
  );
  const made: { kind: BundleKind; bundleSid: string; phoneNumberSid: string }[] = [];
  try {
    for (const { sid } of fresh) {
      for (const [kind, bundleSid] of [
        ['customer-profile', profileSid],
        ['trust-product', trustProductSid],
      ] as const) {
        await activities.assignPhoneNumber({ kind, bundleSid, phoneNumberSid: sid });
        made.push({ kind, bundleSid, phoneNumberSid: sid });
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
  for (const number of fresh) {
    onboarding.numbersAssigned(profileSid, number.sid);
    onboarding.numbersAssigned(trustProductSid, number.sid);
  }
  onboarding.request = {
    ...onboarding.request,
    phoneNumbers: [...onboarding.request.phoneNumbers, ...fresh.map((n) => n.input)],
  };
  if (fresh.length) onboarding.note('phone numbers added', fresh.map((n) => n.sid).join(', '));
}

async function removeNumber(onboarding: Onboarding, which: string): Promise<void> {
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
  const { customerProfileSid, trustProductSid } = record.resources;
  // Off the trust product first: a number never stays on the trust product without its profile.
  if (trustProductSid) {
    await activities.unassignPhoneNumber({
      kind: 'trust-product',
      bundleSid: trustProductSid,
      phoneNumberSid: number.sid,
    });
  }
  if (customerProfileSid) {
    await activities.unassignPhoneNumber({
      kind: 'customer-profile',
      bundleSid: customerProfileSid,
      phoneNumberSid: number.sid,
    });
    onboarding.numberUnassigned(customerProfileSid, number.sid);
  }
  if (trustProductSid) onboarding.numberUnassigned(trustProductSid, number.sid);
  onboarding.phoneNumberDropped(number.sid);
  onboarding.request = {
    ...onboarding.request,
    phoneNumbers: onboarding.request.phoneNumbers.filter(
      (n) => n !== number.input && n !== number.phoneNumber && n !== number.sid,
    ),
  };
  onboarding.note('phone number removed', number.sid);
}

/** What the caller of the update sees: Twilio's reason, or ours; the workflow itself goes on. */
function numberRefusal(error: unknown, redact: (text: string) => string): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (cause instanceof ApplicationFailure) {
    const details = (cause.details?.[0] ?? {}) as Partial<TwilioErrorDetails>;
    const reason =
      cause.type === TrustHubFailureType.PhoneNumberNotOwned
        ? `${cause.message}. ${NOT_OWNED_ATTESTATION}`
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

// ---- approvals ---------------------------------------------------------------------------------------

/** Until the next re-read: ahead of the earliest `valid_until`, then at it, then daily while expired. */
export function msUntilApprovalCheck(onboarding: Onboarding, now = Date.now()): number {
  const ends = [onboarding.record.customerProfile, onboarding.record.trustProduct]
    .filter((b): b is BundleSnapshot => b?.status === 'twilio-approved' && !!b.validUntil)
    .map((b) => Date.parse(b.validUntil!));
  if (ends.length === 0) return RECHECK_MS;
  const end = Math.min(...ends);
  if (end - EXPIRY_LEAD_MS > now) return Math.min(end - EXPIRY_LEAD_MS - now, RECHECK_MS);
  if (end > now) return end - now + 60_000;
  return DAY_MS;
}

/** Re-reads the bundles Twilio called about (both, when the timer fired) and says what needs the ISV. */
async function checkApprovals(onboarding: Onboarding, hinted?: string[]): Promise<void> {
  await retryPendingDeletions(onboarding); // replaced personal data Twilio refused to delete before
  const { record } = onboarding;
  const { trustProductSid } = record.resources;
  // Only the customer's current bundles: a hint can outlive its bundle (a replaced trust product's late
  // callback), and reading that one as a profile would fail.
  const current = onboarding.bundleSids();
  let due: string[];
  if (hinted) {
    // Bounded callbacks: read what is due; a callback still waiting for its turn stays for later.
    due = hinted;
    for (const sid of due) {
      onboarding.hints.delete(sid);
      onboarding.noteCallbackRead(sid);
    }
    for (const sid of [...onboarding.hints.keys()]) if (!current.includes(sid)) onboarding.hints.delete(sid);
  } else if (onboarding.boundedCallbacks) {
    // The re-check reads every bundle, which answers whatever callback was still waiting.
    due = current;
    onboarding.hints.clear();
  } else {
    due = onboarding.hints.size ? current.filter((sid) => onboarding.hints.has(sid)) : current;
    onboarding.hints.clear();
  }
  for (const sid of due) {
    const kind: BundleKind = sid === trustProductSid ? 'trust-product' : 'customer-profile';
    try {
      onboarding.recordBundle(await activities.fetchBundle({ kind, sid }));
    } catch (error) {
      // Twilio refuses to show it (deleted in the Console, say): the customer needs the ISV, and the
      // workflow stays to say so and to offboard, rather than failing.
      const refusal = refusalProblem(error);
      if (!refusal) throw error;
      report(onboarding, { ...refusal, kind: 'approval-lost', bundle: kind });
      onboarding.showChange();
      return;
    }
  }
  const lost = [record.customerProfile, record.trustProduct]
    .filter((b): b is BundleSnapshot => !!b)
    .find(
      (b) => b.status !== 'twilio-approved' || (!!b.validUntil && Date.parse(b.validUntil) <= Date.now()),
    );
  if (lost) {
    const label = lost.kind === 'customer-profile' ? 'customer profile' : 'SHAKEN/STIR trust product';
    const expired = lost.status === 'twilio-approved';
    const message = expired
      ? `The ${label}'s approval ran out on ${lost.validUntil}: Twilio no longer signs these numbers A. Renew it in Twilio's Trust Hub.`
      : `Twilio now reports the ${label} as ${lost.status}: its numbers are no longer signed A.`;
    report(onboarding, {
      kind: 'approval-lost',
      bundle: lost.kind,
      message,
      codes: lost.errors.map(({ code, meaning }) => ({ code, meaning: meaning ?? describeTwilioCode(code) })),
      failures: [],
    });
  } else if (record.status === 'action-required') {
    onboarding.approvalsCurrentAgain();
  }
  onboarding.showChange();
}

/** The customer needs the ISV: said once per distinct problem. */
function report(onboarding: Onboarding, given: Problem): void {
  const problem = { ...given, message: onboarding.redact(given.message) };
  if (onboarding.record.problem?.message === problem.message) return;
  onboarding.requireAction(problem);
}
