/**
 * The JSON Schemas of what the ISV sends: the request that starts an onboarding, the corrections it
 * accepts, the products added after approval. With ./view-schemas.ts (what the workflow answers) they
 * are the single source: the TypeScript types of ./types.ts are `Static` of these, and the API
 * (src/api/schemas.ts) validates and documents with these same objects, so the workflow, the API and
 * openapi.json cannot drift apart. Every rule is the ISV guide's: allowed values, registration number
 * formats, E.164, URLs.
 *
 * Not workflow code: the workflow imports these as types only (`import type`), so its bundle never
 * pulls TypeBox in (test/platform/workflow-bundle.test.ts builds it).
 *
 * Every array in a request has a maxItems, and every `uniqueItems` array has items of a scalar
 * `type`: Ajv then checks uniqueness in one pass with a lookup table, where items of no declared type
 * (a bare `enum`) get a pairwise deep comparison — seconds of blocked event loop for a few thousand
 * items, since validation reports every error (`allErrors`) and so never stops at maxItems.
 */
import { Type } from 'typebox';
import {
  CUSTOMER_ID_PATTERN,
  CUSTOMER_PROFILE_SID_PATTERN,
  E164_PATTERN,
  PHONE_NUMBER_PATTERN,
} from './ids.js';
import {
  BUSINESS_IDENTITIES,
  BUSINESS_INDUSTRIES,
  BUSINESS_TYPES,
  JOB_POSITIONS,
  REGIONS_OF_OPERATION,
  REGISTRATION_IDENTIFIERS,
  VOICE_INTEGRITY_USE_CASES,
} from './vocabulary.js';
import { CNAM_DISPLAY_NAME_MAX, CNAM_DISPLAY_NAME_PATTERN } from './product-checks.js';

const Text = (description: string, maxLength = 255) => Type.String({ minLength: 1, maxLength, description });

const HTTP_URL = '^https?://[^\\s/$.?#][^\\s]*$';

const Email = Type.String({ format: 'email', maxLength: 254, description: 'An email address.' });
const Url = (description: string) => Type.String({ pattern: HTTP_URL, maxLength: 2048, description });

export const Business = Type.Object(
  {
    name: Text('Legal business name.'),
    identity: Type.Enum([...BUSINESS_IDENTITIES], { description: 'Business structure.' }),
    type: Type.Enum([...BUSINESS_TYPES]),
    industry: Type.Enum([...BUSINESS_INDUSTRIES]),
    registrationIdentifier: Type.Enum([...REGISTRATION_IDENTIFIERS], {
      description: 'USA: EIN (Employer Identification Number) or DUNS (Dun & Bradstreet).',
    }),
    registrationNumber: Type.String({
      // EIN: 12-3456789 or 123456789; DUNS: nine digits (12-345-6789 is accepted too).
      pattern: '^(\\d{9}|\\d{2}-\\d{7}|\\d{2}-\\d{3}-\\d{4})$',
      description: 'EIN (12-3456789) or DUNS (nine digits).',
    }),
    regionsOfOperation: Type.Array(Type.Enum([...REGIONS_OF_OPERATION], { type: 'string' }), {
      minItems: 1,
      maxItems: REGIONS_OF_OPERATION.length,
      uniqueItems: true,
    }),
    websiteUrl: Url("The business's website, http(s)://…"),
    socialMediaProfileUrls: Type.Optional(Type.Array(Url('A social media profile URL.'), { maxItems: 10 })),
  },
  { additionalProperties: false },
);

export const Address = Type.Object(
  {
    customerName: Text('Name at the address.'),
    street: Text('Street and number.'),
    streetSecondary: Type.Optional(Text('Suite, floor…')),
    city: Text('City.'),
    region: Text('State or region, e.g. CA.'),
    postalCode: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$', description: 'Postal code.' }),
    isoCountry: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 country, e.g. US.' }),
  },
  { additionalProperties: false },
);

export const Representative = Type.Object(
  {
    firstName: Text('First name.', 100),
    lastName: Text('Last name.', 100),
    email: Email,
    phoneNumber: Type.String({ pattern: E164_PATTERN, description: 'E.164, e.g. +14155550100.' }),
    businessTitle: Text('Title, e.g. Head of Operations.', 100),
    jobPosition: Type.Enum([...JOB_POSITIONS]),
  },
  { additionalProperties: false },
);

/** How a number is named: E.164, or the PN… SID of one of the account's incoming numbers. */
export const PhoneNumber = Type.String({
  pattern: PHONE_NUMBER_PATTERN,
  description: 'An E.164 number or a PN… SID of a number your account owns.',
});

const PhoneNumbers = Type.Array(PhoneNumber, { minItems: 1, maxItems: 100, uniqueItems: true });

/**
 * Voice Integrity: the numbers registered with the carriers' analytics engines (Hiya, TNS, First Orion),
 * which decide the "Spam Likely" label whatever the attestation. Twilio's end user
 * `voice_integrity_information`.
 */
export const VoiceIntegrity = Type.Object(
  {
    useCase: Type.Enum([...VOICE_INTEGRITY_USE_CASES], {
      type: 'string',
      description: "What the customer's calls are for, exactly as Twilio spells it.",
    }),
    employeeCount: Type.Integer({
      minimum: 1,
      maximum: 10_000_000,
      description: "The business's employees.",
    }),
    averageBusinessDayCallVolume: Type.Integer({
      minimum: 1,
      maximum: 100_000_000,
      description: 'Outbound calls on an average business day.',
    }),
    notes: Type.Optional(Text('Anything the reviewers should know.', 1000)),
  },
  { additionalProperties: false },
);

/**
 * CNAM: the name callees see (else their carrier shows City/State). Twilio's end user `cnam_information`;
 * the rules beyond the format (not generic or prohibited, 11008; like the business name, 11007) are
 * checked by ./product-checks.ts before any Twilio call.
 */
export const Cnam = Type.Object(
  {
    displayName: Type.String({
      minLength: 1,
      maxLength: CNAM_DISPLAY_NAME_MAX,
      pattern: CNAM_DISPLAY_NAME_PATTERN,
      description:
        'At most 15 characters: starts with a letter; letters, digits, periods, commas and spaces only.',
    }),
  },
  { additionalProperties: false },
);

/** POST /v1/onboardings/:id/products: one or both products for a serving customer. */
export const ProductsRequest = Type.Object(
  { voiceIntegrity: Type.Optional(VoiceIntegrity), cnam: Type.Optional(Cnam) },
  { additionalProperties: false, minProperties: 1 },
);

/** What an ISV sends to onboard one end customer (POST /v1/onboardings, the workflow's input). */
export const OnboardingRequest = Type.Object(
  {
    customerId: Type.String({
      pattern: CUSTOMER_ID_PATTERN,
      description:
        'Your own id for the end customer (letters, digits, _ . -; up to 64). One onboarding per id.',
    }),
    email: Email,
    friendlyName: Type.Optional(Text('How Trust Hub shows this customer.', 48)),
    business: Business,
    address: Address,
    authorizedRepresentatives: Type.Array(Representative, { minItems: 1, maxItems: 2 }),
    phoneNumbers: PhoneNumbers,
    customerProfileSid: Type.Optional(
      Type.String({
        pattern: CUSTOMER_PROFILE_SID_PATTERN,
        description:
          "The customer's existing secondary customer profile, to adopt instead of making a new one (e.g. one made for A2P 10DLC).",
      }),
    ),
    voiceIntegrity: Type.Optional(VoiceIntegrity),
    cnam: Type.Optional(Cnam),
  },
  { additionalProperties: false },
);

/** What the ISV can correct after a noncompliant evaluation or a rejection (PATCH, submitCorrections). */
export const Corrections = Type.Object(
  {
    email: Type.Optional(Email),
    business: Type.Optional(Type.Partial(Business)),
    address: Type.Optional(Address),
    authorizedRepresentatives: Type.Optional(Type.Array(Representative, { minItems: 1, maxItems: 2 })),
    phoneNumbers: Type.Optional(PhoneNumbers),
    replaceTrustProduct: Type.Optional(
      Type.Boolean({
        description:
          'After a trust-product rejection: delete it and submit a new one linked to the same approved profile.',
      }),
    ),
    voiceIntegrity: Type.Optional(VoiceIntegrity),
    cnam: Type.Optional(Cnam),
  },
  { additionalProperties: false, minProperties: 1 },
);
