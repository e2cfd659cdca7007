import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  flattenEvaluationResults,
  toBundleSnapshot,
  toEvaluationSummary,
} from '../../src/trusthub/bundles.js';
import { describeTwilioCode } from '../../src/contract/vocabulary.js';

describe('toBundleSnapshot', () => {
  it('keeps kind, sid, status, rejection codes with meanings and validUntil as ISO', () => {
    const snapshot = toBundleSnapshot('trust-product', {
      sid: 'BU0123',
      friendlyName: 'x',
      policySid: 'RN',
      status: 'twilio-rejected',
      errors: [{ code: 18606 }, { code: '18609' }, { nope: true }],
      validUntil: new Date('2030-01-02T03:04:05Z'),
      dateCreated: null,
    });
    assert.deepEqual(snapshot, {
      kind: 'trust-product',
      sid: 'BU0123',
      status: 'twilio-rejected',
      errors: [
        { code: 18606, meaning: describeTwilioCode(18606) },
        { code: 18609, meaning: describeTwilioCode(18609) },
      ],
      validUntil: '2030-01-02T03:04:05.000Z',
    });
  });

  it('refuses an unknown status rather than passing it on', () => {
    assert.throws(() =>
      toBundleSnapshot('customer-profile', {
        sid: 'BU1',
        friendlyName: 'x',
        policySid: 'RN',
        status: 'weird',
        errors: null,
        validUntil: null,
        dateCreated: null,
      }),
    );
  });
});

describe('flattenEvaluationResults', () => {
  const results = [
    {
      friendly_name: 'Business',
      object_type: 'business',
      passed: false,
      failure_reason: 'The Business information is incomplete or invalid.',
      error_code: 22215,
      valid: [],
      invalid: [
        {
          friendly_name: 'Business Name',
          object_field: 'business_name',
          failure_reason: 'Business Name is missing.',
          error_code: 22215,
        },
        { friendly_name: 'Website', object_field: 'website_url', failure_reason: null, error_code: 22217 },
      ],
      requirement_friendly_name: 'Business Information',
      requirement_name: 'business_info',
    },
    {
      friendly_name: 'Address',
      object_type: 'customer_profile_address',
      passed: false,
      failure_reason: null,
      error_code: 22216,
      valid: [],
      invalid: [],
      requirement_friendly_name: 'Business Address',
      requirement_name: 'business_address',
    },
    {
      friendly_name: 'Rep',
      object_type: 'authorized_representative_1',
      passed: true,
      failure_reason: null,
      error_code: null,
      valid: [{ object_field: 'email' }],
      invalid: [],
      requirement_friendly_name: 'Authorized Representative',
      requirement_name: 'authorized_representative_1',
    },
  ];

  it('gives one entry per invalid field and per failed requirement without fields, skipping passed ones', () => {
    assert.deepEqual(flattenEvaluationResults(results), [
      {
        requirement: 'Business Information',
        objectType: 'business',
        field: 'business_name',
        errorCode: 22215,
        reason: 'Business Name is missing.',
      },
      {
        requirement: 'Business Information',
        objectType: 'business',
        field: 'website_url',
        errorCode: 22217,
        reason: describeTwilioCode(22217),
      },
      {
        requirement: 'Business Address',
        objectType: 'customer_profile_address',
        errorCode: 22216,
        reason: describeTwilioCode(22216),
      },
    ]);
  });

  it('summarises: compliant has no failures, noncompliant keeps them', () => {
    assert.deepEqual(toEvaluationSummary({ sid: 'EL1', status: 'compliant', results }), {
      sid: 'EL1',
      status: 'compliant',
      failures: [],
    });
    const summary = toEvaluationSummary({ sid: 'EL2', status: 'noncompliant', results });
    assert.equal(summary.status, 'noncompliant');
    assert.equal(summary.failures.length, 3);
  });

  it('reports a missing end user once, not each of its fields', () => {
    const missing = {
      friendly_name: 'Business Information',
      object_type: 'customer_profile_business_information',
      passed: false,
      failure_reason: 'A Business Information End-User is missing.',
      error_code: 22214,
      valid: [],
      invalid: [
        {
          friendly_name: 'Business Name',
          object_field: 'business_name',
          failure_reason: 'missing',
          error_code: 22215,
        },
        {
          friendly_name: 'Website URL',
          object_field: 'website_url',
          failure_reason: 'missing',
          error_code: 22215,
        },
      ],
      requirement_friendly_name: 'Business Information',
      requirement_name: 'customer_profile_business_information',
    };
    assert.deepEqual(flattenEvaluationResults([missing]), [
      {
        requirement: 'Business Information',
        objectType: 'customer_profile_business_information',
        errorCode: 22214,
        reason: 'A Business Information End-User is missing.',
      },
    ]);
  });

  it('tolerates missing or malformed results', () => {
    assert.deepEqual(flattenEvaluationResults(null), []);
    assert.deepEqual(flattenEvaluationResults(['junk', 3]), []);
  });
});
