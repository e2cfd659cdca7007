/**
 * Corrections: what the submitCorrections update accepts (beyond the field formats the API's schema
 * already checked), the wait for them, and how they are applied to what Twilio already has.
 */
import { ActivityFailure, ApplicationFailure, condition, patched } from '@temporalio/workflow';
import { businessInformationAttributes, representativeAttributes } from '../../trusthub/attributes.js';
import { TrustHubFailureType, type TwilioErrorDetails } from '../../trusthub/errors.js';
import { describeTwilioCode } from '../../trusthub/types.js';
import { NOT_OWNED_ATTESTATION, type Corrections, type Problem } from '../contract.js';
import { trustHub } from './activities.js';
import { deleteReplaced, retryPendingDeletions, type ReplacedResource } from './personal-data.js';
import type { Onboarding } from './state.js';
import { DROP_CORRECTED_NUMBERS } from '../patches.js';

const FIELDS = [
  'email',
  'business',
  'address',
  'authorizedRepresentatives',
  'phoneNumbers',
  'replaceTrustProduct',
] as const;

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
    for (const field of given.filter((f) => f !== 'email' && f !== 'replaceTrustProduct')) {
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

export async function waitForCorrections(o: Onboarding, problem: Problem): Promise<Corrections> {
  const { view } = o;
  // Back from Twilio's vetting (or an evaluation): what it refused to delete before may go now.
  await retryPendingDeletions(o);
  view.status = 'action-required';
  view.problem = problem;
  o.note('action required', problem.message);
  o.setStep('waiting-for-corrections');
  while (!(await condition(() => o.pendingCorrections !== undefined, '1 day'))) {
    await o.continueAsNewIfHistoryIsLong();
  }
  view.status = 'running';
  view.problem = null;
  return o.pendingCorrections!;
}

/** Applies corrections to the resources already made: update where Twilio allows it, replace where not. */
export async function applyCorrections(o: Onboarding, corrections: Corrections): Promise<void> {
  const { view } = o;
  view.corrections += 1;
  o.note('corrections received', Object.keys(corrections).join(', '));
  o.setStep('applying-corrections');
  const profileSid = view.resources.customerProfileSid;
  // The one copy of the customer's data: everything after this, in this run or a continued one, uses it.
  const request = (o.request = {
    ...o.request,
    ...(corrections.email ? { email: corrections.email } : {}),
    ...(corrections.business ? { business: { ...o.request.business, ...corrections.business } } : {}),
    ...(corrections.address ? { address: corrections.address } : {}),
    ...(corrections.authorizedRepresentatives
      ? { authorizedRepresentatives: corrections.authorizedRepresentatives }
      : {}),
    ...(corrections.phoneNumbers ? { phoneNumbers: corrections.phoneNumbers } : {}),
  });
  const profileEditable = profileSid && view.customerProfile?.status !== 'twilio-approved';

  if (corrections.email) {
    if (profileEditable) {
      o.recordBundle(
        await trustHub.updateBundleEmail({ kind: 'customer-profile', sid: profileSid, email: request.email }),
      );
    }
    if (view.resources.trustProductSid) await updateTrustProductEmail(o);
  }
  if (corrections.business && view.resources.businessInformationSid) {
    await trustHub.updateEndUser({
      sid: view.resources.businessInformationSid,
      attributes: businessInformationAttributes(request.business),
    });
  }
  if (corrections.authorizedRepresentatives && profileSid) {
    const sids = view.resources.representativeSids;
    for (const [index, representative] of request.authorizedRepresentatives.entries()) {
      const sid = sids[index];
      if (sid) await trustHub.updateEndUser({ sid, attributes: representativeAttributes(representative) });
    }
    // A second representative removed: take it off the profile (the guide adds a new one), and delete
    // it, with the name, email and phone number it holds.
    const removed = sids.splice(request.authorizedRepresentatives.length);
    for (const sid of removed) {
      await o.unlink('customer-profile', profileSid, sid);
    }
    await deleteReplaced(
      o,
      removed.map((sid) => ({ kind: 'end-user', sid })),
    );
  }
  if (corrections.address && view.resources.addressSid && profileSid) {
    try {
      await trustHub.updateAddress({ sid: view.resources.addressSid, address: request.address });
    } catch (error) {
      // Twilio cannot change an address's country: make a new address and document, and swap them.
      if (failureType(error) !== TrustHubFailureType.AddressCountryChanged) throw error;
      // The old ones are deleted, the document first: Twilio keeps an address a document points at.
      const replaced: ReplacedResource[] = [];
      if (view.resources.supportingDocumentSid) {
        await o.unlink('customer-profile', profileSid, view.resources.supportingDocumentSid);
        replaced.push({ kind: 'supporting-document', sid: view.resources.supportingDocumentSid });
      }
      replaced.push({ kind: 'address', sid: view.resources.addressSid });
      o.carried.revision += 1;
      view.resources.addressSid = undefined;
      view.resources.supportingDocumentSid = undefined;
      await deleteReplaced(o, replaced);
    }
  }
  if (corrections.phoneNumbers && profileSid && patched(DROP_CORRECTED_NUMBERS)) {
    await dropNumbersLeftOut(o, profileSid);
  }
  if (corrections.replaceTrustProduct) await dropTrustProduct(o);
  // Phone numbers: new ones are resolved and assigned when the guide runs again.
}

/**
 * A corrected number list replaces the old one: numbers left out come off the profile (editable while
 * the ISV corrects it) and off a trust product Twilio lets us edit, and out of the record.
 */
async function dropNumbersLeftOut(o: Onboarding, profileSid: string): Promise<void> {
  const { view, carried } = o;
  const kept = new Set(o.request.phoneNumbers);
  const trustProductSid = view.resources.trustProductSid;
  const trustProductEditable = ['draft', 'twilio-rejected'].includes(view.trustProduct?.status ?? '');
  for (const number of view.phoneNumbers.filter(
    (n) => !kept.has(n.input) && !kept.has(n.phoneNumber) && !kept.has(n.sid),
  )) {
    const onProfile = o.numbersOnProfile(profileSid);
    if (onProfile.includes(number.sid)) {
      await trustHub.unassignPhoneNumber({
        kind: 'customer-profile',
        bundleSid: profileSid,
        phoneNumberSid: number.sid,
      });
      onProfile.splice(onProfile.indexOf(number.sid), 1);
    }
    if (trustProductSid && trustProductEditable && carried.phoneNumbersOnTrustProduct.includes(number.sid)) {
      await trustHub.unassignPhoneNumber({
        kind: 'trust-product',
        bundleSid: trustProductSid,
        phoneNumberSid: number.sid,
      });
      carried.phoneNumbersOnTrustProduct = carried.phoneNumbersOnTrustProduct.filter(
        (sid) => sid !== number.sid,
      );
    }
    view.phoneNumbers = view.phoneNumbers.filter((n) => n.sid !== number.sid);
    o.note('phone number dropped by correction', number.sid);
  }
}

/**
 * Puts the request's email on the trust product, now if Twilio allows edits (draft or rejected), else
 * when it next does: a trust product submitted early, while the profile was in review, cannot change
 * until Twilio decides it, and is evaluated and resubmitted after that with the email carried here.
 */
export async function updateTrustProductEmail(o: Onboarding): Promise<void> {
  const sid = o.view.resources.trustProductSid;
  const status = o.view.trustProduct?.status;
  if (!sid) return;
  if (status !== 'draft' && status !== 'twilio-rejected') {
    o.carried.trustProductEmailOutdated = true;
    o.note(
      'trust product email will be updated',
      `Twilio allows no edits while it is ${status ?? 'unknown'}`,
    );
    return;
  }
  o.recordBundle(await trustHub.updateBundleEmail({ kind: 'trust-product', sid, email: o.request.email }));
  o.carried.trustProductEmailOutdated = false;
}

/**
 * Takes the numbers off the rejected trust product and deletes it (Twilio allows deleting a bundle that
 * is not in review); the guide then makes a new one under a new revision of its name.
 */
async function dropTrustProduct(o: Onboarding): Promise<void> {
  const { view, carried } = o;
  const sid = view.resources.trustProductSid;
  if (!sid) return;
  for (const phoneNumberSid of carried.phoneNumbersOnTrustProduct) {
    await trustHub.unassignPhoneNumber({ kind: 'trust-product', bundleSid: sid, phoneNumberSid });
  }
  await trustHub.deleteResource({ kind: 'trust-product', sid });
  o.hints.delete(sid);
  o.note('trust product replaced', `${sid} deleted`);
  carried.phoneNumbersOnTrustProduct = [];
  delete carried.linked[sid];
  carried.trustProductRevision = (carried.trustProductRevision ?? 1) + 1;
  view.resources.trustProductSid = undefined;
  view.trustProduct = null;
}

export function failureType(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** Twilio refused a request (bad value, not owned number): the ISV can fix it with a correction. */
export function refusalProblem(error: unknown): Problem | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  if (cause.type === TrustHubFailureType.PhoneNumberNotOwned) {
    return {
      kind: 'phone-numbers',
      message: `${cause.message}. ${NOT_OWNED_ATTESTATION}`,
      codes: [],
      failures: [],
    };
  }
  if (cause.type === TrustHubFailureType.Rejected) {
    const details = (cause.details?.[0] ?? {}) as Partial<TwilioErrorDetails>;
    return {
      kind: 'twilio-error',
      message: `Twilio refused a request: ${details.message ?? cause.message}`,
      codes: details.code ? [{ code: details.code, meaning: describeTwilioCode(details.code) }] : [],
      failures: [],
    };
  }
  return undefined;
}
