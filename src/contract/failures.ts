/**
 * The failures the Trust Hub activities raise and the workflow reads: their ApplicationFailure types and
 * what each carries in `details`. The adapter (src/trusthub/errors.ts) classifies what the twilio SDK
 * throws into these; the workflow decides on them without importing the adapter.
 */
import { ApplicationFailure } from '@temporalio/common';

/** The `type` of every ApplicationFailure the activities raise. */
export const TrustHubFailureType = {
  /** Twilio (or the network to it) is temporarily unavailable: retry with backoff. */
  Unavailable: 'TwilioUnavailable',
  /** Twilio refused the credentials (401/403): retried slowly until an operator fixes them. */
  Auth: 'TwilioAuth',
  /** Twilio rejected the request (4xx validation, 60711 not editable, 404…): not retried. */
  Rejected: 'TwilioRejected',
  /** A phone number given by the ISV is not an incoming number of this account: not retried. */
  PhoneNumberNotOwned: 'PhoneNumberNotOwned',
  /** An address correction changes the country, which Twilio cannot update: replace the address. */
  AddressCountryChanged: 'AddressCountryChanged',
} as const;

export type TrustHubFailureType = (typeof TrustHubFailureType)[keyof typeof TrustHubFailureType];

/** What a TwilioRejected/TwilioUnavailable/TwilioAuth failure carries in `details[0]`. */
export interface TwilioErrorDetails {
  /** HTTP status, or null for network errors. */
  status: number | null;
  /** Twilio's error code (e.g. 60711, 20429), or null when the response carried none. */
  code: number | null;
  message: string;
  moreInfo: string | null;
  /**
   * A 20409 on a number's assignment: which number, and whose bundle already holds it (never which
   * bundle: src/activities/bundles.ts finds out, and keeps the other customer's name to itself).
   */
  numberTaken?: { phoneNumberSid: string; heldBy: NumberHolder };
}

/**
 * Whose bundle holds a number Twilio refused to assign (20409): one this service made for this same
 * customer (an earlier run), for another of the ISV's customers, one it did not make (the Console,
 * another integration, the ISV's primary profile), or unknown when Twilio's message names no bundle.
 */
export type NumberHolder = 'this-customer' | 'another-customer' | 'outside' | 'unknown';

/** Twilio's generic conflict code: on a number's assignment, the number is on another bundle already. */
export const CONFLICT_CODE = 20409;

/**
 * What a PhoneNumberNotOwned failure carries in `details`: one entry per number not owned. The number
 * itself is left out (failures are logged by the worker and kept in history); the workflow has the list.
 */
export interface PhoneNumberNotOwnedDetails {
  /** 0-based position of the number in the input list. */
  position: number;
  reason: 'not-owned' | 'invalid';
}

/** Twilio's answer carried by a classified failure (`details[0]`), if it is one. */
export function twilioErrorDetails(error: unknown): TwilioErrorDetails | undefined {
  if (!(error instanceof ApplicationFailure)) return undefined;
  const known: readonly string[] = [
    TrustHubFailureType.Rejected,
    TrustHubFailureType.Unavailable,
    TrustHubFailureType.Auth,
  ];
  if (!error.type || !known.includes(error.type)) return undefined;
  const details = asRecord(error.details?.[0]);
  return details && 'status' in details ? (details as unknown as TwilioErrorDetails) : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}
