/**
 * Corrections: what the submitCorrections update accepts (beyond the field formats the API's schema
 * already checked), the wait for them, and how they are applied to what Twilio already has.
 */
import { condition } from '@temporalio/workflow';
import { businessInformationAttributes, representativeAttributes } from '../../../trusthub/attributes.js';
import { TrustHubFailureType } from '../../../contract/failures.js';
import { ADD_ON_FIELD, ADD_ON_PRODUCTS } from '../../../contract/vocabulary.js';
import type { Corrections, Problem } from '../../../contract/types.js';
import { activities } from '../activities.js';
import { deleteReplaced, retryPendingDeletions, type ReplacedResource } from '../steps/personal-data.js';
import { updateAddOnInformation } from '../steps/add-ons.js';
import type { Onboarding } from '../onboarding.js';
import { updateTrustProductEmail } from '../steps/bundle-edits.js';
import { failureType } from '../steps/refusals.js';

const FIELDS = [
  'email',
  'business',
  'address',
  'authorizedRepresentatives',
  'phoneNumbers',
  'replaceTrustProduct',
  'voiceIntegrity',
  'cnam',
] as const;

/** What can still change once the profile is approved: the trust products' own data. */
const TRUST_PRODUCT_FIELDS: readonly string[] = ['email', 'replaceTrustProduct', 'voiceIntegrity', 'cnam'];

export function checkCorrections(
  corrections: Corrections,
  { trustProductPhase, trustProductRejected }: { trustProductPhase: boolean; trustProductRejected: boolean },
): string[] {
  const reasons: string[] = [];
  const given = FIELDS.filter((field) => corrections[field] !== undefined);
  if (given.length === 0) reasons.push(`corrections must change at least one of ${FIELDS.join(', ')}`);

  // An approved customer profile cannot be edited any more (Twilio error 60711): in the trust-product
  // phase only the trust product's own email can change.
  if (trustProductPhase) {
    for (const field of given.filter((f) => !TRUST_PRODUCT_FIELDS.includes(f))) {
      reasons.push(
        `${field} cannot be corrected: the customer profile is already approved and Twilio no longer allows edits to it`,
      );
    }
  }
  if (
    corrections.replaceTrustProduct !== undefined &&
    !(corrections.replaceTrustProduct && trustProductRejected)
  ) {
    reasons.push('replaceTrustProduct can only be true, and only after Twilio rejected the trust product');
  }
  const representatives = corrections.authorizedRepresentatives;
  if (representatives && (representatives.length < 1 || representatives.length > 2)) {
    reasons.push('authorizedRepresentatives must list one or two representatives');
  }
  if (corrections.phoneNumbers && corrections.phoneNumbers.length === 0) {
    reasons.push('phoneNumbers must list at least one number');
  }
  return reasons;
}

// ---- waiting for and applying the ISV's corrections ------------------------------------------------

export async function waitForCorrections(onboarding: Onboarding, problem: Problem): Promise<Corrections> {
  // Back from Twilio's vetting (or an evaluation): what it refused to delete before may go now.
  await retryPendingDeletions(onboarding);
  onboarding.requireAction(problem);
  onboarding.setStep('waiting-for-corrections');
  while (!(await condition(() => onboarding.pendingCorrections !== undefined, '1 day'))) {
    await onboarding.continueAsNewIfDue();
  }
  onboarding.resume();
  return onboarding.pendingCorrections!;
}

/** Applies corrections to the resources already made: update where Twilio allows it, replace where not. */
export async function applyCorrections(onboarding: Onboarding, corrections: Corrections): Promise<void> {
  const { record } = onboarding;
  onboarding.correctionsReceived(Object.keys(corrections));
  onboarding.setStep('applying-corrections');
  const profileSid = record.resources.customerProfileSid;
  // The one copy of the customer's data: everything after this, in this run or a continued one, uses it.
  const request = onboarding.updateRequest({
    ...onboarding.request,
    ...(corrections.email ? { email: corrections.email } : {}),
    ...(corrections.business
      ? { business: { ...onboarding.request.business, ...corrections.business } }
      : {}),
    ...(corrections.address ? { address: corrections.address } : {}),
    ...(corrections.authorizedRepresentatives
      ? { authorizedRepresentatives: corrections.authorizedRepresentatives }
      : {}),
    ...(corrections.phoneNumbers ? { phoneNumbers: corrections.phoneNumbers } : {}),
    ...(corrections.voiceIntegrity ? { voiceIntegrity: corrections.voiceIntegrity } : {}),
    ...(corrections.cnam ? { cnam: corrections.cnam } : {}),
  });
  const profileEditable = profileSid && record.customerProfile?.status !== 'twilio-approved';

  if (corrections.email) {
    if (profileEditable) {
      onboarding.recordBundle(
        await activities.updateBundleEmail({
          kind: 'customer-profile',
          sid: profileSid,
          email: request.email,
        }),
      );
    }
    if (record.resources.trustProductSid) await updateTrustProductEmail(onboarding);
  }
  if (corrections.business && record.resources.businessInformationSid) {
    await activities.updateEndUser({
      sid: record.resources.businessInformationSid,
      attributes: businessInformationAttributes(request.business),
    });
  }
  if (corrections.authorizedRepresentatives && profileSid) {
    const sids = record.resources.representativeSids;
    for (const [index, representative] of request.authorizedRepresentatives.entries()) {
      const sid = sids[index];
      if (sid) await activities.updateEndUser({ sid, attributes: representativeAttributes(representative) });
    }
    // A second representative removed: take it off the profile (the guide adds a new one), and delete
    // it, with the name, email and phone number it holds.
    const removed = onboarding.representativesDroppedFrom(request.authorizedRepresentatives.length);
    for (const sid of removed) {
      await onboarding.unlink('customer-profile', profileSid, sid);
    }
    await deleteReplaced(
      onboarding,
      removed.map((sid) => ({ kind: 'end-user', sid })),
    );
  }
  if (corrections.address && record.resources.addressSid && profileSid) {
    try {
      await activities.updateAddress({ sid: record.resources.addressSid, address: request.address });
    } catch (error) {
      // Twilio cannot change an address's country: make a new address and document, and swap them.
      if (failureType(error) !== TrustHubFailureType.AddressCountryChanged) throw error;
      // The old ones are deleted, the document first: Twilio keeps an address a document points at.
      const replaced: ReplacedResource[] = [];
      if (record.resources.supportingDocumentSid) {
        await onboarding.unlink('customer-profile', profileSid, record.resources.supportingDocumentSid);
        replaced.push({ kind: 'supporting-document', sid: record.resources.supportingDocumentSid });
      }
      replaced.push({ kind: 'address', sid: record.resources.addressSid });
      onboarding.addressReplaced();
      await deleteReplaced(onboarding, replaced);
    }
  }
  if (corrections.phoneNumbers && profileSid) {
    await dropNumbersLeftOut(onboarding, profileSid);
  }
  if (corrections.replaceTrustProduct) await dropTrustProduct(onboarding);
  // Voice Integrity and CNAM: their end users take the new values (Twilio allows it while the trust
  // product is draft or rejected; the guide then evaluates and submits it). One not made yet is made
  // with them.
  for (const product of ADD_ON_PRODUCTS) {
    if (!corrections[ADD_ON_FIELD[product]]) continue;
    // (The validator refused a correction to one in review or approved, which Twilio would not take.)
    onboarding.addOnRequested(product);
    await updateAddOnInformation(onboarding, product);
  }
  // Phone numbers: new ones are resolved and assigned when the guide runs again.
}

/**
 * A corrected number list replaces the old one: numbers left out come off the profile (editable while
 * the ISV corrects it) and off a trust product Twilio lets us edit, and out of the record.
 */
async function dropNumbersLeftOut(onboarding: Onboarding, profileSid: string): Promise<void> {
  const { record } = onboarding;
  const kept = new Set(onboarding.request.phoneNumbers);
  const trustProductSid = record.resources.trustProductSid;
  const trustProductEditable = ['draft', 'twilio-rejected'].includes(record.trustProduct?.status ?? '');
  for (const number of record.phoneNumbers.filter(
    (n) => !kept.has(n.input) && !kept.has(n.phoneNumber) && !kept.has(n.sid),
  )) {
    if (onboarding.numbersOn(profileSid).includes(number.sid)) {
      await activities.unassignPhoneNumber({
        kind: 'customer-profile',
        bundleSid: profileSid,
        phoneNumberSid: number.sid,
      });
      onboarding.numberUnassigned(profileSid, number.sid);
    }
    if (
      trustProductSid &&
      trustProductEditable &&
      onboarding.numbersOn(trustProductSid).includes(number.sid)
    ) {
      await activities.unassignPhoneNumber({
        kind: 'trust-product',
        bundleSid: trustProductSid,
        phoneNumberSid: number.sid,
      });
      onboarding.numberUnassigned(trustProductSid, number.sid);
    }
    onboarding.phoneNumberDropped(number.sid);
    onboarding.note('phone number dropped by correction', number.sid);
  }
}

/**
 * Takes the numbers off the rejected trust product and deletes it (Twilio allows deleting a bundle that
 * is not in review); the guide then makes a new one under a new revision of its name.
 */
async function dropTrustProduct(onboarding: Onboarding): Promise<void> {
  const sid = onboarding.record.resources.trustProductSid;
  if (!sid) return;
  for (const phoneNumberSid of onboarding.numbersOn(sid)) {
    await activities.unassignPhoneNumber({ kind: 'trust-product', bundleSid: sid, phoneNumberSid });
  }
  await activities.deleteResource({ kind: 'trust-product', sid });
  onboarding.takeHint(sid);
  onboarding.note('trust product replaced', `${sid} deleted`);
  onboarding.trustProductDeleted(sid);
}
