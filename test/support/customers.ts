/**
 * The customers of the tests, in one place: the bodies the API and the workflow take, the same
 * customer's data as the Trust Hub wire carries it (for the sandbox's own tests, which speak Twilio's
 * attribute names), and the business the activities' tests create bundles for.
 *
 * Each customer has its own phone numbers (test/platform/example-numbers.test.ts keeps the README's,
 * docs' and examples' apart; tests sharing a namespace rely on it too): a new customer here gets
 * numbers no other one uses.
 */
import type {
  AuthorizedRepresentative,
  BusinessInformation,
  OnboardingRequest,
  PostalAddress,
} from '../../src/contract/types.js';

// Acme Dental: the API's and the workflow's customer (onboardingRequest), approved by the sandbox.

/** Voice Integrity and CNAM for `onboardingRequest`'s business, as the sandbox approves them. */
export const BOTH_ADD_ONS = {
  voiceIntegrity: { useCase: 'Appointment Reminders', employeeCount: 40, averageBusinessDayCallVolume: 250 },
  cnam: { displayName: 'Acme Dental' },
} as const satisfies Pick<OnboardingRequest, 'voiceIntegrity' | 'cnam'>;

/** A valid onboarding request the sandbox approves, for customer `customerId`. */
export function onboardingRequest(customerId: string, phoneNumbers: string[]): OnboardingRequest {
  return {
    customerId,
    email: 'compliance@acmedental.com',
    business: {
      name: 'Acme Dental Group LLC',
      identity: 'direct_customer',
      type: 'Limited Liability Corporation',
      industry: 'HEALTHCARE',
      registrationIdentifier: 'EIN',
      registrationNumber: '12-3456789',
      regionsOfOperation: ['USA_AND_CANADA'],
      websiteUrl: 'https://www.acmedental.com',
      socialMediaProfileUrls: ['https://www.linkedin.com/company/acme-dental'],
    },
    address: {
      customerName: 'Acme Dental Group LLC',
      street: '500 Howard St',
      city: 'San Francisco',
      region: 'CA',
      postalCode: '94105',
      isoCountry: 'US',
    },
    authorizedRepresentatives: [
      {
        firstName: 'Dana',
        lastName: 'Reyes',
        email: 'dana.reyes@acmedental.com',
        phoneNumber: '+14155550123',
        businessTitle: 'Chief Executive Officer',
        jobPosition: 'CEO',
      },
    ],
    phoneNumbers,
  };
}

// Acme Widgets: a customer as the Trust Hub wire carries it, for the guide's steps (sandbox.ts).

export interface CustomerData {
  email: string;
  businessInformation: Record<string, string>;
  representative: Record<string, string>;
  address: {
    customerName: string;
    street: string;
    city: string;
    region: string;
    postalCode: string;
    isoCountry: string;
  };
}

/** Acme Widgets as Trust Hub attributes; `overrides` replace whole parts. */
export function acmeCustomer(overrides: Partial<CustomerData> = {}): CustomerData {
  return {
    email: 'compliance@acme-widgets.com',
    businessInformation: {
      business_name: 'Acme Widgets LLC',
      business_identity: 'direct_customer',
      business_type: 'Limited Liability Corporation',
      business_industry: 'MANUFACTURING',
      business_registration_identifier: 'EIN',
      business_registration_number: '12-3456789',
      business_regions_of_operation: 'USA_AND_CANADA',
      website_url: 'https://www.acme-widgets.com',
      social_media_profile_urls: '',
    },
    representative: {
      first_name: 'Jane',
      last_name: 'Doe',
      email: 'jane.doe@acme-widgets.com',
      phone_number: '+15125550123',
      business_title: 'Chief Executive Officer',
      job_position: 'CEO',
    },
    address: {
      customerName: 'Acme Widgets LLC',
      street: '500 Congress Ave',
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      isoCountry: 'US',
    },
    ...overrides,
  };
}

// Acme Plumbing: the business the activities' tests (test/activities) create bundles for.

export const plumbingBusiness: BusinessInformation = {
  name: 'Acme Plumbing LLC',
  identity: 'direct_customer',
  type: 'Limited Liability Corporation',
  industry: 'CONSUMER',
  registrationIdentifier: 'EIN',
  registrationNumber: '123456789',
  regionsOfOperation: ['USA_AND_CANADA'],
  websiteUrl: 'https://acme-plumbing.example.com',
  socialMediaProfileUrls: ['https://www.linkedin.com/company/acme-plumbing'],
};

export const plumbingRepresentative: AuthorizedRepresentative = {
  firstName: 'Adaline',
  lastName: 'Quimby',
  email: 'adaline.quimby@acme-plumbing.example.com',
  phoneNumber: '+14155550999',
  businessTitle: 'Owner',
  jobPosition: 'CEO',
};

export const plumbingAddress: PostalAddress = {
  customerName: 'Acme Plumbing LLC',
  street: '742 Evergreen Terrace',
  city: 'Springfield',
  region: 'IL',
  postalCode: '62704',
  isoCountry: 'US',
};

/** Acme Plumbing's compliance email, the bundles' `email`. */
export const PLUMBING_EMAIL = 'compliance@acme-plumbing.example.com';
