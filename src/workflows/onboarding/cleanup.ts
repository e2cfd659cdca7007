/**
 * What a cancel does, and a failure before approval too. Before approval: remove what is still draft at Twilio, newest first, and keep
 * what was already submitted (Twilio will not delete a bundle in review). After approval (offboarding):
 * take the customer's numbers off the trust product and the profile, so their calls stop being signed
 * for this customer, and keep the approved bundles, which Twilio keeps anyway.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { DeletableKind } from '../../activities/index.js';
import { NumberChangeRefusal } from '../contract.js';
import type { BundleSnapshot } from '../../trusthub/types.js';
import { trustHub } from './activities.js';
import type { Onboarding } from './state.js';

export async function compensate(o: Onboarding, ending: 'cancelled' | 'failed' = 'cancelled'): Promise<void> {
  const { view } = o;
  view.step = 'cancelling';
  o.note(ending === 'cancelled' ? 'cancel requested' : 'failed: removing drafts');
  const candidates: { kind: DeletableKind; sid: string | undefined; bundle?: BundleSnapshot | null }[] = [
    { kind: 'trust-product', sid: view.resources.trustProductSid, bundle: view.trustProduct },
    ...[...view.resources.representativeSids].reverse().map((sid) => ({ kind: 'end-user' as const, sid })),
    { kind: 'end-user', sid: view.resources.businessInformationSid },
    { kind: 'supporting-document', sid: view.resources.supportingDocumentSid },
    { kind: 'address', sid: view.resources.addressSid },
    { kind: 'customer-profile', sid: view.resources.customerProfileSid, bundle: view.customerProfile },
  ];
  const profileSubmitted = view.customerProfile && view.customerProfile.status !== 'draft';
  for (const { kind, sid, bundle } of candidates) {
    if (!sid) continue;
    if (o.carried.adoptedSids?.includes(sid)) {
      view.compensation.push({
        kind,
        sid,
        outcome: 'kept',
        reason: "the customer's own: adopted, not made here",
      });
      continue;
    }
    const submitted = bundle ? bundle.status !== 'draft' : profileSubmitted && kind !== 'trust-product';
    if (submitted) {
      view.compensation.push({ kind, sid, outcome: 'kept', reason: 'already submitted to Twilio' });
      continue;
    }
    try {
      // Twilio refuses to delete an end user or document still assigned to a bundle: unassign first.
      const profileSid = view.resources.customerProfileSid;
      if ((kind === 'end-user' || kind === 'supporting-document') && profileSid) {
        await o.unlink('customer-profile', profileSid, sid);
      }
      await trustHub.deleteResource({ kind, sid });
      view.compensation.push({ kind, sid, outcome: 'deleted' });
    } catch (error) {
      view.compensation.push({ kind, sid, outcome: 'failed', reason: (error as Error).message });
    }
  }
  const removed = `${view.compensation.filter((c) => c.outcome === 'deleted').length} resources removed`;
  if (ending === 'cancelled') finish(o, removed);
  else o.note('drafts removed', removed);
}

export async function offboard(o: Onboarding): Promise<void> {
  const { view } = o;
  view.step = 'cancelling';
  o.note('offboarding requested');
  // Number changes still queued are answered, not left hanging: the customer is leaving.
  for (const change of o.numberChanges.splice(0)) {
    change.refusal = ApplicationFailure.create({
      type: NumberChangeRefusal.Offboarding,
      message: 'The customer is being offboarded: its numbers are being taken off its bundles.',
    });
    change.done = true;
  }
  const { customerProfileSid, trustProductSid } = view.resources;
  for (const number of view.phoneNumbers) {
    for (const [kind, bundleSid] of [
      ['trust-product', trustProductSid],
      ['customer-profile', customerProfileSid],
    ] as const) {
      if (!bundleSid) continue;
      try {
        await trustHub.unassignPhoneNumber({ kind, bundleSid, phoneNumberSid: number.sid });
        view.compensation.push({
          kind: 'phone-number',
          sid: number.sid,
          outcome: 'unassigned',
          reason: kind,
        });
      } catch (error) {
        view.compensation.push({
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
    if (sid) view.compensation.push({ kind, sid, outcome: 'kept', reason: 'approved: Twilio keeps it' });
  }
  o.carried.phoneNumbersOnTrustProduct = [];
  if (customerProfileSid) o.carried.linked[`${customerProfileSid}:numbers`] = [];
  finish(o, `${view.phoneNumbers.length} numbers taken off the bundles`);
}

function finish(o: Onboarding, detail: string): void {
  o.view.status = 'cancelled';
  o.view.step = 'done';
  o.note('cancelled', detail);
  o.publish();
}
