/**
 * The one home of the onboarding workflow's contract: its type name, its ID format, its statuses and
 * steps, its messages and the shape of its state. The workflow, the API, the webhook and the tests import
 * these instead of restating them, so a rename is one edit and a mismatch is a type error.
 *
 * A workflow runs for as long as the ISV serves the customer: onboarding is its first phase; after
 * approval it keeps the customer's numbers and approvals current (step `serving`) until offboarded.
 */
import type { Priority } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Static } from 'typebox';
import type { BundleKind } from '../trusthub/types.js';
// Types only: the schemas are TypeBox objects, which the workflow bundle must not pull in.
import type * as Schema from './schemas.js';

/** Said wherever a number is refused for not being the account's (Twilio's attestation levels). */
export const NOT_OWNED_ATTESTATION =
  'Twilio signs calls from a number it does not own at B at most: it cannot attest to the right to use it. Buy or port the number into this Twilio account for A.';

/** The workflow type the worker registers and the API starts. */
export const WORKFLOW_TYPE = 'shakenStirOnboarding';

// ---- identifiers: each format once, for the schemas, the webhook and the workflow's validators --------

/** The ISV's own id for an end customer: letters, digits, `_ . -`, up to 64. */
export const CUSTOMER_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
const ONBOARDING_ID_PREFIX = 'onboarding-';
/** An onboarding's workflow ID (`onboardingIdFor`). */
export const ONBOARDING_ID_PATTERN = `^${ONBOARDING_ID_PREFIX}${CUSTOMER_ID_PATTERN.slice(1)}`;
/** A phone number in E.164, e.g. +14155550100. */
export const E164_PATTERN = '^\\+[1-9]\\d{1,14}$';
/**
 * Twilio SIDs: two capital letters and 32 lower-case hex digits, as Twilio issues them. Lower case only,
 * because claims (workflow IDs) and visibility compare SIDs as strings: `BUAB…` and `BUab…` would be two
 * keys for one profile.
 */
const sidPattern = (prefix: string) => `^${prefix}[0-9a-f]{32}$`;
/** The SID of one of the account's incoming phone numbers. */
export const PHONE_NUMBER_SID_PATTERN = sidPattern('PN');
/** How the ISV names a number: E.164 or a PN… SID. */
export const PHONE_NUMBER_PATTERN = `^((${E164_PATTERN.slice(1, -1)})|(${PHONE_NUMBER_SID_PATTERN.slice(1, -1)}))$`;
/** The SID of a Trust Hub bundle (customer profile, trust product). */
export const CUSTOMER_PROFILE_SID_PATTERN = sidPattern('BU');
/** The account's SID (AC…): what Twilio's callbacks carry (the webhook's AccountSid should use this). */
export const ACCOUNT_SID_PATTERN = sidPattern('AC');
/** A call's SID (CA…). */
export const CALL_SID_PATTERN = sidPattern('CA');

export const E164_NUMBER = new RegExp(E164_PATTERN);
export const PHONE_NUMBER_SID = new RegExp(PHONE_NUMBER_SID_PATTERN);
const ONBOARDING_ID = new RegExp(ONBOARDING_ID_PATTERN);

/** One workflow per end customer: its ID is derived from the ISV's customerId, never random. */
export function onboardingIdFor(customerId: string): string {
  return `${ONBOARDING_ID_PREFIX}${customerId}`;
}

/** The inverse of `onboardingIdFor`: the customer an onboarding ID names, or undefined if it is none. */
export function customerIdOf(onboardingId: string): string | undefined {
  return ONBOARDING_ID.test(onboardingId) ? onboardingId.slice(ONBOARDING_ID_PREFIX.length) : undefined;
}

/**
 * `completed` means approved: the customer's numbers are signed A, and the workflow goes on serving
 * (numbers added and removed, approvals re-read before they expire) until it is cancelled.
 */
export const ONBOARDING_STATUSES = [
  'running',
  'action-required',
  'completed',
  'failed',
  'cancelled',
] as const;
export type OnboardingStatus = (typeof ONBOARDING_STATUSES)[number];

/** Where the onboarding is, in the order of the guide. */
export const ONBOARDING_STEPS = [
  'adopting-customer-profile',
  'creating-customer-profile',
  'linking-primary-profile',
  'creating-address',
  'creating-address-document',
  'creating-business-information',
  'creating-authorized-representatives',
  'assigning-phone-numbers',
  'evaluating-customer-profile',
  'submitting-customer-profile',
  'waiting-for-customer-profile-vetting',
  'creating-trust-product',
  'linking-customer-profile-to-trust-product',
  'assigning-phone-numbers-to-trust-product',
  'evaluating-trust-product',
  'submitting-trust-product',
  'waiting-for-trust-product-vetting',
  'creating-voice-integrity-trust-product',
  'evaluating-voice-integrity-trust-product',
  'submitting-voice-integrity-trust-product',
  'waiting-for-voice-integrity-vetting',
  'creating-cnam-trust-product',
  'evaluating-cnam-trust-product',
  'submitting-cnam-trust-product',
  'waiting-for-cnam-vetting',
  'waiting-for-corrections',
  'applying-corrections',
  'serving',
  'changing-phone-numbers',
  'adding-products',
  'checking-approvals',
  'cancelling',
  'done',
] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

/** What kind of thing the ISV must act on (`Problem.kind`). */
export const PROBLEM_KINDS = [
  'evaluation',
  'pre-check',
  'rejection',
  'twilio-error',
  'phone-numbers',
  'approval-lost',
  'adoption',
  // Twilio's calls keep failing (5xx, 429, timeouts, refused credentials): nothing for the ISV to
  // fix, the status stays `running`; set and cleared by twilioFailing/twilioRecovered below.
  'twilio-unavailable',
] as const;

/**
 * SHAKEN/STIR attestation Twilio gives a number's calls (Twilio's "Vetting and Attestation Levels"): A
 * only when the number is on an approved secondary profile and on the approved trust product linked to
 * it; otherwise B (the ISV's own primary profile and trust product are approved) or C.
 */
export const ATTESTATIONS = ['A', 'B', 'C'] as const;
export type Attestation = (typeof ATTESTATIONS)[number];

/** What became of a resource when the onboarding was cancelled, offboarded or failed. */
export const COMPENSATION_OUTCOMES = ['deleted', 'kept', 'unassigned', 'failed'] as const;

// ---- messages' shapes: Static of the JSON Schemas in ./schemas.ts, never restated ------------------

export type OnboardingRequest = Static<typeof Schema.OnboardingRequest>;
export type BusinessInformation = Static<typeof Schema.Business>;
export type PostalAddress = Static<typeof Schema.Address>;
export type AuthorizedRepresentative = Static<typeof Schema.Representative>;
/** What the ISV can correct after a noncompliant evaluation or a rejection; every field is optional. */
export type Corrections = Static<typeof Schema.Corrections>;
export type VoiceIntegrityRequest = Static<typeof Schema.VoiceIntegrity>;
export type CnamRequest = Static<typeof Schema.Cnam>;
/** Voice Integrity and/or CNAM for a serving customer (POST /v1/onboardings/:id/products). */
export type ProductsRequest = Static<typeof Schema.ProductsRequest>;
export type NumberInProduct = Static<typeof Schema.NumberInProduct>;
export type ObservedAttestation = Static<typeof Schema.ObservedAttestation>;
export type DriftEntry = Static<typeof Schema.DriftEntry>;

export type BundleSnapshot = Static<typeof Schema.BundleSnapshot>;
export type BundleError = BundleSnapshot['errors'][number];
export type EvaluationFieldResult = Static<typeof Schema.EvaluationFieldResult>;
export type EvaluationSummary = Static<typeof Schema.EvaluationSummary>;
export type PhoneNumberRef = Static<typeof Schema.PhoneNumberRef>;
export type PhoneNumberStatus = Static<typeof Schema.PhoneNumberStatus>;
/** Why the onboarding needs the ISV: what Twilio said, in codes and in words. */
export type Problem = Static<typeof Schema.Problem>;
export type TimelineEntry = Static<typeof Schema.TimelineEntry>;
export type CreatedResources = Static<typeof Schema.CreatedResources>;
export type CompensationEntry = Static<typeof Schema.CompensationEntry>;

/** What GET /v1/onboardings/:id and every message answer show: the record, each number with its attestation. */
export type OnboardingView = Static<typeof Schema.OnboardingView>;

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
  /** EVENTS_URL is set: the workflow announces its changes (./onboarding/events.ts). */
  eventsEnabled?: boolean;
}

export interface OnboardingInput {
  onboardingId: string;
  request: OnboardingRequest;
  /** `requestDigest(request)` as the API computed it: what a second start is compared with. */
  requestDigest?: string;
  /** Set when the workflow continues as new: everything done so far (older code's shape too). */
  carried?: CarriedState | CarriedByOlderCode;
}

/**
 * The one state object: everything the workflow knows, handed whole to the next run when its history
 * gets long. `request` is the customer's data with every correction applied; nothing else holds a copy.
 */
export interface CarriedState {
  view: OnboardingRecord;
  request: OnboardingRequest;
  /** Bundle SID → the objects assigned to it (EntityAssignments): profiles, end users, documents. */
  linked: Record<string, string[]>;
  /**
   * Bundle SID → the PN SIDs assigned to it (ChannelEndpointAssignments), the profile's and the trust
   * product's alike.
   */
  numbers: Record<string, string[]>;
  /** Bumped when an address is replaced by one in another country: its friendly names get a new revision. */
  revision: number;
  /** The customer profile existed before (request.customerProfileSid) and was adopted, not created. */
  adopted?: boolean;
  /** What the adopted profile already held (profile, end users, documents, address): never deleted. */
  adoptedSids?: string[];
  /** The trust product went into vetting while the profile was still in review (overlapping vetting). */
  trustProductSubmittedEarly?: boolean;
  /** A corrected email could not reach the trust product yet (it was in review): sent before it is resubmitted. */
  trustProductEmailOutdated?: boolean;
  /** Bumped when a rejected trust product is replaced: the new one's name (idempotency key) differs. */
  trustProductRevision?: number;
  /** Set once the customer is approved and the workflow serves it (numbers, expiry, offboarding). */
  serving?: boolean;
  /** What the ISV's event endpoint was last told (./onboarding/events.ts); absent before the first event. */
  announced?: AnnouncedState;
  /**
   * Personal data a correction replaced (an end user, a supporting document and its address) that
   * Twilio refused to delete yet: tried again later, in this order (./onboarding/personal-data.ts).
   */
  pendingDeletions?: { kind: 'end-user' | 'supporting-document' | 'address'; sid: string }[];
  /** The digest of the request this onboarding was started with (see `startOnboarding`). */
  requestDigest?: string;
  /**
   * An earlier run of this customer existed (terminated, failed, timed out or cancelled): what it made at
   * Twilio may still be there, so every create looks it up first instead of making a duplicate.
   */
  earlierRun?: boolean;
  /** Bundle SID → workflow times (ms) of the recent re-reads status callbacks caused: they are bounded. */
  callbackReads?: Record<string, number[]>;
  /** Number SID → the attestation Twilio last reported signing on one of its calls. */
  observed?: Record<string, ObservedAttestation>;
  /** Number SID → the last mismatch between the observed and the inferred attestation, and its cause. */
  mismatches?: Record<string, NonNullable<PhoneNumberStatus['attestationMismatch']>>;
  /** Bumped when a rejected add-on trust product is replaced, by product (as trustProductRevision). */
  productRevisions?: Partial<Record<'voice-integrity' | 'cnam', number>>;
  /** When the serving loop last listed what Twilio has assigned to the bundles (workflow time, ms). */
  assignmentsCheckedAt?: number;
  /** An adopted profile's registration authority as Twilio holds it (for Voice Integrity and CNAM: 18609). */
  profileRegistrationIdentifier?: string | null;
  /** Twilio keeps failing the run's calls (./onboarding/twilio-outage.ts); absent once it answers. */
  twilioOutage?: TwilioOutage;
  /**
   * SIDs that were this customer's and left the record (replaced, deleted, a number dropped), the latest
   * few: the timeline still names them, and the redaction (./redaction.ts) keeps them readable.
   */
  formerSids?: string[];
}

/**
 * The state as code before `CarriedState.numbers` handed it over: the profile's numbers under
 * `linked['<profile SID>:numbers']`, the trust product's in their own array. Read by the state class
 * (./onboarding/state.ts), which moves them into `numbers`.
 */
export type CarriedByOlderCode = Omit<CarriedState, 'numbers'> & { phoneNumbersOnTrustProduct: string[] };

// ---- events to the ISV's system (EVENTS_URL) -------------------------------------------------------

/** The workflow type that delivers one event, a child of the onboarding (./event-delivery.ts). */
export const EVENT_DELIVERY_WORKFLOW_TYPE = 'deliverOnboardingEvent';

/**
 * Deliveries run on their own task queue, beside the onboarding's: the onboarding's queue is held to
 * Twilio's request budget, which POSTs to the ISV's endpoint must not spend.
 */
export function eventsTaskQueue(onboardingTaskQueue: string): string {
  return `${onboardingTaskQueue}-events`;
}

/**
 * Every change a person would act on, as the `type` of a Standard Webhooks payload. Bundles are
 * `customer-profile.*` and `trust-product.*`; the onboarding as a whole is `onboarding.*`.
 */
export type OnboardingEventType =
  | `${BundleKind | 'voice-integrity' | 'cnam'}.${'submitted' | 'approved' | 'rejected'}`
  | `${BundleKind | 'voice-integrity' | 'cnam'}.drift`
  | `onboarding.${'action-required' | 'completed' | 'failed' | 'cancelled'}`
  | `onboarding.${'twilio-failing' | 'twilio-recovered'}`
  | 'phone-number.attestation-changed'
  | 'phone-number.attestation-mismatch';

/** One event as POSTed: `{ type, timestamp, data }` (Standard Webhooks' recommended payload). */
export interface OnboardingEvent {
  /** Stable across delivery attempts (the `webhook-id` header): receivers de-duplicate on it. */
  id: string;
  type: OnboardingEventType;
  /** When the change happened, ISO 8601 (each attempt's own time is in `webhook-timestamp`). */
  timestamp: string;
  data: {
    onboardingId: string;
    customerId: string;
    status: OnboardingStatus;
    step: OnboardingStep;
    /** `customer-profile.*`, `trust-product.*`: the bundle, with Twilio's codes and their meanings when rejected. */
    bundle?: { sid: string; status: string; errors: { code: number; meaning?: string }[] };
    /**
     * `onboarding.action-required`: what the ISV must fix, the request's fields and the call that fixes
     * it; `onboarding.twilio-failing`: Twilio's calls failing, with `outage` (since when, attempts, the
     * last error), nothing to fix.
     */
    problem?: Pick<Problem, 'kind' | 'message' | 'codes' | 'remedy' | 'fields' | 'fix' | 'outage'>;
    /** `*.drift`: what was found missing at Twilio, and whether it was put back. */
    drift?: {
      bundleSid: string;
      objectSid: string;
      objectKind: 'phone-number' | 'entity';
      repaired: boolean;
    };
    /** `phone-number.attestation-mismatch`: what Twilio signed, what the service inferred, and why. */
    mismatch?: {
      observed: Attestation;
      inferred: Attestation;
      cause: 'checking' | 'drift' | 'rule';
      callSid: string;
    };
    /** `phone-number.attestation-changed`, `phone-number.attestation-mismatch`. */
    phoneNumber?: {
      phoneNumber: string;
      sid: string;
      attestation: Attestation;
      previousAttestation: Attestation;
      blockedBy: string | null;
    };
  };
}

/** What has been announced so far, so a replayed or continued run tells nothing twice. */
export interface AnnouncedState {
  /** Events issued by this onboarding so far: the next event's number. */
  sequence: number;
  status: OnboardingStatus;
  /** Bundle SID → the status last announced. */
  bundles: Record<string, string>;
  /** Number SID → the attestation last announced. */
  attestations: Record<string, Attestation>;
  /** Number SID → the mismatch last announced (its `at`), so each mismatch is told once. */
  mismatches?: Record<string, string>;
  /** Drift entries announced so far (their `at` + object SID). */
  drift?: string[];
  /** The `since` of the Twilio outage last announced as failing; absent when none is (or was). */
  twilioFailing?: string;
}

// ---- priorities: interactive work ahead of bulk work ----------------------------------------------

/**
 * Temporal's task priorities (`priorityKey`, 1 first … 5 last; unset means 3), the one place they are
 * chosen. A workflow's activities inherit its start's priority; the activities someone is waiting on
 * override it with `interactive`, whatever the run was started with:
 *
 * - `interactive` (1): the bundle re-read after a Twilio decision callback, the activities a PATCH's
 *   corrections run, and the changes queued by the number and product updates (./onboarding/activities.ts,
 *   `interactively`);
 * - `normal` (3, the server's default): a run started by POST /v1/onboardings;
 * - `bulk` (5): a run started by a bulk import (POST /v1/onboardings?priority=bulk, what
 *   `trusthub-onboarding import` sends), so a thousand new customers queue behind the work of those
 *   already served instead of in front of it.
 *
 * The server dispatches by priority only with its priority-aware matcher (`matching.useNewMatcher`,
 * off by default in server 1.29): deploy/temporal/dynamicconfig.yaml turns it on for the cluster and
 * compose, and `DEV_SERVER_PRIORITY_ARGS` (scripts/toolchain.ts) for the dev server. A priority is an
 * activity's option, not a command of its own: changing it replays without a patch.
 */
export const PRIORITIES = {
  interactive: { priorityKey: 1 },
  normal: { priorityKey: 3 },
  bulk: { priorityKey: 5 },
} as const satisfies Record<string, Priority>;

/** How a start asks to be queued (`?priority=`): `bulk` behind the work of the customers already served. */
export const START_PRIORITIES = ['normal', 'bulk'] as const;
export type StartPriority = (typeof START_PRIORITIES)[number];

// ---- starting: one customer, one identity ----------------------------------------------------------

/** What POST /v1/onboardings sends with Update-with-Start: the body and its digest. */
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
 * The start, as an update sent with Update-with-Start: a new customer's run is created and answers
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
   * What runs from before STRICT_ADOPTION answered for a profile another onboarding owns; now that is
   * an AdoptionRefused like every other reason, and the API answers both the same way.
   */
  ProfileOwned: 'CustomerProfileOwned',
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

/**
 * Stable JSON of a request: keys sorted at every level, so two bodies with the same content digest the
 * same whatever order a client wrote their keys in. The API hashes it (SHA-256); the workflow compares.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The field paths where two requests differ (`business.name`, `phoneNumbers[1]`), for a refused second
 * start: paths only, never the values, which are the customer's personal data.
 */
export function differingFields(a: unknown, b: unknown, path = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b)) {
    const paths: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
      paths.push(...differingFields(a[i], b[i], `${path}[${i}]`));
    }
    return paths;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differingFields(a[key], b[key], path ? `${path}.${key}` : key));
  }
  return canonicalJson(a) === canonicalJson(b) ? [] : [path || 'body'];
}

// ---- claims: a Twilio bundle belongs to at most one onboarding, ever --------------------------------

/**
 * The workflow type of a claim: a tiny run that stays open for as long as its key is owned. Its ID is
 * the key (`claimIdFor`), so Temporal's workflow-ID uniqueness makes a claim race-free; its CustomerId
 * search attribute names the owner, read back with describe (consistent, unlike visibility).
 */
export const CLAIM_WORKFLOW_TYPE = 'trustHubClaim';

/**
 * The namespace claims live in by default (TEMPORAL_CLAIMS_NAMESPACE): one of their own, so that an
 * operator's list of the onboardings' namespace shows customers only, not a century-long claim beside
 * each (docs/operations.md#claims).
 */
export const DEFAULT_CLAIMS_NAMESPACE = 'trusthub-claims';

/**
 * What can be claimed: a customer profile (by BU… SID), and a customer (by customerId: the run ledger,
 * whose existence tells a new run that an earlier one of the same customer may have left resources).
 */
export type ClaimKind = 'customer-profile' | 'customer';

/**
 * `claim:<kind>:<key>`. The separator is one no customer ID may contain (CUSTOMER_ID_PATTERN has no
 * `:`), so no customer's claim can be another key's: with `-`, the customer `profile-BU…` held the
 * claim of the profile BU… and locked its real owner out.
 */
export function claimIdFor(kind: ClaimKind, key: string): string {
  return `claim:${kind}:${key}`;
}

/** Twilio's status callback, forwarded by the webhook. Only a hint: the workflow re-reads the bundle. */
export const bundleStatusChanged =
  defineSignal<[{ bundleSid: string; status: string }]>('bundleStatusChanged');

export const getOnboarding = defineQuery<OnboardingView>('getOnboarding');

// ---- Twilio outages: an activity tells its own run that its calls keep failing ----------------------

/** A Trust Hub activity tells its run once its calls have failed this many attempts in a row. */
export const TWILIO_FAILING_AFTER_ATTEMPTS = 3;

/** What the view's `twilio-unavailable` problem says (`Problem.outage`). */
export type TwilioOutage = Static<typeof Schema.TwilioOutage>;

/**
 * Sent by a Trust Hub activity (src/activities/twilio-outage.ts) when attempt
 * TWILIO_FAILING_AFTER_ATTEMPTS fails as retryable (TwilioUnavailable, TwilioAuth): the run records a
 * `twilio-unavailable` problem while its status stays `running`, and announces it.
 */
export const twilioFailing = defineSignal<[Omit<TwilioOutage, 'nextAttemptAt'>]>('twilioFailing');
/** Sent by the same activity when Twilio answers it again after that: the problem is cleared. */
export const twilioRecovered = defineSignal<[{ operation: string }]>('twilioRecovered');

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
export const addPhoneNumbers = defineUpdate<OnboardingView, [{ phoneNumbers: string[] }]>('addPhoneNumbers');
export const removePhoneNumber = defineUpdate<OnboardingView, [{ phoneNumber: string }]>('removePhoneNumber');

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

/**
 * Twilio's call status callback for one of the customer's numbers, forwarded by POST
 * /v1/webhooks/calls (or relayed by the ISV): the attestation Twilio actually signed (`StirStatus`).
 * The workflow compares it with the one it infers, and re-reads the bundles when they differ.
 */
export const callObserved =
  defineSignal<[{ callSid: string; from: string; level: Attestation; at: string }]>('callObserved');

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
