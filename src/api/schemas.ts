/**
 * Request and response schemas of the API (TypeBox → JSON Schema → Fastify validation and /docs). The
 * workflow's own messages — the request, the corrections, the view — are the workflow contract's
 * schemas (src/contract/request-schemas.ts, view-schemas.ts), used here as they are; this file adds
 * what only the API has: path parameters, links, the list, errors.
 */
import { CURSOR_PATTERN } from './cursor.js';
import { Type, type Static } from 'typebox';
import {
  ATTESTATIONS,
  MAX_NUMBERS_PER_CHANGE,
  ONBOARDING_STATUSES,
  ONBOARDING_STEPS,
  START_PRIORITIES,
} from '../contract/vocabulary.js';
import { CALL_SID_PATTERN, E164_PATTERN, ONBOARDING_ID_PATTERN } from '../contract/ids.js';
import { Corrections, OnboardingRequest, PhoneNumber, ProductsRequest } from '../contract/request-schemas.js';
import { OnboardingView as WorkflowView } from '../contract/view-schemas.js';
import { MAX_WAITING_DAYS } from './list-query.js';

/** POST /v1/onboardings/:id/phone-numbers: numbers to add to an approved customer. */
export const AddPhoneNumbersBody = Type.Object(
  {
    phoneNumbers: Type.Array(PhoneNumber, {
      minItems: 1,
      maxItems: MAX_NUMBERS_PER_CHANGE,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false },
);

/** DELETE /v1/onboardings/:id/phone-numbers/:number */
export const PhoneNumberParams = Type.Object({
  id: Type.String({ pattern: ONBOARDING_ID_PATTERN }),
  number: PhoneNumber,
});

/**
 * POST /v1/onboardings: a new customer's request. It never adopts: a body with customerProfileSid is
 * refused before validation (prechecks.ts), since adoption takes the operators' token.
 */
const { customerProfileSid: _adopted, ...startProperties } = OnboardingRequest.properties;
export const OnboardingRequestBody = Type.Object(startProperties, { additionalProperties: false });
export type OnboardingRequestBody = Static<typeof OnboardingRequestBody>;

/** POST /v1/adoptions: the same request, naming the customer's existing profile to adopt. */
export const AdoptionRequestBody = Type.Object(
  { ...startProperties, ...Type.Required(Type.Pick(OnboardingRequest, ['customerProfileSid'])).properties },
  { additionalProperties: false },
);
export type AdoptionRequestBody = Static<typeof AdoptionRequestBody>;

export const CorrectionsBody = Corrections;

/** POST /v1/onboardings/:id/products: Voice Integrity and/or CNAM for a serving customer. */
export const ProductsBody = ProductsRequest;

/** A Twilio call's SID (lower-case hex, as Twilio issues it): the webhook validates with it too. */
export { CALL_SID_PATTERN };

/**
 * POST /v1/onboardings/:id/calls: what the ISV's own call status handler relays of Twilio's callback,
 * for calls whose StatusCallback points at the ISV rather than at /v1/webhooks/calls.
 */
export const RelayedCallBody = Type.Object(
  {
    callSid: Type.String({ pattern: CALL_SID_PATTERN, description: "The call's CallSid (CA…)." }),
    from: Type.String({
      pattern: E164_PATTERN,
      description: "The callback's From: the customer's number, E.164.",
    }),
    stirStatus: Type.Enum([...ATTESTATIONS], {
      type: 'string',
      description: "The callback's StirStatus: the attestation Twilio signed the call with.",
    }),
    timestamp: Type.Optional(
      Type.String({ format: 'date-time', description: "The callback's Timestamp, as ISO 8601; else now." }),
    ),
  },
  { additionalProperties: false },
);

export const OnboardingId = Type.Object({ id: Type.String({ pattern: ONBOARDING_ID_PATTERN }) });

const Links = Type.Object({ self: Type.String(), temporalUi: Type.Optional(Type.String()) });

export const Accepted = Type.Object({ id: Type.String(), status: Type.String(), links: Links });

/** POST /v1/onboardings/:id/calls */
export const CallRelayed = Type.Object({
  id: Type.String(),
  forwarded: Type.Boolean({
    description:
      'false when the onboarding already heard this level for this number within the hour: nothing was sent.',
  }),
  links: Links,
});

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

/** The workflow's view, with the API's links. */
export const OnboardingView = Type.Object(
  { ...WorkflowView.properties, links: Type.Optional(Links) },
  { additionalProperties: false },
);

/** POST /v1/onboardings' query: the start's priority, never the interactive one (contract.ts). */
export const StartQuery = Type.Object({
  priority: Type.Enum([...START_PRIORITIES], {
    type: 'string',
    default: 'normal',
    description:
      'bulk: queue this onboarding behind the work of customers already being served (decisions, corrections, number changes), as `trusthub-onboarding import` does.',
  }),
});

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
      problem: Type.Union([Type.String(), Type.Null()], {
        description:
          "The problem in brief: its kind, then Twilio's codes (`rejection 18601`, `phone-numbers 20409`); null without one. GET the onboarding for its remedy.",
      }),
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
