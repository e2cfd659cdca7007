/**
 * The why of a problem on its own (src/workflows/remedies.ts): Twilio's names mapped to the request's
 * JSON pointers (src/workflows/remedies/twilio-names.ts), a remedy for every code the service knows
 * (src/contract/remedies.ts), and the call that applies it. The e2e tests (test/e2e/why.test.ts) show
 * the same in the API view, the Web UI's details and the list.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OnboardingRequest, Problem } from '../../src/contract/types.js';
import { describeTwilioCode } from '../../src/contract/vocabulary.js';
import { CODE_REMEDIES, KIND_REMEDIES } from '../../src/contract/remedies.js';
import {
  explainProblem,
  numberBlocker,
  numberTakenProblem,
  phoneNumberPointer,
  problemBrief,
  type ProblemContext,
} from '../../src/workflows/remedies.js';
import { TWILIO_OBJECTS, pointerOf } from '../../src/workflows/remedies/twilio-names.js';

const request: OnboardingRequest = {
  customerId: 'acme',
  email: 'compliance@acme.com',
  business: {
    name: 'Acme Dental LLC',
    identity: 'direct_customer',
    type: 'Limited Liability Corporation',
    industry: 'HEALTHCARE',
    registrationIdentifier: 'EIN',
    registrationNumber: '12-3456789',
    regionsOfOperation: ['USA_AND_CANADA'],
    websiteUrl: 'https://acme.com',
    socialMediaProfileUrls: ['https://example.com/acme'],
  },
  address: {
    customerName: 'Acme Dental LLC',
    street: '1 Main St',
    streetSecondary: 'Suite 2',
    city: 'San Francisco',
    region: 'CA',
    postalCode: '94105',
    isoCountry: 'US',
  },
  authorizedRepresentatives: [1, 2].map((n) => ({
    firstName: `Rep${n}`,
    lastName: 'Reyes',
    email: `rep${n}@acme.com`,
    phoneNumber: '+14155550123',
    businessTitle: 'CEO',
    jobPosition: 'CEO' as const,
  })),
  phoneNumbers: ['+14155550100', `PN${'b'.repeat(32)}`],
  voiceIntegrity: {
    useCase: 'Customer Support',
    employeeCount: 4,
    averageBusinessDayCallVolume: 9,
    notes: 'n',
  },
  cnam: { displayName: 'Acme Dental' },
};

/** The value a JSON pointer names in `value` (RFC 6901, without escapes: the request has none). */
function resolve(value: unknown, pointer: string): unknown {
  return pointer
    .split('/')
    .slice(1)
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], value);
}

const context: ProblemContext = { id: 'onboarding-acme', status: 'action-required' };
const problem = (overrides: Partial<Problem>): Problem => ({
  kind: 'rejection',
  bundle: 'customer-profile',
  message: 'Twilio rejected the customer profile.',
  codes: [],
  failures: [],
  ...overrides,
});

test("Twilio's end-user attributes and address fields map to the request's JSON pointers", () => {
  const cases: [string | undefined, string | undefined, string | undefined][] = [
    ['authorized_representative_1', 'email', '/authorizedRepresentatives/0/email'],
    ['authorized_representative_2', 'first_name', '/authorizedRepresentatives/1/firstName'],
    ['authorized_representative_1', undefined, '/authorizedRepresentatives/0'],
    ['customer_profile_business_information', 'business_registration_number', '/business/registrationNumber'],
    [
      'customer_profile_business_information',
      'business_regions_of_operation',
      '/business/regionsOfOperation',
    ],
    ['customer_profile_business_information', 'website_url', '/business/websiteUrl'],
    ['customer_profile_address', 'address_sids', '/address'],
    ['address', 'postal_code', '/address/postalCode'],
    ['address', 'iso_country', '/address/isoCountry'],
    ['customer_profile', 'email', '/email'],
    ['voice_integrity_information', 'business_employee_count', '/voiceIntegrity/employeeCount'],
    ['cnam_information', 'cnam_display_name', '/cnam/displayName'],
    // The pre-checks name fields in the request's own words.
    ['cnam_information', 'cnam.displayName', '/cnam/displayName'],
    ['voice_integrity_information', 'voiceIntegrity', '/voiceIntegrity'],
    // A field only one object has needs no type.
    [undefined, 'business_registration_number', '/business/registrationNumber'],
    // The ISV's primary profile, linked by the service, is no field of the request.
    ['customer_profile', 'status', undefined],
    ['customer_profile', undefined, undefined],
  ];
  for (const [objectType, field, pointer] of cases) {
    assert.equal(pointerOf(objectType, field), pointer, `${objectType} ${field}`);
  }
});

test('every pointer the mapping holds names a field of a full request', () => {
  for (const [objectType, { whole, fields }] of Object.entries(TWILIO_OBJECTS)) {
    for (const pointer of [whole, ...Object.values(fields)].filter((p): p is string => !!p)) {
      assert.notEqual(resolve(request, pointer), undefined, `${objectType}: ${pointer}`);
    }
  }
  // Every attribute the service sends for business information and a representative is mapped.
  assert.equal(Object.keys(TWILIO_OBJECTS.customer_profile_business_information!.fields).length, 9);
  assert.equal(Object.keys(TWILIO_OBJECTS.authorized_representative_1!.fields).length, 6);
  assert.equal(Object.keys(TWILIO_OBJECTS.address!.fields).length, 7);
});

test("every code the service has a meaning for has a remedy, and every remedy's pointers exist", () => {
  const known = [
    18601, 18602, 18603, 18604, 18605, 18606, 18607, 18608, 18609, 11005, 11006, 11007, 11008, 11009,
  ];
  for (const code of [...known, 20409, 22214, 22215, 22216, 22219]) {
    assert.ok(CODE_REMEDIES[code]?.remedy, `a remedy for ${code}`);
  }
  // The meanings table (src/contract/vocabulary.ts) has no code the remedies miss.
  for (let code = 11000; code < 23000; code += 1) {
    if (!describeTwilioCode(code).startsWith('Twilio error')) assert.ok(CODE_REMEDIES[code], `${code}`);
  }
  for (const [code, { pointers }] of Object.entries(CODE_REMEDIES)) {
    for (const pointer of pointers)
      assert.notEqual(resolve(request, pointer), undefined, `${code}: ${pointer}`);
  }
});

test('a rejection (18601) says the remedy, the fields with their Twilio names, and the PATCH', () => {
  const explained = explainProblem(
    problem({ codes: [{ code: 18601, meaning: describeTwilioCode(18601) }] }),
    context,
  );
  assert.match(explained.remedy ?? '', /legal name/);
  assert.deepEqual(explained.fields, [
    { pointer: '/business/name', twilio: 'customer_profile_business_information.business_name' },
    { pointer: '/business/websiteUrl', twilio: 'customer_profile_business_information.website_url' },
  ]);
  assert.deepEqual(explained.fix, { method: 'PATCH', path: '/v1/onboardings/onboarding-acme' });
});

test("an evaluation's failures each get their pointer; the fields are theirs, not the code's", () => {
  const explained = explainProblem(
    problem({
      kind: 'evaluation',
      codes: [{ code: 22217, meaning: 'invalid' }],
      failures: [
        {
          requirement: 'Authorized Representative 1',
          objectType: 'authorized_representative_1',
          field: 'email',
          errorCode: 22217,
          reason: 'The Email is invalid',
        },
        { requirement: 'Primary profile', objectType: 'customer_profile', field: 'status', reason: 'x' },
      ],
    }),
    context,
  );
  assert.equal(explained.failures[0]!.pointer, '/authorizedRepresentatives/0/email');
  assert.equal(explained.failures[1]!.pointer, undefined);
  assert.deepEqual(explained.fields, [
    { pointer: '/authorizedRepresentatives/0/email', twilio: 'authorized_representative_1.email' },
  ]);
  assert.ok(explained.remedy?.startsWith(KIND_REMEDIES.evaluation));
});

test('the call that applies it: PATCH, POST …/products while serving, POST a new start, or none', () => {
  const fix = (p: Partial<Problem>, ctx: Partial<ProblemContext> = {}) =>
    explainProblem(problem(p), { ...context, ...ctx }).fix;
  assert.equal(fix({ codes: [{ code: 11005, meaning: 'wait' }] }), null, 'nothing to send: wait');
  const waiting = explainProblem(
    problem({ kind: 'evaluation', codes: [{ code: 11005, meaning: '' }] }),
    context,
  );
  assert.equal(waiting.remedy, CODE_REMEDIES[11005]!.remedy, 'and no "correct them" either');
  assert.equal(fix({ kind: 'approval-lost' }, { serving: true }), null, 'renewed at Twilio');
  assert.deepEqual(fix({ kind: 'adoption' }, { status: 'failed' }), {
    method: 'POST',
    path: '/v1/onboardings',
  });
  assert.deepEqual(
    fix(
      { bundle: 'trust-product', product: 'cnam', codes: [{ code: 11008, meaning: 'x' }] },
      { serving: true },
    ),
    { method: 'POST', path: '/v1/onboardings/onboarding-acme/products' },
  );
  const trustProduct = explainProblem(problem({ bundle: 'trust-product' }), context);
  assert.deepEqual(trustProduct.fields, [{ pointer: '/replaceTrustProduct' }]);
  assert.match(trustProduct.remedy ?? '', /replaceTrustProduct: true/);
});

test('the problem in brief: its kind, then its codes; null without one', () => {
  assert.equal(problemBrief(problem({ codes: [{ code: 18601, meaning: '' }] })), 'rejection 18601');
  assert.equal(
    problemBrief(
      problem({
        kind: 'evaluation',
        codes: [
          { code: 22215, meaning: '' },
          { code: 22217, meaning: '' },
        ],
      }),
    ),
    'evaluation 22215 22217',
  );
  assert.equal(problemBrief(problem({ kind: 'evaluation' })), 'evaluation');
  assert.equal(problemBrief(null), null);
});

test('a taken number says whose kind of bundle has it, never whose; its number is blocked by it', () => {
  const number = { input: '+14155550100', sid: `PN${'a'.repeat(32)}`, phoneNumber: '+14155550100' };
  const pointer = phoneNumberPointer(request, number);
  assert.equal(pointer, '/phoneNumbers/0');
  const ours = explainProblem(numberTakenProblem(number, 'another-customer', pointer), context);
  assert.match(ours.message, /another customer of this service/);
  assert.match(ours.remedy ?? '', /Another of your customers/);
  assert.deepEqual(ours.fields, [
    { pointer: '/phoneNumbers/0', twilio: 'channel_endpoint_assignment.channel_endpoint_sid' },
  ]);
  assert.deepEqual(ours.fix, { method: 'PATCH', path: '/v1/onboardings/onboarding-acme' });
  assert.equal(problemBrief(ours), 'phone-numbers 20409');
  const outside = numberTakenProblem(number, 'outside', pointer);
  assert.match(outside.message, /outside this service/);
  assert.doesNotMatch(outside.message, /another customer/);
  assert.match(numberBlocker(ours, request, number) ?? '', /another customer of this service \(20409\)/);
  const other = {
    input: request.phoneNumbers[1]!,
    sid: request.phoneNumbers[1]!,
    phoneNumber: '+14155550199',
  };
  assert.equal(numberBlocker(ours, request, other), null, 'the other number is not blocked by it');
});
