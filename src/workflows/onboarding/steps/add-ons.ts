/**
 * Voice Integrity and CNAM: two more trust products on the customer's one secondary profile, each with
 * its own policy and its own end user, holding the customer's numbers (CNAM: US local numbers only).
 * SHAKEN/STIR makes calls signed A; these make them answered (the carriers' analytics engines stop
 * labelling them "Spam Likely", and the callee sees the business's name).
 *
 * Each is made and submitted once the profile is approved (Twilio refuses them before: 11005, 11006), and
 * then goes through the very machinery SHAKEN/STIR's trust product does (./vetting.ts): evaluation,
 * submission, the wait for Twilio's decision woken by its callbacks, rejection → corrections →
 * resubmission, the serving loop's re-reads ahead of `valid_until`, and offboarding (../phases/cleanup.ts).
 *
 * Asked for at the start (`voiceIntegrity`, `cnam` in the request) they are made and submitted by the
 * guide as soon as the profile is approved; asked for later (`addProducts`) by the serving loop. Either
 * way the serving loop waits for Twilio's decisions, and the customer is `running` (signed A already)
 * until every product is approved, then `completed`. A customer that asks for neither makes none of
 * their calls.
 */
import { cnamAttributes, voiceIntegrityAttributes } from '../../../trusthub/attributes.js';
import type { AddOnProduct } from '../../../contract/vocabulary.js';
import type { OnboardingRequest } from '../../../contract/types.js';
import {
  describeFailures,
  productFailures,
  type ProductCheckSubject,
} from '../../../contract/product-checks.js';
import { activities } from '../activities.js';
import type { Onboarding } from '../onboarding.js';
import { ADD_ON_SLOTS } from '../record.js';
import { NeedsCorrections, assignNumbers, submitForVetting } from './vetting.js';

const END_USER_TYPE = {
  'voice-integrity': 'voice_integrity_information',
  cnam: 'cnam_information',
} as const;

/** The product's end-user attributes, from the record's request (which holds every correction). */
export function addOnAttributes(product: AddOnProduct, request: OnboardingRequest): Record<string, string> {
  if (product === 'voice-integrity') return voiceIntegrityAttributes(request.voiceIntegrity!);
  return cnamAttributes(request.cnam!);
}

/** What the products' rules (src/contract/product-checks.ts) need to know of this customer. */
export function checkSubject(onboarding: Onboarding): ProductCheckSubject {
  const { business, address } = onboarding.request;
  return {
    businessName: business.name,
    // An adopted profile is registered as Twilio holds it, whatever the request says.
    registrationIdentifier: onboarding.carried.adopted
      ? (onboarding.carried.profileRegistrationIdentifier ?? business.registrationIdentifier)
      : business.registrationIdentifier,
    usBusiness:
      address.isoCountry.toUpperCase() === 'US' || business.regionsOfOperation.includes('USA_AND_CANADA'),
  };
}

/** Makes and submits every add-on the request asks for that is not in vetting or approved yet. */
export async function submitAddOns(onboarding: Onboarding, profileSid: string): Promise<void> {
  for (const product of onboarding.requestedAddOns()) {
    onboarding.addOnRequested(product);
    const status = onboarding.addOnSnapshot(product)?.status;
    if (status === 'twilio-approved' || status === 'pending-review' || status === 'in-review') continue;
    checkBeforeSubmitting(onboarding, product);
    const sid = await prepareAddOn(onboarding, product, profileSid);
    await submitForVetting(onboarding, 'trust-product', sid, product);
  }
}

/**
 * The add-on's trust product with everything on it: its end user (updated when a correction changed
 * it), the secondary profile, and the numbers it takes. Each piece is made once and remembered; one an
 * earlier run left is found by its name.
 */
export async function prepareAddOn(
  onboarding: Onboarding,
  product: AddOnProduct,
  profileSid: string,
): Promise<string> {
  const { resources } = onboarding.record;
  const slot = ADD_ON_SLOTS[product];
  let sid = resources[slot.bundleSid];
  if (!sid) {
    onboarding.setStep(`creating-${product}-trust-product`);
    const revision = onboarding.carried.productRevisions?.[product] ?? 1;
    const bundle = await activities.createBundle({
      kind: 'trust-product',
      product,
      friendlyName: onboarding.name(`${product}-trust-product`, revision),
      email: onboarding.request.email,
      statusCallback: onboarding.statusCallback,
      ...onboarding.lookUpFirst(),
    });
    sid = bundle.sid;
    onboarding.resourceMade(slot.bundleSid, sid);
    onboarding.recordBundle(bundle);
  }
  const attributes = addOnAttributes(product, onboarding.request);
  let endUserSid = resources[slot.endUserSid];
  if (!endUserSid) {
    endUserSid = (
      await activities.createEndUser({
        friendlyName: onboarding.name(`${product}-information`),
        type: END_USER_TYPE[product],
        attributes,
        ...onboarding.lookUpFirst(),
      })
    ).sid;
    onboarding.resourceMade(slot.endUserSid, endUserSid);
  }
  await onboarding.link('trust-product', sid, endUserSid);
  await onboarding.link('trust-product', sid, profileSid);
  await assignNumbers(onboarding, 'trust-product', sid, product);
  return sid;
}

/**
 * A corrected product (PATCH during onboarding, or asked for again after a rejection while serving):
 * its end user takes the new values, which Twilio allows while the trust product is draft or rejected.
 */
export async function updateAddOnInformation(onboarding: Onboarding, product: AddOnProduct): Promise<void> {
  const endUserSid = onboarding.record.resources[ADD_ON_SLOTS[product].endUserSid];
  if (!endUserSid) return;
  await activities.updateEndUser({
    sid: endUserSid,
    attributes: addOnAttributes(product, onboarding.request),
  });
}

/**
 * The rules Twilio's reviewers apply that can be seen now (the API checked them on the request too; a
 * PATCHed business name, or an adopted profile's registration, may have changed what they say).
 */
function checkBeforeSubmitting(onboarding: Onboarding, product: AddOnProduct): void {
  const request = onboarding.request;
  const failures = productFailures(
    product === 'cnam' ? { cnam: request.cnam } : { voiceIntegrity: request.voiceIntegrity },
    checkSubject(onboarding),
  );
  if (failures.length === 0) return;
  throw new NeedsCorrections({
    kind: 'pre-check',
    bundle: 'trust-product',
    product,
    message: `Checked before submission: Twilio would reject the ${product} trust product: ${describeFailures(failures).join('; ')}.`,
    codes: [...new Set(failures.map((f) => f.code))].map((code) => ({
      code,
      meaning: failures.find((f) => f.code === code)!.rule,
    })),
    failures: failures.map(({ field, rule, code }) => ({
      requirement: rule,
      objectType: END_USER_TYPE[product],
      field,
      errorCode: code,
      reason: `${field} ${rule}`,
    })),
  });
}
