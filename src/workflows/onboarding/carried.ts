/**
 * The workflow's persistence: its start input and the state it hands whole to the next run when it
 * continues as new. Not part of the contract (src/contract): only the workflow writes and reads it.
 */
import type {
  ObservedAttestation,
  OnboardingRecord,
  OnboardingRequest,
  PhoneNumberStatus,
  TwilioOutage,
} from '../../contract/types.js';
import type { Attestation, OnboardingStatus } from '../../contract/vocabulary.js';

export interface OnboardingInput {
  onboardingId: string;
  request: OnboardingRequest;
  /** `requestDigest(request)` as the API computed it: what a second start is compared with. */
  requestDigest?: string;
  /** Set when the workflow continues as new: everything done so far. */
  carried?: CarriedState;
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
  /** What the ISV's event endpoint was last told (./events.ts); absent before the first event. */
  announced?: AnnouncedState;
  /**
   * Personal data a correction replaced (an end user, a supporting document and its address) that
   * Twilio refused to delete yet: tried again later, in this order (./steps/personal-data.ts).
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
  /** Twilio keeps failing the run's calls (./twilio-outage.ts); absent once it answers. */
  twilioOutage?: TwilioOutage;
  /**
   * SIDs that were this customer's and left the record (replaced, deleted, a number dropped), the latest
   * few: the timeline still names them, and the redaction (../redaction.ts) keeps them readable.
   */
  formerSids?: string[];
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
