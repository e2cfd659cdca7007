/**
 * What the activities need from Temporal's activity context, usable outside one too: the attempt
 * number, a logger, and `twilioCall`, the one wrapper every Twilio request of an activity goes through.
 *
 * Log lines carry SIDs, kinds and counts only — never emails, names, phone numbers, registration
 * numbers, streets or friendly names.
 */
import { asyncLocalStorage, log } from '@temporalio/activity';
import { classifyTwilioError } from '../trusthub/errors.js';
import { twilioCallAnswered, twilioCallFailed } from './twilio-outage.js';

type LogMeta = Record<string, string | number | boolean | null | readonly string[] | undefined>;

function inActivity(): boolean {
  return asyncLocalStorage.getStore() !== undefined;
}

/** The current attempt (1 on the first), or 1 outside an activity. */
export function currentAttempt(): number {
  return asyncLocalStorage.getStore()?.info.attempt ?? 1;
}

/** True when an earlier attempt of this activity may already have made what this one is about to make. */
export function isRetry(): boolean {
  return currentAttempt() > 1;
}

/** Activity logging through Temporal's logger (which adds the workflow and activity ids); a no-op outside. */
export const activityLog = {
  debug(message: string, meta?: LogMeta): void {
    if (inActivity()) log.debug(message, meta);
  },
  info(message: string, meta?: LogMeta): void {
    if (inActivity()) log.info(message, meta);
  },
  warn(message: string, meta?: LogMeta): void {
    if (inActivity()) log.warn(message, meta);
  },
};

/** Well inside the activities' 10 s heartbeat timeout (src/workflows/onboarding/activities.ts). */
const HEARTBEAT_EVERY_MS = 3_000;

/**
 * One Twilio request, its failure classified (src/trusthub/errors.ts). Inside an activity it heartbeats
 * every few seconds while the request is out (it may wait for the budget, then take up to its 15 s
 * timeout), so a worker that dies mid-call is noticed within the heartbeat timeout rather than the
 * minute-long start-to-close. Temporal times the heartbeat from the activity's start, so a quick call
 * needs no beat at all; and each beat stores details (an encrypted null) that the Web UI shows
 * undecoded on a pending activity, so beating only when a call is slow keeps that noise away.
 */
export async function twilioCall<T>(call: () => Promise<T>): Promise<T> {
  const activity = asyncLocalStorage.getStore();
  const beating = activity ? setInterval(() => activity.heartbeat(), HEARTBEAT_EVERY_MS) : undefined;
  try {
    const answer = await call();
    await twilioCallAnswered();
    return answer;
  } catch (error) {
    const failure = classifyTwilioError(error);
    // A call failing for the third time tells its run, which shows it (./twilio-outage.ts).
    await twilioCallFailed(failure);
    throw failure;
  } finally {
    clearInterval(beating);
  }
}
