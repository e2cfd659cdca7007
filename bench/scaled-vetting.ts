/**
 * The stack the per-customer benchmarks (time-to-a.ts, products.ts) run on: the dev server, and the
 * sandbox vetting on its own with Twilio's times scaled down (24 h profile → PROFILE_REVIEW_MS, 72 h
 * trust product → three times that), BENCH_RUNS runs of two customers each.
 */
import { startStack, type Stack } from '../test/support/stack.js';
import { devServerEnvironment } from '../test/support/temporal.js';

export const runs = Number(process.env.BENCH_RUNS ?? 3);
export const profileReviewMs = Number(process.env.PROFILE_REVIEW_MS ?? 2_000);
export const trustProductReviewMs = 3 * profileReviewMs;

export async function scaledVettingStack(): Promise<{ stack: Stack; close: () => Promise<void> }> {
  const env = await devServerEnvironment();
  const stack = await startStack({
    temporal: env,
    sandbox: { vetting: 'auto', profileReviewMs, trustProductReviewMs, phoneNumbers: 2 * runs },
  });
  return {
    stack,
    close: async () => {
      await stack.close();
      await env.teardown();
    },
  };
}
