/**
 * The onboarding's domain, in the words of Twilio's ISV guide. Plain types only: imported by the
 * workflow (deterministic code), the activities and the API alike.
 */

/** Static policy SIDs from the guide: the same on every Twilio account. */
export const POLICY = {
  /** Secondary (and primary) customer profile. */
  customerProfile: 'RNdfbf3fae0e1107f8aded0e7cead80bf5',
  /** SHAKEN/STIR trust product. */
  shakenStir: 'RN7a97559effdf62d00f4298208492a5ea',
  /**
   * Voice Integrity trust product (registers the numbers with the carriers' analytics engines). Quoted
   * by many public integrations; Twilio's own line not read: `GET /v1/Policies/{Sid}` at worker start
   * confirms it (src/trusthub/policies.ts).
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
 * matter). The first three are confirmed by Twilio's guide as quoted in DESIGN.md; the rest are the
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

// The request's and the view's shapes are Static of the workflow's JSON Schemas
// (src/workflows/schemas.ts); re-exported here, where the activities and the sandbox look for them.
export type {
  AuthorizedRepresentative,
  BundleError,
  BundleSnapshot,
  BusinessInformation,
  EvaluationFieldResult,
  EvaluationSummary,
  PhoneNumberRef,
  PostalAddress,
} from '../workflows/contract.js';

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

/** How a number is named: E.164, or the PN… SID of one of the account's incoming numbers. */
export { E164_NUMBER, PHONE_NUMBER_SID } from '../workflows/contract.js';

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
