/**
 * Which attestation each number's calls get, derived from the state on every answer (never stored, so
 * it cannot go stale). Twilio's rule ("Vetting and Attestation Levels"): A when the number is on an
 * approved secondary customer profile and on the approved SHAKEN/STIR trust product linked to it.
 * Otherwise the ISV's own primary profile and trust product decide between B and C, and the first
 * missing piece of A is named so that someone can act on it.
 */
import { describeTwilioCode, type Attestation } from '../../contract/vocabulary.js';
import type {
  BundleSnapshot,
  NumberInProduct,
  OnboardingSettings,
  PhoneNumberStatus,
} from '../../contract/types.js';
import type { CarriedState } from './carried.js';
import { numberIneligibility } from '../../contract/product-checks.js';
import { numberBlocker } from '../remedies.js';

export function phoneNumberStatuses(
  carried: Pick<CarriedState, 'view' | 'numbers' | 'observed' | 'mismatches'> &
    Partial<Pick<CarriedState, 'request'>>,
  settings: Pick<OnboardingSettings, 'primaryTrustProductApproved'> | undefined,
): PhoneNumberStatus[] {
  const { view, numbers } = carried;
  const { customerProfileSid, trustProductSid, voiceIntegritySid, cnamSid } = view.resources;
  const onProfile = (customerProfileSid && numbers[customerProfileSid]) || [];
  const onTrustProduct = (trustProductSid && numbers[trustProductSid]) || [];
  const withoutA: Attestation = settings?.primaryTrustProductApproved ? 'B' : 'C';
  return view.phoneNumbers.map((number) => {
    const blockedBy =
      // Twilio refused the number itself (another bundle has it): that, not the bundles' state, blocks it.
      numberBlocker(view.problem, carried.request, number) ??
      bundleBlocker('customer profile', view.customerProfile, view.timeline) ??
      (onProfile.includes(number.sid) ? null : 'number not on the customer profile') ??
      bundleBlocker('trust product', view.trustProduct, view.timeline) ??
      (onTrustProduct.includes(number.sid) ? null : 'number not on the trust product');
    const inProduct = (bundle: BundleSnapshot | null | undefined, sid: string | undefined, cnam = false) =>
      numberInProduct(number, bundle ?? null, (sid && numbers[sid]) || [], cnam);
    const products: NonNullable<PhoneNumberStatus['products']> = {
      'shaken-stir': inProduct(view.trustProduct, trustProductSid),
    };
    if (view.voiceIntegrity !== undefined)
      products['voice-integrity'] = inProduct(view.voiceIntegrity, voiceIntegritySid);
    if (view.cnam !== undefined) products.cnam = inProduct(view.cnam, cnamSid, true);
    return {
      ...number,
      attestation: blockedBy ? withoutA : 'A',
      blockedBy,
      products,
      observedAttestation: carried.observed?.[number.sid] ?? null,
      attestationMismatch: carried.mismatches?.[number.sid] ?? null,
    };
  });
}

/** Where a number stands in one product: on its approved trust product, on it in vetting, off it, or not taken. */
function numberInProduct(
  number: { sid: string; phoneNumber: string },
  bundle: BundleSnapshot | null,
  onBundle: readonly string[],
  cnam: boolean,
): NumberInProduct {
  const ineligible = cnam ? numberIneligibility('cnam', number.phoneNumber) : null;
  if (ineligible) return { state: 'ineligible', reason: ineligible };
  if (!bundle) return { state: 'not-assigned', reason: 'trust product not created yet' };
  if (!onBundle.includes(number.sid))
    return { state: 'not-assigned', reason: 'number not on the trust product' };
  if (bundle.status === 'twilio-approved') {
    const expired = !!bundle.validUntil && Date.parse(bundle.validUntil) <= Date.now();
    return expired
      ? { state: 'pending', reason: `approval expired on ${bundle.validUntil}` }
      : { state: 'active', reason: null };
  }
  return { state: 'pending', reason: `trust product ${bundle.status}` };
}

function bundleBlocker(
  label: string,
  bundle: BundleSnapshot | null,
  timeline: { at: string; event: string }[],
): string | null {
  if (!bundle) return `${label} not created yet`;
  const since = () => {
    const submitted = timeline.filter((e) => e.event === `${bundle.kind} ${bundle.sid}: pending-review`);
    return submitted.length ? ` since ${submitted[submitted.length - 1]!.at}` : '';
  };
  switch (bundle.status) {
    case 'twilio-approved':
      // Twilio's answer on expiry is re-read by the workflow; until then, the date says it all.
      return bundle.validUntil && Date.parse(bundle.validUntil) <= Date.now()
        ? `${label} approval expired on ${bundle.validUntil}`
        : null;
    case 'draft':
      return `${label} not submitted yet`;
    case 'pending-review':
    case 'in-review':
      return `${label} in review${since()}`;
    case 'twilio-rejected': {
      const codes = bundle.errors.map(
        ({ code, meaning }) => `${code} ${meaning ?? describeTwilioCode(code)}`,
      );
      return `${label} rejected${codes.length ? `: ${codes.join('; ')}` : ''}`;
    }
  }
}
