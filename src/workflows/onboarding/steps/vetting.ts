/**
 * A bundle's way through Twilio's vetting, the same for every bundle of the customer (its profile and
 * each trust product: SHAKEN/STIR, Voice Integrity, CNAM): numbers assigned, evaluated (a dry run),
 * submitted, and waited for until Twilio decides. Each step first asks the state whether it is done, so
 * a return after corrections or a continued run repeats no Trust Hub call.
 */
import { condition, sleep } from '@temporalio/workflow';
import {
  BUNDLE_DECISIONS,
  PRODUCT_LABEL,
  describeTwilioCode,
  type AddOnProduct,
  type BundleKind,
} from '../../../contract/vocabulary.js';
import type { BundleSnapshot, EvaluationSummary, Problem } from '../../../contract/types.js';
import { numberIneligibility } from '../../../contract/product-checks.js';
import { activities, interactively } from '../activities.js';
import { preSubmitProblem, preSubmitWarnings } from './pre-checks.js';
import { updateTrustProductEmail } from './bundle-edits.js';
import type { Onboarding } from '../onboarding.js';

/** Raised inside the workflow when the ISV must fix something before the guide can go on. */
export class NeedsCorrections extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

function checkBeforeSubmitting(onboarding: Onboarding): void {
  for (const warning of preSubmitWarnings(onboarding.request)) {
    onboarding.warn(warning);
  }
  const problem = preSubmitProblem(onboarding.request);
  if (problem) throw new NeedsCorrections(problem);
}

// 8. and 9. Evaluate (a dry run), submit, and wait for Twilio's vetting.
export async function vet(onboarding: Onboarding, kind: BundleKind, sid: string): Promise<void> {
  const current =
    kind === 'customer-profile' ? onboarding.record.customerProfile : onboarding.record.trustProduct;
  if (current?.status === 'twilio-approved') return;
  await submitForVetting(onboarding, kind, sid);
  await awaitVetting(onboarding, kind, sid);
}

/**
 * Evaluate and submit, unless the bundle is already in vetting or approved. `product` names a Voice
 * Integrity or CNAM trust product (./add-ons.ts); without it a trust product is SHAKEN/STIR's.
 */
export async function submitForVetting(
  onboarding: Onboarding,
  kind: BundleKind,
  sid: string,
  product?: AddOnProduct,
  /** Products added together are all evaluated before any is submitted (all or nothing). */
  phase: 'evaluate' | 'submit' | 'both' = 'both',
): Promise<void> {
  const { record } = onboarding;
  const current = product
    ? onboarding.addOnSnapshot(product)
    : kind === 'customer-profile'
      ? record.customerProfile
      : record.trustProduct;
  const label = product ? (`${product}-trust-product` as const) : kind;
  if (current?.status === 'twilio-approved') return;
  if (current?.status !== 'pending-review' && current?.status !== 'in-review') {
    if (kind === 'trust-product' && !product && onboarding.carried.trustProductEmailOutdated)
      await updateTrustProductEmail(onboarding);
    if (kind === 'customer-profile') checkBeforeSubmitting(onboarding);
    if (phase !== 'submit') {
      onboarding.setStep(`evaluating-${label}`);
      const evaluation = await activities.evaluateBundle({ kind, sid, ...(product ? { product } : {}) });
      onboarding.evaluated(kind, evaluation);
      onboarding.note(`${product ?? kind} evaluation: ${evaluation.status}`);
      if (evaluation.status !== 'compliant')
        throw new NeedsCorrections(evaluationProblem(kind, evaluation, product));
    }
    if (phase === 'evaluate') return;
    onboarding.setStep(`submitting-${label}`);
    onboarding.recordBundle(await activities.submitBundle({ kind, sid }));
    onboarding.resetCallbackReads(sid);
  }
}

/** Wait for Twilio's decision; a rejection becomes the ISV's problem to correct. */
export async function awaitVetting(
  onboarding: Onboarding,
  kind: BundleKind,
  sid: string,
  product?: AddOnProduct,
): Promise<void> {
  onboarding.setStep(`waiting-for-${product ?? kind}-vetting`);
  const outcome = await waitForVetting(onboarding, kind, sid);
  if (outcome.status === 'twilio-rejected') {
    throw new NeedsCorrections({
      kind: 'rejection',
      bundle: kind,
      ...(product ? { product } : {}),
      message: `Twilio rejected the ${product ? PRODUCT_LABEL[product] : kind.replace('-', ' ')}.`,
      codes: outcome.errors.map(({ code, meaning }) => ({
        code,
        meaning: meaning ?? describeTwilioCode(code),
      })),
      failures: [],
    });
  }
}

/**
 * Sleeps until Twilio's callback (a hint) or the reconciliation poll, then re-reads the bundle: what
 * the callback said is never trusted, so duplicated, late or reordered callbacks change nothing. A
 * callback about a step on the way (pending-review, in-review) changes nothing the workflow acts on,
 * so it costs no read; the poll still reads whatever callbacks were lost.
 */
async function waitForVetting(
  onboarding: Onboarding,
  kind: BundleKind,
  sid: string,
): Promise<BundleSnapshot> {
  for (;;) {
    await condition(() => onboarding.hasHint(sid), onboarding.settings.vettingPollIntervalMs, {
      summary: `Twilio vetting of ${kind} ${sid} (callback or poll)`,
    });
    const hinted = onboarding.takeHint(sid);
    if (hinted !== undefined && !BUNDLE_DECISIONS.includes(hinted)) {
      await onboarding.continueAsNewIfDue();
      continue;
    }
    if (hinted !== undefined) {
      // A burst of decision callbacks (replays) is read once per spacing; later ones fold into it.
      const holdMs = onboarding.msUntilCallbackRead(sid);
      if (holdMs > 0) await sleep(holdMs);
      onboarding.callbackRead(sid);
    }
    // A decision callback's read is interactive (someone waits on the outcome); the poll's is not.
    const snapshot = onboarding.recordBundle(
      await interactively(() => activities.fetchBundle({ kind, sid }), hinted !== undefined),
    );
    if (snapshot.status === 'twilio-approved' || snapshot.status === 'twilio-rejected') return snapshot;
    await onboarding.continueAsNewIfDue();
  }
}

function evaluationProblem(kind: BundleKind, evaluation: EvaluationSummary, product?: AddOnProduct): Problem {
  const codes = [...new Set(evaluation.failures.map((f) => f.errorCode).filter((c): c is number => !!c))];
  return {
    kind: 'evaluation',
    bundle: kind,
    ...(product ? { product } : {}),
    message: `Twilio's evaluation of the ${product ? PRODUCT_LABEL[product] : kind.replace('-', ' ')} is noncompliant.`,
    codes: codes.map((code) => ({ code, meaning: describeTwilioCode(code) })),
    failures: evaluation.failures,
  };
}

/**
 * Every number of the record onto the bundle (ChannelEndpointAssignments), those already there skipped,
 * and those the product does not take (CNAM: US local numbers only) left off.
 */
export async function assignNumbers(
  onboarding: Onboarding,
  kind: BundleKind,
  bundleSid: string,
  product?: AddOnProduct,
): Promise<void> {
  for (const number of onboarding.record.phoneNumbers) {
    if (product && numberIneligibility(product, number.phoneNumber)) continue;
    if (onboarding.numbersOn(bundleSid).includes(number.sid)) continue;
    await activities.assignPhoneNumber({ kind, bundleSid, phoneNumberSid: number.sid });
    onboarding.numbersAssigned(bundleSid, number.sid);
  }
}
