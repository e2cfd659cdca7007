/**
 * GET /v1/onboardings' filters as visibility-query clauses, or the fields that make no sense. The
 * schema (OnboardingListQuery) checks each value's shape; some values have the shape and still mean
 * nothing, and each used to become a 500: a leap second (`23:59:60Z` is a valid RFC 3339 date-time,
 * which `new Date()` cannot hold, so `toISOString()` throws), an instant whose UTC year has more than
 * four digits (which Temporal's query parser refuses), an age so large that "now minus it" is no date
 * at all. Each is a 400 naming the field and the rule here, before Temporal is asked.
 *
 * The values go into the query text, so each is checked again here whatever the schema let through:
 * statuses and steps against their lists, times re-printed by `toISOString()`, never copied.
 */
import { durationToMs } from '../config.js';
import { ONBOARDING_STATUSES, ONBOARDING_STEPS } from '../contract/vocabulary.js';
import { decodeCursor } from './cursor.js';
import type { ListPageRequest } from './onboardings-client.js';
import { invalidRequest, type ErrorBody, type FieldError } from './plugins/errors.js';

/** Ten years: far beyond any onboarding's wait (Twilio vets in days), and well inside a Date. */
export const MAX_WAITING_DAYS = 3650;
const DAY_MS = 86_400_000;

export interface ListFilters {
  status?: string;
  step?: string;
  startedAfter?: string;
  startedBefore?: string;
  waitingLongerThan?: string;
}

export type ParsedListQuery = { clauses: string[]; errors?: undefined } | { errors: FieldError[] };

const INSTANT_RULE =
  'must be a date-time between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z, with seconds 00-59 (no leap second)';

/** The instant as Temporal's query parser reads it, or undefined when there is none. */
function instant(value: string): string | undefined {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  const iso = date.toISOString();
  // Years outside 0000-9999 print as ±YYYYYY, which is not RFC 3339.
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

/**
 * The clauses that select what `filters` ask for, `now` being the time "waiting longer than" counts
 * from; or every field that cannot be turned into one, with its rule.
 */
export function parseListQuery(filters: ListFilters, now: Date): ParsedListQuery {
  const clauses: string[] = [];
  const errors: FieldError[] = [];
  const { status, step, startedAfter, startedBefore, waitingLongerThan } = filters;

  if (status !== undefined) {
    if ((ONBOARDING_STATUSES as readonly string[]).includes(status)) {
      clauses.push(`OnboardingStatus = '${status}'`);
    } else {
      errors.push({ field: 'status', rule: `must be one of: ${ONBOARDING_STATUSES.join(', ')}` });
    }
  }
  if (step !== undefined) {
    if ((ONBOARDING_STEPS as readonly string[]).includes(step)) clauses.push(`OnboardingStep = '${step}'`);
    else errors.push({ field: 'step', rule: `must be one of: ${ONBOARDING_STEPS.join(', ')}` });
  }
  for (const [field, value, operator] of [
    ['startedAfter', startedAfter, '>'],
    ['startedBefore', startedBefore, '<'],
  ] as const) {
    if (value === undefined) continue;
    const iso = instant(value);
    if (iso) clauses.push(`StartTime ${operator} '${iso}'`);
    else errors.push({ field, rule: INSTANT_RULE });
  }
  if (waitingLongerThan !== undefined) {
    let ms: number | undefined;
    try {
      ms = durationToMs(waitingLongerThan);
    } catch {
      // Not a duration at all: the rule below says what is.
    }
    if (ms === undefined || ms > MAX_WAITING_DAYS * DAY_MS) {
      errors.push({
        field: 'waitingLongerThan',
        rule: `must be a duration such as 12h or 3d, at most ${MAX_WAITING_DAYS}d`,
      });
    } else {
      clauses.push(`WaitingSince < '${new Date(now.getTime() - ms).toISOString()}'`);
    }
  }
  return errors.length ? { errors } : { clauses };
}

/** GET /v1/onboardings' query string, as its schema typed it. */
export interface ListQuery extends ListFilters {
  limit: number;
  cursor?: string;
}

/**
 * The page the query asks for (its filters' clauses, its size, where the cursor goes on), or the 400
 * that refuses it: the filters' errors, else a cursor this API did not return (./cursor.ts).
 */
export function listPageRequest(query: ListQuery, now: Date): ListPageRequest | { refusal: ErrorBody } {
  const { limit, cursor, ...filters } = query;
  const parsed = parseListQuery(filters, now);
  if (parsed.errors) return { refusal: invalidRequest(parsed.errors) };
  let nextPageToken: Uint8Array = new Uint8Array(0);
  if (cursor) {
    const token = decodeCursor(cursor);
    if (!token) {
      const fields = [{ field: 'cursor', rule: 'must be the nextCursor of an earlier page, unchanged' }];
      return {
        refusal: {
          error: { code: 'invalid_request', message: 'cursor is not one this API returned', fields },
        },
      };
    }
    nextPageToken = token;
  }
  return { clauses: parsed.clauses, pageSize: limit, nextPageToken };
}
