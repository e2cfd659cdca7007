/**
 * The onboarding's identifiers, each format once: the customer's ID and the onboarding (workflow) ID
 * derived from it, Twilio's SIDs and E.164 numbers, and the claims' IDs. The schemas, the webhook and the
 * workflow's validators use these patterns; nothing else restates them.
 */

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
