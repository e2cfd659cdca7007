/**
 * Problem bookkeeping on the carried state: the view's problem (the ISV's to fix, else Twilio failing),
 * Twilio outages told by the activities (./twilio-outage.ts), and attestation mismatches — a call Twilio
 * signed at another level than the service infers. Plain data in; the entity (./onboarding.ts) shows
 * each change and runs the checks a mismatch asks for.
 */
import type { Attestation } from '../../contract/vocabulary.js';
import type { OnboardingSettings, Problem, TwilioOutage } from '../../contract/types.js';
import { explainedProblemOf } from '../remedies.js';
import { phoneNumberStatuses } from './attestation.js';
import type { CarriedState } from './carried.js';
import { note } from './record.js';
import { outageProblem } from './twilio-outage.js';

/** A number's same mismatch is checked again at most this often (busy numbers report every call). */
export const MISMATCH_CHECK_SPACING_MS = 3_600_000;
/** A `rule` verdict for the same observed and inferred levels is not checked again before this. */
export const RULE_VERDICT_STANDS_MS = 24 * 3_600_000;

/** The view's problem: the ISV's to fix (explained: ../remedies.ts) when there is one, else Twilio failing. */
export function problem(carried: CarriedState): Problem | null {
  const outage = carried.twilioOutage;
  return explainedProblemOf(carried) ?? (outage ? outageProblem(outage) : null);
}

// ---- Twilio outages, told by the activities (./twilio-outage.ts) ---------------------------------------

/** Twilio keeps failing a call: since the first such call's first try, with the latest attempts. */
export function twilioFailing(carried: CarriedState, outage: TwilioOutage): void {
  const known = carried.twilioOutage;
  carried.twilioOutage = { ...outage, since: known?.since ?? outage.since };
  if (!known)
    note(carried.view, 'Twilio failing', `${outage.operation}: ${outage.lastError.message}; retrying`);
}

/** Twilio answers the run's calls again: false when no outage was known. */
export function twilioRecovered(carried: CarriedState): boolean {
  const known = carried.twilioOutage;
  if (!known) return false;
  delete carried.twilioOutage;
  note(carried.view, 'Twilio answers again', `failing since ${known.since}`);
  return true;
}

/**
 * The run ends: the call Twilio was failing was cancelled with it, and the run retries nothing more,
 * so no `twilioRecovered` will come. Its end is the news (no `twilio-recovered` event).
 */
export function outageEnds(carried: CarriedState): void {
  delete carried.twilioOutage;
}

// ---- observed attestation: what Twilio reports signing on the customer's calls ------------------------

/**
 * A call's `StirStatus`, forwarded by the webhook. Kept when newer than what is known; when it differs
 * from the level the service infers, the mismatch is recorded (announced once) and `check` names the
 * number whose bundles the serving loop re-reads to say which is wrong. One check per number at a time,
 * at most one an hour. Undefined: nothing was recorded.
 */
export function callObserved(
  carried: CarriedState,
  settings: OnboardingSettings | undefined,
  observed: { callSid: string; from: string; level: Attestation; at: string },
  now = Date.now(),
): { check?: string } | undefined {
  // Before the settings are read the inferred level is not known (B needs them): a later call says it.
  if (!settings) return undefined;
  const number = carried.view.phoneNumbers.find((n) => n.phoneNumber === observed.from);
  if (!number) return undefined;
  // A relay's clock may run ahead: an observation is never later than now, or it would hide the next.
  const at = new Date(Math.min(Date.parse(observed.at), now)).toISOString();
  const known = carried.observed?.[number.sid];
  if (known && Date.parse(known.at) > Date.parse(at)) return undefined;
  (carried.observed ??= {})[number.sid] = { level: observed.level, at, callSid: observed.callSid };
  const inferred = phoneNumberStatuses(carried, settings).find((n) => n.sid === number.sid);
  if (!inferred) return undefined;
  const mismatches = (carried.mismatches ??= {});
  const last = mismatches[number.sid];
  if (inferred.attestation === observed.level) {
    // What Twilio signs is what the service infers: no mismatch (any earlier one is over).
    delete mismatches[number.sid];
    return {};
  }
  if (!mismatchIsNews(last, observed.level, inferred.attestation, now)) return {};
  mismatches[number.sid] = {
    observed: observed.level,
    inferred: inferred.attestation,
    at: new Date(now).toISOString(),
    cause: 'checking',
    detail: `Twilio signed ${observed.level} on ${observed.callSid}; the service expected ${inferred.attestation}. Re-reading the bundles.`,
  };
  note(
    carried.view,
    'attestation mismatch',
    `${number.sid}: observed ${observed.level}, inferred ${inferred.attestation}`,
  );
  return { check: number.sid };
}

/**
 * Whether a mismatch calls for a re-read. A number is checked at most once an hour, whatever its calls
 * say in between (calls on different routes can alternate B and C); a verdict of `rule` for the same
 * two levels stands for a day, since nothing the service can read would change it sooner.
 */
export function mismatchIsNews(
  last: NonNullable<CarriedState['mismatches']>[string] | undefined,
  observed: Attestation,
  inferred: Attestation,
  now = Date.now(),
): boolean {
  if (!last) return true;
  const age = now - Date.parse(last.at);
  if (age < MISMATCH_CHECK_SPACING_MS) return false;
  const sameVerdict = last.cause === 'rule' && last.observed === observed && last.inferred === inferred;
  return !(sameVerdict && age < RULE_VERDICT_STANDS_MS);
}

/** Mismatches a continued run (or the start of serving) still owes a check. */
export function mismatchesToCheck(carried: CarriedState): string[] {
  return Object.entries(carried.mismatches ?? {})
    .filter(([, mismatch]) => mismatch.cause === 'checking')
    .map(([sid]) => sid);
}

/** What the re-read found for a mismatch: Twilio's state changed (drift), or the service's rule is wrong. */
export function mismatchExplained(
  carried: CarriedState,
  phoneNumberSid: string,
  cause: 'drift' | 'rule',
  detail: string,
): void {
  const mismatch = carried.mismatches?.[phoneNumberSid];
  if (!mismatch) return;
  carried.mismatches![phoneNumberSid] = { ...mismatch, cause, detail, at: new Date().toISOString() };
  note(carried.view, `attestation mismatch: ${cause}`, `${phoneNumberSid}: ${detail}`);
}
