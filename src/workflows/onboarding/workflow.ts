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
  allHandlersFinished,
  condition,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  CorrectionRefusal,
  StartRefusal,
  addPhoneNumbers,
  canonicalJson,
  differingFields,
  startOnboarding,
  type StartAnswer,
  type StartRequest,
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
import { AdoptionRefused, NeedsCorrections, followTheGuide } from './guide.js';
import { checkNumberChange, requestNumberChange, serve } from './maintenance.js';
import { Onboarding } from './state.js';
import {
  SERVE_AFTER_APPROVAL,
  CLAIMED_PROFILES,
  BOUNDED_CALLBACKS,
  CLEAN_UP_ON_FAILURE,
} from '../patches.js';

export async function shakenStirOnboarding(input: OnboardingInput): Promise<OnboardingView> {
  const o = new Onboarding(input);
  registerHandlers(o);
  o.boundedCallbacks = patched(BOUNDED_CALLBACKS);
  o.settings = await trustHub.getOnboardingSettings();
  o.publish();
  try {
    if (!input.carried && patched(CLAIMED_PROFILES)) await lookForEarlierRuns(o);
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
      o.settleAdoption('The onboarding was cancelled before the profile was adopted.');
      await CancellationScope.nonCancellable(async () => {
        await (o.carried.serving ? offboard(o) : compensate(o));
        await o.events.handedOver();
      });
      throw error;
    }
    // Continuing as new is how a long wait goes on in a fresh run, not a failure.
    if (error instanceof ContinueAsNew) throw error;
    if (error instanceof AdoptionRefused) {
      // The start that asked for the adoption hears why; the run ends, having made nothing.
      o.adoption = { state: 'refused', type: error.type, message: error.message, fields: error.fields };
      o.view.problem = { kind: 'adoption', message: error.message, codes: [], failures: [] };
    }
    o.settleAdoption(`The onboarding failed: ${(error as Error).message}`);
    // Nothing half-done: drafts come off Twilio, as on a cancel (submitted bundles stay, as there).
    if (!o.carried.serving && patched(CLEAN_UP_ON_FAILURE)) {
      await CancellationScope.nonCancellable(() => compensate(o, 'failed'));
    }
    o.view.status = 'failed';
    o.view.step = 'done';
    o.note('failed', o.redact((error as Error).message));
    o.publish();
    await CancellationScope.nonCancellable(async () => {
      await condition(allHandlersFinished);
      await o.events.handedOver();
    });
    if (error instanceof AdoptionRefused) throw ApplicationFailure.nonRetryable(error.message, error.type);
    throw error;
  }
}

/**
 * A fresh run claims its customer (src/temporal/claims.ts). Finding the claim already there means an
 * earlier run of this customer was terminated, failed, timed out or was cancelled, and may have left
 * resources at Twilio: this run looks each one up before making it, and carries on with what it finds.
 * A customer's first run pays nothing for this but one claim, which is no Twilio request.
 */
async function lookForEarlierRuns(o: Onboarding): Promise<void> {
  const claimed = await trustHub.claim({
    kind: 'customer',
    key: o.request.customerId,
    customerId: o.request.customerId,
  });
  if (claimed === 'claimed') return;
  o.carried.earlierRun = true;
  o.note('earlier run found', 'what it left at Twilio is looked up before anything is made');
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
      problem = { ...problem, message: o.redact(problem.message) };
    }
  }
}

/** At most this many field paths are named in a refused second start. */
const DIFFERING_FIELDS_SHOWN = 20;

function registerHandlers(o: Onboarding): void {
  setHandler(getOnboarding, () => o.answer());

  setHandler(
    startOnboarding,
    async (): Promise<StartAnswer> => {
      // The start that made this run is the update delivered with its first workflow task.
      const info = workflowInfo();
      const created = !o.startAnswered && !info.continuedFromExecutionRunId && info.historyLength <= 3;
      o.startAnswered = true;
      await condition(() => o.adoption.state !== 'pending');
      if (o.adoption.state === 'refused') {
        const { type, message, fields } = o.adoption;
        throw ApplicationFailure.create({ type, message, details: fields, nonRetryable: true });
      }
      return { created, view: o.answer() };
    },
    {
      validator: ({ request, requestDigest }: StartRequest) => {
        if (requestDigest === o.carried.requestDigest) return;
        // The record as corrected so far is the same request too (a client that re-sends what it PATCHed).
        if (canonicalJson(request) === canonicalJson(o.request)) return;
        const fields = differingFields(o.request, request);
        const shown = fields.slice(0, DIFFERING_FIELDS_SHOWN);
        const more = fields.length > shown.length ? ` and ${fields.length - shown.length} more` : '';
        throw ApplicationFailure.create({
          type: StartRefusal.DifferentRequest,
          message: `Customer ${o.view.customerId} is already onboarding (${o.view.status}) with a different request: ${shown.join(', ')}${more} differ. Send corrections with PATCH /v1/onboardings/${o.id}, or cancel it first.`,
          details: shown,
          nonRetryable: true,
        });
      },
    },
  );

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
