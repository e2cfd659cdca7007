/**
 * shakenStirOnboarding — one end customer's SHAKEN/STIR life with Trust Hub, one workflow per customer
 * (ID from the ISV's customerId, see src/contract/ids.ts). First it follows Twilio's ISV guide (./phases/guide.ts),
 * stopping for the ISV's corrections whenever Twilio needs something fixed (./phases/corrections.ts). Once both
 * bundles are approved it stays on and serves the customer (./phases/serving.ts) until it is cancelled,
 * which cleans up or offboards (./phases/cleanup.ts). All of it works on one state object (./state.ts).
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
  workflowInfo,
} from '@temporalio/workflow';
import {
  ADOPTION_REFUSED_MESSAGE,
  CorrectionRefusal,
  NumberChangeRefusal,
  StartRefusal,
  addPhoneNumbers,
  startOnboarding,
  type StartAnswer,
  type StartRequest,
  bundleStatusChanged,
  getOnboarding,
  removePhoneNumber,
  submitCorrections,
  addProducts,
  callObserved,
  twilioFailing,
  twilioRecovered,
} from '../../contract/messages.js';
import { canonicalJson, differingFields } from '../../contract/request-identity.js';
import { ATTESTATIONS, ADD_ON_FIELD, ADD_ON_PRODUCTS } from '../../contract/vocabulary.js';
import type { ProductsRequest, Corrections, OnboardingView, Problem } from '../../contract/types.js';
import type { OnboardingInput } from './carried.js';
import { activities, interactively } from './activities.js';
import { compensate, offboard } from './phases/cleanup.js';
import { applyCorrections, checkCorrections, waitForCorrections } from './phases/corrections.js';
import { refusalProblem } from './steps/refusals.js';
import { AdoptionRefused, NeedsCorrections, followTheGuide } from './phases/guide.js';
import { checkNumberChange, checkProductsRequest, requestNumberChange, serve } from './phases/serving.js';
import { checkSubject } from './steps/add-ons.js';
import { describeFailures, productFailures } from '../../contract/product-checks.js';
import { Onboarding } from './state.js';
import { isOutage } from './twilio-outage.js';

export async function shakenStirOnboarding(input: OnboardingInput): Promise<OnboardingView> {
  const onboarding = new Onboarding(input);
  registerHandlers(onboarding);
  onboarding.settings = await activities.getOnboardingSettings();
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
          onboarding.pendingCorrections = undefined;
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

/** At most this many field paths are named in a refused second start. */
const DIFFERING_FIELDS_SHOWN = 20;

function registerHandlers(onboarding: Onboarding): void {
  setHandler(getOnboarding, () => onboarding.answer());

  setHandler(
    startOnboarding,
    async (): Promise<StartAnswer> => {
      // The start that made this run is the update delivered with its first workflow task: the one
      // handled before the run's first activity came back (a first task retried after a worker crash
      // runs from its start again, so it still counts), and not by a run continued as new.
      const created =
        !onboarding.startAnswered &&
        onboarding.settings === undefined &&
        !workflowInfo().continuedFromExecutionRunId;
      onboarding.startAnswered = true;
      await condition(() => onboarding.adoption.state !== 'pending');
      if (onboarding.adoption.state === 'refused') {
        const { type, message, fields } = onboarding.adoption;
        // The refusal leaves the run here: Twilio's words in it are redacted as the view's are.
        throw ApplicationFailure.create({
          type,
          message: onboarding.redact(message),
          details: fields,
          nonRetryable: true,
        });
      }
      return { created, view: onboarding.answer() };
    },
    {
      validator: ({ request, requestDigest }: StartRequest) => {
        if (requestDigest === onboarding.carried.requestDigest) return;
        // The record as corrected so far is the same request too (a client that re-sends what it PATCHed).
        if (canonicalJson(request) === canonicalJson(onboarding.request)) return;
        const fields = differingFields(onboarding.request, request);
        const shown = fields.slice(0, DIFFERING_FIELDS_SHOWN);
        const more = fields.length > shown.length ? ` and ${fields.length - shown.length} more` : '';
        throw ApplicationFailure.create({
          type: StartRefusal.DifferentRequest,
          message: `Customer ${onboarding.record.customerId} is already onboarding (${onboarding.record.status}) with a different request: ${shown.join(', ')}${more} differ. Send corrections with PATCH /v1/onboardings/${onboarding.id}, or cancel it first.`,
          details: shown,
          nonRetryable: true,
        });
      },
    },
  );

  setHandler(bundleStatusChanged, ({ bundleSid, status }) => {
    if (onboarding.bundleSids().includes(bundleSid)) onboarding.hint(bundleSid, status);
  });

  // What Twilio signed on a call (the webhook checked the signature); anything malformed is dropped.
  setHandler(callObserved, (observed) => {
    const valid =
      (ATTESTATIONS as readonly string[]).includes(observed?.level) &&
      typeof observed.from === 'string' &&
      typeof observed.callSid === 'string' &&
      !Number.isNaN(Date.parse(observed.at));
    if (valid) onboarding.callObserved(observed);
  });

  // A Trust Hub activity says Twilio keeps failing its calls, or answers again (./twilio-outage.ts).
  setHandler(twilioFailing, (outage) => {
    if (isOutage(outage)) onboarding.twilioFailing(outage);
  });
  setHandler(twilioRecovered, () => {
    if (onboarding.carried.twilioOutage) onboarding.twilioRecovered();
  });

  setHandler(addProducts, (products) => requestNumberChange(onboarding, { products }), {
    validator: (products: ProductsRequest) => checkProductsRequest(onboarding, products),
  });

  setHandler(
    submitCorrections,
    async (corrections) => {
      onboarding.pendingCorrections = corrections;
      // Answer once the corrections are applied and the onboarding waits again: on Twilio's vetting, or
      // on the ISV when the re-evaluation still finds something wrong.
      await condition(
        () =>
          onboarding.pendingCorrections === undefined &&
          (onboarding.record.step.startsWith('waiting-') || onboarding.record.status !== 'running'),
      );
      return onboarding.answer();
    },
    {
      validator: (corrections: Corrections) => {
        const { record } = onboarding;
        if (record.step !== 'waiting-for-corrections' || onboarding.pendingCorrections !== undefined) {
          throw ApplicationFailure.create({
            type: CorrectionRefusal.NotWaiting,
            message: `This onboarding is ${record.status} (${record.step}); corrections are accepted only while it waits for them (action-required during onboarding).`,
          });
        }
        const reasons = checkCorrections(corrections, {
          trustProductPhase: record.customerProfile?.status === 'twilio-approved',
          trustProductRejected: record.trustProduct?.status === 'twilio-rejected',
        });
        // Voice Integrity and CNAM by the API's rules, for the business as it will be once corrected.
        const subject = checkSubject(onboarding);
        if (corrections.business?.name) subject.businessName = corrections.business.name;
        reasons.push(...describeFailures(productFailures(corrections, subject)));
        // A trust product in review or approved takes no edits at Twilio: its end user cannot change now.
        for (const product of ADD_ON_PRODUCTS) {
          const field = ADD_ON_FIELD[product];
          const status = onboarding.addOnSnapshot(product)?.status;
          if (corrections[field] && status && status !== 'draft' && status !== 'twilio-rejected') {
            reasons.push(
              `${field} cannot be corrected while its trust product is ${status}: Twilio allows no edits then`,
            );
          }
        }
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

  setHandler(addPhoneNumbers, ({ phoneNumbers }) => requestNumberChange(onboarding, { add: phoneNumbers }), {
    validator: ({ phoneNumbers }: { phoneNumbers: string[] }) => checkNumberChange(onboarding, phoneNumbers),
  });
  setHandler(
    removePhoneNumber,
    ({ phoneNumber }) => requestNumberChange(onboarding, { remove: phoneNumber }),
    {
      validator: ({ phoneNumber }: { phoneNumber: string }) => checkNumberChange(onboarding, [phoneNumber]),
    },
  );
}
