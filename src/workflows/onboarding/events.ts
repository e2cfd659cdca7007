/**
 * Events to the ISV's own system (EVENTS_URL): each change a person would act on — a bundle submitted,
 * approved or rejected, the onboarding needing the ISV, Twilio failing its calls and answering again,
 * completing, failing or being cancelled, a number's attestation changing — so the ISV's system is
 * told instead of polling GET.
 *
 * Events are derived, not sprinkled through the phases: every change already goes through `showChange()`
 * (./run.ts), which compares the state with what was last announced (`carried.announced`, handed on
 * through continue-as-new) and queues the difference. A replay derives the same events in the same
 * order; a continued run announces nothing twice.
 *
 * Each event is delivered by its own child workflow (../event-delivery.ts), started with the event's ID
 * as workflow ID and abandoned by the parent: a slow or failing endpoint retries there, with backoff, for
 * days, and never holds up the onboarding, its continue-as-new or its end. Starting the same event twice
 * is refused by the server, which keeps an event from being sent twice even if a run is reset.
 */
import { CancellationScope, ParentClosePolicy, condition, log, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { BundleSnapshot, PhoneNumberStatus } from '../../contract/types.js';
import {
  EVENT_DELIVERY_WORKFLOW_TYPE,
  type OnboardingEvent,
  type OnboardingEventType,
} from '../../contract/events.js';
import type { AnnouncedState, CarriedState } from './carried.js';
import type { Attestation } from '../../contract/vocabulary.js';
import { explainedProblemOf } from '../remedies.js';
import { outageProblem } from './twilio-outage.js';

/** Bundle statuses that are news to the ISV, and the event each one is. */
const BUNDLE_EVENTS: Record<string, 'submitted' | 'approved' | 'rejected'> = {
  'pending-review': 'submitted',
  'in-review': 'submitted',
  'twilio-approved': 'approved',
  'twilio-rejected': 'rejected',
};

const STATUS_EVENTS: Partial<Record<AnnouncedState['status'], OnboardingEventType>> = {
  'action-required': 'onboarding.action-required',
  completed: 'onboarding.completed',
  failed: 'onboarding.failed',
  cancelled: 'onboarding.cancelled',
};

/** The customer's bundles: profile, SHAKEN/STIR, and the Voice Integrity and CNAM trust products. */
function bundlesOf(view: CarriedState['view']): BundleSnapshot[] {
  return [view.customerProfile, view.trustProduct, view.voiceIntegrity, view.cnam].filter(
    (b): b is BundleSnapshot => !!b,
  );
}

const mismatchKey = (m: { at: string; cause: string }) => `${m.at}|${m.cause}`;
const driftKey = (d: { at: string; objectSid: string }) => `${d.at}|${d.objectSid}`;

function snapshot(carried: CarriedState, numbers: PhoneNumberStatus[], sequence: number): AnnouncedState {
  const { view } = carried;
  const bundles: Record<string, string> = {};
  for (const bundle of bundlesOf(view)) bundles[bundle.sid] = bundle.status;
  const attestations: Record<string, Attestation> = {};
  for (const number of numbers) attestations[number.sid] = number.attestation;
  const announced: AnnouncedState = { sequence, status: view.status, bundles, attestations };
  // Kept only once there is something, so the carried state stays small.
  const mismatches = Object.entries(carried.mismatches ?? {});
  if (mismatches.length)
    announced.mismatches = Object.fromEntries(mismatches.map(([sid, m]) => [sid, mismatchKey(m)]));
  if (view.drift?.length) announced.drift = view.drift.map(driftKey);
  if (carried.twilioOutage) announced.twilioFailing = carried.twilioOutage.since;
  return announced;
}

/**
 * The events between what was announced and the state now, oldest first; records the state as announced.
 * The first look only records: a run starts with nothing to tell, and a run that began before events
 * existed should not announce its past. `firstRunId`: the first run's ID (`workflowInfo()`'s), which
 * event IDs name, so a customer onboarded again after a failure gets new ones.
 */
export function eventsSinceAnnounced(
  carried: CarriedState,
  numbers: PhoneNumberStatus[],
  now: Date,
  firstRunId: string,
): OnboardingEvent[] {
  const before = carried.announced;
  if (!before) {
    carried.announced = snapshot(carried, numbers, 0);
    return [];
  }
  const { view } = carried;
  const events: OnboardingEvent[] = [];
  let sequence = before.sequence;
  const add = (type: OnboardingEventType, data: Partial<OnboardingEvent['data']> = {}) => {
    sequence += 1;
    events.push({
      id: `${view.id}:${firstRunId}:${sequence}`,
      type,
      timestamp: now.toISOString(),
      data: {
        onboardingId: view.id,
        customerId: view.customerId,
        status: view.status,
        step: view.step,
        ...data,
      },
    });
  };

  for (const bundle of bundlesOf(view)) {
    const news = BUNDLE_EVENTS[bundle.status];
    const announced = before.bundles[bundle.sid];
    // Pending and in review are the same news; a resubmission after a rejection is news again.
    const alreadyToldSubmitted =
      news === 'submitted' && (announced === 'pending-review' || announced === 'in-review');
    if (!news || announced === bundle.status || alreadyToldSubmitted) continue;
    add(`${bundle.product && bundle.product !== 'shaken-stir' ? bundle.product : bundle.kind}.${news}`, {
      bundle: { sid: bundle.sid, status: bundle.status, errors: bundle.errors.map((e) => ({ ...e })) },
    });
  }

  for (const number of numbers) {
    const previous = before.attestations[number.sid];
    // A number seen for the first time has nothing to change from; its first move is news.
    if (previous === undefined || previous === number.attestation) continue;
    add('phone-number.attestation-changed', {
      phoneNumber: {
        phoneNumber: number.phoneNumber,
        sid: number.sid,
        attestation: number.attestation,
        previousAttestation: previous,
        blockedBy: number.blockedBy,
      },
    });
  }

  for (const entry of view.drift ?? []) {
    if (before.drift?.includes(driftKey(entry))) continue;
    const family = entry.product === 'shaken-stir' ? 'trust-product' : entry.product;
    add(`${family}.drift`, {
      drift: {
        bundleSid: entry.bundleSid,
        objectSid: entry.objectSid,
        objectKind: entry.objectKind,
        repaired: entry.repaired,
      },
    });
  }

  for (const number of numbers) {
    const mismatch = carried.mismatches?.[number.sid];
    if (!mismatch || before.mismatches?.[number.sid] === mismatchKey(mismatch)) continue;
    add('phone-number.attestation-mismatch', {
      mismatch: {
        observed: mismatch.observed,
        inferred: mismatch.inferred,
        cause: mismatch.cause,
        callSid: carried.observed?.[number.sid]?.callSid ?? '',
      },
      phoneNumber: {
        phoneNumber: number.phoneNumber,
        sid: number.sid,
        attestation: number.attestation,
        previousAttestation: before.attestations[number.sid] ?? number.attestation,
        blockedBy: number.blockedBy,
      },
    });
  }

  // Twilio failing the run's calls, and answering again (./twilio-outage.ts): each outage told once.
  const outage = carried.twilioOutage;
  if (outage && before.twilioFailing !== outage.since) {
    const { kind, message, codes, remedy, fields, fix } = outageProblem(outage);
    add('onboarding.twilio-failing', { problem: { kind, message, codes, remedy, fields, fix, outage } });
  } else if (!outage && before.twilioFailing && view.status !== 'failed' && view.status !== 'cancelled') {
    add('onboarding.twilio-recovered');
  }

  const statusEvent = view.status !== before.status ? STATUS_EVENTS[view.status] : undefined;
  if (statusEvent) {
    // The problem as the view explains it (../remedies.ts): the remedy, the fields and the call.
    const problem = explainedProblemOf(carried);
    add(
      statusEvent,
      problem && view.status === 'action-required'
        ? {
            problem: {
              kind: problem.kind,
              message: problem.message,
              codes: problem.codes,
              remedy: problem.remedy,
              fields: problem.fields,
              fix: problem.fix,
            },
          }
        : {},
    );
  }

  carried.announced = snapshot(carried, numbers, sequence);
  return events;
}

/** Whether this run sends events: configured on the worker. */
export function sendsEvents(eventsEnabled: boolean | undefined): boolean {
  return eventsEnabled === true;
}

/**
 * The events waiting for their delivery workflow to start. The first event starts a loop that starts
 * one delivery per event, in order, for as long as the run lives, outside cancellation: a cancelled
 * onboarding still announces that it was cancelled. (Started on the first event rather than with the
 * run, which has nothing to announce yet.)
 */
export class EventOutbox {
  readonly #queue: OnboardingEvent[] = [];
  #forwarding = false;

  push(events: OnboardingEvent[]): void {
    if (!events.length) return;
    this.#queue.push(...events);
    if (this.#forwarding) return;
    this.#forwarding = true;
    void CancellationScope.nonCancellable(() => this.#forward());
  }

  /** Every queued event has its delivery started. */
  get empty(): boolean {
    return this.#queue.length === 0;
  }

  /** Resolves once every queued event has its delivery started: before the run ends. */
  async handedOver(): Promise<void> {
    await condition(() => this.empty);
  }

  async #forward(): Promise<never> {
    for (;;) {
      await condition(() => this.#queue.length > 0);
      const event = this.#queue[0]!;
      try {
        await startChild(EVENT_DELIVERY_WORKFLOW_TYPE, {
          workflowId: event.id,
          args: [event],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          // Never again under this ID, even once delivered: a reset run re-deriving events sends none twice.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: `${event.type} for ${event.data.onboardingId}`,
        });
      } catch (error) {
        // Started before (a reset run re-deriving its events): that delivery is already under way or
        // done. Any other refusal loses this one event, said in the worker's log, rather than leave the
        // queue stuck, which would hold up the run's end and its continue-as-new.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
          log.warn('event not handed over for delivery', {
            eventId: event.id,
            type: event.type,
            error: String(error),
          });
        }
      }
      this.#queue.shift();
    }
  }
}
