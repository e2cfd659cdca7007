/**
 * Events to the ISV's system (EVENTS_URL): their types and shape, and where they are delivered from.
 */
import type { Attestation, BundleKind, OnboardingStatus, OnboardingStep } from './vocabulary.js';
import type { Problem } from './types.js';

/** The workflow type that delivers one event, a child of the onboarding (src/workflows/event-delivery.ts). */
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
