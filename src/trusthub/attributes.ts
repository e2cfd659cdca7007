/**
 * Pure mappers from the onboarding's camelCase domain to Trust Hub's wire names (the ISV guide's
 * attribute tables). Lists Twilio stores as one string (regions of operation, social media URLs) are
 * joined with commas, as the Console writes them.
 */
import type { AddressListInstanceCreateOptions } from 'twilio/lib/rest/api/v2010/account/address.js';
import type {
  AuthorizedRepresentative,
  BusinessInformation,
  PostalAddress,
  CnamRequest,
  VoiceIntegrityRequest,
} from '../contract/types.js';

export type EndUserType =
  | 'customer_profile_business_information'
  | 'authorized_representative_1'
  | 'authorized_representative_2'
  | 'voice_integrity_information'
  | 'cnam_information';

export const END_USER_TYPES: readonly EndUserType[] = [
  'customer_profile_business_information',
  'authorized_representative_1',
  'authorized_representative_2',
  'voice_integrity_information',
  'cnam_information',
];

/** Attributes of an EndUser: Twilio's snake_case names, string values. */
export type EndUserAttributes = Record<string, string>;

export interface BusinessInformationAttributes extends EndUserAttributes {
  business_name: string;
  business_identity: string;
  business_type: string;
  business_industry: string;
  business_registration_identifier: string;
  business_registration_number: string;
  business_regions_of_operation: string;
  website_url: string;
  social_media_profile_urls: string;
}

export interface RepresentativeAttributes extends EndUserAttributes {
  first_name: string;
  last_name: string;
  email: string;
  phone_number: string;
  business_title: string;
  job_position: string;
}

/** Joins a list the way Trust Hub stores multi-valued attributes: "USA_AND_CANADA,EUROPE". */
export function joinList(values: readonly string[] | undefined): string {
  return (values ?? [])
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .join(',');
}

/** EndUser type `customer_profile_business_information`. */
export function businessInformationAttributes(b: BusinessInformation): BusinessInformationAttributes {
  return {
    business_name: b.name,
    business_identity: b.identity,
    business_type: b.type,
    business_industry: b.industry,
    business_registration_identifier: b.registrationIdentifier,
    // Twilio matches an EIN as nine digits: 12-3456789 is sent as 123456789. DUNS numbers go as given.
    business_registration_number:
      b.registrationIdentifier === 'EIN' ? b.registrationNumber.replace(/\D/g, '') : b.registrationNumber,
    business_regions_of_operation: joinList(b.regionsOfOperation),
    website_url: b.websiteUrl,
    social_media_profile_urls: joinList(b.socialMediaProfileUrls),
  };
}

/** EndUser types `authorized_representative_1` and `authorized_representative_2`. */
export function representativeAttributes(r: AuthorizedRepresentative): RepresentativeAttributes {
  return {
    first_name: r.firstName,
    last_name: r.lastName,
    email: r.email,
    phone_number: r.phoneNumber,
    business_title: r.businessTitle,
    job_position: r.jobPosition,
  };
}

/** EndUser type `voice_integrity_information` (Twilio takes the counts as integer strings). */
export function voiceIntegrityAttributes(v: VoiceIntegrityRequest): EndUserAttributes {
  return {
    use_case: v.useCase,
    business_employee_count: String(v.employeeCount),
    average_business_day_call_volume: String(v.averageBusinessDayCallVolume),
    ...(v.notes ? { notes: v.notes } : {}),
  };
}

/** EndUser type `cnam_information`. */
export function cnamAttributes(c: CnamRequest): EndUserAttributes {
  return { cnam_display_name: c.displayName };
}

/** The twilio SDK's parameters for `POST /2010-04-01/Accounts/{AC}/Addresses.json`. */
export type AddressParams = Pick<
  AddressListInstanceCreateOptions,
  'customerName' | 'street' | 'streetSecondary' | 'city' | 'region' | 'postalCode' | 'isoCountry'
>;

export function addressParams(a: PostalAddress): AddressParams {
  return {
    customerName: a.customerName,
    street: a.street,
    ...(a.streetSecondary ? { streetSecondary: a.streetSecondary } : {}),
    city: a.city,
    region: a.region,
    postalCode: a.postalCode,
    isoCountry: a.isoCountry,
  };
}
