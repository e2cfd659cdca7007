/**
 * The onboarding's public messages and the shape of its state. Imported by the workflow, the API and
 * the tests, so all three speak the same names.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AuthorizedRepresentative,
  BundleKind,
  BundleSnapshot,
  BusinessInformation,
  EvaluationSummary,
  OnboardingRequest,
  PhoneNumberRef,
  PostalAddress,
} from '../trusthub/types.js';

export type OnboardingStatus = 'running' | 'action-required' | 'completed' | 'failed' | 'cancelled';

/** Where the onboarding is, in the order of the guide. */
export type OnboardingStep =
  | 'creating-customer-profile'
  | 'linking-primary-profile'
  | 'creating-address'
  | 'creating-address-document'
  | 'creating-business-information'
  | 'creating-authorized-representatives'
  | 'assigning-phone-numbers'
  | 'evaluating-customer-profile'
  | 'submitting-customer-profile'
  | 'waiting-for-customer-profile-vetting'
  | 'creating-trust-product'
  | 'linking-customer-profile-to-trust-product'
  | 'assigning-phone-numbers-to-trust-product'
  | 'evaluating-trust-product'
  | 'submitting-trust-product'
  | 'waiting-for-trust-product-vetting'
  | 'waiting-for-corrections'
  | 'applying-corrections'
  | 'cancelling'
  | 'done';

/** Why the onboarding needs the ISV: what Twilio said, in codes and in words. */
export interface Problem {
  kind: 'evaluation' | 'rejection' | 'twilio-error' | 'phone-numbers';
  bundle?: BundleKind;
  message: string;
  codes: { code: number; meaning: string }[];
  /** Field-level results of the latest evaluation, when that is what failed. */
  failures: EvaluationSummary['failures'];
}

export interface TimelineEntry {
  at: string;
  event: string;
  detail?: string;
}

export interface CreatedResources {
  customerProfileSid?: string;
  trustProductSid?: string;
  addressSid?: string;
  supportingDocumentSid?: string;
  businessInformationSid?: string;
  /** authorized_representative_1 first. */
  representativeSids: string[];
}

/** What GET /v1/onboardings/:id shows: no personal data beyond what the ISV sent in the first place. */
export interface OnboardingView {
  id: string;
  customerId: string;
  status: OnboardingStatus;
  step: OnboardingStep;
  customerProfile: BundleSnapshot | null;
  trustProduct: BundleSnapshot | null;
  resources: CreatedResources;
  phoneNumbers: PhoneNumberRef[];
  latestEvaluation: (EvaluationSummary & { bundle: BundleKind }) | null;
  problem: Problem | null;
  /** Correction rounds applied so far. */
  corrections: number;
  /** Filled when cancelled: what compensation did. */
  compensation: { kind: string; sid: string; outcome: 'deleted' | 'kept' | 'failed'; reason?: string }[];
  timeline: TimelineEntry[];
}

/** What the ISV can correct after a noncompliant evaluation or a rejection; every field is optional. */
export interface Corrections {
  email?: string;
  business?: Partial<BusinessInformation>;
  address?: PostalAddress;
  authorizedRepresentatives?: AuthorizedRepresentative[];
  phoneNumbers?: string[];
}

export interface OnboardingInput {
  onboardingId: string;
  request: OnboardingRequest;
  /** Set when the workflow continues as new: everything done so far. */
  carried?: CarriedState;
}

/** The state a run hands to the next one when its history gets long. */
export interface CarriedState {
  view: OnboardingView;
  request: OnboardingRequest;
  linked: Record<string, string[]>;
  phoneNumbersOnTrustProduct: string[];
  revision: number;
}

/** Twilio's status callback, forwarded by the webhook. Only a hint: the workflow re-reads the bundle. */
export const bundleStatusChanged =
  defineSignal<[{ bundleSid: string; status: string }]>('bundleStatusChanged');

export const getOnboarding = defineQuery<OnboardingView>('getOnboarding');

/** Accepted only while the onboarding waits for corrections (status action-required). */
export const submitCorrections = defineUpdate<OnboardingView, [Corrections]>('submitCorrections');

/** ApplicationFailure types the update's validator raises; the API maps them to 409 and 400. */
export const CorrectionRefusal = {
  NotWaiting: 'NotWaitingForCorrections',
  Invalid: 'InvalidCorrections',
} as const;
