/**
 * Observed attestation, from the calls themselves: Twilio reports the level it signed (`StirStatus`)
 * on a call's `ringing` and `in-progress` status callbacks, which reach the API either straight from
 * Twilio (POST /v1/webhooks/calls) or relayed by the ISV's own handler (POST /v1/onboardings/:id/calls).
 * Both go through the one forwarder here, so both share its memory.
 *
 * A busy number places thousands of calls an hour, each with two such callbacks, and every one of
 * them would be a signal in the onboarding's history. The workflow needs to hear a level only when it
 * is news: the level last forwarded per onboarding and number is remembered for an hour, and the same
 * level again within it is acknowledged without a signal. A change of level is forwarded at once; the
 * same level is heard again after the hour, so a mismatch that persists is seen again. The memory is
 * this process's: several API instances, or a restart, cost a few more signals, never a lost change.
 *
 * On top of that, what is news is rate-limited per onboarding (CALL_SIGNAL_LIMIT,
 * signal-rate-limit.ts): a customer's many numbers, or replayed callbacks of many different calls,
 * cannot flood its history. A level dropped there is not remembered, so the next call from the number
 * brings it again once the onboarding has room.
 */
import { LRUCache } from 'lru-cache';
import type { Attestation } from '../contract/vocabulary.js';
import type { ObservedCall } from '../contract/messages.js';
import type { OnboardingsClient } from './onboardings-client.js';
import { CALL_SIGNAL_LIMIT, signalRateLimiter, type SignalRateLimit } from './signal-rate-limit.js';

/** Numbers remembered: far more than one API instance's calling numbers in an hour. */
const REMEMBERED_NUMBERS = 100_000;
const REMEMBER_MS = 3_600_000;

/**
 * forwarded: signalled to the onboarding; repeated: the level it last heard for this number, within
 * the hour (nothing sent); rate_limited: news, but the onboarding is over its signal rate (nothing
 * sent); unknown_onboarding: no such onboarding runs (nothing sent).
 */
export type CallForwarding = 'forwarded' | 'repeated' | 'rate_limited' | 'unknown_onboarding';

export type CallForwarder = (onboardingId: string, call: ObservedCall) => Promise<CallForwarding>;

export interface CallForwarderOptions {
  limit?: SignalRateLimit;
  /** Told once each time an onboarding goes over its limit (a log line: it names no one). */
  onLimited?: () => void;
}

export function callForwarder(
  onboardings: Pick<OnboardingsClient, 'notifyCall'>,
  { limit = CALL_SIGNAL_LIMIT, onLimited }: CallForwarderOptions = {},
): CallForwarder {
  const lastLevel = new LRUCache<string, Attestation>({ max: REMEMBERED_NUMBERS, ttl: REMEMBER_MS });
  const signals = signalRateLimiter(limit);
  return async (onboardingId, call) => {
    const key = `${onboardingId} ${call.from}`;
    if (lastLevel.get(key) === call.level) return 'repeated';
    const allowance = signals.take(onboardingId);
    if (allowance === 'limited_first') onLimited?.();
    if (allowance !== 'sent') return 'rate_limited';
    if (!(await onboardings.notifyCall(onboardingId, call))) return 'unknown_onboarding';
    // Remembered once delivered: a signal that failed (a 5xx, retried by Twilio) is sent again.
    lastLevel.set(key, call.level);
    return 'forwarded';
  };
}

/**
 * When Twilio reported the call: its callback's `Timestamp` is RFC 2822 (`Tue, 14 Jan 2025 18:20:36
 * +0000`), a relay's is ISO 8601; both read by Date. None, or one that is no date, is now.
 */
export function observedAt(timestamp: string | undefined, now = new Date()): string {
  const at = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return Number.isNaN(at) ? now.toISOString() : new Date(at).toISOString();
}
