/**
 * Life after approval. The workflow stays with the customer: it adds and removes numbers on every
 * bundle, and adds Voice Integrity or CNAM, when the ISV asks (Workflow Updates, applied one at a time
 * by the main loop so they never interleave with a re-read or a continue-as-new), and it re-reads the
 * approvals when Twilio calls back and ahead of each bundle's `valid_until`, so an approval that runs
 * out or is withdrawn shows up as `action-required` with Twilio's reason instead of as calls quietly
 * signed B or C. The timer's re-check also lists what is assigned to each bundle (../steps/drift.ts), and a
 * call Twilio signed at another level than the service expects makes it look at once.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
} from '@temporalio/workflow';
import { TrustHubFailureType, type TwilioErrorDetails } from '../../../contract/failures.js';
import {
  ADD_ON_FIELD,
  ADD_ON_PRODUCTS,
  PRODUCT_LABEL,
  describeTwilioCode,
  type AddOnProduct,
  type BundleKind,
  NOT_OWNED_ATTESTATION,
} from '../../../contract/vocabulary.js';
import type { OnboardingView, Problem, OnboardingRequest, ProductsRequest } from '../../../contract/types.js';
import { E164_NUMBER, PHONE_NUMBER_SID } from '../../../contract/ids.js';
import { NumberChangeRefusal, ProductRefusal } from '../../../contract/messages.js';
import { describeFailures, numberIneligibility, productFailures } from '../../../contract/product-checks.js';
import { NUMBER_HOLDERS, numberTakenProblem } from '../../remedies.js';
import { refusalProblem } from '../steps/refusals.js';
import { activities, interactively } from '../activities.js';
import { phoneNumberStatuses } from '../attestation.js';
import { checkAssignments } from '../steps/drift.js';
import { retryPendingDeletions } from '../steps/personal-data.js';
import { checkSubject, prepareAddOn, updateAddOnInformation } from '../steps/add-ons.js';
import type { QueuedChange, Onboarding } from '../onboarding.js';
import { approvalsVerdict } from '../lifecycle.js';
import { ADD_ON_SLOTS } from '../record.js';
import { NeedsCorrections, submitForVetting } from '../steps/vetting.js';

/** Re-read an approval this long before it runs out, while there is time to act on what Twilio says. */
export const EXPIRY_LEAD_MS = 30 * 24 * 3_600_000;
/** With no expiry in sight, still re-read the approvals now and then: Twilio may withdraw one. */
const RECHECK_MS = 7 * 24 * 3_600_000;
const DAY_MS = 24 * 3_600_000;
/** What Twilio has assigned to the bundles is listed at most this often (two list requests per bundle). */
const ASSIGNMENTS_CHECK_MS = DAY_MS;

/** One update adds at most this many numbers: each is two Trust Hub calls made while the caller waits. */
export const MAX_NUMBERS_PER_CHANGE = 50;

export async function serve(onboarding: Onboarding): Promise<never> {
  onboarding.startServing();
  // A mismatch a previous run had queued, or one seen while onboarding: checked now.
  onboarding.requeueMismatchChecks();
  // Callbacks re-read their bundle at most CALLBACK_READS_PER_WINDOW times per window (a callback
  // repeating what the record says was dropped on arrival), and one beyond that waits for its turn,
  // folded into any others about the same bundle.
  for (;;) {
    onboarding.lookedAtHints();
    const approvalCheckMs = msUntilApprovalCheck(onboarding);
    const hintMs = msUntilHintDue(onboarding);
    const woken = await condition(
      () =>
        dueHints(onboarding).length > 0 ||
        onboarding.queuedChanges > 0 ||
        onboarding.hintsArrived ||
        onboarding.mismatchChecksPending > 0,
      Math.min(approvalCheckMs, hintMs),
      { summary: 'serving: number changes, Twilio callbacks, approval re-checks' },
    );
    const change = onboarding.nextQueuedChange();
    const due = dueHints(onboarding);
    if (change) await interactively(() => applyNumberChange(onboarding, change));
    else if (onboarding.mismatchChecksPending > 0) {
      await explainMismatches(onboarding);
      judgeApprovals(onboarding);
    } else if (due.length > 0) await checkApprovals(onboarding, due);
    // The timer that ended the wait was the approval re-check's (not a held-back callback's turn).
    else if (!woken && approvalCheckMs <= hintMs) await checkApprovals(onboarding);
    // Otherwise a callback arrived that must wait for its turn: the next wait includes it. A held-back
    // callback lives in this run only, so the hand-over to a fresh run waits until it has been read.
    if (
      onboarding.queuedChanges === 0 &&
      onboarding.hintsPending === 0 &&
      onboarding.mismatchChecksPending === 0
    ) {
      await onboarding.continueAsNewIfHistoryIsLong();
    }
  }
}

/** Hints about the customer's current bundles whose re-read may happen now. */
function dueHints(onboarding: Onboarding): string[] {
  const now = Date.now();
  return onboarding
    .bundleSids()
    .filter((sid) => onboarding.hasHint(sid) && onboarding.msUntilCallbackRead(sid, now) === 0);
}

/** Until the earliest held-back callback may be read (Infinity when none waits). */
function msUntilHintDue(onboarding: Onboarding): number {
  const waits = onboarding
    .bundleSids()
    .filter((sid) => onboarding.hasHint(sid))
    .map((sid) => onboarding.msUntilCallbackRead(sid));
  return waits.length ? Math.max(1, Math.min(...waits)) : Number.POSITIVE_INFINITY;
}

// ---- numbers -----------------------------------------------------------------------------------------

/**
 * Changes while serving are made to an approved customer that is not leaving; anything else is refused
 * before it is recorded, saying why (the same refusal types for numbers and products: the API maps them).
 */
function requireServing(onboarding: Onboarding, why: { offboarding: string; notServing: string }): void {
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

async function applyNumberChange(onboarding: Onboarding, change: QueuedChange): Promise<void> {
  onboarding.setStep(change.products ? 'adding-products' : 'changing-phone-numbers');
  try {
    if (change.products) await addProducts(onboarding, change.products);
    else if (change.add) await addNumbers(onboarding, change.add);
    else if (change.remove) await removeNumber(onboarding, change.remove);
  } catch (error) {
    // A cancel (offboarding) goes on to offboard; the caller hears it from the cleanup.
    if (isCancellation(error)) throw error;
    change.refusal = change.products
      ? productRefusal(error, (text) => onboarding.redact(text))
      : numberRefusal(error, (text) => onboarding.redact(text));
    onboarding.note(
      change.products ? 'products refused' : 'phone number change refused',
      change.refusal.message,
    );
  } finally {
    change.done = true;
    onboarding.setStep('serving');
  }
}

async function addNumbers(onboarding: Onboarding, inputs: string[]): Promise<void> {
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
function numberRefusal(error: unknown, redact: (text: string) => string): ApplicationFailure {
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

/** The addProducts validator: refused before anything is recorded when the customer or the input is wrong. */
export function checkProductsRequest(onboarding: Onboarding, products: ProductsRequest): void {
  requireServing(onboarding, {
    offboarding: 'no product can be added.',
    notServing:
      'products are added here once it is approved. Before that, send voiceIntegrity or cnam with the start, or as corrections (PATCH) while it waits for them.',
  });
  const given = requestedIn(products);
  const reasons: string[] = [];
  if (given.length === 0) reasons.push('the request must name voiceIntegrity, cnam or both');
  for (const product of given) {
    const status = onboarding.addOnSnapshot(product)?.status;
    const asked = onboarding.requestedAddOns().includes(product);
    // Asking again for a rejected product is its correction; anything else is asked already.
    if (asked && status !== 'twilio-rejected') {
      throw ApplicationFailure.create({
        type: ProductRefusal.AlreadyRequested,
        message: `${PRODUCT_LABEL[product]} is already ${status ?? 'being made'} for this customer; it can be asked for again only after Twilio rejects it.`,
      });
    }
  }
  reasons.push(...describeFailures(productFailures(products, checkSubject(onboarding))));
  if (reasons.length) {
    throw ApplicationFailure.create({
      type: ProductRefusal.Invalid,
      message: reasons.join('; '),
      details: reasons,
    });
  }
}

function requestedIn(products: ProductsRequest): AddOnProduct[] {
  return ADD_ON_PRODUCTS.filter((product) => products[ADD_ON_FIELD[product]] !== undefined);
}

/**
 * Makes the products' trust products and evaluates every one before any is submitted: if Twilio refuses
 * one, or an evaluation is noncompliant, what this change made is deleted again and the record is as it
 * was. Twilio's decision comes days later, through the serving loop's re-reads; until then the customer
 * is `running`.
 */
async function addProducts(onboarding: Onboarding, products: ProductsRequest): Promise<void> {
  const { record } = onboarding;
  const profileSid = record.resources.customerProfileSid!;
  const before = { request: onboarding.request, resources: { ...record.resources } };
  onboarding.updateRequest({ ...onboarding.request, ...products });
  const given = requestedIn(products);
  const sids: Partial<Record<AddOnProduct, string>> = {};
  const submitted: AddOnProduct[] = [];
  try {
    for (const product of given) {
      onboarding.addOnRequested(product);
      if (onboarding.addOnSnapshot(product)?.status === 'twilio-rejected') {
        await updateAddOnInformation(onboarding, product);
        onboarding.note(`${product} resubmitted`, 'asked for again after a rejection');
      }
      sids[product] = await prepareAddOn(onboarding, product, profileSid);
      await submitForVetting(onboarding, 'trust-product', sids[product], product, 'evaluate');
    }
    for (const product of given) {
      await submitForVetting(onboarding, 'trust-product', sids[product]!, product, 'submit');
      submitted.push(product);
    }
  } catch (error) {
    // What went into vetting stays (Twilio keeps it, and so does the record); the rest is undone.
    const undone = given.filter((product) => !submitted.includes(product));
    await CancellationScope.nonCancellable(() => undoAddedProducts(onboarding, undone, before));
    throw error;
  }
  onboarding.productsPending();
  onboarding.note('products added', given.join(', '));
  // A rejection this resubmits is no longer what the customer needs the ISV for.
  judgeApprovals(onboarding);
}

/**
 * Takes back what an addProducts change made for these products: their new drafts deleted at Twilio
 * and forgotten, and the request as it was for them. A product that existed before (a rejected one
 * asked for again) keeps its trust product and the new values Twilio now holds; a draft Twilio refuses
 * to delete stays on the record, so nothing at Twilio is left unknown to the service.
 */
async function undoAddedProducts(
  onboarding: Onboarding,
  products: AddOnProduct[],
  before: { request: OnboardingRequest; resources: OnboardingView['resources'] },
): Promise<void> {
  const { record } = onboarding;
  for (const product of products) {
    const slot = ADD_ON_SLOTS[product];
    if (before.resources[slot.bundleSid]) continue;
    let kept = false;
    for (const [kind, key] of [
      ['trust-product', slot.bundleSid],
      ['end-user', slot.endUserSid],
    ] as const) {
      const sid = record.resources[key];
      if (!sid) continue;
      try {
        await activities.deleteResource({ kind, sid });
        onboarding.resourceForgotten(key);
        onboarding.bundleForgotten(sid);
      } catch (error) {
        if (!refusalProblem(error)) throw error;
        kept = true;
        onboarding.note('draft kept', `${sid}: Twilio refused to delete it`);
      }
    }
    if (kept) continue;
    onboarding.addOnDropped(product);
    const field = ADD_ON_FIELD[product];
    const { [field]: _dropped, ...rest } = onboarding.request;
    onboarding.updateRequest(before.request[field] ? { ...rest, [field]: before.request[field] } : rest);
  }
}

/** What the caller of addProducts sees: the pre-check or evaluation in words, or Twilio's refusal. */
function productRefusal(error: unknown, redact: (text: string) => string): ApplicationFailure {
  if (error instanceof NeedsCorrections) {
    const reasons = error.problem.failures.map((f) => `${f.field ?? f.requirement}: ${f.reason}`);
    return ApplicationFailure.create({
      type: ProductRefusal.Invalid,
      message: redact([error.problem.message, ...reasons].join(' ')),
      details: reasons.length ? reasons : [error.problem.message],
    });
  }
  const refused = numberRefusal(error, redact);
  return ApplicationFailure.create({
    type: ProductRefusal.TwilioRefused,
    message: refused.message,
    details: refused.details ?? [],
  });
}

// ---- approvals ---------------------------------------------------------------------------------------

/** Until the next re-read: ahead of the earliest `valid_until`, then at it, then daily while expired. */
export function msUntilApprovalCheck(onboarding: Onboarding, now = Date.now()): number {
  const bundles = onboarding.snapshots();
  // An add-on in Twilio's vetting is polled as a vetting wait is: its callback may never come.
  const inVetting = ADD_ON_PRODUCTS.some((product) => {
    const status = onboarding.addOnSnapshot(product)?.status;
    return status === 'pending-review' || status === 'in-review';
  });
  const pollMs = inVetting ? onboarding.settings.vettingPollIntervalMs : Number.POSITIVE_INFINITY;
  const ends = bundles
    .filter((b) => b.status === 'twilio-approved' && !!b.validUntil)
    .map((b) => Date.parse(b.validUntil!));
  if (ends.length === 0) return Math.min(RECHECK_MS, pollMs);
  const end = Math.min(...ends);
  if (end - EXPIRY_LEAD_MS > now) return Math.min(end - EXPIRY_LEAD_MS - now, RECHECK_MS, pollMs);
  if (end > now) return Math.min(end - now + 60_000, pollMs);
  return Math.min(DAY_MS, pollMs);
}

/**
 * Re-reads the bundles Twilio called about (every one, when the timer fired) and says what needs the
 * ISV. The timer's re-check also lists each bundle's assignments (at most daily), to find and repair
 * what was taken off in the Console.
 */
async function checkApprovals(onboarding: Onboarding, hinted?: string[]): Promise<void> {
  await retryPendingDeletions(onboarding); // replaced personal data Twilio refused to delete before
  // Only the customer's current bundles: a hint can outlive its bundle (a replaced trust product's late
  // callback), and reading that one as a profile would fail.
  const current = onboarding.bundleSids();
  let due: string[];
  if (hinted) {
    // Bounded callbacks: read what is due; a callback still waiting for its turn stays for later.
    due = hinted;
    for (const sid of due) onboarding.callbackRead(sid);
    onboarding.keepHintsFor(current);
  } else {
    // The re-check reads every bundle, which answers whatever callback was still waiting.
    due = current;
    onboarding.clearHints();
  }
  // The loop as it always was: its awaits decide the order of commands that recorded runs replay.
  const { customerProfileSid } = onboarding.record.resources;
  for (const sid of due) {
    const kind: BundleKind = sid === customerProfileSid ? 'customer-profile' : 'trust-product';
    try {
      // Read because of a callback (a decision): interactive. The periodic re-check is not.
      onboarding.recordBundle(await interactively(() => activities.fetchBundle({ kind, sid }), !!hinted));
    } catch (error) {
      if (!approvalLost(onboarding, sid, kind, error)) throw error;
      return;
    }
  }
  const lastListed = onboarding.carried.assignmentsCheckedAt ?? 0;
  if (!hinted && Date.now() - lastListed >= ASSIGNMENTS_CHECK_MS) {
    await checkAssignments(onboarding);
  }
  judgeApprovals(onboarding);
}

/**
 * Reads each bundle and records what Twilio says. False when Twilio refuses to show one (deleted in
 * the Console, say): the customer needs the ISV, and the workflow stays to say so and to offboard.
 */
async function readBundles(onboarding: Onboarding, sids: string[]): Promise<boolean> {
  const { customerProfileSid } = onboarding.record.resources;
  for (const sid of sids) {
    const kind: BundleKind = sid === customerProfileSid ? 'customer-profile' : 'trust-product';
    const snapshot = await activities.fetchBundle({ kind, sid }).catch((error: unknown) => {
      if (!approvalLost(onboarding, sid, kind, error)) throw error;
    });
    if (!snapshot) return false;
    onboarding.recordBundle(snapshot);
  }
  return true;
}

/** Twilio refused to show a bundle: said as a lost approval (true), or it is no refusal at all (false). */
function approvalLost(onboarding: Onboarding, sid: string, kind: BundleKind, error: unknown): boolean {
  const refusal = refusalProblem(error);
  if (!refusal) return false;
  const product = onboarding.addOnOf(sid);
  report(onboarding, { ...refusal, kind: 'approval-lost', bundle: kind, ...(product ? { product } : {}) });
  onboarding.showChange();
  return true;
}

/** What the record now says of the approvals (./lifecycle.ts `approvalsVerdict`), acted on and shown. */
export function judgeApprovals(onboarding: Onboarding): void {
  const verdict = approvalsVerdict(onboarding.carried, onboarding.id);
  if (verdict === 'current-again') onboarding.approvalsCurrentAgain();
  else if (verdict === 'all-approved') onboarding.allProductsApproved();
  else if (verdict === 'resume') onboarding.resume();
  else if (verdict) report(onboarding, verdict.problem);
  onboarding.showChange();
}

/**
 * Numbers whose calls Twilio signed at another level than the service infers: the profile and the
 * SHAKEN/STIR trust product (which decide attestation) are read again with their assignments, and the
 * mismatch is explained. Drift: Twilio's state changed outside the service (and was put back where the
 * record says so). Rule: Twilio's state is what the service believes, so its rule is what is wrong; said
 * on the view and in the event for a person to look at, nothing changed.
 */
async function explainMismatches(onboarding: Onboarding): Promise<void> {
  const numbers = onboarding.takeMismatchChecks();
  onboarding.setStep('checking-approvals');
  const { customerProfileSid, trustProductSid } = onboarding.record.resources;
  const deciding = [customerProfileSid, trustProductSid].filter((sid): sid is string => !!sid);
  const before = new Map(onboarding.snapshots().map((b) => [b.sid, b.status]));
  if (await readBundles(onboarding, deciding)) {
    const drift = await checkAssignments(onboarding, deciding);
    const changed = onboarding
      .snapshots()
      .filter((b) => deciding.includes(b.sid) && before.get(b.sid) !== b.status);
    const inferredNow = new Map(
      phoneNumberStatuses(onboarding.carried, onboarding.settings).map((n) => [n.sid, n.attestation]),
    );
    for (const sid of numbers) {
      const mismatch = onboarding.carried.mismatches?.[sid];
      if (!mismatch) continue;
      const mine = drift.filter((d) => d.objectSid === sid || d.objectKind === 'entity');
      const reasons = [
        ...changed.map((b) => `Twilio now reports ${b.sid} as ${b.status}`),
        ...mine.map(
          (d) =>
            `${d.objectSid} had been taken off ${d.bundleSid} outside the service${d.repaired ? ' and was put back' : `, and Twilio would not take it back: ${d.detail ?? 'refused'}`}`,
        ),
      ];
      // The record was behind Twilio (a decision not read yet, a renewal): now it infers what Twilio signs.
      if (!reasons.length && inferredNow.get(sid) === mismatch.observed)
        reasons.push(`the service's record was behind Twilio's; it now infers ${mismatch.observed} too`);
      if (reasons.length) onboarding.mismatchExplained(sid, 'drift', `${reasons.join('; ')}.`);
      else
        onboarding.mismatchExplained(
          sid,
          'rule',
          "Twilio's bundles and assignments are as the service believes: its attestation rule does not match what Twilio signs for this number. Nothing was changed; report it with the call SID.",
        );
    }
  }
  onboarding.setStep('serving');
}

/** The customer needs the ISV: said once per distinct problem. */
function report(onboarding: Onboarding, given: Problem): void {
  const problem = { ...given, message: onboarding.redact(given.message) };
  const known = onboarding.record.problem;
  const codes = (p: Problem) => p.codes.map((c) => c.code).join(',');
  if (known?.message === problem.message && codes(known) === codes(problem)) return;
  onboarding.requireAction(problem);
}
