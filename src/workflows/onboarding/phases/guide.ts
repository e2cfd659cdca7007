/**
 * The ISV guide's steps (single top-level project), in its order. Every step first asks "is this
 * already done?" from the state, so the same sequence serves a fresh start, a return after corrections,
 * and a run continued as new. Activities make every Trust Hub create idempotent on their side
 * (deterministic friendly names).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import {
  businessInformationAttributes,
  representativeAttributes,
  type EndUserAttributes,
  type EndUserType,
} from '../../../trusthub/attributes.js';
import { StartRefusal } from '../../../contract/messages.js';
import { activities, type ExistingProfile } from '../activities.js';
import { checkSubject, submitAddOns } from '../steps/add-ons.js';
import { INELIGIBLE_REGISTRATION_AUTHORITY, productFailures } from '../../../contract/product-checks.js';
import { failureType, refusalProblem } from '../steps/refusals.js';
import { TrustHubFailureType } from '../../../contract/failures.js';
import type { Onboarding } from '../onboarding.js';
import { compareIdentity, describeVerdict } from '../adoption-identity.js';
import { NeedsCorrections, assignNumbers, awaitVetting, submitForVetting, vet } from '../steps/vetting.js';

export { NeedsCorrections } from '../steps/vetting.js';

export async function followTheGuide(onboarding: Onboarding): Promise<void> {
  const profileSid = await createCustomerProfile(onboarding);
  // An adopted profile that is already approved takes the customer's numbers (Twilio allows that).
  if (onboarding.carried.adopted && onboarding.record.customerProfile?.status === 'twilio-approved') {
    await attachPhoneNumbers(onboarding, profileSid);
  }
  if (onboarding.record.customerProfile?.status !== 'twilio-approved') {
    await linkPrimaryProfile(onboarding, profileSid);
    await attachAddress(onboarding, profileSid);
    await attachBusinessInformation(onboarding, profileSid);
    await attachRepresentatives(onboarding, profileSid);
    await attachPhoneNumbers(onboarding, profileSid);
    await submitForVetting(onboarding, 'customer-profile', profileSid);
    await submitTrustProductEarly(onboarding, profileSid);
    await awaitVetting(onboarding, 'customer-profile', profileSid);
  }
  const trustProductSid = await createTrustProduct(onboarding, profileSid);
  if (onboarding.carried.trustProductSubmittedEarly) {
    // Twilio decided it while the profile was in review: what the workflow last read may be stale, and
    // a rejection then was the profile's, now fixed, so the trust product is simply resubmitted.
    onboarding.trustProductSubmittedEarly(false);
    const early = onboarding.recordBundle(
      await activities.fetchBundle({ kind: 'trust-product', sid: trustProductSid }),
    );
    if (early.status === 'twilio-rejected')
      onboarding.note('trust product resubmitted', 'rejected before the profile was approved');
  }
  // A customer with neither Voice Integrity nor CNAM takes exactly the path it always took. Even the
  // awaits stay as they were: the order of commands in one workflow task follows them (an event's
  // delivery start against the next upsert), and recorded runs replay only in that order.
  if (onboarding.requestedAddOns().length === 0) {
    await vet(onboarding, 'trust-product', trustProductSid);
    return;
  }
  // With the profile approved, Voice Integrity and CNAM go into vetting beside SHAKEN/STIR (each needs
  // the approved profile: 11005, 11006). The guide ends at A: the serving loop takes the add-ons' vetting
  // from there (./serving.ts), so number changes and expiry watching never wait for their reviewers.
  const approved = () => onboarding.record.trustProduct?.status === 'twilio-approved';
  if (!approved()) await submitForVetting(onboarding, 'trust-product', trustProductSid);
  await submitAddOns(onboarding, profileSid);
  if (!approved()) await awaitVetting(onboarding, 'trust-product', trustProductSid);
}

/**
 * Submits the trust product while the profile is still in review. If Twilio will not take it yet (it
 * wants the profile approved first, or finds it noncompliant because of that), this is no problem for
 * the ISV: the trust product is evaluated and submitted again, the usual way, once the profile is
 * approved, and any real problem surfaces then.
 */
async function submitTrustProductEarly(onboarding: Onboarding, profileSid: string): Promise<void> {
  const current = onboarding.record.trustProduct?.status;
  if (current === 'pending-review' || current === 'in-review' || current === 'twilio-approved') return;
  try {
    const trustProductSid = await createTrustProduct(onboarding, profileSid);
    await submitForVetting(onboarding, 'trust-product', trustProductSid);
    onboarding.trustProductSubmittedEarly(true);
  } catch (error) {
    const deferred =
      error instanceof NeedsCorrections ? error.problem.message : refusalProblem(error)?.message;
    if (deferred === undefined) throw error;
    onboarding.note('trust product waits for the profile', deferred);
  }
}

// 1. Secondary customer profile, with the status callback that wakes us.
async function createCustomerProfile(onboarding: Onboarding): Promise<string> {
  const { record, request } = onboarding;
  if (!record.resources.customerProfileSid && request.customerProfileSid) {
    await adoptCustomerProfile(onboarding, request.customerProfileSid);
  }
  const known = record.resources.customerProfileSid;
  if (known) return known;
  onboarding.setStep('creating-customer-profile');
  const profile = await activities.createBundle({
    kind: 'customer-profile',
    friendlyName: request.friendlyName
      ? `${request.friendlyName} (${request.customerId})`
      : onboarding.name('customer-profile'),
    email: request.email,
    statusCallback: onboarding.statusCallback,
    ...onboarding.lookUpFirst(),
  });
  onboarding.resourceMade('customerProfileSid', profile.sid);
  onboarding.recordBundle(profile);
  const claimed = await activities.claim({
    kind: 'customer-profile',
    key: profile.sid,
    customerId: request.customerId,
  });
  // A SID Twilio has just made, claimed by someone else within the same second: never expected.
  if (claimed === 'owned-by-another') {
    throw ApplicationFailure.nonRetryable(
      `The customer profile ${profile.sid} made for this customer is claimed by another onboarding.`,
      'CustomerProfileClaimConflict',
    );
  }
  return profile.sid;
}

/**
 * 1'. The customer already has a secondary profile (made for A2P 10DLC, CNAM or Voice Integrity): use it
 * instead of making a duplicate, whose numbers Twilio would refuse. What is already on it counts as
 * done, so the guide adds only what is missing, and goes on from where the profile stands: in review,
 * it waits; approved, it is never edited (only numbers are assigned, which Twilio allows).
 */
async function adoptCustomerProfile(onboarding: Onboarding, sid: string): Promise<void> {
  onboarding.setStep('adopting-customer-profile');
  // Read once, by the adoption check, which accepted it.
  const existing = await checkAdoption(onboarding, sid);
  onboarding.profileAdopted(sid, existing);
  onboarding.note(
    'customer profile adopted',
    `${sid}: ${existing.snapshot.status}, ${existing.entities.length} entities`,
  );
  onboarding.recordBundle(existing.snapshot);
}

/**
 * Raised when `request.customerProfileSid` cannot be adopted: the start is answered with the one
 * refusal of every reason (ADOPTION_REFUSED_MESSAGE), and the run ends. The message is the reason, for
 * operators only: it becomes the run's failure (encrypted by the payload codec, read in the Web UI) and
 * a log line; it names kinds and fields, never a value, and never the customer who owns the profile.
 */
export class AdoptionRefused extends Error {
  readonly type = StartRefusal.AdoptionRefused;
}

/**
 * Before a profile is adopted: it is not the ISV's primary, no other onboarding owns it or ever did
 * (the claim, race-free), Twilio has it, and it holds the identity of the business of the request
 * (../adoption-identity.ts: every compared field present at Twilio and equal).
 */
async function checkAdoption(onboarding: Onboarding, sid: string): Promise<ExistingProfile> {
  if (sid === onboarding.settings.primaryCustomerProfileSid) {
    throw new AdoptionRefused("customerProfileSid is the ISV's primary customer profile.");
  }
  const claimed = await activities.claim({
    kind: 'customer-profile',
    key: sid,
    customerId: onboarding.request.customerId,
  });
  if (claimed === 'owned-by-another') {
    throw new AdoptionRefused('customerProfileSid belongs to another onboarding.');
  }
  const giveBack = async (refusal: AdoptionRefused): Promise<never> => {
    // Claimed by this check alone: the profile is free again for its real owner.
    if (claimed === 'claimed') await activities.releaseClaim({ kind: 'customer-profile', key: sid });
    throw refusal;
  };
  let existing;
  try {
    existing = await activities.describeCustomerProfile({ sid });
  } catch (error) {
    if (!refusalProblem(error)) throw error;
    return giveBack(
      new AdoptionRefused('customerProfileSid is not a customer profile of this Twilio account.'),
    );
  }
  const differs = identityRefusal(onboarding, existing);
  if (differs) return giveBack(new AdoptionRefused(differs));
  // Voice Integrity and CNAM need the profile registered by EIN or DUNS (18609): as Twilio holds it.
  const registrationIdentifier = existing.business?.registrationIdentifier ?? null;
  if (onboarding.requestedAddOns().length) {
    const subject = { ...checkSubject(onboarding), registrationIdentifier };
    const failures = productFailures(onboarding.request, subject).filter(
      (f) => f.code === INELIGIBLE_REGISTRATION_AUTHORITY,
    );
    if (failures.length) {
      return giveBack(
        new AdoptionRefused(
          `The customer profile cannot carry ${failures.map((f) => f.field).join(' and ')}: its registration authority is not EIN or DUNS (18609).`,
        ),
      );
    }
  }
  if (registrationIdentifier !== null) onboarding.profileRegistrationRead(registrationIdentifier);
  onboarding.adoptionAccepted();
  return existing;
}

/** The whole identity (../adoption-identity.ts); the reason when it is not the request's. */
function identityRefusal(onboarding: Onboarding, existing: ExistingProfile): string | undefined {
  const verdict = compareIdentity(
    { email: existing.email ?? null, business: existing.business, address: existing.address },
    onboarding.request,
  );
  return verdict.adoptable ? undefined : `${describeVerdict(verdict)}.`;
}

// 2. Link the ISV's approved primary profile.
async function linkPrimaryProfile(onboarding: Onboarding, profileSid: string): Promise<void> {
  onboarding.setStep('linking-primary-profile');
  await onboarding.link('customer-profile', profileSid, onboarding.settings.primaryCustomerProfileSid);
}

// 3.–4. Address, and the supporting document that points at it.
async function attachAddress(onboarding: Onboarding, profileSid: string): Promise<void> {
  const { resources } = onboarding.record;
  while (!resources.addressSid) {
    onboarding.setStep('creating-address');
    try {
      // One left by an earlier run is brought in line with this request by the activity.
      const address = await activities.createAddress({
        friendlyName: onboarding.name('address', onboarding.carried.revision),
        address: onboarding.request.address,
        ...onboarding.lookUpFirst(),
      });
      onboarding.resourceMade('addressSid', address.sid);
    } catch (error) {
      // That one is in another country, which Twilio cannot change: make a new revision instead.
      if (failureType(error) !== TrustHubFailureType.AddressCountryChanged) throw error;
      onboarding.newAddressRevision();
    }
  }
  let documentSid = resources.supportingDocumentSid;
  if (!documentSid) {
    onboarding.setStep('creating-address-document');
    const document = await activities.createSupportingDocument({
      friendlyName: onboarding.name('address-document', onboarding.carried.revision),
      addressSid: resources.addressSid,
      ...onboarding.lookUpFirst(),
    });
    documentSid = document.sid;
    onboarding.resourceMade('supportingDocumentSid', documentSid);
  }
  await onboarding.link('customer-profile', profileSid, documentSid);
}

// 5. Business information.
async function attachBusinessInformation(onboarding: Onboarding, profileSid: string): Promise<void> {
  const { resources } = onboarding.record;
  onboarding.setStep('creating-business-information');
  const sid =
    resources.businessInformationSid ??
    (await createEndUser(
      onboarding,
      onboarding.name('business-information'),
      'customer_profile_business_information',
      businessInformationAttributes(onboarding.request.business),
    ));
  onboarding.resourceMade('businessInformationSid', sid);
  await onboarding.link('customer-profile', profileSid, sid);
}

// 6. Authorized representatives (one, optionally two).
async function attachRepresentatives(onboarding: Onboarding, profileSid: string): Promise<void> {
  const { resources } = onboarding.record;
  onboarding.setStep('creating-authorized-representatives');
  for (const [index, representative] of onboarding.request.authorizedRepresentatives.entries()) {
    const type = index === 0 ? 'authorized_representative_1' : 'authorized_representative_2';
    const sid =
      resources.representativeSids[index] ??
      (await createEndUser(
        onboarding,
        onboarding.name(type.replaceAll('_', '-')),
        type,
        representativeAttributes(representative),
      ));
    onboarding.representativeMade(index, sid);
    await onboarding.link('customer-profile', profileSid, sid);
  }
}

/** An end user; one an earlier run left behind is found, and given this request's data if it differs. */
async function createEndUser(
  onboarding: Onboarding,
  friendlyName: string,
  type: EndUserType,
  attributes: EndUserAttributes,
): Promise<string> {
  return (await activities.createEndUser({ friendlyName, type, attributes, ...onboarding.lookUpFirst() }))
    .sid;
}

// 7. Phone numbers: E.164 or PN… looked up among the account's numbers, then put on the profile.
async function attachPhoneNumbers(onboarding: Onboarding, profileSid: string): Promise<void> {
  const { record } = onboarding;
  onboarding.setStep('assigning-phone-numbers');
  const known = new Set(record.phoneNumbers.map((n) => n.input));
  const missing = onboarding.request.phoneNumbers.filter((n) => !known.has(n));
  if (missing.length)
    onboarding.phoneNumbersAdded(await activities.resolvePhoneNumbers({ numbers: missing }));
  await assignNumbers(onboarding, 'customer-profile', profileSid);
}

// 9. SHAKEN/STIR trust product: linked to the secondary profile, with the same numbers.
async function createTrustProduct(onboarding: Onboarding, profileSid: string): Promise<string> {
  const { record } = onboarding;
  let trustProductSid = record.resources.trustProductSid;
  if (!trustProductSid) {
    onboarding.setStep('creating-trust-product');
    const product = await activities.createBundle({
      kind: 'trust-product',
      friendlyName: onboarding.name('shaken-stir-trust-product', onboarding.carried.trustProductRevision),
      email: onboarding.request.email,
      statusCallback: onboarding.statusCallback,
      ...onboarding.lookUpFirst(),
    });
    trustProductSid = product.sid;
    onboarding.resourceMade('trustProductSid', trustProductSid);
    onboarding.recordBundle(product);
  }
  onboarding.setStep('linking-customer-profile-to-trust-product');
  await onboarding.link('trust-product', trustProductSid, profileSid);
  onboarding.setStep('assigning-phone-numbers-to-trust-product');
  await assignNumbers(onboarding, 'trust-product', trustProductSid);
  return trustProductSid;
}
