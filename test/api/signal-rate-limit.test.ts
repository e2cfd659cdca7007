/**
 * The token bucket per onboarding (src/api/signal-rate-limit.ts), on a clock the test moves: a burst,
 * then one signal per interval; each onboarding on its own; one log-worthy refusal per episode.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signalRateLimiter } from '../../src/api/signal-rate-limit.js';

function limiter(options: { max?: number } = {}) {
  let now = 1_000_000;
  const limits = signalRateLimiter({ burst: 3, refillMs: 10_000 }, { ...options, now: () => now });
  return {
    take: (id: string) => limits.take(id),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

test('a burst is allowed, then one per interval; the first refusal of an episode says so', () => {
  const { take, advance } = limiter();
  const burst = Array.from({ length: 5 }, () => take('onboarding-a'));
  assert.deepEqual(burst, ['sent', 'sent', 'sent', 'limited_first', 'limited']);
  advance(9_999);
  assert.equal(take('onboarding-a'), 'limited');
  advance(1);
  assert.equal(take('onboarding-a'), 'sent');
  // Over again after the one it had room for: a new episode, logged again.
  assert.equal(take('onboarding-a'), 'limited_first');
});

test('each onboarding has its own bucket', () => {
  const { take } = limiter();
  for (let i = 0; i < 3; i += 1) assert.equal(take('onboarding-a'), 'sent');
  assert.equal(take('onboarding-a'), 'limited_first');
  assert.equal(take('onboarding-b'), 'sent');
});

test('a bucket refills to its burst, never beyond', () => {
  const { take, advance } = limiter();
  take('onboarding-a');
  advance(24 * 3_600_000);
  const after = Array.from({ length: 4 }, () => take('onboarding-a'));
  assert.deepEqual(after, ['sent', 'sent', 'sent', 'limited_first']);
});

test('the buckets are bounded: the least recently used is forgotten (full again)', () => {
  const { take } = limiter({ max: 2 });
  for (let i = 0; i < 3; i += 1) take('onboarding-a');
  assert.equal(take('onboarding-a'), 'limited_first');
  take('onboarding-b');
  take('onboarding-c');
  assert.equal(take('onboarding-a'), 'sent');
});
