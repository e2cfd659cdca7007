/**
 * The ISV guide's steps (single top-level project), in its order. Every step first asks "is this
 * already done?" from the state, so the same sequence serves a fresh start, a return after corrections,
 * and a run continued as new. Activities make every Trust Hub create idempotent on their side
 * (deterministic friendly names).
 */
import { ApplicationFailure, condition, patched, sleep } from '@temporalio/workflow';
import {
  businessInformationAttributes,
  representativeAttributes,
  type EndUserAttributes,
  type EndUserType,
} from '../../trusthub/attributes.js';
import {
  describeTwilioCode,
  type BundleKind,
  type BundleSnapshot,
  type EvaluationSummary,
} from '../../trusthub/types.js';
import { StartRefusal, type Problem } from '../contract.js';
import { trustHub } from './activities.js';
import { preSubmitProblem, preSubmitWarnings } from './checks.js';
import { failureType, refusalProblem, updateTrustProductEmail } from './corrections.js';
import { TrustHubFailureType } from '../../trusthub/errors.js';
import type { Onboarding } from './state.js';
import { BUNDLE_DECISIONS } from '../../trusthub/types.js';
import {
  PRE_SUBMIT_CHECKS,
  OVERLAPPING_VETTING,
  REREAD_ON_DECISION_ONLY,
  CLAIMED_PROFILES,
} from '../patches.js';

/** Raised inside the workflow when the ISV must fix something before the guide can go on. */
export class NeedsCorrections extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

function checkBeforeSubmitting(o: Onboarding): void {
  for (const warning of preSubmitWarnings(o.request)) {
    if (o.view.warnings?.includes(warning)) continue;
    (o.view.warnings ??= []).push(warning);
    o.note('warning', warning);
  }
  const problem = preSubmitProblem(o.request);
  if (problem) throw new NeedsCorrections(problem);
}

export async function followTheGuide(o: Onboarding): Promise<void> {
  const profileSid = await createCustomerProfile(o);
  // An adopted profile that is already approved takes the customer's numbers (Twilio allows that).
  if (o.carried.adopted && o.view.customerProfile?.status === 'twilio-approved') {
    await attachPhoneNumbers(o, profileSid);
  }
  if (o.view.customerProfile?.status !== 'twilio-approved') {
    await linkPrimaryProfile(o, profileSid);
    await attachAddress(o, profileSid);
    await attachBusinessInformation(o, profileSid);
    await attachRepresentatives(o, profileSid);
    await attachPhoneNumbers(o, profileSid);
    if (patched(OVERLAPPING_VETTING)) {
      await submitForVetting(o, 'customer-profile', profileSid);
      await submitTrustProductEarly(o, profileSid);
      await awaitVetting(o, 'customer-profile', profileSid);
    } else {
      await vet(o, 'customer-profile', profileSid);
    }
  }
  const trustProductSid = await createTrustProduct(o, profileSid);
  if (o.carried.trustProductSubmittedEarly) {
    // Twilio decided it while the profile was in review: what the workflow last read may be stale, and
    // a rejection then was the profile's, now fixed, so the trust product is simply resubmitted.
    o.carried.trustProductSubmittedEarly = false;
    const early = o.recordBundle(await trustHub.fetchBundle({ kind: 'trust-product', sid: trustProductSid }));
    if (early.status === 'twilio-rejected')
      o.note('trust product resubmitted', 'rejected before the profile was approved');
  }
  await vet(o, 'trust-product', trustProductSid);
}

/**
 * Submits the trust product while the profile is still in review. If Twilio will not take it yet (it
 * wants the profile approved first, or finds it noncompliant because of that), this is no problem for
 * the ISV: the trust product is evaluated and submitted again, the usual way, once the profile is
 * approved, and any real problem surfaces then.
 */
async function submitTrustProductEarly(o: Onboarding, profileSid: string): Promise<void> {
  const current = o.view.trustProduct?.status;
  if (current === 'pending-review' || current === 'in-review' || current === 'twilio-approved') return;
  try {
    const trustProductSid = await createTrustProduct(o, profileSid);
    await submitForVetting(o, 'trust-product', trustProductSid);
    o.carried.trustProductSubmittedEarly = true;
  } catch (error) {
    const deferred =
      error instanceof NeedsCorrections ? error.problem.message : refusalProblem(error)?.message;
    if (deferred === undefined) throw error;
    o.note('trust product waits for the profile', deferred);
  }
}

// 1. Secondary customer profile, with the status callback that wakes us.
async function createCustomerProfile(o: Onboarding): Promise<string> {
  const { view, request } = o;
  if (!view.resources.customerProfileSid && request.customerProfileSid) {
    await adoptCustomerProfile(o, request.customerProfileSid);
  }
  if (!view.resources.customerProfileSid) {
    o.setStep('creating-customer-profile');
    const profile = await trustHub.createBundle({
      kind: 'customer-profile',
      friendlyName: request.friendlyName
        ? `${request.friendlyName} (${request.customerId})`
        : o.name('customer-profile'),
      email: request.email,
      statusCallback: o.statusCallback,
      ...o.lookUpFirst(),
    });
    view.resources.customerProfileSid = profile.sid;
    o.recordBundle(profile);
    if (patched(CLAIMED_PROFILES)) {
      const claimed = await trustHub.claim({
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
    }
  }
  return view.resources.customerProfileSid;
}

/**
 * 1'. The customer already has a secondary profile (made for A2P 10DLC, CNAM or Voice Integrity): use it
 * instead of making a duplicate, whose numbers Twilio would refuse. What is already on it counts as
 * done, so the guide adds only what is missing, and goes on from where the profile stands: in review,
 * it waits; approved, it is never edited (only numbers are assigned, which Twilio allows).
 */
async function adoptCustomerProfile(o: Onboarding, sid: string): Promise<void> {
  const { view } = o;
  o.setStep('adopting-customer-profile');
  if (patched(CLAIMED_PROFILES)) {
    await checkAdoption(o, sid);
  } else if (sid === o.settings.primaryCustomerProfileSid) {
    throw new NeedsCorrections({
      kind: 'adoption',
      message: `${sid} is the ISV's primary customer profile: a customer needs its own secondary profile. Leave customerProfileSid out to have one made.`,
      codes: [],
      failures: [],
    });
  }
  // Read once: by the adoption check when it ran, or here by runs recorded before it.
  const existing = o.adoptedProfile ?? (await trustHub.describeCustomerProfile({ sid }));
  view.resources.customerProfileSid = sid;
  o.carried.linked[sid] = existing.entities.map((e) => e.sid);
  o.numbersOnProfile(sid).push(...existing.phoneNumberSids);
  const { resources } = view;
  for (const entity of existing.entities) {
    if (entity.type === 'customer_profile_business_information')
      resources.businessInformationSid ??= entity.sid;
    if (entity.type === 'authorized_representative_1') resources.representativeSids[0] ??= entity.sid;
    if (entity.type === 'authorized_representative_2') resources.representativeSids[1] ??= entity.sid;
    if (entity.type === 'customer_profile_address') {
      resources.supportingDocumentSid ??= entity.sid;
      resources.addressSid ??= entity.addressSid;
    }
  }
  o.carried.adopted = true;
  // The customer's own, made before this workflow: a cancel must never delete them.
  o.carried.adoptedSids = [
    sid,
    ...existing.entities.map((e) => e.sid),
    ...existing.entities.flatMap((e) => (e.addressSid ? [e.addressSid] : [])),
  ];
  o.note(
    'customer profile adopted',
    `${sid}: ${existing.snapshot.status}, ${existing.entities.length} entities`,
  );
  o.recordBundle(existing.snapshot);
}

/** Raised when `request.customerProfileSid` cannot be adopted: the start answers it, and the run ends. */
export class AdoptionRefused extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly fields: string[] = [],
  ) {
    super(message);
  }
}

/**
 * Before a profile is adopted: it is not the ISV's primary, no other onboarding owns it or ever did
 * (the claim, race-free), Twilio has it, and its business information names the business of the
 * request. Refusals name fields, never values, and never the customer who owns the profile.
 */
async function checkAdoption(o: Onboarding, sid: string): Promise<void> {
  if (sid === o.settings.primaryCustomerProfileSid) {
    throw new AdoptionRefused(
      StartRefusal.AdoptionRefused,
      `customerProfileSid is the ISV's primary customer profile: a customer needs its own secondary profile. Leave customerProfileSid out to have one made.`,
      ['customerProfileSid'],
    );
  }
  const claimed = await trustHub.claim({
    kind: 'customer-profile',
    key: sid,
    customerId: o.request.customerId,
    ownedBeforeClaims: true,
  });
  if (claimed === 'owned-by-another') {
    throw new AdoptionRefused(
      StartRefusal.ProfileOwned,
      'customerProfileSid belongs to another onboarding: a customer profile is one business identity, and serves one customer. Leave customerProfileSid out to have a profile made for this customer.',
      ['customerProfileSid'],
    );
  }
  const giveBack = async (refusal: AdoptionRefused): Promise<never> => {
    // Claimed by this check alone: the profile is free again for its real owner.
    if (claimed === 'claimed') await trustHub.releaseClaim({ kind: 'customer-profile', key: sid });
    throw refusal;
  };
  let existing;
  try {
    existing = await trustHub.describeCustomerProfile({ sid });
  } catch (error) {
    if (!refusalProblem(error)) throw error;
    return giveBack(
      new AdoptionRefused(
        StartRefusal.AdoptionRefused,
        'customerProfileSid is not a customer profile of this Twilio account.',
        ['customerProfileSid'],
      ),
    );
  }
  const fields = businessMismatch(o, existing.business);
  if (fields.length) {
    return giveBack(
      new AdoptionRefused(
        StartRefusal.AdoptionRefused,
        `The customer profile's business information differs from the request in ${fields.join(', ')}: a profile is adopted only by the business it was vetted for.`,
        fields,
      ),
    );
  }
  o.adoptedProfile = existing;
  o.adoption = { state: 'accepted' };
}

type ExistingProfile = Awaited<ReturnType<typeof trustHub.describeCustomerProfile>>;

/** Business name (case and spacing aside) and registration number (digits only) must match. */
function businessMismatch(o: Onboarding, business: ExistingProfile['business']): string[] {
  if (!business) return [];
  const name = (value: string | null) => (value ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
  const digits = (value: string | null) => (value ?? '').replace(/\D/g, '');
  const fields: string[] = [];
  if (business.name !== null && name(business.name) !== name(o.request.business.name)) {
    fields.push('business.name');
  }
  if (
    business.registrationNumber !== null &&
    digits(business.registrationNumber) !== digits(o.request.business.registrationNumber)
  ) {
    fields.push('business.registrationNumber');
  }
  return fields;
}

// 2. Link the ISV's approved primary profile.
async function linkPrimaryProfile(o: Onboarding, profileSid: string): Promise<void> {
  o.setStep('linking-primary-profile');
  await o.link('customer-profile', profileSid, o.settings.primaryCustomerProfileSid);
}

// 3.–4. Address, and the supporting document that points at it.
async function attachAddress(o: Onboarding, profileSid: string): Promise<void> {
  const { resources } = o.view;
  while (!resources.addressSid) {
    o.setStep('creating-address');
    try {
      // One left by an earlier run is brought in line with this request by the activity.
      resources.addressSid = (
        await trustHub.createAddress({
          friendlyName: o.name('address', o.carried.revision),
          address: o.request.address,
          ...o.lookUpFirst(),
        })
      ).sid;
    } catch (error) {
      // That one is in another country, which Twilio cannot change: make a new revision instead.
      if (failureType(error) !== TrustHubFailureType.AddressCountryChanged) throw error;
      o.carried.revision += 1;
    }
  }
  if (!resources.supportingDocumentSid) {
    o.setStep('creating-address-document');
    resources.supportingDocumentSid = (
      await trustHub.createSupportingDocument({
        friendlyName: o.name('address-document', o.carried.revision),
        addressSid: resources.addressSid,
        ...o.lookUpFirst(),
      })
    ).sid;
  }
  await o.link('customer-profile', profileSid, resources.supportingDocumentSid);
}

// 5. Business information.
async function attachBusinessInformation(o: Onboarding, profileSid: string): Promise<void> {
  const { resources } = o.view;
  o.setStep('creating-business-information');
  resources.businessInformationSid ??= await createEndUser(
    o,
    o.name('business-information'),
    'customer_profile_business_information',
    businessInformationAttributes(o.request.business),
  );
  await o.link('customer-profile', profileSid, resources.businessInformationSid);
}

// 6. Authorized representatives (one, optionally two).
async function attachRepresentatives(o: Onboarding, profileSid: string): Promise<void> {
  const { resources } = o.view;
  o.setStep('creating-authorized-representatives');
  for (const [index, representative] of o.request.authorizedRepresentatives.entries()) {
    const type = index === 0 ? 'authorized_representative_1' : 'authorized_representative_2';
    resources.representativeSids[index] ??= await createEndUser(
      o,
      o.name(type.replaceAll('_', '-')),
      type,
      representativeAttributes(representative),
    );
    await o.link('customer-profile', profileSid, resources.representativeSids[index]);
  }
}

/** An end user; one an earlier run left behind is found, and given this request's data if it differs. */
async function createEndUser(
  o: Onboarding,
  friendlyName: string,
  type: EndUserType,
  attributes: EndUserAttributes,
): Promise<string> {
  return (await trustHub.createEndUser({ friendlyName, type, attributes, ...o.lookUpFirst() })).sid;
}

// 7. Phone numbers: E.164 or PN… looked up among the account's numbers, then put on the profile.
async function attachPhoneNumbers(o: Onboarding, profileSid: string): Promise<void> {
  const { view } = o;
  o.setStep('assigning-phone-numbers');
  const known = new Set(view.phoneNumbers.map((n) => n.input));
  const missing = o.request.phoneNumbers.filter((n) => !known.has(n));
  if (missing.length) view.phoneNumbers.push(...(await trustHub.resolvePhoneNumbers({ numbers: missing })));
  for (const number of view.phoneNumbers) {
    const assigned = o.numbersOnProfile(profileSid);
    if (assigned.includes(number.sid)) continue;
    await trustHub.assignPhoneNumber({
      kind: 'customer-profile',
      bundleSid: profileSid,
      phoneNumberSid: number.sid,
    });
    assigned.push(number.sid);
  }
}

// 8. and 9. Evaluate (a dry run), submit, and wait for Twilio's vetting.
async function vet(o: Onboarding, kind: BundleKind, sid: string): Promise<void> {
  const current = kind === 'customer-profile' ? o.view.customerProfile : o.view.trustProduct;
  if (current?.status === 'twilio-approved') return;
  await submitForVetting(o, kind, sid);
  await awaitVetting(o, kind, sid);
}

/** Evaluate and submit, unless the bundle is already in vetting or approved. */
async function submitForVetting(o: Onboarding, kind: BundleKind, sid: string): Promise<void> {
  const { view } = o;
  const current = kind === 'customer-profile' ? view.customerProfile : view.trustProduct;
  const label = kind === 'customer-profile' ? 'customer-profile' : 'trust-product';
  if (current?.status === 'twilio-approved') return;
  if (current?.status !== 'pending-review' && current?.status !== 'in-review') {
    if (kind === 'trust-product' && o.carried.trustProductEmailOutdated) await updateTrustProductEmail(o);
    if (kind === 'customer-profile' && patched(PRE_SUBMIT_CHECKS)) checkBeforeSubmitting(o);
    o.setStep(`evaluating-${label}`);
    const evaluation = await trustHub.evaluateBundle({ kind, sid });
    view.latestEvaluation = { ...evaluation, bundle: kind };
    o.note(`${kind} evaluation: ${evaluation.status}`);
    if (evaluation.status !== 'compliant') throw new NeedsCorrections(evaluationProblem(kind, evaluation));

    o.setStep(`submitting-${label}`);
    o.recordBundle(await trustHub.submitBundle({ kind, sid }));
    o.resetCallbackReads(sid);
  }
}

/** Wait for Twilio's decision; a rejection becomes the ISV's problem to correct. */
async function awaitVetting(o: Onboarding, kind: BundleKind, sid: string): Promise<void> {
  const label = kind === 'customer-profile' ? 'customer-profile' : 'trust-product';
  o.setStep(`waiting-for-${label}-vetting`);
  const outcome = await waitForVetting(o, kind, sid);
  if (outcome.status === 'twilio-rejected') {
    throw new NeedsCorrections({
      kind: 'rejection',
      bundle: kind,
      message: `Twilio rejected the ${kind.replace('-', ' ')}.`,
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
async function waitForVetting(o: Onboarding, kind: BundleKind, sid: string): Promise<BundleSnapshot> {
  for (;;) {
    await condition(() => o.hints.has(sid), o.settings.vettingPollIntervalMs, {
      summary: `Twilio vetting of ${kind} ${sid} (callback or poll)`,
    });
    const hinted = o.hints.get(sid);
    o.hints.delete(sid);
    if (hinted !== undefined && !BUNDLE_DECISIONS.includes(hinted) && patched(REREAD_ON_DECISION_ONLY)) {
      await o.continueAsNewIfHistoryIsLong();
      continue;
    }
    if (hinted !== undefined) {
      // A burst of decision callbacks (replays) is read once per spacing; later ones fold into it.
      const holdMs = o.msUntilCallbackRead(sid);
      if (holdMs > 0) await sleep(holdMs);
      o.hints.delete(sid);
      o.noteCallbackRead(sid);
    }
    const snapshot = o.recordBundle(await trustHub.fetchBundle({ kind, sid }));
    if (snapshot.status === 'twilio-approved' || snapshot.status === 'twilio-rejected') return snapshot;
    await o.continueAsNewIfHistoryIsLong();
  }
}

// 9. SHAKEN/STIR trust product: linked to the secondary profile, with the same numbers.
async function createTrustProduct(o: Onboarding, profileSid: string): Promise<string> {
  const { view } = o;
  if (!view.resources.trustProductSid) {
    o.setStep('creating-trust-product');
    const product = await trustHub.createBundle({
      kind: 'trust-product',
      friendlyName: o.name('shaken-stir-trust-product', o.carried.trustProductRevision),
      email: o.request.email,
      statusCallback: o.statusCallback,
      ...o.lookUpFirst(),
    });
    view.resources.trustProductSid = product.sid;
    o.recordBundle(product);
  }
  o.setStep('linking-customer-profile-to-trust-product');
  await o.link('trust-product', view.resources.trustProductSid, profileSid);
  o.setStep('assigning-phone-numbers-to-trust-product');
  for (const number of view.phoneNumbers) {
    if (o.carried.phoneNumbersOnTrustProduct.includes(number.sid)) continue;
    await trustHub.assignPhoneNumber({
      kind: 'trust-product',
      bundleSid: view.resources.trustProductSid,
      phoneNumberSid: number.sid,
    });
    o.carried.phoneNumbersOnTrustProduct.push(number.sid);
  }
  return view.resources.trustProductSid;
}

function evaluationProblem(kind: BundleKind, evaluation: EvaluationSummary): Problem {
  const codes = [...new Set(evaluation.failures.map((f) => f.errorCode).filter((c): c is number => !!c))];
  return {
    kind: 'evaluation',
    bundle: kind,
    message: `Twilio's evaluation of the ${kind.replace('-', ' ')} is noncompliant.`,
    codes: codes.map((code) => ({ code, meaning: describeTwilioCode(code) })),
    failures: evaluation.failures,
  };
}
