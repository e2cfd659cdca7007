/**
 * The onboarding entity: the one state object of a run, and its handlers (as in the
 * safe-message-handlers sample of temporalio/samples-typescript: a thin workflow function whose
 * `setHandler` calls are one-liners into a state class). Each update's validator is the method beside
 * its handler. No field is written from outside: the phases (./guide.ts, ./corrections.ts,
 * ./serving.ts, ./cleanup.ts) change it through its methods, so each change of status, resources or
 * numbers is written once, with the timeline entry that goes with it, and shown.
 *
 * It is a facade over parts that take plain data, never the entity: the ledger (./record.ts), the
 * status machine (./lifecycle.ts), problems and mismatches (./problems.ts), the callback policy
 * (./inbox.ts) and the projection (./projection.ts). What calls Temporal is here and in the run it
 * extends (./run.ts: showing changes, steps, statuses, callbacks, continue-as-new).
 *
 * Everything that must survive continue-as-new lives in `carried` and is handed over whole; the rest
 * (callback hints, queued changes, pending corrections) belongs to one run.
 */
import { ApplicationFailure, condition, workflowInfo } from '@temporalio/workflow';
import { ADD_ON_FIELD, ADD_ON_PRODUCTS, ATTESTATIONS, type Attestation } from '../../contract/vocabulary.js';
import {
  CorrectionRefusal,
  StartRefusal,
  type StartAnswer,
  type StartRequest,
} from '../../contract/messages.js';
import { canonicalJson, differingFields } from '../../contract/request-identity.js';
import { describeFailures, productFailures } from '../../contract/product-checks.js';
import type { Corrections, OnboardingView, ProductsRequest, TwilioOutage } from '../../contract/types.js';
import type { OnboardingInput } from './carried.js';
import { checkCorrections } from './phases/corrections.js';
import { settledAdoption, type Adoption } from './lifecycle.js';
import { checkSubject } from './steps/add-ons.js';
import { OnboardingRun } from './run.js';
import { checkNumberChange } from './phases/serving/number-changes.js';
import { checkProductsRequest } from './phases/serving/added-products.js';
import { isOutage } from './twilio-outage.js';

/**
 * A change the API asked for while serving (numbers added or removed, products added), applied by the
 * main loop one at a time, answered through `done`.
 */
export interface QueuedChange {
  add?: string[];
  remove?: string;
  products?: ProductsRequest;
  done: boolean;
  refusal?: Error;
}

/** At most this many field paths are named in a refused second start. */
const DIFFERING_FIELDS_SHOWN = 20;

export class Onboarding extends OnboardingRun {
  /** The changes asked for while serving (numbers and products), in order: the main loop makes them. */
  readonly #queuedChanges: QueuedChange[] = [];
  #pendingCorrections: Corrections | undefined;
  #adoption: Adoption = { state: 'none' };
  /** A start (startOnboarding) has been answered in this run. */
  #startAnswered = false;
  /** The profile to adopt as the adoption check read it (this run only: adoption happens once). */

  constructor(input: OnboardingInput) {
    super(
      input.onboardingId,
      input.carried
        ? // Runs continued as new carry the request as corrected so far in the input.
          { ...input.carried, request: input.request }
        : {
            view: {
              id: input.onboardingId,
              customerId: input.request.customerId,
              status: 'running',
              step: 'creating-customer-profile',
              customerProfile: null,
              trustProduct: null,
              resources: { representativeSids: [] },
              phoneNumbers: [],
              latestEvaluation: null,
              problem: null,
              corrections: 0,
              compensation: [],
              timeline: [],
            },
            request: input.request,
            linked: {},
            numbers: {},
            revision: 1,
            ...(input.requestDigest ? { requestDigest: input.requestDigest } : {}),
          },
    );
    // Set before any handler exists: the start that came with this run must wait for the adoption.
    if (!input.carried && input.request.customerProfileSid) this.#adoption = { state: 'pending' };
    // The products asked for are on the view from the start (null until Twilio has their trust product).
    for (const product of this.requestedAddOns()) this.addOnRequested(product);
  }

  // ---- handlers (registered in ./workflow.ts), each update's validator beside it ----------------------

  /** startOnboarding: the view once the adoption (if any) is decided, and whether this start made the run. */
  async start(): Promise<StartAnswer> {
    // The start that made this run is the update delivered with its first workflow task: the one
    // handled before the run's first activity came back (a first task retried after a worker crash
    // runs from its start again, so it still counts), and not by a run continued as new.
    const created = !this.#startAnswered && !this.hasSettings && !workflowInfo().continuedFromExecutionRunId;
    this.#startAnswered = true;
    await condition(() => this.#adoption.state !== 'pending');
    if (this.#adoption.state === 'refused') {
      const { type, message, fields } = this.#adoption;
      // The refusal leaves the run here: Twilio's words in it are redacted as the view's are.
      throw ApplicationFailure.create({
        type,
        message: this.redact(message),
        details: fields,
        nonRetryable: true,
      });
    }
    return { created, view: this.answer() };
  }

  validateStart({ request, requestDigest }: StartRequest): void {
    if (requestDigest === this.carried.requestDigest) return;
    // The record as corrected so far is the same request too (a client that re-sends what it PATCHed).
    if (canonicalJson(request) === canonicalJson(this.request)) return;
    const fields = differingFields(this.request, request);
    const shown = fields.slice(0, DIFFERING_FIELDS_SHOWN);
    const more = fields.length > shown.length ? ` and ${fields.length - shown.length} more` : '';
    throw ApplicationFailure.create({
      type: StartRefusal.DifferentRequest,
      message: `Customer ${this.record.customerId} is already onboarding (${this.record.status}) with a different request: ${shown.join(', ')}${more} differ. Send corrections with PATCH /v1/onboardings/${this.id}, or cancel it first.`,
      details: shown,
      nonRetryable: true,
    });
  }

  /** submitCorrections: answered once they are applied and the onboarding waits again (vetting or the ISV). */
  async correct(corrections: Corrections): Promise<OnboardingView> {
    this.#pendingCorrections = corrections;
    await condition(
      () =>
        this.#pendingCorrections === undefined &&
        (this.record.step.startsWith('waiting-') || this.record.status !== 'running'),
    );
    return this.answer();
  }

  validateCorrect(corrections: Corrections): void {
    const { record } = this;
    if (record.step !== 'waiting-for-corrections' || this.#pendingCorrections !== undefined) {
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
    const subject = checkSubject(this);
    if (corrections.business?.name) subject.businessName = corrections.business.name;
    reasons.push(...describeFailures(productFailures(corrections, subject)));
    // A trust product in review or approved takes no edits at Twilio: its end user cannot change now.
    for (const product of ADD_ON_PRODUCTS) {
      const field = ADD_ON_FIELD[product];
      const status = this.addOnSnapshot(product)?.status;
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
  }

  addPhoneNumbers({ phoneNumbers }: { phoneNumbers: string[] }): Promise<OnboardingView> {
    return this.#queueChange({ add: phoneNumbers });
  }

  validateAddPhoneNumbers({ phoneNumbers }: { phoneNumbers: string[] }): void {
    checkNumberChange(this, phoneNumbers);
  }

  removePhoneNumber({ phoneNumber }: { phoneNumber: string }): Promise<OnboardingView> {
    return this.#queueChange({ remove: phoneNumber });
  }

  validateRemovePhoneNumber({ phoneNumber }: { phoneNumber: string }): void {
    checkNumberChange(this, [phoneNumber]);
  }

  addProducts(products: ProductsRequest): Promise<OnboardingView> {
    return this.#queueChange({ products });
  }

  validateAddProducts(products: ProductsRequest): void {
    checkProductsRequest(this, products);
  }

  /** The updates' handler: queue the change for the main loop and answer when Twilio has made it. */
  async #queueChange(change: Pick<QueuedChange, 'add' | 'remove' | 'products'>): Promise<OnboardingView> {
    const queued: QueuedChange = { ...change, done: false };
    this.#queuedChanges.push(queued);
    await condition(() => queued.done);
    if (queued.refusal) throw queued.refusal;
    return this.answer();
  }

  /** bundleStatusChanged: a callback about one of the customer's bundles is a hint (./inbox.ts). */
  bundleStatusChanged({ bundleSid, status }: { bundleSid: string; status: string }): void {
    if (this.bundleSids().includes(bundleSid)) this.hint(bundleSid, status);
  }

  /** callObserved: what Twilio signed on a call (the webhook checked the signature); anything malformed is dropped. */
  callObserved(observed: { callSid: string; from: string; level: Attestation; at: string }): void {
    const valid =
      (ATTESTATIONS as readonly string[]).includes(observed?.level) &&
      typeof observed.from === 'string' &&
      typeof observed.callSid === 'string' &&
      !Number.isNaN(Date.parse(observed.at));
    if (valid) this.observe(observed);
  }

  /** twilioFailing: a Trust Hub activity says Twilio keeps failing its calls (./twilio-outage.ts). */
  twilioFailing(outage: Omit<TwilioOutage, 'nextAttemptAt'>): void {
    if (isOutage(outage)) this.outageReported(outage);
  }

  /** twilioRecovered: Twilio answers the run's calls again. */
  twilioRecovered(): void {
    if (this.carried.twilioOutage) this.outageOver();
  }

  /**
   * moveToCurrentBuild: an operator's nudge after a new build became current. The serving loop wakes,
   * and continues as new onto that build once it is idle (run.ts, continueAsNewIfDue).
   */
  moveToCurrentBuild(): void {
    this.requestMove();
  }

  get pendingCorrections(): Corrections | undefined {
    return this.#pendingCorrections;
  }

  // ---- changes of the run's own state ------------------------------------------------------------------

  /** The adoption check passed: the start is answered, and the guide adopts the profile as it was read. */
  adoptionAccepted(): void {
    this.#adoption = { state: 'accepted' };
  }

  /** A start still waiting on the adoption hears it refused instead of waiting for ever (./lifecycle.ts). */
  settleAdoption(): void {
    this.#adoption = settledAdoption(this.#adoption);
  }

  /** The corrections handed over by `correct` were applied (or failed): its caller is answered. */
  correctionsApplied(): void {
    this.#pendingCorrections = undefined;
  }

  /**
   * Answers every change still queued with `refusal`, and lets a corrections update waiting on the main
   * loop return: for an ending (offboarding, failure) that will never serve them.
   */
  answerQueuedWork(refusal: () => Error): void {
    for (const change of this.#queuedChanges.splice(0)) {
      change.refusal = refusal();
      change.done = true;
    }
    this.#pendingCorrections = undefined;
  }

  /** The next change asked for while serving, taken off the queue (undefined: none). */
  nextQueuedChange(): QueuedChange | undefined {
    return this.#queuedChanges.shift();
  }

  get queuedChanges(): number {
    return this.#queuedChanges.length;
  }

  /**
   * Work a handler has handed to the main loop and waits on: a queued change, or corrections (the only
   * handlers that wait on it). While there is some, some handler is running, so the wait for handlers
   * to finish cannot end before the main loop has done it.
   */
  yieldsToQueuedWork(): boolean {
    return this.#queuedChanges.length > 0 || this.#pendingCorrections !== undefined;
  }
}
