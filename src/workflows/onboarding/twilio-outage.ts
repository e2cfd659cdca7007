/**
 * A run whose Twilio calls keep failing, as the ISV and the operators see it. The activities tell the
 * run (src/activities/twilio-outage.ts); the run keeps the outage apart from `record.problem`
 * (`carried.twilioOutage`), and shows it as the problem only while the ISV has nothing else to fix: an
 * outage never hides, replaces or clears a problem the ISV must act on, and the status stays `running`.
 * The API adds the live attempt count and next try from the pending activity (src/api/twilio-outage.ts).
 */
import type { Problem, TwilioOutage } from '../contract.js';

/** Twilio's public status page: whether the outage is Twilio's, and when it expects it over. */
export const TWILIO_STATUS_PAGE = 'https://status.twilio.com';

/** The recorded outage, shaped as the view's problem (kind `twilio-unavailable`). */
export function outageProblem(outage: TwilioOutage): Problem {
  const { since, operation, lastError } = outage;
  return {
    kind: 'twilio-unavailable',
    message:
      `Twilio's calls have been failing since ${since} (${operation}: ${lastError.message}). ` +
      `Nothing to send: the service retries until Twilio answers, then goes on by itself. ` +
      `Twilio's status page: ${TWILIO_STATUS_PAGE}.`,
    codes: [],
    failures: [],
    outage,
  };
}

/** Whether a twilioFailing signal carries an outage (anything malformed is dropped). */
export function isOutage(value: unknown): value is TwilioOutage {
  const outage = value as Partial<TwilioOutage> | undefined;
  return (
    typeof outage?.since === 'string' &&
    !Number.isNaN(Date.parse(outage.since)) &&
    typeof outage.attempts === 'number' &&
    typeof outage.operation === 'string' &&
    typeof outage.lastError?.message === 'string'
  );
}
