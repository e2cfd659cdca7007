/**
 * The TypeScript types of the contract: `Static` of the JSON Schemas in ./request-schemas.ts and
 * ./view-schemas.ts, never restated. Types only: the schemas are TypeBox objects, which the workflow
 * bundle must not pull in.
 */
import type { Static } from 'typebox';
import type * as Request from './request-schemas.js';
import type * as View from './view-schemas.js';

export type OnboardingRequest = Static<typeof Request.OnboardingRequest>;
export type BusinessInformation = Static<typeof Request.Business>;
export type PostalAddress = Static<typeof Request.Address>;
export type AuthorizedRepresentative = Static<typeof Request.Representative>;
/** What the ISV can correct after a noncompliant evaluation or a rejection; every field is optional. */
export type Corrections = Static<typeof Request.Corrections>;
export type VoiceIntegrityRequest = Static<typeof Request.VoiceIntegrity>;
export type CnamRequest = Static<typeof Request.Cnam>;
/** Voice Integrity and/or CNAM for a serving customer (POST /v1/onboardings/:id/products). */
export type ProductsRequest = Static<typeof Request.ProductsRequest>;
export type NumberInProduct = Static<typeof View.NumberInProduct>;
export type ObservedAttestation = Static<typeof View.ObservedAttestation>;
export type DriftEntry = Static<typeof View.DriftEntry>;

export type BundleSnapshot = Static<typeof View.BundleSnapshot>;
export type BundleError = BundleSnapshot['errors'][number];
export type EvaluationFieldResult = Static<typeof View.EvaluationFieldResult>;
export type EvaluationSummary = Static<typeof View.EvaluationSummary>;
export type PhoneNumberRef = Static<typeof View.PhoneNumberRef>;
export type PhoneNumberStatus = Static<typeof View.PhoneNumberStatus>;
/** Why the onboarding needs the ISV: what Twilio said, in codes and in words. */
export type Problem = Static<typeof View.Problem>;
export type TimelineEntry = Static<typeof View.TimelineEntry>;
export type CreatedResources = Static<typeof View.CreatedResources>;
export type CompensationEntry = Static<typeof View.CompensationEntry>;

/** What GET /v1/onboardings/:id and every message answer show: the record, each number with its attestation. */
export type OnboardingView = Static<typeof View.OnboardingView>;

/** The onboarding's state as the workflow keeps it (numbers without their attestation, which is derived). */
export interface OnboardingRecord extends Omit<OnboardingView, 'phoneNumbers'> {
  phoneNumbers: PhoneNumberRef[];
}

/**
 * The worker's configuration, handed to the workflow through an activity (src/activities/settings.ts):
 * workflow code cannot read the environment, and recording the values in history keeps replays
 * deterministic when the config changes.
 */
export interface OnboardingSettings {
  primaryCustomerProfileSid: string;
  statusCallbackUrl: string;
  vettingPollIntervalMs: number;
  /**
   * Whether the ISV's own primary profile has an approved SHAKEN/STIR trust product: then a customer's
   * number that is not (yet) A is signed B, otherwise C. Found by the worker at start.
   */
  primaryTrustProductApproved?: boolean;
  /** EVENTS_URL is set: the workflow announces its changes (src/workflows/onboarding/events.ts). */
  eventsEnabled?: boolean;
}

/** What the view's `twilio-unavailable` problem says (`Problem.outage`). */
export type TwilioOutage = Static<typeof View.TwilioOutage>;
