/**
 * shakenStirOnboarding — one end customer's SHAKEN/STIR life with Trust Hub, one workflow per customer
 * (ID from the ISV's customerId, see ../contract.ts). First it follows Twilio's ISV guide (./guide.ts),
 * stopping for the ISV's corrections whenever Twilio needs something fixed (./corrections.ts). Once both
 * bundles are approved it stays on and serves the customer (./maintenance.ts) until it is cancelled,
 * which cleans up or offboards (./cleanup.ts). All of it works on one state object (./state.ts).
 */
import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  condition,
  isCancellation,
  patched,
  setHandler,
} from '@temporalio/workflow';
import {
  CorrectionRefusal,
  addPhoneNumbers,
  bundleStatusChanged,
  getOnboarding,
  removePhoneNumber,
  submitCorrections,
  type Corrections,
  type OnboardingInput,
  type OnboardingView,
  type Problem,
} from '../contract.js';
import { trustHub } from './activities.js';
import { compensate, offboard } from './cleanup.js';
import { applyCorrections, checkCorrections, refusalProblem, waitForCorrections } from './corrections.js';
import { NeedsCorrections, followTheGuide } from './guide.js';
import { checkNumberChange, requestNumberChange, serve } from './maintenance.js';
import { Onboarding } from './state.js';

/**
 * Runs recorded before the workflow stayed on after approval ended at completion. Their histories must
 * replay unchanged (queries on a closed run replay it): they take the old path; every new run records
 * this patch and serves.
 */
export const SERVE_AFTER_APPROVAL = 'serve-after-approval';

export async function shakenStirOnboarding(input: OnboardingInput): Promise<OnboardingView> {
  const o = new Onboarding(input);
  registerHandlers(o);
  o.settings = await trustHub.getOnboardingSettings();
  o.publish();
  try {
    // A serving run continued as new serves on: the guide is behind it, whatever Twilio says since.
    if (o.carried.serving) return await serve(o);
    await onboard(o);
    const { view } = o;
    if (view.status !== 'completed') {
      o.note('completed', `A-level attestation for ${view.phoneNumbers.map((n) => n.sid).join(', ')}`);
    }
    view.status = 'completed';
    view.step = 'done';
    o.publish();
    if (!patched(SERVE_AFTER_APPROVAL)) return o.answer();
    return await serve(o);
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(async () => {
        await (o.carried.serving ? offboard(o) : compensate(o));
        await o.events.handedOver();
      });
      throw error;
    }
    // Continuing as new is how a long wait goes on in a fresh run, not a failure.
    if (error instanceof ContinueAsNew) throw error;
    o.view.status = 'failed';
    o.view.step = 'done';
    o.note('failed', (error as Error).message);
    o.publish();
    await o.events.handedOver();
    throw error;
  }
}

/**
 * Follow the guide; whenever Twilio needs something fixed, wait for the ISV's corrections, apply them
 * (which Twilio may refuse in turn) and follow the guide again from the top.
 */
async function onboard(o: Onboarding): Promise<void> {
  let problem: Problem | undefined;
  for (;;) {
    try {
      if (problem) {
        const corrections = await waitForCorrections(o, problem);
        problem = undefined;
        try {
          await applyCorrections(o, corrections);
        } finally {
          o.pendingCorrections = undefined;
        }
      }
      await followTheGuide(o);
      return;
    } catch (error) {
      problem = error instanceof NeedsCorrections ? error.problem : refusalProblem(error);
      if (!problem) throw error;
    }
  }
}

function registerHandlers(o: Onboarding): void {
  setHandler(getOnboarding, () => o.answer());

  setHandler(bundleStatusChanged, ({ bundleSid, status }) => {
    if (o.bundleSids().includes(bundleSid)) o.hint(bundleSid, status);
  });

  setHandler(
    submitCorrections,
    async (corrections) => {
      o.pendingCorrections = corrections;
      // Answer once the corrections are applied and the onboarding waits again: on Twilio's vetting, or
      // on the ISV when the re-evaluation still finds something wrong.
      await condition(
        () =>
          o.pendingCorrections === undefined &&
          (o.view.step.startsWith('waiting-') || o.view.status !== 'running'),
      );
      return o.answer();
    },
    {
      validator: (corrections: Corrections) => {
        const { view } = o;
        if (view.step !== 'waiting-for-corrections' || o.pendingCorrections !== undefined) {
          throw ApplicationFailure.create({
            type: CorrectionRefusal.NotWaiting,
            message: `This onboarding is ${view.status} (${view.step}); corrections are accepted only while it waits for them (action-required during onboarding).`,
          });
        }
        const reasons = checkCorrections(corrections, {
          trustProductPhase: view.customerProfile?.status === 'twilio-approved',
          trustProductRejected: view.trustProduct?.status === 'twilio-rejected',
        });
        if (reasons.length) {
          throw ApplicationFailure.create({
            type: CorrectionRefusal.Invalid,
            message: reasons.join('; '),
            details: reasons,
          });
        }
      },
    },
  );

  setHandler(addPhoneNumbers, ({ phoneNumbers }) => requestNumberChange(o, { add: phoneNumbers }), {
    validator: ({ phoneNumbers }: { phoneNumbers: string[] }) => checkNumberChange(o, phoneNumbers),
  });
  setHandler(removePhoneNumber, ({ phoneNumber }) => requestNumberChange(o, { remove: phoneNumber }), {
    validator: ({ phoneNumber }: { phoneNumber: string }) => checkNumberChange(o, [phoneNumber]),
  });
}
