/**
 * The approvals re-read while serving: when Twilio calls back, and ahead of each bundle's `valid_until`
 * (or weekly), so an approval that runs out or is withdrawn shows as `action-required` with Twilio's
 * reason. The timer's re-check also lists each bundle's assignments (../../steps/drift.ts).
 */
import { ADD_ON_PRODUCTS, type BundleKind } from '../../../../contract/vocabulary.js';
import type { Problem } from '../../../../contract/types.js';
import { refusalProblem } from '../../steps/refusals.js';
import { activities, interactively } from '../../activities.js';
import { checkAssignments } from '../../steps/drift.js';
import { retryPendingDeletions } from '../../steps/personal-data.js';
import type { Onboarding } from '../../onboarding.js';
import { approvalsVerdict } from '../../lifecycle.js';

/** Re-read an approval this long before it runs out, while there is time to act on what Twilio says. */
export const EXPIRY_LEAD_MS = 30 * 24 * 3_600_000;

/** With no expiry in sight, still re-read the approvals now and then: Twilio may withdraw one. */
const RECHECK_MS = 7 * 24 * 3_600_000;

const DAY_MS = 24 * 3_600_000;

/** What Twilio has assigned to the bundles is listed at most this often (two list requests per bundle). */
const ASSIGNMENTS_CHECK_MS = DAY_MS;

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
export async function checkApprovals(onboarding: Onboarding, hinted?: string[]): Promise<void> {
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
export async function readBundles(onboarding: Onboarding, sids: string[]): Promise<boolean> {
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

/** The customer needs the ISV: said once per distinct problem. */
function report(onboarding: Onboarding, given: Problem): void {
  const problem = { ...given, message: onboarding.redact(given.message) };
  const known = onboarding.record.problem;
  const codes = (p: Problem) => p.codes.map((c) => c.code).join(',');
  if (known?.message === problem.message && codes(known) === codes(problem)) return;
  onboarding.requireAction(problem);
}
