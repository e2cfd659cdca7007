/**
 * The onboarding's words: Twilio's (policies, products, bundle kinds and statuses, the ISV guide's enums,
 * code meanings) and its own (statuses, steps, problem kinds, attestations, priorities). Plain values
 * only: imported by the workflow (deterministic code), the activities and the API alike.
 */
import type { Priority } from '@temporalio/common';

/** Static policy SIDs from the guide: the same on every Twilio account. */
export const POLICY = {
  /** Secondary (and primary) customer profile. */
  customerProfile: 'RNdfbf3fae0e1107f8aded0e7cead80bf5',
  /** SHAKEN/STIR trust product. */
  shakenStir: 'RN7a97559effdf62d00f4298208492a5ea',
  /**
   * Voice Integrity trust product (registers the numbers with the carriers' analytics engines). Quoted
   * by many public integrations; Twilio's own line not read, and nothing checks it at start (Twilio's
   * `GET /v1/Policies/{Sid}` would).
   */
  voiceIntegrity: 'RN5b3660f9598883b1df4e77f77acefba0',
  /** CNAM trust product (the business's name on the callee's screen): a static value in Twilio's guide. */
  cnam: 'RNf3db3cd1fe25fcfd3c3ded065c8fea53',
} as const;

/**
 * The trust products a customer can have, all linked to its one secondary profile, in Twilio's order of
 * work: SHAKEN/STIR first (A-level attestation), then Voice Integrity, then CNAM. (Branded Calling is on
 * Trust Hub v4, in private beta, and not covered.)
 */
export const PRODUCTS = ['shaken-stir', 'voice-integrity', 'cnam'] as const;
export type Product = (typeof PRODUCTS)[number];
/** The products an ISV may ask for beyond SHAKEN/STIR, which every customer has. */
export const ADD_ON_PRODUCTS = ['voice-integrity', 'cnam'] as const;
export type AddOnProduct = (typeof ADD_ON_PRODUCTS)[number];
/** The field of the request (and of corrections, and of addProducts) that asks for each add-on. */
export const ADD_ON_FIELD = { 'voice-integrity': 'voiceIntegrity', cnam: 'cnam' } as const satisfies Record<
  AddOnProduct,
  string
>;

export const PRODUCT_POLICY: Record<Product, string> = {
  'shaken-stir': POLICY.shakenStir,
  'voice-integrity': POLICY.voiceIntegrity,
  cnam: POLICY.cnam,
};

/** How each product is named to a person (timeline, problems, the Web UI). */
export const PRODUCT_LABEL: Record<Product, string> = {
  'shaken-stir': 'SHAKEN/STIR trust product',
  'voice-integrity': 'Voice Integrity trust product',
  cnam: 'CNAM trust product',
};

/** The product a trust product is, from its policy (a policy we do not know reads as SHAKEN/STIR). */
export function productOfPolicy(policySid: string | null | undefined): Product {
  if (policySid === POLICY.voiceIntegrity) return 'voice-integrity';
  if (policySid === POLICY.cnam) return 'cnam';
  return 'shaken-stir';
}

/**
 * Voice Integrity's `use_case` values, spelled exactly as Twilio compares them (case and spacing
 * matter). The first three are confirmed by Twilio's Voice Integrity guide for ISVs; the rest are the
 * values public integrations send. One list: the API's schema, the CSV import and the docs use it.
 */
export const VOICE_INTEGRITY_USE_CASES = [
  'Appointment Reminders',
  'Customer Support',
  'Outbound Dialer',
  'Account Notifications',
  'Delivery Notifications',
  'Fraud Alerts',
  'Collections',
  'Surveys',
  'Sales and Marketing',
  'Healthcare',
] as const;
export type VoiceIntegrityUseCase = (typeof VOICE_INTEGRITY_USE_CASES)[number];

export const BUSINESS_IDENTITIES = ['direct_customer', 'isv_reseller_or_partner', 'unknown'] as const;
export const BUSINESS_TYPES = [
  'Sole Proprietorship',
  'Partnership',
  'Limited Liability Corporation',
  'Corporation',
  'Co-operative',
  'Non-profit',
] as const;
export const BUSINESS_INDUSTRIES = [
  'AUTOMOTIVE',
  'AGRICULTURE',
  'BANKING',
  'CONSUMER',
  'EDUCATION',
  'ENGINEERING',
  'ENERGY',
  'OIL_AND_GAS',
  'FAST_MOVING_CONSUMER_GOODS',
  'FINANCIAL',
  'FINTECH',
  'FOOD_AND_BEVERAGE',
  'GOVERNMENT',
  'HEALTHCARE',
  'HOSPITALITY',
  'INSURANCE',
  'LEGAL',
  'MANUFACTURING',
  'MEDIA',
  'ONLINE',
  'RAW_MATERIALS',
  'REAL_ESTATE',
  'RELIGION',
  'RETAIL',
  'JEWELRY',
  'TECHNOLOGY',
  'TELECOMMUNICATIONS',
  'TRANSPORTATION',
  'TRAVEL',
  'ELECTRONICS',
  'NOT_FOR_PROFIT',
] as const;
/** The guide's two US registration identifiers, as Trust Hub spells them. */
export const REGISTRATION_IDENTIFIERS = ['EIN', 'DUNS'] as const;
export const REGIONS_OF_OPERATION = ['AFRICA', 'ASIA', 'EUROPE', 'LATIN_AMERICA', 'USA_AND_CANADA'] as const;
export const JOB_POSITIONS = ['Director', 'GM', 'VP', 'CEO', 'CFO', 'General Counsel', 'Other'] as const;

export type BusinessIdentity = (typeof BUSINESS_IDENTITIES)[number];
export type BusinessType = (typeof BUSINESS_TYPES)[number];
export type BusinessIndustry = (typeof BUSINESS_INDUSTRIES)[number];
export type RegistrationIdentifier = (typeof REGISTRATION_IDENTIFIERS)[number];
export type RegionOfOperation = (typeof REGIONS_OF_OPERATION)[number];
export type JobPosition = (typeof JOB_POSITIONS)[number];

export const BUNDLE_KINDS = ['customer-profile', 'trust-product'] as const;
export type BundleKind = (typeof BUNDLE_KINDS)[number];

export const BUNDLE_STATUSES = [
  'draft',
  'pending-review',
  'in-review',
  'twilio-approved',
  'twilio-rejected',
] as const;
export type BundleStatus = (typeof BUNDLE_STATUSES)[number];

/** The statuses that are Twilio's decision on a bundle (they end a vetting wait). */
export const BUNDLE_DECISIONS: readonly string[] = ['twilio-approved', 'twilio-rejected'];

/** Bundles in these statuses can be edited, assigned to and submitted; others give Twilio error 60711. */
export const EDITABLE_STATUSES: readonly BundleStatus[] = ['draft', 'twilio-rejected'];

/**
 * Meanings of Twilio's customer-profile rejection codes as Twilio published them (changelog
 * "Introducing Error Codes for Customer Profiles"), and of the evaluation codes seen in the guide. Any
 * other code is shown with a link to Twilio's error dictionary rather than a guessed meaning.
 */
const KNOWN_CODES: Record<number, string> = {
  18601: 'The business name and website could not be verified as belonging together.',
  18602: 'The business ID (registration number) could not be verified.',
  18603: 'The business address could not be verified.',
  18604: 'Authorized representative #1 could not be verified.',
  18605: 'Authorized representative #2 could not be verified.',
  18606: "An email address's domain does not match the business website's domain.",
  18607: 'The profile is not eligible to be copied.',
  18608: 'The profile was already copied.',
  18609: 'Ineligible business registration authority (US voice: register by EIN).',
  11005: 'Voice Integrity: the linked secondary customer profile is not approved yet.',
  11006: 'CNAM: the linked secondary customer profile is not approved yet.',
  11007: 'CNAM: the display name does not match the registered business name.',
  11008:
    'CNAM: the display name is generic or has prohibited content (FBI, Police, Government, Medicare, …).',
  11009: 'CNAM: the trust product does not meet the requirements (display name format, unique name).',
  22214: 'A required end user is missing.',
  22215: 'A required field is missing.',
  22216: 'A required supporting document is missing.',
  22219: 'A required address is missing.',
};

/**
 * Words for an operator or an ISV's support team, for any Twilio error code: our own for the codes
 * above, else the message Twilio sent with it, else a link to Twilio's error dictionary.
 */
export function describeTwilioCode(code: number, twilioMessage?: string): string {
  return (
    KNOWN_CODES[code] ??
    twilioMessage ??
    `Twilio error ${code}: see https://www.twilio.com/docs/api/errors/${code}`
  );
}

// ---- the onboarding's own words: statuses, steps, problems, attestations ---------------------------

/** Said wherever a number is refused for not being the account's (Twilio's attestation levels). */
export const NOT_OWNED_ATTESTATION =
  'Twilio signs calls from a number it does not own at B at most: it cannot attest to the right to use it. Buy or port the number into this Twilio account for A.';

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
  // fix, the status stays `running`; set and cleared by twilioFailing/twilioRecovered (./messages.ts).
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

/**
 * One update adds at most this many numbers: each is two Trust Hub calls made while the caller waits.
 * The API's body schema (src/api/schemas.ts) and the workflow's validator both hold to it.
 */
export const MAX_NUMBERS_PER_CHANGE = 50;

// ---- priorities: interactive work ahead of bulk work ----------------------------------------------

/**
 * Temporal's task priorities (`priorityKey`, 1 first … 5 last; unset means 3), the one place they are
 * chosen. A workflow's activities inherit its start's priority; the activities someone is waiting on
 * override it with `interactive`, whatever the run was started with:
 *
 * - `interactive` (1): the bundle re-read after a Twilio decision callback, the activities a PATCH's
 *   corrections run, and the changes queued by the number and product updates
 *   (src/workflows/onboarding/activities.ts, `interactively`);
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
