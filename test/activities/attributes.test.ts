import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addressParams,
  businessInformationAttributes,
  joinList,
  representativeAttributes,
} from '../../src/trusthub/attributes.js';
import type { BusinessInformation } from '../../src/contract/types.js';

const business: BusinessInformation = {
  name: 'Acme Plumbing LLC',
  identity: 'direct_customer',
  type: 'Limited Liability Corporation',
  industry: 'CONSUMER',
  registrationIdentifier: 'EIN',
  registrationNumber: '123456789',
  regionsOfOperation: ['USA_AND_CANADA', 'EUROPE'],
  websiteUrl: 'https://acme.example.com',
  socialMediaProfileUrls: ['https://www.linkedin.com/company/acme', 'https://x.com/acme'],
};

describe('businessInformationAttributes', () => {
  it("maps every field to the guide's attribute names, lists joined with commas", () => {
    assert.deepEqual(businessInformationAttributes(business), {
      business_name: 'Acme Plumbing LLC',
      business_identity: 'direct_customer',
      business_type: 'Limited Liability Corporation',
      business_industry: 'CONSUMER',
      business_registration_identifier: 'EIN',
      business_registration_number: '123456789',
      business_regions_of_operation: 'USA_AND_CANADA,EUROPE',
      website_url: 'https://acme.example.com',
      social_media_profile_urls: 'https://www.linkedin.com/company/acme,https://x.com/acme',
    });
  });

  it('sends an EIN as the nine digits Twilio matches, and a DUNS number as given', () => {
    const ein = businessInformationAttributes({ ...business, registrationNumber: '12-3456789' });
    assert.equal(ein.business_registration_number, '123456789');
    const duns = businessInformationAttributes({
      ...business,
      registrationIdentifier: 'DUNS',
      registrationNumber: '12-345-6789',
    });
    assert.equal(duns.business_registration_number, '12-345-6789');
  });

  it('sends an empty social_media_profile_urls when there are none', () => {
    const { socialMediaProfileUrls: _none, ...withoutSocial } = business;
    assert.equal(businessInformationAttributes(withoutSocial).social_media_profile_urls, '');
  });
});

describe('representativeAttributes', () => {
  it("maps a representative to the guide's attribute names", () => {
    assert.deepEqual(
      representativeAttributes({
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@acme.example.com',
        phoneNumber: '+15005550006',
        businessTitle: 'Owner',
        jobPosition: 'CEO',
      }),
      {
        first_name: 'Ada',
        last_name: 'Lovelace',
        email: 'ada@acme.example.com',
        phone_number: '+15005550006',
        business_title: 'Owner',
        job_position: 'CEO',
      },
    );
  });
});

describe('addressParams', () => {
  const address = {
    customerName: 'Acme Plumbing LLC',
    street: '1 Main St',
    city: 'Springfield',
    region: 'IL',
    postalCode: '62701',
    isoCountry: 'US',
  };

  it('maps to the SDK parameters and leaves out an absent second street line', () => {
    assert.deepEqual(addressParams(address), address);
    assert.equal('streetSecondary' in addressParams(address), false);
  });

  it('keeps a second street line', () => {
    assert.equal(addressParams({ ...address, streetSecondary: 'Suite 5' }).streetSecondary, 'Suite 5');
  });
});

describe('joinList', () => {
  it('trims values and drops empty ones', () => {
    assert.equal(joinList([' A ', '', 'B']), 'A,B');
    assert.equal(joinList(undefined), '');
  });
});
