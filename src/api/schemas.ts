/**
 * Request and response schemas of the API (TypeBox → JSON Schema → Fastify validation and /docs).
 * Every rule is the ISV guide's: allowed values, registration number formats, E.164, URLs.
 *
 * Every array in a request has a maxItems, and every `uniqueItems` array has items of a scalar
 * `type`: Ajv then checks uniqueness in one pass with a lookup table, where items of no declared type
 * (a bare `enum`) get a pairwise deep comparison — seconds of blocked event loop for a few thousand
 * items, since validation reports every error (`allErrors`) and so never stops at maxItems.
 */
import { CURSOR_PATTERN } from './cursor.js';
import { Type, type Static } from 'typebox';
import { ONBOARDING_STATUSES } from '../workflows/contract.js';
import { ONBOARDING_STEPS } from './steps.js';
import { MAX_WAITING_DAYS } from './list-query.js';
import {
  BUSINESS_IDENTITIES,
  BUSINESS_INDUSTRIES,
  BUSINESS_TYPES,
  JOB_POSITIONS,
  REGIONS_OF_OPERATION,
  REGISTRATION_IDENTIFIERS,
} from '../trusthub/types.js';

const Text = (description: string, maxLength = 255) => Type.String({ minLength: 1, maxLength, description });

export const E164 = '^\\+[1-9]\\d{1,14}$';
const PHONE_NUMBER_SID = '^PN[0-9a-fA-F]{32}$';
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
    phoneNumber: Type.String({ pattern: E164, description: 'E.164, e.g. +14155550100.' }),
    businessTitle: Text('Title, e.g. Head of Operations.', 100),
    jobPosition: Type.Enum([...JOB_POSITIONS]),
  },
  { additionalProperties: false },
);

const PhoneNumber = Type.String({
  pattern: `^((${E164.slice(1, -1)})|(${PHONE_NUMBER_SID.slice(1, -1)}))$`,
  description: 'An E.164 number or a PN… SID of a number your account owns.',
});

const PhoneNumbers = Type.Array(PhoneNumber, { minItems: 1, maxItems: 100, uniqueItems: true });

/** POST /v1/onboardings/:id/phone-numbers: numbers to add to an approved customer. */
export const AddPhoneNumbersBody = Type.Object(
  { phoneNumbers: Type.Array(PhoneNumber, { minItems: 1, maxItems: 50, uniqueItems: true }) },
  { additionalProperties: false },
);

/** DELETE /v1/onboardings/:id/phone-numbers/:number */
export const PhoneNumberParams = Type.Object({
  id: Type.String({ pattern: '^onboarding-[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }),
  number: PhoneNumber,
});

export const OnboardingRequestBody = Type.Object(
  {
    customerId: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
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
        pattern: '^BU[0-9a-fA-F]{32}$',
        description:
          "The customer's existing secondary customer profile, to adopt instead of making a new one (e.g. one made for A2P 10DLC).",
      }),
    ),
  },
  { additionalProperties: false },
);
export type OnboardingRequestBody = Static<typeof OnboardingRequestBody>;

export const CorrectionsBody = Type.Object(
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
  },
  { additionalProperties: false, minProperties: 1 },
);

export const OnboardingId = Type.Object({
  id: Type.String({ pattern: '^onboarding-[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }),
});

const Links = Type.Object({ self: Type.String(), temporalUi: Type.Optional(Type.String()) });

export const Accepted = Type.Object({ id: Type.String(), status: Type.String(), links: Links });

/** POST /v1/onboardings: the record's id and where it stands, and whether this request made it. */
export const Started = Type.Object({
  id: Type.String(),
  status: Type.Enum([...ONBOARDING_STATUSES]),
  step: Type.String(),
  created: Type.Boolean({
    description: 'true when this request started the onboarding; false when it was already there.',
  }),
  links: Links,
});

const BundleView = Type.Union([
  Type.Null(),
  Type.Object(
    {
      sid: Type.String(),
      status: Type.String(),
      errors: Type.Array(Type.Object({ code: Type.Number(), meaning: Type.Optional(Type.String()) })),
      validUntil: Type.Union([Type.String(), Type.Null()]),
    },
    { additionalProperties: true },
  ),
]);

export const OnboardingView = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    status: Type.Enum([...ONBOARDING_STATUSES]),
    step: Type.String(),
    customerProfile: BundleView,
    trustProduct: BundleView,
    resources: Type.Object({
      customerProfileSid: Type.Optional(Type.String()),
      trustProductSid: Type.Optional(Type.String()),
      addressSid: Type.Optional(Type.String()),
      supportingDocumentSid: Type.Optional(Type.String()),
      businessInformationSid: Type.Optional(Type.String()),
      representativeSids: Type.Array(Type.String()),
    }),
    phoneNumbers: Type.Array(
      Type.Object({
        input: Type.String(),
        sid: Type.String(),
        phoneNumber: Type.String(),
        attestation: Type.Enum(['A', 'B', 'C'], {
          description: 'SHAKEN/STIR attestation Twilio gives calls from this number today.',
        }),
        blockedBy: Type.Union([Type.String(), Type.Null()], {
          description: 'What stands between this number and A, in words; null at A.',
        }),
      }),
    ),
    latestEvaluation: Type.Unknown(),
    problem: Type.Unknown(),
    warnings: Type.Optional(Type.Array(Type.String())),
    corrections: Type.Number(),
    compensation: Type.Array(Type.Unknown()),
    timeline: Type.Array(
      Type.Object({ at: Type.String(), event: Type.String(), detail: Type.Optional(Type.String()) }),
    ),
    links: Type.Optional(Links),
  },
  { additionalProperties: false },
);

/**
 * GET /v1/onboardings. What a schema cannot say — a date-time `new Date()` cannot hold (a leap second),
 * an age beyond MAX_WAITING_DAYS — parseListQuery (list-query.ts) refuses before Temporal is asked.
 */
export const OnboardingListQuery = Type.Object({
  status: Type.Optional(Type.Enum([...ONBOARDING_STATUSES], { type: 'string' })),
  step: Type.Optional(Type.Enum([...ONBOARDING_STEPS], { type: 'string' })),
  startedAfter: Type.Optional(
    Type.String({ format: 'date-time', description: 'ISO 8601, e.g. 2026-11-01T00:00:00Z' }),
  ),
  startedBefore: Type.Optional(Type.String({ format: 'date-time' })),
  waitingLongerThan: Type.Optional(
    Type.String({
      pattern: '^\\d{1,10}(\\.\\d{1,3})?(ms|s|m|h|d)$',
      description: `Waiting (on Twilio or on corrections) for longer than this, e.g. 3d or 12h; at most ${MAX_WAITING_DAYS}d.`,
    }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(
    Type.String({
      pattern: CURSOR_PATTERN,
      description: "The previous page's nextCursor, unchanged (opaque: Temporal's page token).",
    }),
  ),
});

export const OnboardingList = Type.Object({
  onboardings: Type.Array(
    Type.Object({
      id: Type.String(),
      customerId: Type.Union([Type.String(), Type.Null()]),
      status: Type.Union([Type.String(), Type.Null()]),
      step: Type.Union([Type.String(), Type.Null()]),
      customerProfileStatus: Type.Union([Type.String(), Type.Null()]),
      trustProductStatus: Type.Union([Type.String(), Type.Null()]),
      waitingSince: Type.Union([Type.String(), Type.Null()]),
      startedAt: Type.String(),
      temporalStatus: Type.String(),
    }),
  ),
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    fields: Type.Optional(Type.Array(Type.Object({ field: Type.String(), rule: Type.String() }))),
  }),
});
