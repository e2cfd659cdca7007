/**
 * src/workflows/onboarding/adoption-identity.ts: which customer profile a request may adopt. The
 * identity a vetting team compares must all be held at Twilio and equal to the request's; the public
 * facts alone (legal name, EIN) adopt nothing. Pure functions: no Temporal, no Twilio.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  IDENTITY_FIELDS,
  compareIdentity,
  describeVerdict,
  emailDomain,
  websiteHost,
  type ProfileIdentity,
} from '../../src/workflows/onboarding/adoption-identity.js';
import { onboardingRequest } from '../support/customers.js';

const request = onboardingRequest('adoption-identity', ['+14155550100']);

/** The profile Acme Dental made for A2P with its older tooling: the same identity, spelt its own way. */
const acmeProfile = (): ProfileIdentity => ({
  email: 'Compliance@AcmeDental.com',
  business: {
    name: '  ACME Dental   Group LLC ',
    registrationNumber: '12 3456789',
    websiteUrl: 'acmedental.com/',
  },
  address: { isoCountry: 'us', region: 'ca', postalCode: ' 94105 ' },
});

describe('compareIdentity', () => {
  test('the same identity, spelt differently (case, spacing, punctuation, www.), is adoptable', () => {
    assert.deepEqual(compareIdentity(acmeProfile(), request), { adoptable: true });
  });

  test("a different business sending the victim's legal name and EIN is refused on everything else", () => {
    const impostor = {
      ...request,
      email: 'ops@globex-plumbing.com',
      business: { ...request.business, websiteUrl: 'https://globex-plumbing.com' },
      address: { ...request.address, region: 'NV', postalCode: '89101' },
    };
    assert.deepEqual(compareIdentity(acmeProfile(), impostor), {
      adoptable: false,
      reason: 'mismatch',
      fields: ['business.websiteUrl', 'email', 'address.region', 'address.postalCode'],
    });
  });

  test('each compared field alone refuses the adoption when it differs', () => {
    const changed: Record<(typeof IDENTITY_FIELDS)[number], typeof request> = {
      'business.name': { ...request, business: { ...request.business, name: 'Acme Dental Group Inc' } },
      'business.registrationNumber': {
        ...request,
        business: { ...request.business, registrationNumber: '12-3456780' },
      },
      'business.websiteUrl': {
        ...request,
        business: { ...request.business, websiteUrl: 'https://acmedental.com.evil.example' },
      },
      email: { ...request, email: 'compliance@gmail.com' },
      'address.isoCountry': { ...request, address: { ...request.address, isoCountry: 'CA' } },
      'address.region': { ...request, address: { ...request.address, region: 'NY' } },
      'address.postalCode': { ...request, address: { ...request.address, postalCode: '94106' } },
    };
    for (const field of IDENTITY_FIELDS) {
      assert.deepEqual(
        compareIdentity(acmeProfile(), changed[field]),
        { adoptable: false, reason: 'mismatch', fields: [field] },
        field,
      );
    }
  });

  test('a profile with no business information is never adopted, whatever the request says', () => {
    const draft: ProfileIdentity = { email: request.email, address: acmeProfile().address! };
    const verdict = compareIdentity(draft, request);
    assert.equal(verdict.adoptable, false);
    assert.equal(verdict.adoptable === false && verdict.reason, 'no-business-information');
  });

  test('a compared field missing at Twilio refuses the adoption, even when the rest matches', () => {
    const noWebsite = acmeProfile();
    noWebsite.business = { ...noWebsite.business!, websiteUrl: null };
    assert.deepEqual(compareIdentity(noWebsite, request), {
      adoptable: false,
      reason: 'missing-at-twilio',
      fields: ['business.websiteUrl'],
    });
    const noAddress: ProfileIdentity = { ...acmeProfile(), address: undefined };
    assert.deepEqual(compareIdentity(noAddress, request), {
      adoptable: false,
      reason: 'missing-at-twilio',
      fields: ['address.isoCountry', 'address.region', 'address.postalCode'],
    });
    const blankEmail: ProfileIdentity = { ...acmeProfile(), email: '  ' };
    assert.deepEqual(compareIdentity(blankEmail, request), {
      adoptable: false,
      reason: 'missing-at-twilio',
      fields: ['email'],
    });
  });

  test('the reason for operators names fields, never a value', () => {
    const verdict = compareIdentity(acmeProfile(), { ...request, email: 'x@globex.example' });
    assert.equal(verdict.adoptable, false);
    const text = verdict.adoptable ? '' : describeVerdict(verdict);
    assert.match(text, /differs from the request in email/);
    assert.doesNotMatch(text, /globex|acmedental|Acme|12-?3456789|94105/i);
  });
});

describe('the folds', () => {
  test("a website's host: lower-case, no scheme, port, path, user or leading www.", () => {
    assert.equal(websiteHost('https://WWW.AcmeDental.com:443/about?x=1#top'), 'acmedental.com');
    assert.equal(websiteHost('http://user@www.acmedental.com'), 'acmedental.com');
    assert.equal(websiteHost('acmedental.com.'), 'acmedental.com');
    // Only a leading www. goes: a subdomain is another host.
    assert.equal(websiteHost('https://shop.acmedental.com'), 'shop.acmedental.com');
    assert.equal(websiteHost(''), '');
  });

  test("an email's domain: after the last @, lower-case", () => {
    assert.equal(emailDomain('Dana.Reyes@AcmeDental.COM'), 'acmedental.com');
    assert.equal(emailDomain('"odd@name"@acmedental.com'), 'acmedental.com');
    assert.equal(emailDomain('no-at-sign'), '');
  });
});
