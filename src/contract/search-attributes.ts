/**
 * Typed search attributes the onboarding upserts at every change, so operators can find runs in the
 * Temporal Web UI and the API can list them. `npm start` and docker-compose register them; keep the
 * three in step (scripts/start.ts reads SEARCH_ATTRIBUTES, docker-compose.yml lists the same names).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const OnboardingStatus = defineSearchAttributeKey('OnboardingStatus', SearchAttributeType.KEYWORD);
export const OnboardingStep = defineSearchAttributeKey('OnboardingStep', SearchAttributeType.KEYWORD);
export const CustomerProfileStatus = defineSearchAttributeKey(
  'CustomerProfileStatus',
  SearchAttributeType.KEYWORD,
);
export const TrustProductStatus = defineSearchAttributeKey('TrustProductStatus', SearchAttributeType.KEYWORD);
/** The customer profile's and trust product's SIDs: how a status callback finds its onboarding. */
export const BundleSids = defineSearchAttributeKey('BundleSids', SearchAttributeType.KEYWORD_LIST);
/** When the current wait (vetting, corrections) began; unset while the onboarding is working. */
export const WaitingSince = defineSearchAttributeKey('WaitingSince', SearchAttributeType.DATETIME);
/**
 * The problem in brief: its kind followed by its codes, space separated (`rejection 18601`,
 * `phone-numbers 20409`, `evaluation`); unset without one. Saved views filter on
 * `OnboardingProblem STARTS_WITH '<kind>'` (src/workflows/remedies.ts `problemBrief`).
 */
export const OnboardingProblem = defineSearchAttributeKey('OnboardingProblem', SearchAttributeType.KEYWORD);

/** When the run's Twilio calls began failing (src/activities/twilio-outage.ts); unset while Twilio answers. */
export const TwilioFailingSince = defineSearchAttributeKey(
  'TwilioFailingSince',
  SearchAttributeType.DATETIME,
);

export const SEARCH_ATTRIBUTES = [
  CustomerId,
  OnboardingStatus,
  OnboardingStep,
  CustomerProfileStatus,
  TrustProductStatus,
  BundleSids,
  WaitingSince,
  OnboardingProblem,
  TwilioFailingSince,
] as const;

/** The type names the Temporal CLI's `--search-attribute Name=Type` flag takes. */
const CLI_TYPE: Partial<Record<SearchAttributeType, string>> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
  [SearchAttributeType.DATETIME]: 'Datetime',
};

export const SEARCH_ATTRIBUTE_CLI_TYPES: Record<string, string> = Object.fromEntries(
  SEARCH_ATTRIBUTES.map((key) => [key.name, CLI_TYPE[key.type] ?? 'Keyword']),
);
