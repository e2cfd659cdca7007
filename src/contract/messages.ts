/**
 * The onboarding workflow's API on one screen: its type, and every update, signal and query, each beside
 * its payload and its refusals (the ApplicationFailure types the API maps to HTTP statuses).
 *
 * A workflow runs for as long as the ISV serves the customer: onboarding is its first phase; after
 * approval it keeps the customer's numbers and approvals current (step `serving`) until offboarded.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  Corrections,
  OnboardingRequest,
  OnboardingView,
  ProductsRequest,
  TwilioOutage,
} from './types.js';
import type { Attestation } from './vocabulary.js';

/** The workflow type the worker registers and the API starts. */
export const WORKFLOW_TYPE = 'shakenStirOnboarding';

/*
 * At a glance (each is defined below, beside its payload and refusals):
 *
 *   query   getOnboarding                             → OnboardingView
 *   update  startOnboarding      StartRequest         → StartAnswer    | StartRefusal
 *   update  submitCorrections    Corrections          → OnboardingView | CorrectionRefusal
 *   update  addPhoneNumbers      NumbersToAdd         → OnboardingView | NumberChangeRefusal
 *   update  removePhoneNumber    NumberToRemove       → OnboardingView | NumberChangeRefusal
 *   update  addProducts          ProductsRequest      → OnboardingView | ProductRefusal
 *   signal  bundleStatusChanged  BundleStatusCallback  Twilio's status callback, via the webhook
 *   signal  callObserved         ObservedCall         Twilio's call status callback
 *   signal  twilioFailing        FailingCalls         from the run's own Trust Hub activities
 *   signal  twilioRecovered      RecoveredCalls       from the same, once Twilio answers again
 *   signal  moveToCurrentBuild   (none)               an operator's nudge after a new build became current
 */

/** What GET /v1/onboardings/:id and every update answer. */
export const getOnboarding = defineQuery<OnboardingView>('getOnboarding');

// ---- updates ----------------------------------------------------------------------------------------

// Starting: one customer, one identity.

/**
 * What a start sends the run: the body and its digest. POST /v1/adoptions sends it with
 * Update-with-Start; POST /v1/onboardings only when the run's memo does not know the digest
 * (src/api/start-answer.ts), to have the workflow compare the bodies.
 */
export interface StartRequest {
  request: OnboardingRequest;
  requestDigest: string;
}

/** The answer to a start: the record, and whether this start made the onboarding. */
export interface StartAnswer {
  created: boolean;
  view: OnboardingView;
}

/**
 * The start, as an update (with Update-with-Start for an adoption): a new customer's run is created and answers
 * `created: true`; the same customer again with the same body answers the same record with `created:
 * false`; a different body is refused (StartRefusal.DifferentRequest) with the differing field paths.
 * A request that adopts an existing profile answers once the profile was checked (claimed for this
 * customer, its whole identity matching), or is refused with StartRefusal.AdoptionRefused.
 */
export const startOnboarding = defineUpdate<StartAnswer, [StartRequest]>('startOnboarding');

/** ApplicationFailure types of `startOnboarding`; the API maps them to 409 and 422. */
export const StartRefusal = {
  DifferentRequest: 'DifferentRequest',
  /**
   * The profile cannot be adopted, whatever the reason: the primary, not a profile of the account,
   * owned by another onboarding, an identity that differs or is missing, an ineligible registration
   * authority. Every one is answered with ADOPTION_REFUSED_MESSAGE and nothing else.
   */
  AdoptionRefused: 'AdoptionRefused',
} as const;

/**
 * The one answer to every refused adoption. A refusal that said which field differed would confirm a
 * guess of a name or EIN for a known SID; the reason is in the run's failure, which only operators
 * read (through the codec, in the Temporal Web UI).
 */
export const ADOPTION_REFUSED_MESSAGE =
  'This customer profile cannot be adopted by this request. An operator can read why in the onboarding run; leave customerProfileSid out to have a profile made for this customer.';

/** Accepted only while the onboarding waits for corrections (status action-required). */
export const submitCorrections = defineUpdate<OnboardingView, [Corrections]>('submitCorrections');

/** ApplicationFailure types the update's validator raises; the API maps them to 409 and 400. */
export const CorrectionRefusal = {
  NotWaiting: 'NotWaitingForCorrections',
  Invalid: 'InvalidCorrections',
} as const;

/**
 * Numbers after approval: added to both the customer profile and the trust product, or removed from
 * both. Each answers once Twilio has made the change, or fails with one of NumberChangeRefusal, and then
 * nothing has changed.
 */
export const addPhoneNumbers = defineUpdate<OnboardingView, [NumbersToAdd]>('addPhoneNumbers');
export const removePhoneNumber = defineUpdate<OnboardingView, [NumberToRemove]>('removePhoneNumber');

/** Numbers to add: E.164 or PN… SIDs, 1 to MAX_NUMBERS_PER_CHANGE (./vocabulary.ts) of them. */
export interface NumbersToAdd {
  phoneNumbers: string[];
}

/** The number to remove, as the view names it (E.164 or PN… SID). */
export interface NumberToRemove {
  phoneNumber: string;
}

/** ApplicationFailure types of the number updates; the API maps them to 409, 400, 404 and 422. */
export const NumberChangeRefusal = {
  /** Numbers change only on an approved customer (status completed). */
  NotServing: 'NotServing',
  Invalid: 'InvalidPhoneNumbers',
  UnknownNumber: 'UnknownPhoneNumber',
  /** The customer is being offboarded. */
  Offboarding: 'Offboarding',
  /** Twilio refused: not a number of the account, or already on another customer's profile. */
  TwilioRefused: 'TwilioRefusedPhoneNumber',
} as const;

/**
 * Voice Integrity and/or CNAM for a serving customer: validated before it is accepted (the same rules
 * as the API's, ./product-checks.ts), answered once the products' trust products are made and submitted
 * (their vetting takes days: the view and the events tell the rest). Asking again for a product Twilio
 * rejected is its correction: the end user is updated and the trust product resubmitted.
 */
export const addProducts = defineUpdate<OnboardingView, [ProductsRequest]>('addProducts');

/** ApplicationFailure types of addProducts; the API maps them to 409 and 400. */
export const ProductRefusal = {
  NotServing: 'NotServing',
  Invalid: 'InvalidProducts',
  /** Already asked for and not rejected: nothing to add. */
  AlreadyRequested: 'ProductAlreadyRequested',
  Offboarding: 'Offboarding',
  /** Twilio refused a request while the products were being made (their drafts are removed again). */
  TwilioRefused: 'TwilioRefusedProduct',
} as const;

// ---- signals ----------------------------------------------------------------------------------------

/** Twilio's status callback, forwarded by the webhook. Only a hint: the workflow re-reads the bundle. */
export const bundleStatusChanged = defineSignal<[BundleStatusCallback]>('bundleStatusChanged');

/** The bundle and the status Twilio's callback names. */
export interface BundleStatusCallback {
  bundleSid: string;
  status: string;
}

/**
 * Twilio's call status callback for one of the customer's numbers, forwarded by POST
 * /v1/webhooks/calls (or relayed by the ISV): the attestation Twilio actually signed (`StirStatus`).
 * The workflow compares it with the one it infers, and re-reads the bundles when they differ.
 */
export const callObserved = defineSignal<[ObservedCall]>('callObserved');

/** One outbound call from a customer's number, as Twilio reported signing it (`StirStatus`). */
export interface ObservedCall {
  callSid: string;
  /** E.164: the customer's number the call was placed from. */
  from: string;
  level: Attestation;
  /** ISO 8601: when Twilio reported it. */
  at: string;
}

// Twilio outages: an activity tells its own run that its calls keep failing.

/** A Trust Hub activity tells its run once its calls have failed this many attempts in a row. */
export const TWILIO_FAILING_AFTER_ATTEMPTS = 3;

/**
 * Sent by a Trust Hub activity (src/activities/twilio-outage.ts) when attempt
 * TWILIO_FAILING_AFTER_ATTEMPTS fails as retryable (TwilioUnavailable, TwilioAuth): the run records a
 * `twilio-unavailable` problem while its status stays `running`, and announces it.
 */
export const twilioFailing = defineSignal<[FailingCalls]>('twilioFailing');

/** The outage as the activity knows it; when it tries next is the API's to read (TwilioOutage). */
export type FailingCalls = Omit<TwilioOutage, 'nextAttemptAt'>;

/** Sent by the same activity when Twilio answers it again after that: the problem is cleared. */
export const twilioRecovered = defineSignal<[RecoveredCalls]>('twilioRecovered');

/** The operation (an activity) whose calls Twilio answers again. */
export interface RecoveredCalls {
  operation: string;
}

// ---- new code ---------------------------------------------------------------------------------------

/**
 * Sent by an operator (or `temporal workflow signal --query`) after a new build of the worker became
 * the deployment's current version (docs/deployment.md, "New workflow code"). A run is pinned to the
 * build that started it and learns that the target moved only at a workflow task, and a serving
 * customer may have none for months: this wakes it, and it continues as new onto the current build as
 * soon as no change is in progress. It carries nothing and changes nothing else.
 */
export const moveToCurrentBuild = defineSignal('moveToCurrentBuild');
