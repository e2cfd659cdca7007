/**
 * shakenStirOnboarding — one end customer's SHAKEN/STIR life with Trust Hub, one workflow per customer
 * (ID from the ISV's customerId, see src/contract/ids.ts). First it follows Twilio's ISV guide (./phases/guide.ts),
 * stopping for the ISV's corrections whenever Twilio needs something fixed (./phases/corrections.ts). Once both
 * bundles are approved it stays on and serves the customer (./phases/serving.ts) until it is cancelled,
 * which cleans up or offboards (./phases/cleanup.ts). All of it works on one state object, the entity (./onboarding.ts).
 */
import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  setHandler,
} from '@temporalio/workflow';
import {
  ADOPTION_REFUSED_MESSAGE,
  NumberChangeRefusal,
  addPhoneNumbers,
  startOnboarding,
  type StartRequest,
  bundleStatusChanged,
  getOnboarding,
  removePhoneNumber,
  submitCorrections,
  addProducts,
  callObserved,
  twilioFailing,
  twilioRecovered,
  moveToCurrentBuild,
} from '../../contract/messages.js';
import type { ProductsRequest, Corrections, OnboardingView, Problem } from '../../contract/types.js';
import type { OnboardingInput } from './carried.js';
import { activities, interactively } from './activities.js';
import { compensate, offboard } from './phases/cleanup.js';
import { applyCorrections, waitForCorrections } from './phases/corrections.js';
import { refusalProblem } from './steps/refusals.js';
import { AdoptionRefused, NeedsCorrections, followTheGuide } from './phases/guide.js';
import { serve } from './phases/serving.js';
import { Onboarding } from './onboarding.js';

export async function shakenStirOnboarding(input: OnboardingInput): Promise<OnboardingView> {
  const onboarding = new Onboarding(input);
  registerHandlers(onboarding);
  onboarding.settingsRead(await activities.getOnboardingSettings());
  onboarding.showChange();
  try {
    if (!input.carried) await lookForEarlierRuns(onboarding);
    // A serving run continued as new serves on: the guide is behind it, whatever Twilio says since.
    if (onboarding.carried.serving) return await serve(onboarding);
    await onboard(onboarding);
    onboarding.complete();
    return await serve(onboarding);
  } catch (error) {
    if (isCancellation(error)) {
      onboarding.settleAdoption();
      await CancellationScope.nonCancellable(async () => {
        await (onboarding.carried.serving ? offboard(onboarding) : compensate(onboarding));
        await onboarding.events.handedOver();
      });
      throw error;
    }
    // Continuing as new is how a long wait goes on in a fresh run, not a failure.
    if (error instanceof ContinueAsNew) throw error;
    const adoptionRefused = error instanceof AdoptionRefused;
    if (adoptionRefused) {
      // The run ends, having made nothing. Why is for operators only: this log line (kinds and field
      // names, no value) and the run's failure below (encrypted); the start and the record say the
      // one refusal of every reason, so that no answer confirms a guess of a name or an EIN.
      log.warn('customer profile adoption refused', { reason: error.message });
    }
    onboarding.settleAdoption();
    // Nothing half-done: drafts come off Twilio, as on a cancel (submitted bundles stay, as there).
    if (!onboarding.carried.serving) {
      await CancellationScope.nonCancellable(() => compensate(onboarding, 'failed'));
    }
    const { message } = error as Error;
    if (adoptionRefused) {
      const refusal = ADOPTION_REFUSED_MESSAGE;
      onboarding.fail(refusal, { kind: 'adoption', message: refusal, codes: [], failures: [] });
    } else {
      onboarding.fail(message);
    }
    await CancellationScope.nonCancellable(async () => {
      // Callers still waiting (a number change, corrections) hear the ending, then the run closes.
      onboarding.answerQueuedWork(() =>
        ApplicationFailure.create({
          type: NumberChangeRefusal.NotServing,
          message: `The onboarding failed: ${onboarding.redact(message)}`,
        }),
      );
      await condition(allHandlersFinished);
      await onboarding.events.handedOver();
    });
    if (error instanceof AdoptionRefused) {
      throw ApplicationFailure.nonRetryable(onboarding.redact(error.message), error.type);
    }
    throw error;
  }
}

/**
 * A fresh run claims its customer (src/activities/temporal-claims.ts). Finding the claim already there means an
 * earlier run of this customer was terminated, failed, timed out or was cancelled, and may have left
 * resources at Twilio: this run looks each one up before making it, and carries on with what it finds.
 * A customer's first run pays nothing for this but one claim, which is no Twilio request.
 */
async function lookForEarlierRuns(onboarding: Onboarding): Promise<void> {
  const claimed = await activities.claim({
    kind: 'customer',
    key: onboarding.request.customerId,
    customerId: onboarding.request.customerId,
  });
  if (claimed === 'claimed') return;
  onboarding.earlierRunFound();
  onboarding.note('earlier run found', 'what it left at Twilio is looked up before anything is made');
}

/**
 * Follow the guide; whenever Twilio needs something fixed, wait for the ISV's corrections, apply them
 * (which Twilio may refuse in turn) and follow the guide again from the top.
 */
async function onboard(onboarding: Onboarding): Promise<void> {
  let problem: Problem | undefined;
  for (;;) {
    try {
      if (problem) {
        const corrections = await waitForCorrections(onboarding, problem);
        problem = undefined;
        try {
          await interactively(() => applyCorrections(onboarding, corrections));
        } finally {
          onboarding.correctionsApplied();
        }
      }
      await followTheGuide(onboarding);
      return;
    } catch (error) {
      problem =
        error instanceof NeedsCorrections
          ? error.problem
          : refusalProblem(error, {
              phoneNumbers: onboarding.record.phoneNumbers,
              request: onboarding.request,
            });
      if (!problem) throw error;
      problem = { ...problem, message: onboarding.redact(problem.message) };
    }
  }
}

/** Each handler is one line into the entity (./onboarding.ts), each update's validator beside it there. */
function registerHandlers(onboarding: Onboarding): void {
  setHandler(getOnboarding, () => onboarding.answer());
  setHandler(startOnboarding, () => onboarding.start(), {
    validator: (start: StartRequest) => onboarding.validateStart(start),
  });
  setHandler(submitCorrections, (corrections) => onboarding.correct(corrections), {
    validator: (corrections: Corrections) => onboarding.validateCorrect(corrections),
  });
  setHandler(addPhoneNumbers, (change) => onboarding.addPhoneNumbers(change), {
    validator: (change: { phoneNumbers: string[] }) => onboarding.validateAddPhoneNumbers(change),
  });
  setHandler(removePhoneNumber, (change) => onboarding.removePhoneNumber(change), {
    validator: (change: { phoneNumber: string }) => onboarding.validateRemovePhoneNumber(change),
  });
  setHandler(addProducts, (products) => onboarding.addProducts(products), {
    validator: (products: ProductsRequest) => onboarding.validateAddProducts(products),
  });
  setHandler(bundleStatusChanged, (callback) => onboarding.bundleStatusChanged(callback));
  setHandler(callObserved, (observed) => onboarding.callObserved(observed));
  setHandler(twilioFailing, (outage) => onboarding.twilioFailing(outage));
  setHandler(twilioRecovered, () => onboarding.twilioRecovered());
  setHandler(moveToCurrentBuild, () => onboarding.moveToCurrentBuild());
}
