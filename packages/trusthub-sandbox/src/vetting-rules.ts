/**
 * Deterministic vetting decisions that mirror Twilio's published rejection reasons. Pure functions of
 * the store: the same bundle always gets the same decision, so tests can aim at a rejection.
 *
 * Customer profiles:
 * - 18606 the profile's email or an authorized representative's email is not on the website's domain
 * - 18609 a US business (regions include USA_AND_CANADA, or a US address) is not registered by EIN or
 *         DUNS, or the number is not 9 digits
 * - 18603 the address cannot be verified: a US address whose ZIP code does not belong to its state
 * - 18604 (18605 for the second) an authorized representative's phone number is not a valid E.164 number
 * SHAKEN/STIR trust products are vetted against their linked secondary profile: approved → approved;
 * rejected (or none linked) → rejected with 99601, a code of the sandbox's own (Twilio publishes none
 * for this case, and every code in 18601–18609 already has a published meaning); still in review → the
 * decision waits for the profile.
 * Voice Integrity and CNAM trust products (Twilio's published codes; they never wait, as their
 * evaluation already required the profile approved):
 * - 11005 / 11006 the linked profile is not approved (or its approval has passed its valid_until)
 * - 18609 the linked profile has a US address and is not registered by EIN or DUNS
 * - CNAM only: 11008 the display name holds a prohibited term; 11007 it matches neither a word nor the
 *   initials of the profile's business name; 11009 it breaks the format (15 characters at most, a
 *   letter first, then letters, digits, periods, commas and spaces)
 */
import { attrList, attrString, websiteHost } from './attributes.js';
import { TrustProductCode } from './errors.js';
import { isE164 } from './numbers.js';
import { CNAM_POLICY_SID, VOICE_INTEGRITY_POLICY_SID } from './policies.js';
import type { Bundle, BundleError } from './state.js';
import type { SandboxStore } from './store.js';

export const RejectionCode = {
  ...TrustProductCode,
  /** Sandbox-only: outside Twilio's published range, so no client mistakes it for a Twilio verdict. */
  linkedProfileNotApproved: 99601,
  /** Sandbox-only: an approval whose valid_until passed (see VettingScheduler.setValidUntil). */
  approvalExpired: 99602,
  addressNotVerified: 18603,
  representativeNotVerified: 18604,
  secondRepresentativeNotVerified: 18605,
  emailDomainMismatch: 18606,
  usRegistrationIdentifier: 18609,
} as const;

/** Twilio's published meanings (changelog "Introducing Error Codes for Customer Profiles"). */
export const REJECTION_MESSAGES: Record<number, string> = {
  18601: 'Business name/website association cannot be verified.',
  18602: 'Business ID could not be verified.',
  18603: 'Address could not be verified.',
  18604: 'Authorized representative #1 could not be verified.',
  18605: 'Authorized representative #2 could not be verified.',
  18606: 'Email domain does not match website domain.',
  18607: 'Not eligible to be copied.',
  18608: 'Already copied.',
  18609: 'Ineligible business registration authority.',
  11005: 'Voice Integrity rejected as linked Business profile is not in approved status.',
  11006: 'CNAM registration rejected: linked Business Profile is not approved.',
  11007: 'CNAM registration rejected: display name does not match the registered business.',
  11008: 'CNAM registration rejected: display name contains prohibited content.',
  11009: 'CNAM registration rejected: display name does not meet requirements.',
  99601: 'Sandbox: the linked secondary customer profile is not approved.',
  99602: 'Sandbox: the approval expired (valid_until passed); submit the bundle again to renew it.',
};

export type VettingDecision =
  { outcome: 'approve' } | { outcome: 'reject'; errors: BundleError[] } | { outcome: 'wait' };

export function rejection(codes: number[]): { outcome: 'reject'; errors: BundleError[] } {
  return {
    outcome: 'reject',
    errors: codes.map((code) => ({ code, message: REJECTION_MESSAGES[code] ?? 'The bundle was rejected.' })),
  };
}

export function decideVetting(store: SandboxStore, bundle: Bundle): VettingDecision {
  return bundle.kind === 'customer-profile'
    ? decideProfile(store, bundle)
    : decideTrustProduct(store, bundle);
}

/** Approved and not past its valid_until (the expiry job may not have run yet). */
export function isApprovedAt(bundle: Bundle, now: number): boolean {
  return (
    bundle.status === 'twilio-approved' && (bundle.validUntil === null || Date.parse(bundle.validUntil) > now)
  );
}

function decideTrustProduct(store: SandboxStore, bundle: Bundle): VettingDecision {
  if (bundle.policySid === VOICE_INTEGRITY_POLICY_SID) {
    return decideVoiceProduct(store, bundle, RejectionCode.voiceIntegrityProfileNotApproved);
  }
  if (bundle.policySid === CNAM_POLICY_SID) {
    return decideVoiceProduct(store, bundle, RejectionCode.cnamProfileNotApproved);
  }
  const profile = store.attachedProfiles(bundle.sid).find((p) => !p.primary);
  if (!profile) return rejection([RejectionCode.linkedProfileNotApproved]);
  if (profile.status === 'twilio-approved') return { outcome: 'approve' };
  if (profile.status === 'pending-review' || profile.status === 'in-review') return { outcome: 'wait' };
  return rejection([RejectionCode.linkedProfileNotApproved]);
}

/** Voice Integrity and CNAM: the rules of the header, every failing one reported. */
function decideVoiceProduct(store: SandboxStore, bundle: Bundle, notApprovedCode: number): VettingDecision {
  const profile = store.attachedProfiles(bundle.sid).find((p) => !p.primary);
  const codes = new Set<number>();
  if (!profile || !isApprovedAt(profile, Date.now())) codes.add(notApprovedCode);
  const info = profile ? businessInformationOf(store, profile) : undefined;
  const usAddress =
    profile !== undefined &&
    store
      .attachedDocuments(profile.sid)
      .flatMap((d) => store.addressesOfDocument(d))
      .some((a) => a.isoCountry.toUpperCase() === 'US');
  const identifier = info ? attrString(info.attributes, 'business_registration_identifier') : '';
  if (usAddress && !isEinOrDuns(identifier)) codes.add(RejectionCode.usRegistrationIdentifier);

  if (bundle.policySid === CNAM_POLICY_SID) {
    const cnam = store.attachedEndUsers(bundle.sid).find((u) => u.type === 'cnam_information');
    const displayName = cnam ? attrString(cnam.attributes, 'cnam_display_name') : '';
    const businessName = info ? attrString(info.attributes, 'business_name') : '';
    if (hasProhibitedTerm(displayName)) codes.add(RejectionCode.cnamProhibitedContent);
    if (!matchesBusinessName(displayName, businessName)) codes.add(RejectionCode.cnamNameMismatch);
    if (!isCnamFormat(displayName)) codes.add(RejectionCode.cnamRequirementsNotMet);
  }
  return codes.size ? rejection([...codes].sort()) : { outcome: 'approve' };
}

function businessInformationOf(store: SandboxStore, profile: Bundle) {
  return store.attachedEndUsers(profile.sid).find((u) => u.type === 'customer_profile_business_information');
}

/** Twilio's examples (error 11008) and the like: terms that impersonate an authority. */
const PROHIBITED_CNAM_TERMS = [
  'FBI',
  'Police',
  'Government',
  'Medicare',
  'Social Security Administration',
  'IRS',
  'Sheriff',
];

function hasProhibitedTerm(displayName: string): boolean {
  return PROHIBITED_CNAM_TERMS.some((term) =>
    new RegExp(`\\b${term.replace(/ /g, '\\s+')}\\b`, 'i').test(displayName),
  );
}

const wordsOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** A word (2 characters or more) of the business name, or the business name's initials. */
function matchesBusinessName(displayName: string, businessName: string): boolean {
  const business = wordsOf(businessName);
  const words = wordsOf(displayName);
  if (words.some((word) => word.length >= 2 && business.includes(word))) return true;
  const initials = business.map((word) => word[0]).join('');
  return initials.length >= 2 && words.join('') === initials;
}

function isCnamFormat(displayName: string): boolean {
  return displayName.length <= 15 && /^[A-Za-z][A-Za-z0-9., ]*$/.test(displayName);
}

function domainMatches(emailDomain: string, siteHost: string): boolean {
  const site = siteHost.replace(/^www\./, '');
  return emailDomain === site || emailDomain.endsWith(`.${site}`) || site.endsWith(`.${emailDomain}`);
}

function emailDomain(email: string): string {
  return email.split('@')[1]?.toLowerCase() ?? '';
}

function decideProfile(store: SandboxStore, bundle: Bundle): VettingDecision {
  const endUsers = store.attachedEndUsers(bundle.sid);
  const info = endUsers.find((u) => u.type === 'customer_profile_business_information');
  const reps = endUsers.filter((u) => u.type.startsWith('authorized_representative_'));
  const addresses = store.attachedDocuments(bundle.sid).flatMap((d) => store.addressesOfDocument(d));
  const codes = new Set<number>();

  const site = info ? websiteHost(attrString(info.attributes, 'website_url')) : null;
  const emails = [bundle.email, ...reps.map((r) => attrString(r.attributes, 'email'))].filter(Boolean);
  if (site && emails.some((email) => !domainMatches(emailDomain(email), site))) {
    codes.add(RejectionCode.emailDomainMismatch);
  }

  if (info) {
    const usBusiness =
      attrList(info.attributes, 'business_regions_of_operation').includes('USA_AND_CANADA') ||
      addresses.some((a) => a.isoCountry.toUpperCase() === 'US');
    if (usBusiness && !usRegistrationOk(info.attributes)) codes.add(RejectionCode.usRegistrationIdentifier);
  }

  if (
    addresses.some((address) => !addressVerifiable(address.isoCountry, address.region, address.postalCode))
  ) {
    codes.add(RejectionCode.addressNotVerified);
  }

  // Representative #1 and #2 have their own codes (18604, 18605).
  for (const rep of reps) {
    if (isE164(attrString(rep.attributes, 'phone_number'))) continue;
    codes.add(
      rep.type === 'authorized_representative_2'
        ? RejectionCode.secondRepresentativeNotVerified
        : RejectionCode.representativeNotVerified,
    );
  }

  return codes.size ? rejection([...codes].sort()) : { outcome: 'approve' };
}

function isEinOrDuns(identifier: string): boolean {
  return /\b(EIN|DUNS)\b/.test(identifier.toUpperCase());
}

function usRegistrationOk(attributes: Record<string, unknown>): boolean {
  if (!isEinOrDuns(attrString(attributes, 'business_registration_identifier'))) return false;
  const digits = attrString(attributes, 'business_registration_number').replace(/[-\s]/g, '');
  return /^\d{9}$/.test(digits);
}

/** First three ZIP digits by state (USPS prefix ranges, simplified). */
const ZIP_PREFIXES: Record<string, [number, number][]> = {
  AL: [[350, 369]],
  AK: [[995, 999]],
  AZ: [[850, 865]],
  AR: [
    [716, 729],
    [755, 755],
  ],
  CA: [[900, 961]],
  CO: [[800, 816]],
  CT: [[60, 69]],
  DE: [[197, 199]],
  DC: [
    [200, 205],
    [569, 569],
  ],
  FL: [[320, 349]],
  GA: [
    [300, 319],
    [398, 399],
  ],
  HI: [[967, 968]],
  ID: [[832, 838]],
  IL: [[600, 629]],
  IN: [[460, 479]],
  IA: [[500, 528]],
  KS: [[660, 679]],
  KY: [[400, 427]],
  LA: [[700, 714]],
  ME: [[39, 49]],
  MD: [[206, 219]],
  MA: [
    [10, 27],
    [55, 55],
  ],
  MI: [[480, 499]],
  MN: [[550, 567]],
  MS: [[386, 397]],
  MO: [[630, 658]],
  MT: [[590, 599]],
  NE: [[680, 693]],
  NV: [[889, 898]],
  NH: [[30, 38]],
  NJ: [[70, 89]],
  NM: [[870, 884]],
  NY: [
    [5, 5],
    [63, 63],
    [100, 149],
  ],
  NC: [[270, 289]],
  ND: [[580, 588]],
  OH: [[430, 459]],
  OK: [[730, 749]],
  OR: [[970, 979]],
  PA: [[150, 196]],
  PR: [[6, 9]],
  RI: [[28, 29]],
  SC: [[290, 299]],
  SD: [[570, 577]],
  TN: [[370, 385]],
  TX: [
    [733, 733],
    [750, 799],
    [885, 885],
  ],
  UT: [[840, 847]],
  VT: [[50, 59]],
  VA: [
    [201, 201],
    [220, 246],
  ],
  WA: [[980, 994]],
  WV: [[247, 268]],
  WI: [[530, 549]],
  WY: [[820, 831]],
};

/** US addresses must have a 5-digit (or ZIP+4) code inside the state's ranges; others are accepted. */
export function addressVerifiable(isoCountry: string, region: string, postalCode: string): boolean {
  if (isoCountry.toUpperCase() !== 'US') return true;
  const ranges = ZIP_PREFIXES[region.trim().toUpperCase()];
  const match = /^(\d{3})\d{2}(-\d{4})?$/.exec(postalCode.trim());
  if (!ranges || !match) return false;
  const prefix = Number(match[1]);
  return ranges.some(([low, high]) => prefix >= low && prefix <= high);
}
