/** A Twilio outage as a run records it (src/activities/twilio-outage.ts tells it), for the unit tests. */
import type { TwilioOutage } from '../../src/contract/types.js';

export const RECORDED_OUTAGE: TwilioOutage = {
  since: '2026-12-07T10:00:00.000Z',
  attempts: 3,
  operation: 'createBundle',
  lastError: {
    type: 'TwilioUnavailable',
    status: 500,
    code: 20500,
    message: 'Twilio answered HTTP 500, code 20500',
  },
};
