/**
 * How many signals one onboarding may receive from this API process: a token bucket per onboarding.
 * Every callback that reaches a workflow is an event in its history, and a history has a size limit
 * (then the run must continue as new, or fails). Twilio's signature carries no timestamp, so a
 * captured callback, or a handful of distinct ones, could otherwise be replayed into one customer's
 * history as fast as the network allows; the deduplication (routes/webhooks.ts) stops the same one
 * twice, this stops many different ones.
 *
 * A signal is only a hint: the workflow re-reads the bundle, and its poll is the fallback, so a hint
 * dropped here costs at most a poll interval. A customer with every product has five bundles, each
 * with three transitions (pending-review, in-review, a decision) and a few more for a correction:
 * about twenty callbacks, which can come within a minute (the trust products are submitted together,
 * and the sandbox decides in seconds). A burst of 30, then one every ten seconds, lets all of them
 * through and still bounds a replay to a few hundred signals an hour instead of thousands a second.
 * Observed calls are forwarded only when the level is news for a number, so a customer's first calls
 * from each of its numbers are the burst: 20, then one every ten seconds (a level dropped comes again
 * with the number's next call).
 *
 * The buckets live in this process, bounded (least recently used first out); a bucket untouched for
 * as long as it takes to refill is full again, so it is forgotten then. Several API replicas each
 * allow their own budget: the limit is per API process.
 */
import { LRUCache } from 'lru-cache';

export interface SignalRateLimit {
  /** Signals one onboarding may receive at once. */
  burst: number;
  /** One more signal is allowed each time this passes. */
  refillMs: number;
}

/** Status callbacks of one onboarding's bundles (routes/webhooks.ts). */
export const TRUSTHUB_SIGNAL_LIMIT: SignalRateLimit = { burst: 30, refillMs: 10_000 };
/** Observed calls of one onboarding's numbers, on top of the once-an-hour rule (call-forwarding.ts). */
export const CALL_SIGNAL_LIMIT: SignalRateLimit = { burst: 20, refillMs: 10_000 };

/** Onboardings whose buckets are remembered: far more than get a callback within a bucket's refill. */
const BUCKETS = 100_000;

/**
 * sent: a signal may go (and is counted against the onboarding); limited: none may, and the
 * onboarding was already over its limit; limited_first: none may, and this is the first refusal since
 * it last had room, which is when it is worth a log line.
 */
export type SignalAllowance = 'sent' | 'limited' | 'limited_first';

interface Bucket {
  tokens: number;
  /** When `tokens` was last computed (the clock's milliseconds). */
  at: number;
  limited: boolean;
}

export interface SignalRateLimiter {
  take(onboardingId: string): SignalAllowance;
}

export function signalRateLimiter(
  { burst, refillMs }: SignalRateLimit,
  { max = BUCKETS, now = () => performance.now() }: { max?: number; now?: () => number } = {},
): SignalRateLimiter {
  const buckets = new LRUCache<string, Bucket>({ max, ttl: burst * refillMs, perf: { now } });
  return {
    take(onboardingId) {
      const t = now();
      const known = buckets.get(onboardingId);
      const bucket: Bucket = known
        ? { ...known, tokens: Math.min(burst, known.tokens + (t - known.at) / refillMs), at: t }
        : { tokens: burst, at: t, limited: false };
      let allowance: SignalAllowance;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        bucket.limited = false;
        allowance = 'sent';
      } else {
        allowance = bucket.limited ? 'limited' : 'limited_first';
        bucket.limited = true;
      }
      // Set again on every take, so the entry lives until the bucket would be full anyway.
      buckets.set(onboardingId, bucket);
      return allowance;
    },
  };
}
