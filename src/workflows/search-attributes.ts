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
/** When the current wait (vetting, corrections) began; unset while the onboarding is working. */
export const WaitingSince = defineSearchAttributeKey('WaitingSince', SearchAttributeType.DATETIME);

export const SEARCH_ATTRIBUTES = [
  CustomerId,
  OnboardingStatus,
  OnboardingStep,
  CustomerProfileStatus,
  TrustProductStatus,
  WaitingSince,
] as const;

/** The names the Temporal CLI's `--search-attribute Name=Type` flag takes. */
export const SEARCH_ATTRIBUTE_CLI_TYPES: Record<string, 'Keyword' | 'Datetime'> = Object.fromEntries(
  SEARCH_ATTRIBUTES.map((key) => [
    key.name,
    key.type === SearchAttributeType.DATETIME ? 'Datetime' : 'Keyword',
  ]),
);
