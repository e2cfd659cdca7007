/**
 * What a cancel does, and a failure before approval too. Before approval: remove what is still draft at Twilio, newest first, and keep
 * what was already submitted (Twilio will not delete a bundle in review). After approval (offboarding):
 * take the customer's numbers off the trust product and the profile, so their calls stop being signed
 * for this customer, and keep the approved bundles, which Twilio keeps anyway.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { NumberChangeRefusal } from '../../../contract/messages.js';
import { ADD_ON_PRODUCTS } from '../../../contract/vocabulary.js';
import type { BundleSnapshot } from '../../../contract/types.js';
import { activities, type DeletableKind } from '../activities.js';
import type { Onboarding } from '../onboarding.js';
import { ADD_ON_SLOTS } from '../record.js';

export async function compensate(
  onboarding: Onboarding,
  ending: 'cancelled' | 'failed' = 'cancelled',
): Promise<void> {
  const { record } = onboarding;
  onboarding.cleanUpStarted(ending === 'cancelled' ? 'cancel requested' : 'failed: removing drafts');
  // Newest first: the add-ons' trust products, each before its end user (deleting the trust product takes
  // the end user's assignment with it; one kept in review keeps its end user too).
  const addOns = [...ADD_ON_PRODUCTS].reverse().flatMap((product) => {
    const slot = ADD_ON_SLOTS[product];
    const bundle = onboarding.addOnSnapshot(product);
    return [
      { kind: 'trust-product' as const, sid: record.resources[slot.bundleSid], bundle },
      { kind: 'end-user' as const, sid: record.resources[slot.endUserSid], bundle, ofTrustProduct: true },
    ];
  });
  const candidates: {
    kind: DeletableKind;
    sid: string | undefined;
    bundle?: BundleSnapshot | null;
    ofTrustProduct?: boolean;
  }[] = [
    ...addOns,
    { kind: 'trust-product', sid: record.resources.trustProductSid, bundle: record.trustProduct },
    ...[...record.resources.representativeSids].reverse().map((sid) => ({ kind: 'end-user' as const, sid })),
    { kind: 'end-user', sid: record.resources.businessInformationSid },
    { kind: 'supporting-document', sid: record.resources.supportingDocumentSid },
    { kind: 'address', sid: record.resources.addressSid },
    { kind: 'customer-profile', sid: record.resources.customerProfileSid, bundle: record.customerProfile },
  ];
  const profileSubmitted = record.customerProfile && record.customerProfile.status !== 'draft';
  for (const { kind, sid, bundle, ofTrustProduct } of candidates) {
    if (!sid) continue;
    if (onboarding.carried.adoptedSids?.includes(sid)) {
      onboarding.compensated({
        kind,
        sid,
        outcome: 'kept',
        reason: "the customer's own: adopted, not made here",
      });
      continue;
    }
    const submitted = bundle ? bundle.status !== 'draft' : profileSubmitted && kind !== 'trust-product';
    if (submitted) {
      onboarding.compensated({ kind, sid, outcome: 'kept', reason: 'already submitted to Twilio' });
      continue;
    }
    try {
      // Twilio refuses to delete an end user or document still assigned to a bundle: unassign first.
      const profileSid = record.resources.customerProfileSid;
      if ((kind === 'end-user' || kind === 'supporting-document') && profileSid && !ofTrustProduct) {
        await onboarding.unlink('customer-profile', profileSid, sid);
      }
      await activities.deleteResource({ kind, sid });
      onboarding.compensated({ kind, sid, outcome: 'deleted' });
    } catch (error) {
      onboarding.compensated({ kind, sid, outcome: 'failed', reason: failureReason(error) });
    }
  }
  const removed = `${record.compensation.filter((c) => c.outcome === 'deleted').length} resources removed`;
  if (ending === 'cancelled') onboarding.cancelled(removed);
  else onboarding.note('drafts removed', removed);
}

export async function offboard(onboarding: Onboarding): Promise<void> {
  const { record } = onboarding;
  onboarding.cleanUpStarted('offboarding requested');
  // Number changes still queued are answered, not left hanging: the customer is leaving.
  onboarding.answerQueuedWork(() =>
    ApplicationFailure.create({
      type: NumberChangeRefusal.Offboarding,
      message: 'The customer is being offboarded: its numbers are being taken off its bundles.',
    }),
  );
  // Off every trust product first (the add-ons', then SHAKEN/STIR's), the profile last.
  const bundles = onboarding.customerBundles().reverse();
  for (const number of record.phoneNumbers) {
    for (const { kind, bundleSid, product } of bundles) {
      const addOn = product === 'voice-integrity' || product === 'cnam';
      if (addOn && !onboarding.numbersOn(bundleSid).includes(number.sid)) continue;
      try {
        await activities.unassignPhoneNumber({ kind, bundleSid, phoneNumberSid: number.sid });
        onboarding.compensated({
          kind: 'phone-number',
          sid: number.sid,
          outcome: 'unassigned',
          reason: kind,
        });
      } catch (error) {
        onboarding.compensated({
          kind: 'phone-number',
          sid: number.sid,
          outcome: 'failed',
          reason: failureReason(error),
        });
      }
    }
  }
  for (const { kind, bundleSid } of bundles) {
    const status = onboarding.snapshotOf(bundleSid)?.status ?? 'twilio-approved';
    const reason = status === 'twilio-approved' ? 'approved: Twilio keeps it' : `${status}: Twilio keeps it`;
    onboarding.compensated({ kind, sid: bundleSid, outcome: 'kept', reason });
    onboarding.numbersCleared(bundleSid);
  }
  onboarding.cancelled(`${record.phoneNumbers.length} numbers taken off the bundles`);
}

/**
 * Why a clean-up step failed, in Twilio's words (an activity's failure says only "Activity task failed";
 * its cause says what Twilio answered). The view redacts any other customer's SID in it on the way out.
 */
function failureReason(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  return (cause ?? (error as Error)).message;
}
