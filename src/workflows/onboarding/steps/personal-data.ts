/**
 * Personal data a correction replaced: a removed second representative (an end user with a name, an
 * email and a phone number), and an address whose country changed with the supporting document that
 * pointed at it. Once unlinked from the profile they are of no use to the onboarding, so they are
 * deleted at Twilio instead of left there. What was adopted is the customer's own and is never deleted.
 *
 * Twilio refuses to delete what is still referenced (an end user or document still assigned to a
 * bundle, an address a document still points at). A refused delete is kept in `carried.pendingDeletions`
 * (handed on through continue-as-new) and tried again after the next vetting decision that brings the
 * onboarding back to the ISV, and at every approval check while serving; it never fails the onboarding.
 * The timeline names each deletion by kind and SID only.
 */
import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import { twilioErrorDetails } from '../../../contract/failures.js';
import type { CarriedState } from '../carried.js';
import { activities } from '../activities.js';
import type { Onboarding } from '../onboarding.js';

export type ReplacedResource = NonNullable<CarriedState['pendingDeletions']>[number];

/**
 * Deletes what a correction replaced, in the order given (a document before the address it points at),
 * keeping what Twilio refuses for later.
 */
export async function deleteReplaced(onboarding: Onboarding, replaced: ReplacedResource[]): Promise<void> {
  const adopted = onboarding.carried.adoptedSids ?? [];
  const mine = replaced.filter(({ sid }) => !adopted.includes(sid));
  if (mine.length === 0) return;
  const fresh = onboarding.deletionsPending(mine);
  await deletePending(onboarding, new Set(fresh.map(({ sid }) => sid)));
}

/** Tries the deletions Twilio refused before; a no-op (no commands) when there are none. */
export async function retryPendingDeletions(onboarding: Onboarding): Promise<void> {
  if (onboarding.carried.pendingDeletions?.length) await deletePending(onboarding, new Set());
}

/** Tries every pending deletion in order; `fresh` are those tried for the first time. */
async function deletePending(onboarding: Onboarding, fresh: Set<string>): Promise<void> {
  const kept: ReplacedResource[] = [];
  for (const resource of onboarding.carried.pendingDeletions ?? []) {
    const { kind, sid } = resource;
    try {
      // A 404 counts as deleted (by an earlier attempt, or by someone in the Console).
      await activities.deleteResource({ kind, sid });
      onboarding.note('personal data deleted at Twilio', `${kind} ${sid}`);
    } catch (error) {
      if (isCancellation(error)) throw error;
      kept.push(resource);
      // Said once, when first refused: a retry that is refused again changes nothing worth reading.
      if (fresh.has(sid))
        onboarding.note('personal data kept at Twilio for now', `${kind} ${sid}: ${refusal(error)}`);
    }
  }
  onboarding.deletionsKept(kept);
}

/** Twilio's status and code only: its message may quote what the request held. */
function refusal(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  const details = cause instanceof ApplicationFailure ? twilioErrorDetails(cause) : undefined;
  const code = details?.code ? `, code ${details.code}` : '';
  return details
    ? `Twilio refused (HTTP ${details.status ?? '?'}${code}); tried again later`
    : 'tried again later';
}
