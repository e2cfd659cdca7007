/**
 * Whether a customer profile at Twilio is the identity of the business that asks to adopt it.
 *
 * A profile's legal name and registration number are public (state filings, the EIN on an invoice), so
 * matching them proves nothing: a different business that typed the victim's name and EIN used to adopt
 * the victim's approved profile, and its calls were then signed A under the victim's identity. What a
 * vetting team compares is the whole identity: who the business is (legal name, registration number),
 * where it is on the web (website host, and the domain of the email Twilio writes to), and where it is
 * (the address's country, region and postal code). Every one of them must be held at Twilio and be
 * equal to the request's; a profile with no business information, or missing any of them, is never
 * adopted, since there is nothing to compare and a draft would be filled with the adopter's data.
 *
 * Pure and deterministic (workflow code): values are folded for spelling only (case, spacing, the
 * punctuation of a registration number, a leading `www.`), never made to match more loosely. The
 * verdict names the fields that failed for the operators (the run's failure, encrypted); it never
 * carries a value, and the API answers every refusal the same way (src/api/onboarding-problems.ts).
 */
import type { OnboardingRequest } from '../../contract/types.js';

/** The identity a customer profile holds at Twilio, as `describeCustomerProfile` reads it. */
export interface ProfileIdentity {
  /** The profile's own email (where Twilio writes about its vetting). */
  email: string | null;
  /** Its `customer_profile_business_information` end user, when it has one. */
  business?: {
    name: string | null;
    registrationNumber: string | null;
    websiteUrl?: string | null;
  };
  /** The address behind its `customer_profile_address` supporting document, when it has one. */
  address?: {
    isoCountry: string | null;
    region: string | null;
    postalCode: string | null;
  };
}

/** The compared fields, by the request's paths (what an operator reads in the reason). */
export const IDENTITY_FIELDS = [
  'business.name',
  'business.registrationNumber',
  'business.websiteUrl',
  'email',
  'address.isoCountry',
  'address.region',
  'address.postalCode',
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export type IdentityVerdict =
  | { adoptable: true }
  | {
      adoptable: false;
      /** No business information at all; some compared field missing at Twilio; or differing. */
      reason: 'no-business-information' | 'missing-at-twilio' | 'mismatch';
      fields: IdentityField[];
    };

/** Case and spacing folded: "ACME  Widgets llc " is "acme widgets llc". */
export function foldName(value: string | null | undefined): string {
  return (value ?? '').normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Letters and digits only, case folded: "12-3456789" is "123456789", "ab 12.c" is "ab12c". */
export function foldRegistrationNumber(value: string | null | undefined): string {
  return (value ?? '')
    .normalize('NFKC')
    .replace(/[^0-9a-z]/gi, '')
    .toLowerCase();
}

/**
 * A website's host, lower-case, without a leading `www.`: "https://WWW.Acme.com:443/about" is
 * "acme.com". Parsed by hand (workflow code has no `URL` it may rely on); a value without a scheme is
 * taken as a host, as Twilio's own form takes it.
 */
export function websiteHost(value: string | null | undefined): string {
  let host = (value ?? '').trim().toLowerCase();
  host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  host = host.split(/[/?#]/)[0] ?? '';
  host = host.slice(host.lastIndexOf('@') + 1);
  host = host.replace(/:\d*$/, '').replace(/\.$/, '');
  return host.replace(/^www\./, '');
}

/** An email's domain, lower-case: "Jane@Acme.COM" is "acme.com"; nothing without an @. */
export function emailDomain(value: string | null | undefined): string {
  const email = (value ?? '').trim().toLowerCase();
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1);
}

/** Case and every space folded: "sw1a 1aa" is "SW1A1AA"'s equal. */
export function foldAddressPart(value: string | null | undefined): string {
  return (value ?? '').normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

type Identity = Record<IdentityField, string>;

function folded(request: Pick<OnboardingRequest, 'email' | 'business' | 'address'>): Identity {
  return {
    'business.name': foldName(request.business.name),
    'business.registrationNumber': foldRegistrationNumber(request.business.registrationNumber),
    'business.websiteUrl': websiteHost(request.business.websiteUrl),
    email: emailDomain(request.email),
    'address.isoCountry': foldAddressPart(request.address.isoCountry),
    'address.region': foldAddressPart(request.address.region),
    'address.postalCode': foldAddressPart(request.address.postalCode),
  };
}

function foldedProfile(profile: ProfileIdentity): Identity {
  return {
    'business.name': foldName(profile.business?.name),
    'business.registrationNumber': foldRegistrationNumber(profile.business?.registrationNumber),
    'business.websiteUrl': websiteHost(profile.business?.websiteUrl),
    email: emailDomain(profile.email),
    'address.isoCountry': foldAddressPart(profile.address?.isoCountry),
    'address.region': foldAddressPart(profile.address?.region),
    'address.postalCode': foldAddressPart(profile.address?.postalCode),
  };
}

/**
 * Adoptable only when the profile has business information, every compared field is present at
 * Twilio, and each equals the request's (folded as above). Missing fields are reported before
 * differing ones: a profile that cannot be compared is refused whatever the rest says.
 */
export function compareIdentity(
  profile: ProfileIdentity,
  request: Pick<OnboardingRequest, 'email' | 'business' | 'address'>,
): IdentityVerdict {
  if (!profile.business) {
    return { adoptable: false, reason: 'no-business-information', fields: [...IDENTITY_FIELDS] };
  }
  const held = foldedProfile(profile);
  const missing = IDENTITY_FIELDS.filter((field) => held[field] === '');
  if (missing.length) return { adoptable: false, reason: 'missing-at-twilio', fields: missing };
  const asked = folded(request);
  const differing = IDENTITY_FIELDS.filter((field) => held[field] !== asked[field]);
  if (differing.length) return { adoptable: false, reason: 'mismatch', fields: differing };
  return { adoptable: true };
}

/**
 * What an operator reads in the run's failure: the kind of refusal and the fields, never a value.
 * (The API answers none of it: see ADOPTION_REFUSED_MESSAGE in src/contract/messages.ts.)
 */
export function describeVerdict(verdict: Exclude<IdentityVerdict, { adoptable: true }>): string {
  switch (verdict.reason) {
    case 'no-business-information':
      return 'the customer profile has no business information at Twilio, so there is no identity to compare';
    case 'missing-at-twilio':
      return `the customer profile holds no ${verdict.fields.join(', ')} at Twilio, so its identity cannot be compared`;
    case 'mismatch':
      return `the customer profile's identity differs from the request in ${verdict.fields.join(', ')}`;
  }
}
