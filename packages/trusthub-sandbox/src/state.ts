/**
 * The sandbox's whole Twilio world as one plain, JSON-serialisable object, so that persistence is a
 * JSON snapshot and /__sandbox/state is a copy of it. Dates are ISO strings; `seq` orders resources
 * by creation (lists and page tokens use it).
 */

export type BundleKind = 'customer-profile' | 'trust-product';

export type BundleStatus = 'draft' | 'pending-review' | 'in-review' | 'twilio-rejected' | 'twilio-approved';

export interface BundleError {
  code: number;
  message: string;
}

export interface Bundle {
  sid: string;
  kind: BundleKind;
  seq: number;
  policySid: string;
  friendlyName: string;
  email: string;
  statusCallback: string | null;
  status: BundleStatus;
  validUntil: string | null;
  errors: BundleError[] | null;
  /** The Console-made primary profile of the ISV (seeded); Trust Hub has no public field for it. */
  primary: boolean;
  dateCreated: string;
  dateUpdated: string;
}

export interface EndUser {
  sid: string;
  seq: number;
  friendlyName: string;
  type: string;
  attributes: Record<string, unknown>;
  dateCreated: string;
  dateUpdated: string;
}

export interface SupportingDocument {
  sid: string;
  seq: number;
  friendlyName: string;
  type: string;
  attributes: Record<string, unknown>;
  status: 'DRAFT' | 'PENDING_REVIEW' | 'REJECTED' | 'APPROVED' | 'EXPIRED' | 'PROVISIONALLY_APPROVED';
  dateCreated: string;
  dateUpdated: string;
}

export interface EntityAssignment {
  sid: string;
  seq: number;
  bundleSid: string;
  objectSid: string;
  dateCreated: string;
}

export interface ChannelEndpointAssignment {
  sid: string;
  seq: number;
  bundleSid: string;
  channelEndpointType: string;
  channelEndpointSid: string;
  dateCreated: string;
}

export interface EvaluationResultItem {
  friendly_name: string;
  object_field: string;
  failure_reason: string | null;
  error_code: number | null;
}

export interface EvaluationResult {
  friendly_name: string;
  object_type: string;
  passed: boolean;
  failure_reason: string | null;
  error_code: number | null;
  valid: EvaluationResultItem[];
  invalid: EvaluationResultItem[];
  requirement_friendly_name: string;
  requirement_name: string;
}

export interface Evaluation {
  sid: string;
  seq: number;
  bundleSid: string;
  policySid: string;
  status: 'compliant' | 'noncompliant';
  results: EvaluationResult[];
  dateCreated: string;
}

export interface Address {
  sid: string;
  seq: number;
  customerName: string;
  friendlyName: string | null;
  street: string;
  streetSecondary: string | null;
  city: string;
  region: string;
  postalCode: string;
  isoCountry: string;
  emergencyEnabled: boolean;
  validated: boolean;
  verified: boolean;
  dateCreated: string;
  dateUpdated: string;
}

export interface PhoneNumber {
  sid: string;
  seq: number;
  phoneNumber: string;
  friendlyName: string;
  dateCreated: string;
  dateUpdated: string;
}

/** The attestation Twilio signs an outbound call with (calls.ts decides it). */
export type StirStatus = 'A' | 'B' | 'C';

/** A call placed through the admin route, kept so the state shows what was signed. */
export interface Call {
  sid: string;
  seq: number;
  from: string;
  to: string;
  stirStatus: StirStatus;
  /** The last progress event sent (or due, without a status callback). */
  status: 'queued' | 'ringing' | 'in-progress' | 'completed';
  statusCallback: string | null;
  dateCreated: string;
  dateUpdated: string;
}

/** A bundle waiting for its next vetting step. */
export interface VettingJob {
  bundleSid: string;
  /** The status the bundle moves to when the job runs; `expiry` ends an approval at its valid_until. */
  next: 'in-review' | 'decision' | 'expiry';
  /** Epoch ms; null = wait for the admin route (manual vetting). */
  dueAt: number | null;
}

export interface ForcedOutcome {
  outcome: 'approve' | 'reject';
  codes?: number[];
}

export interface SandboxAccount {
  sid: string;
  authToken: string;
  apiKeySid: string;
  apiKeySecret: string;
  primaryProfileSid: string;
}

export interface SandboxState {
  version: 1;
  account: SandboxAccount;
  seq: number;
  /** SIDs made by the seed (the primary profile, its items, the phone numbers). */
  seeded: string[];
  bundles: Record<string, Bundle>;
  endUsers: Record<string, EndUser>;
  supportingDocuments: Record<string, SupportingDocument>;
  entityAssignments: Record<string, EntityAssignment>;
  channelEndpointAssignments: Record<string, ChannelEndpointAssignment>;
  evaluations: Record<string, Evaluation>;
  addresses: Record<string, Address>;
  phoneNumbers: Record<string, PhoneNumber>;
  calls: Record<string, Call>;
  vettingJobs: Record<string, VettingJob>;
  forcedOutcomes: Record<string, ForcedOutcome>;
}

/** Sorted by creation order: the order lists return and page tokens rely on. */
export function byCreation<T extends { seq: number }>(items: Record<string, T>): T[] {
  return Object.values(items).sort((a, b) => a.seq - b.seq);
}
