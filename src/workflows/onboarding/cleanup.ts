/**
 * What a cancel does, and a failure before approval too. Before approval: remove what is still draft at Twilio, newest first, and keep
 * what was already submitted (Twilio will not delete a bundle in review). After approval (offboarding):
 * take the customer's numbers off the trust product and the profile, so their calls stop being signed
 * for this customer, and keep the approved bundles, which Twilio keeps anyway.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { NumberChangeRefusal } from '../contract.js';
import type { BundleSnapshot } from '../../trusthub/types.js';
import { activities, type DeletableKind } from './activities.js';
import type { Onboarding } from './state.js';

export async function compensate(
  onboarding: Onboarding,
  ending: 'cancelled' | 'failed' = 'cancelled',
): Promise<void> {
  const { record } = onboarding;
  onboarding.cleanUpStarted(ending === 'cancelled' ? 'cancel requested' : 'failed: removing drafts');
  const candidates: { kind: DeletableKind; sid: string | undefined; bundle?: BundleSnapshot | null }[] = [
    { kind: 'trust-product', sid: record.resources.trustProductSid, bundle: record.trustProduct },
    ...[...record.resources.representativeSids].reverse().map((sid) => ({ kind: 'end-user' as const, sid })),
    { kind: 'end-user', sid: record.resources.businessInformationSid },
    { kind: 'supporting-document', sid: record.resources.supportingDocumentSid },
    { kind: 'address', sid: record.resources.addressSid },
    { kind: 'customer-profile', sid: record.resources.customerProfileSid, bundle: record.customerProfile },
  ];
  const profileSubmitted = record.customerProfile && record.customerProfile.status !== 'draft';
  for (const { kind, sid, bundle } of candidates) {
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
      if ((kind === 'end-user' || kind === 'supporting-document') && profileSid) {
        await onboarding.unlink('customer-profile', profileSid, sid);
      }
      await activities.deleteResource({ kind, sid });
      onboarding.compensated({ kind, sid, outcome: 'deleted' });
    } catch (error) {
      onboarding.compensated({ kind, sid, outcome: 'failed', reason: (error as Error).message });
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
  const { customerProfileSid, trustProductSid } = record.resources;
  for (const number of record.phoneNumbers) {
    for (const [kind, bundleSid] of [
      ['trust-product', trustProductSid],
      ['customer-profile', customerProfileSid],
    ] as const) {
      if (!bundleSid) continue;
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
          reason: (error as Error).message,
        });
      }
    }
  }
  for (const [kind, sid] of [
    ['trust-product', trustProductSid],
    ['customer-profile', customerProfileSid],
  ] as const) {
    if (sid) onboarding.compensated({ kind, sid, outcome: 'kept', reason: 'approved: Twilio keeps it' });
  }
  if (trustProductSid) onboarding.numbersCleared(trustProductSid);
  if (customerProfileSid) onboarding.numbersCleared(customerProfileSid);
  onboarding.cancelled(`${record.phoneNumbers.length} numbers taken off the bundles`);
}
