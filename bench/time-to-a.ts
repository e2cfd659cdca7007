/**
 * Time to A for one customer (npm run bench:time-to-a): from the first Trust Hub call until its number
 * is signed A, on the sandbox with Twilio's vetting times scaled down (24 h profile → PROFILE_REVIEW_MS,
 * 72 h trust product → three times that). Two ways, on the same sandbox and delays:
 *
 * - the service: POST /v1/onboardings; the workflow submits the trust product right after the profile,
 *   so the vettings overlap; timed until GET shows the number at A;
 * - serialized: the guide's calls made one after another with the twilio SDK, waiting for the
 *   profile's approval before creating the trust product (what a script, and this service before the
 *   lifecycle redesign, did); timed until the trust product is approved.
 *
 * Prints the median and range of several runs; asserts nothing (machines are shared and noisy).
 */
import type { TwilioClient } from '../src/trusthub/client.js';
import { guideScript } from './guide-script.js';
import { onboardingRequest } from '../test/support/customers.js';
import { profileReviewMs, runs, scaledVettingStack, trustProductReviewMs } from './scaled-vetting.js';

const { stack, close } = await scaledVettingStack();
const numbers = stack.info.phoneNumbers;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function viaService(run: number): Promise<number> {
  const started = performance.now();
  const reply = await stack.api.inject({
    method: 'POST',
    url: '/v1/onboardings',
    payload: onboardingRequest(`bench-${run}`, [numbers[run]!.phoneNumber]),
  });
  const { id } = reply.json<{ id: string }>();
  for (;;) {
    const view = await stack.view(id).catch(() => undefined);
    if (view?.phoneNumbers.length && view.phoneNumbers.every((n) => n.attestation === 'A')) break;
    if (view?.status === 'action-required' || view?.status === 'failed') {
      throw new Error(`${id} is ${view.status}: ${JSON.stringify(view.problem)}`);
    }
    await sleep(50);
  }
  return performance.now() - started;
}

async function serialized(twilio: TwilioClient, run: number): Promise<number> {
  const started = performance.now();
  await guideScript(twilio, {
    primaryProfileSid: stack.info.primaryCustomerProfileSid,
    phoneNumberSid: numbers[runs + run]!.sid,
    label: `serialized ${run}`,
    pollMs: 50,
  });
  return performance.now() - started;
}

function report(label: string, samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `${label.padEnd(50)} median ${(median / 1000).toFixed(2)} s  (min ${(sorted[0]! / 1000).toFixed(2)}, max ${(sorted.at(-1)! / 1000).toFixed(2)}, n=${samples.length})`,
  );
  return median;
}

try {
  const service: number[] = [];
  const baseline: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    service.push(await viaService(run));
    baseline.push(await serialized(stack.twilio, run));
  }
  console.log(
    `time to A for one customer; vetting ${profileReviewMs / 1000} s profile, ${trustProductReviewMs / 1000} s trust product (24 h : 72 h)`,
  );
  const overlapped = report('service (overlapping vetting)', service);
  const serial = report('serialized (profile approved, then trust product)', baseline);
  console.log(
    `overlapping / serialized: ${(overlapped / serial).toFixed(2)}  (ideal: max/sum = ${(trustProductReviewMs / (profileReviewMs + trustProductReviewMs)).toFixed(2)})`,
  );
} finally {
  await close();
}
