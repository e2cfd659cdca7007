/**
 * Life after approval. The workflow stays with the customer, and this loop serves it: one queued change
 * at a time (Workflow Updates, so they never interleave with a re-read or a continue-as-new), Twilio's
 * callbacks within their budget, and the approvals' re-checks. Each feature is a module of its own:
 * - ./serving/number-changes.ts: numbers added to and removed from every bundle;
 * - ./serving/added-products.ts: Voice Integrity or CNAM asked for while serving;
 * - ./serving/approvals.ts: the approvals re-read on a callback and ahead of `valid_until`, so one
 *   that runs out or is withdrawn shows up as `action-required` with Twilio's reason, and the drift
 *   check at the timer's re-check;
 * - ./serving/mismatches.ts: a call Twilio signed at another level than expected, looked at at once.
 */
import { condition, isCancellation } from '@temporalio/workflow';
import { interactively } from '../activities.js';
import type { QueuedChange, Onboarding } from '../onboarding.js';
import { addProducts, productRefusal } from './serving/added-products.js';
import { checkApprovals, judgeApprovals, msUntilApprovalCheck } from './serving/approvals.js';
import { explainMismatches } from './serving/mismatches.js';
import { addNumbers, numberRefusal, removeNumber } from './serving/number-changes.js';

export async function serve(onboarding: Onboarding): Promise<never> {
  onboarding.startServing();
  // A mismatch a previous run had queued, or one seen while onboarding: checked now.
  onboarding.requeueMismatchChecks();
  // Callbacks re-read their bundle at most CALLBACK_READS_PER_WINDOW times per window (a callback
  // repeating what the record says was dropped on arrival), and one beyond that waits for its turn,
  // folded into any others about the same bundle.
  for (;;) {
    onboarding.lookedAtHints();
    onboarding.lookedAtMoveRequest();
    const approvalCheckMs = msUntilApprovalCheck(onboarding);
    const hintMs = msUntilHintDue(onboarding);
    const woken = await condition(
      () =>
        dueHints(onboarding).length > 0 ||
        onboarding.queuedChanges > 0 ||
        onboarding.hintsArrived ||
        onboarding.mismatchChecksPending > 0 ||
        onboarding.moveRequested,
      Math.min(approvalCheckMs, hintMs),
      { summary: 'serving: number changes, Twilio callbacks, approval re-checks, a move to new code' },
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
    // Otherwise a callback arrived that must wait for its turn (the next wait includes it), or an operator
    // asked the run to move to the current build (moveToCurrentBuild), which the hand-over below does.
    // A held-back callback lives in this run only, so the hand-over waits until it has been read.
    if (
      onboarding.queuedChanges === 0 &&
      onboarding.hintsPending === 0 &&
      onboarding.mismatchChecksPending === 0
    ) {
      await onboarding.continueAsNewIfDue();
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
