/**
 * Look-up before create. Trust Hub's create endpoints take no idempotency key, so a retried activity
 * finds what an earlier attempt made by the resource's deterministic, unique friendly name (given by the
 * workflow) plus its type or policy.
 */
import { twilioErrorDetails } from '../contract/failures.js';
import { activityLog, currentAttempt, isRetry, twilioCall } from './context.js';

interface Dated {
  sid: string;
  dateCreated?: Date | string | null;
}

function time(value: Date | string | null | undefined): number {
  if (value === null || value === undefined) return Number.POSITIVE_INFINITY;
  const ms = (value instanceof Date ? value : new Date(value)).getTime();
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/**
 * The oldest of `matches` (ties keep Twilio's list order), or undefined when there is none. Several
 * matches mean an earlier bug made duplicates: that is logged, with SIDs only.
 */
export function pickOldest<T extends Dated>(matches: readonly T[], what: string): T | undefined {
  if (matches.length === 0) return undefined;
  const sorted = [...matches].sort((a, b) => time(a.dateCreated) - time(b.dateCreated));
  const oldest = sorted[0];
  if (sorted.length > 1 && oldest) {
    activityLog.warn(`Several ${what} resources share one friendly name; using the oldest`, {
      kept: oldest.sid,
      duplicates: sorted.slice(1).map((m) => m.sid),
    });
  }
  return oldest;
}

/** Twilio answered the call with a refusal (4xx other than 429): the request was read and declined. */
export function isRefusal(error: unknown): boolean {
  const status = twilioErrorDetails(error)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
}

/**
 * The one create pattern every Trust Hub create follows: on a retry, look for what an earlier attempt
 * made (`find` lists the candidates, `matches` keeps those with this resource's name and type) and
 * return the oldest; otherwise, or when there is none, create. The first attempt never looks up: there
 * is nothing to find, and a list call per create would be wasted budget. The exception is a run that
 * follows an earlier run of the same customer (`lookUpFirst`): that run may have left it behind.
 */
export async function findOrCreate<T extends Dated>({
  what,
  find,
  matches,
  create,
  refusedWhenExists = false,
  lookUpFirst = false,
  reconcile,
}: {
  what: string;
  find: () => Promise<T[]>;
  matches: (candidate: T) => boolean;
  create: () => Promise<T>;
  /**
   * Twilio refuses to make this twice (an assignment of an object already in the bundle): when it
   * refuses the create, look once more, and return the existing one if that was the reason.
   */
  refusedWhenExists?: boolean;
  /** An earlier run of the customer may have made it: look even on the first attempt. */
  lookUpFirst?: boolean | undefined;
  /**
   * What an earlier run made may hold that run's data: bring it in line with this request (one update,
   * made only when something differs).
   */
  reconcile?: (found: T) => Promise<void>;
}): Promise<{ record: T; created: boolean }> {
  const lookUp = async (why: string) => {
    const existing = pickOldest((await twilioCall(find)).filter(matches), what);
    if (existing)
      activityLog.info(`Trust Hub ${what} found ${why}`, { sid: existing.sid, attempt: currentAttempt() });
    return existing;
  };
  if (lookUpFirst || isRetry()) {
    const existing = await lookUp(lookUpFirst ? 'from an earlier run' : 'from an earlier attempt');
    if (existing) {
      if (lookUpFirst && reconcile) await reconcile(existing);
      return { record: existing, created: false };
    }
  }
  try {
    const record = await twilioCall(create);
    activityLog.info(`Trust Hub ${what} created`, { sid: record.sid });
    return { record, created: true };
  } catch (error) {
    if (refusedWhenExists && isRefusal(error)) {
      const existing = await lookUp('already there');
      if (existing) return { record: existing, created: false };
    }
    throw error;
  }
}
