/**
 * The onboarding's step names at run time, for the API's schemas (GET /v1/onboardings?step=). The
 * workflow declares them as a type only (OnboardingStep in src/workflows/contract.ts); the check
 * below fails the typecheck when a step is added there and not here, or listed here and not there,
 * so a filter on a real step is never refused and a made-up one never reaches Temporal.
 */
import type { OnboardingStep } from '../workflows/contract.js';

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
  'waiting-for-corrections',
  'applying-corrections',
  'serving',
  'changing-phone-numbers',
  'checking-approvals',
  'cancelling',
  'done',
] as const satisfies readonly OnboardingStep[];

type Unlisted = Exclude<OnboardingStep, (typeof ONBOARDING_STEPS)[number]>;
/** `true` only while every OnboardingStep is listed: a missing one names itself in the type error. */
export const EVERY_STEP_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;
