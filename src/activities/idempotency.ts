/**
 * Look-up before create. Trust Hub's create endpoints take no idempotency key, so a retried activity
 * finds what an earlier attempt made by the resource's deterministic, unique friendly name (given by the
 * workflow) plus its type or policy.
 */
import { activityLog } from './context.js';

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
