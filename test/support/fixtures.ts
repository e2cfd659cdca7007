/**
 * The guide's secondary-profile steps through the real SDK, with overridable business data, for the
 * sandbox tests.
 */
import type { TwilioClient } from '../../src/trusthub/client.js';
import { CUSTOMER_PROFILE_POLICY_SID } from 'trusthub-sandbox';

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

export interface ProfileSids {
  profileSid: string;
  addressSid: string;
  documentSid: string;
  businessInformationSid: string;
  representativeSid: string;
}

/** Guide steps 1–6: profile, link to primary, address, document, business information, representative. */
export async function createSecondaryProfile(
  client: TwilioClient,
  primaryProfileSid: string,
  data: CustomerData,
  statusCallback?: string,
): Promise<ProfileSids> {
  const profile = await client.trusthub.v1.customerProfiles.create({
    friendlyName: `${data.businessInformation.business_name} secondary profile`,
    email: data.email,
    policySid: CUSTOMER_PROFILE_POLICY_SID,
    ...(statusCallback ? { statusCallback } : {}),
  });
  const assignments = client.trusthub.v1.customerProfiles(profile.sid).customerProfilesEntityAssignments;
  await assignments.create({ objectSid: primaryProfileSid });
  const address = await client.addresses.create(data.address);
  const document = await client.trusthub.v1.supportingDocuments.create({
    friendlyName: `${data.businessInformation.business_name} address`,
    type: 'customer_profile_address',
    attributes: { address_sids: address.sid },
  });
  await assignments.create({ objectSid: document.sid });
  const information = await client.trusthub.v1.endUsers.create({
    friendlyName: `${data.businessInformation.business_name} business information`,
    type: 'customer_profile_business_information',
    attributes: data.businessInformation,
  });
  await assignments.create({ objectSid: information.sid });
  const representative = await client.trusthub.v1.endUsers.create({
    friendlyName: `${data.businessInformation.business_name} representative 1`,
    type: 'authorized_representative_1',
    attributes: data.representative,
  });
  await assignments.create({ objectSid: representative.sid });
  return {
    profileSid: profile.sid,
    addressSid: address.sid,
    documentSid: document.sid,
    businessInformationSid: information.sid,
    representativeSid: representative.sid,
  };
}

export interface RestError {
  status: number;
  code: number;
  message: string;
}

/** Runs `fn`, which must fail with a Twilio RestException; returns its status and code. */
export async function restError(fn: () => Promise<unknown>): Promise<RestError> {
  try {
    await fn();
  } catch (error) {
    const e = error as Partial<RestError>;
    if (typeof e.status === 'number' && typeof e.code === 'number') {
      return { status: e.status, code: e.code, message: String(e.message) };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}
