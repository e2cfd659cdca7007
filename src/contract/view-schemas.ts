/**
 * The JSON Schemas of what the workflow answers: the view every query and update returns (GET
 * /v1/onboardings/:id shows it), its bundles, problems, numbers and timeline. Like ./request-schemas.ts,
 * the single source of ./types.ts and of the API's documentation (src/api/schemas.ts).
 *
 * Not workflow code: the workflow imports these as types only (`import type`), so its bundle never
 * pulls TypeBox in (test/platform/workflow-bundle.test.ts builds it).
 */
import { Type } from 'typebox';
import {
  ATTESTATIONS,
  BUNDLE_KINDS,
  BUNDLE_STATUSES,
  COMPENSATION_OUTCOMES,
  ONBOARDING_STATUSES,
  ONBOARDING_STEPS,
  PRODUCTS,
  PROBLEM_KINDS,
} from './vocabulary.js';

const BundleKind = Type.Enum([...BUNDLE_KINDS]);
const ProductName = Type.Enum([...PRODUCTS], { type: 'string' });

/** A bundle as the workflow last read it from Twilio. */
export const BundleSnapshot = Type.Object(
  {
    kind: BundleKind,
    sid: Type.String(),
    status: Type.Enum([...BUNDLE_STATUSES]),
    errors: Type.Array(Type.Object({ code: Type.Number(), meaning: Type.Optional(Type.String()) })),
    validUntil: Type.Union([Type.String(), Type.Null()]),
    /** A Voice Integrity or CNAM trust product says which; SHAKEN/STIR's has none. */
    product: Type.Optional(ProductName),
  },
  { additionalProperties: true },
);

export const EvaluationFieldResult = Type.Object({
  requirement: Type.String(),
  objectType: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  errorCode: Type.Optional(Type.Number()),
  reason: Type.String(),
  /** The onboarding request's field this is about, as a JSON pointer (`/authorizedRepresentatives/0/email`). */
  pointer: Type.Optional(Type.String()),
});

export const EvaluationSummary = Type.Object({
  sid: Type.String(),
  status: Type.Enum(['compliant', 'noncompliant']),
  /** What stops the bundle from being compliant, field by field. Empty when compliant. */
  failures: Type.Array(EvaluationFieldResult),
});

/**
 * A run's Twilio calls failing (problem kind `twilio-unavailable`): recorded by the workflow when an
 * activity's third attempt fails (src/activities/twilio-outage.ts); the API fills in the live attempt
 * count, last error and next try from the run's pending activity (src/api/twilio-outage.ts).
 */
export const TwilioOutage = Type.Object({
  since: Type.String({ description: 'When the failing Twilio call was first tried (ISO 8601).' }),
  attempts: Type.Number({ description: 'Attempts of that call so far, every one failed.' }),
  operation: Type.String({
    description: 'The Trust Hub operation that fails (an activity, e.g. createBundle).',
  }),
  lastError: Type.Object({
    type: Type.Enum(['TwilioUnavailable', 'TwilioAuth']),
    /** HTTP status Twilio answered, or null when no answer came (refused, reset, timed out). */
    status: Type.Union([Type.Number(), Type.Null()]),
    code: Type.Union([Type.Number(), Type.Null()]),
    message: Type.String({
      description: "Status and code in words: never Twilio's text, which may echo data.",
    }),
  }),
  nextAttemptAt: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description: 'When the service tries again (ISO 8601); null while an attempt is under way.',
    }),
  ),
});

/** Why the onboarding needs the ISV: what Twilio said, in codes and in words. */
export const Problem = Type.Object({
  kind: Type.Enum([...PROBLEM_KINDS]),
  bundle: Type.Optional(BundleKind),
  /** Which trust product, when it is Voice Integrity's or CNAM's. */
  product: Type.Optional(ProductName),
  message: Type.String(),
  codes: Type.Array(Type.Object({ code: Type.Number(), meaning: Type.String() })),
  /** Field-level results of the latest evaluation, when that is what failed. */
  failures: Type.Array(EvaluationFieldResult),
  /** What the ISV does about it, in words (docs/problems.md lists every code's). */
  remedy: Type.Optional(Type.String()),
  /** The request's fields to change, as JSON pointers, each with Twilio's name for it beside. */
  fields: Type.Optional(
    Type.Array(
      Type.Object({
        pointer: Type.String({
          description: 'A JSON pointer into the onboarding request, e.g. /business/name.',
        }),
        twilio: Type.Optional(
          Type.String({ description: "Twilio's name, e.g. authorized_representative_1.email." }),
        ),
      }),
    ),
  ),
  /** The call that applies the remedy; null when nothing the ISV sends fixes it. */
  fix: Type.Optional(
    Type.Union([Type.Object({ method: Type.Enum(['PATCH', 'POST']), path: Type.String() }), Type.Null()]),
  ),
  /** Kind `twilio-unavailable`: since when Twilio's calls fail, the attempts, the last error, the next try. */
  outage: Type.Optional(TwilioOutage),
});

export const PhoneNumberRef = Type.Object({
  /** What the ISV sent: E.164 or PN… */
  input: Type.String(),
  sid: Type.String(),
  phoneNumber: Type.String(),
});

/** Where a number stands in one product. */
export const NumberInProduct = Type.Object({
  state: Type.Enum(['active', 'pending', 'not-assigned', 'ineligible'], {
    description:
      'active: on the approved trust product; pending: on it, not approved yet; not-assigned: not on it (yet, or taken off); ineligible: the product does not take this number.',
  }),
  reason: Type.Union([Type.String(), Type.Null()]),
});

/** The attestation Twilio reported signing on one of the number's calls (`StirStatus`). */
export const ObservedAttestation = Type.Object({
  level: Type.Enum([...ATTESTATIONS]),
  at: Type.String(),
  callSid: Type.String(),
});

export const PhoneNumberStatus = Type.Object({
  ...PhoneNumberRef.properties,
  attestation: Type.Enum([...ATTESTATIONS], {
    description:
      'SHAKEN/STIR attestation Twilio gives calls from this number today, as the service infers it.',
  }),
  blockedBy: Type.Union([Type.String(), Type.Null()], {
    description: 'What stands between this number and A, in words; null at A.',
  }),
  /** The number in each of the customer's products (SHAKEN/STIR always; Voice Integrity, CNAM when asked for). */
  products: Type.Optional(
    Type.Object({
      'shaken-stir': NumberInProduct,
      'voice-integrity': Type.Optional(NumberInProduct),
      cnam: Type.Optional(NumberInProduct),
    }),
  ),
  observedAttestation: Type.Optional(Type.Union([ObservedAttestation, Type.Null()])),
  /**
   * The last observed level differed from the inferred one: what the re-read found. drift: Twilio's state
   * changed outside the service (and was repaired where the record says so); rule: Twilio's state is as
   * the service believes, so the service's rule is wrong; checking: the re-read is under way.
   */
  attestationMismatch: Type.Optional(
    Type.Union([
      Type.Object({
        observed: Type.Enum([...ATTESTATIONS]),
        inferred: Type.Enum([...ATTESTATIONS]),
        at: Type.String(),
        cause: Type.Enum(['checking', 'drift', 'rule']),
        detail: Type.String(),
      }),
      Type.Null(),
    ]),
  ),
});

/** Something found on a bundle at Twilio that the service did not do (a change in the Console). */
export const DriftEntry = Type.Object({
  at: Type.String(),
  bundleSid: Type.String(),
  product: Type.Union([ProductName, Type.Literal('customer-profile')]),
  /** What is missing: a phone number (PN…) or an entity (end user IT…, document RD…, profile BU…). */
  objectSid: Type.String(),
  objectKind: Type.Enum(['phone-number', 'entity']),
  /** Put back (the record says it belongs there), or not (Twilio refused: `detail` says why). */
  repaired: Type.Boolean(),
  detail: Type.Optional(Type.String()),
});

export const TimelineEntry = Type.Object({
  at: Type.String(),
  event: Type.String(),
  detail: Type.Optional(Type.String()),
});

export const CreatedResources = Type.Object({
  customerProfileSid: Type.Optional(Type.String()),
  trustProductSid: Type.Optional(Type.String()),
  addressSid: Type.Optional(Type.String()),
  supportingDocumentSid: Type.Optional(Type.String()),
  businessInformationSid: Type.Optional(Type.String()),
  /** authorized_representative_1 first. */
  representativeSids: Type.Array(Type.String()),
  voiceIntegritySid: Type.Optional(Type.String()),
  /** The `voice_integrity_information` end user. */
  voiceIntegrityInformationSid: Type.Optional(Type.String()),
  cnamSid: Type.Optional(Type.String()),
  /** The `cnam_information` end user. */
  cnamInformationSid: Type.Optional(Type.String()),
});

/** What a cancel (or offboarding, or a failure's clean-up) did with one resource. */
export const CompensationEntry = Type.Object({
  kind: Type.String(),
  sid: Type.String(),
  outcome: Type.Enum([...COMPENSATION_OUTCOMES]),
  reason: Type.Optional(Type.String()),
});

/** What GET /v1/onboardings/:id and every message answer: the record, each number with its attestation. */
export const OnboardingView = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    status: Type.Enum([...ONBOARDING_STATUSES]),
    step: Type.Enum([...ONBOARDING_STEPS]),
    customerProfile: Type.Union([BundleSnapshot, Type.Null()]),
    trustProduct: Type.Union([BundleSnapshot, Type.Null()]),
    /** Present when Voice Integrity was asked for: null until its trust product is made. */
    voiceIntegrity: Type.Optional(Type.Union([BundleSnapshot, Type.Null()])),
    /** Present when CNAM was asked for: null until its trust product is made. */
    cnam: Type.Optional(Type.Union([BundleSnapshot, Type.Null()])),
    resources: CreatedResources,
    phoneNumbers: Type.Array(PhoneNumberStatus),
    latestEvaluation: Type.Union([
      Type.Object({ ...EvaluationSummary.properties, bundle: BundleKind }),
      Type.Null(),
    ]),
    problem: Type.Union([Problem, Type.Null()]),
    /** What Twilio often rejects but not always (e.g. 18609 likely), found before submission. */
    warnings: Type.Optional(Type.Array(Type.String())),
    /** Correction rounds applied so far. */
    corrections: Type.Number(),
    /** Filled when cancelled: what compensation (or offboarding, after approval) did. */
    compensation: Type.Array(CompensationEntry),
    timeline: Type.Array(TimelineEntry),
    /** Changes made at Twilio outside the service, found on re-reads (the latest 20). */
    drift: Type.Optional(Type.Array(DriftEntry)),
  },
  { additionalProperties: false },
);
