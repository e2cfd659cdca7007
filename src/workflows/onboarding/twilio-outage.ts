/**
 * A run whose Twilio calls keep failing, as the ISV and the operators see it. The activities tell the
 * run (src/activities/twilio-outage.ts); the run keeps the outage apart from `record.problem`
 * (`carried.twilioOutage`), and shows it as the problem only while the ISV has nothing else to fix: an
 * outage never hides, replaces or clears a problem the ISV must act on, and the status stays `running`.
 * The API adds the live attempt count and next try from the pending activity (src/api/twilio-outage.ts).
 */
import type { Problem, TwilioOutage } from '../../contract/types.js';
import { KIND_REMEDIES } from '../../contract/remedies.js';

/** The recorded outage, shaped as the view's problem (kind `twilio-unavailable`). */
export function outageProblem(outage: TwilioOutage): Problem {
  const { since, operation, lastError } = outage;
  return {
    kind: 'twilio-unavailable',
    message: `Twilio's calls have been failing since ${since} (${operation}: ${lastError.message}).`,
    codes: [],
    failures: [],
    remedy: KIND_REMEDIES['twilio-unavailable'],
    fields: [],
    // Nothing the ISV sends fixes it.
    fix: null,
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
