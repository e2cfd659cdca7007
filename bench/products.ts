/**
 * What Voice Integrity and CNAM cost one customer (npm run bench:products): Twilio requests, counted at
 * the sandbox route by route, and the time to every approval, on the sandbox with Twilio's vetting times
 * scaled down (24 h profile → PROFILE_REVIEW_MS, 72 h trust product → three times that; the sandbox
 * reviews Voice Integrity and CNAM in the trust product's time). Each run onboards two customers one
 * after the other on the same stack: one with SHAKEN/STIR only, one with all three products.
 *
 * Prints the requests per onboarding for both, the difference route by route, and the median time to A
 * and to `completed`; asserts nothing (machines are shared and noisy).
 */
import { BOTH_ADD_ONS, onboardingRequest } from '../test/support/customers.js';
import { profileReviewMs, runs, scaledVettingStack, trustProductReviewMs } from './scaled-vetting.js';

const { stack, close } = await scaledVettingStack();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const requests = async () =>
  (await stack.admin<{ requests: { byRoute: Record<string, number> } }>('GET', '/__sandbox/state')).requests
    .byRoute;

interface Outcome {
  toA: number;
  toCompleted: number;
  byRoute: Record<string, number>;
}

async function onboard(customerId: string, phoneNumber: string, withProducts: boolean): Promise<Outcome> {
  const before = await requests();
  const started = performance.now();
  const reply = await stack.api.inject({
    method: 'POST',
    url: '/v1/onboardings',
    payload: {
      ...onboardingRequest(customerId, [phoneNumber]),
      ...(withProducts ? BOTH_ADD_ONS : {}),
    },
  });
  const { id } = reply.json<{ id: string }>();
  let toA: number | undefined;
  for (;;) {
    const view = await stack.view(id).catch(() => undefined);
    if (toA === undefined && view?.phoneNumbers[0]?.attestation === 'A') toA = performance.now() - started;
    if (view?.status === 'completed') break;
    if (view?.status === 'action-required' || view?.status === 'failed') {
      throw new Error(`${id} is ${view.status}: ${JSON.stringify(view.problem)}`);
    }
    await sleep(50);
  }
  const toCompleted = performance.now() - started;
  // The decision callbacks' reads land just after completion's last one: let the counts settle.
  await sleep(500);
  const after = await requests();
  const byRoute = Object.fromEntries(
    Object.entries(after)
      .map(([route, n]) => [route, n - (before[route] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  return { toA: toA ?? toCompleted, toCompleted, byRoute };
}

const total = (byRoute: Record<string, number>) => Object.values(byRoute).reduce((sum, n) => sum + n, 0);
const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

try {
  const plain: Outcome[] = [];
  const three: Outcome[] = [];
  for (let run = 0; run < runs; run += 1) {
    plain.push(await onboard(`bench-plain-${run}`, stack.info.phoneNumbers[2 * run]!.phoneNumber, false));
    three.push(await onboard(`bench-three-${run}`, stack.info.phoneNumbers[2 * run + 1]!.phoneNumber, true));
  }
  console.log(
    `vetting ${profileReviewMs / 1000} s profile, ${trustProductReviewMs / 1000} s each trust product (24 h : 72 h); n=${runs}`,
  );
  console.log(
    `Twilio requests per onboarding: SHAKEN/STIR only ${plain.map((o) => total(o.byRoute)).join(', ')}; three products ${three.map((o) => total(o.byRoute)).join(', ')}`,
  );
  console.log('requests the two add-ons add, by route (first run):');
  const routes = new Set([...Object.keys(plain[0]!.byRoute), ...Object.keys(three[0]!.byRoute)]);
  for (const route of [...routes].sort()) {
    const added = (three[0]!.byRoute[route] ?? 0) - (plain[0]!.byRoute[route] ?? 0);
    if (added !== 0) console.log(`  ${String(added).padStart(3)}  ${route}`);
  }
  console.log(
    `time to A:          SHAKEN/STIR only ${seconds(median(plain.map((o) => o.toA)))}, three products ${seconds(median(three.map((o) => o.toA)))}`,
  );
  console.log(
    `time to completed:  SHAKEN/STIR only ${seconds(median(plain.map((o) => o.toCompleted)))}, three products ${seconds(median(three.map((o) => o.toCompleted)))}  (every product approved)`,
  );
  console.log(
    `ideal: A at max(profile, trust product) = ${seconds(Math.max(profileReviewMs, trustProductReviewMs))}; add-ons submitted at the profile's approval, so all approved at ${seconds(profileReviewMs + trustProductReviewMs)}`,
  );
} finally {
  await close();
}
