/**
 * What a run of the onboarding does with its state, below its handlers (./onboarding.ts, the entity,
 * extends it): shows each change (search attributes, the Web UI's current details, the ISV's events),
 * steps, statuses (./lifecycle.ts), Twilio's callbacks (./inbox.ts), outages and attestation mismatches
 * (./problems.ts), links made at Twilio, and the hand-over to a fresh run. The ledger it extends
 * (./record.ts) holds the resources. Here, and in the entity, are the only calls to Temporal's
 * workflow API the state makes; the parts take plain data.
 */
import {
  allHandlersFinished,
  condition,
  makeContinueAsNewFunc,
  patched,
  setCurrentDetails,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { requestDigest, type StartMemo } from '../../contract/request-identity.js';
import { START_MEMO } from '../patches.js';
import type { Attestation, BundleKind, OnboardingStep } from '../../contract/vocabulary.js';
import type {
  BundleSnapshot,
  OnboardingSettings,
  OnboardingRequest,
  OnboardingView,
  Problem,
  TwilioOutage,
} from '../../contract/types.js';
import { activities } from './activities.js';
import { phoneNumberStatuses } from './attestation.js';
import type { CarriedState, OnboardingInput } from './carried.js';
import { EventOutbox, eventsSinceAnnounced, sendsEvents } from './events.js';
import { Inbox } from './inbox.js';
import * as lifecycle from './lifecycle.js';
import * as problems from './problems.js';
import {
  answer,
  changedSearchAttributes,
  describe,
  foldIdleStep,
  redact,
  type IdleSteps,
} from './projection.js';
import { Ledger } from './record.js';
import { resourceName } from '../resource-names.js';

export abstract class OnboardingRun extends Ledger {
  /** Events for the ISV's system (./events.ts), queued by `showChange`. */
  readonly events = new EventOutbox();
  /** Twilio's status callbacks about the customer's bundles, and the bound on the reads they cause. */
  readonly #inbox: Inbox;
  /**
   * Numbers whose observed attestation differed from the inferred one: the serving loop re-reads the
   * bundles and their assignments for them (this run only; a continued run's record says `checking`).
   */
  readonly #mismatchChecks = new Set<string>();
  #settings: OnboardingSettings | undefined;
  /** When the current wait (vetting, corrections) began; a new wait gets a new start time. */
  #waitingSince: Date | undefined;
  readonly #idleSteps: IdleSteps = {};

  constructor(
    readonly id: string,
    carried: CarriedState,
  ) {
    super(carried);
    this.#inbox = new Inbox(carried);
  }

  /** Work a handler has handed to the main loop and waits on (the entity's queue, its corrections). */
  abstract yieldsToQueuedWork(): boolean;

  // ---- what the phases read -----------------------------------------------------------------------------

  get settings(): OnboardingSettings {
    return this.#settings!;
  }

  /** The record with each number's attestation: what every query and update answers, and the run's result. */
  answer(): OnboardingView {
    return answer(this.carried, this.settings);
  }

  /** Twilio's words with any SID that is not this customer's taken out (./projection.ts). */
  redact(text: string): string {
    return redact(this.carried, this.#settings, text);
  }

  problem(): Problem | null {
    return problems.problem(this.carried);
  }

  /**
   * Each bundle's StatusCallback: the onboarding is in the path, part of what Twilio signs, so a
   * callback reaches this onboarding and no other (src/api/routes/webhooks.ts). Only a new bundle
   * takes it; nothing compares it with what an existing bundle has.
   */
  get statusCallback(): string {
    return `${this.settings.statusCallbackUrl}/${encodeURIComponent(this.id)}`;
  }

  /** Creates look up first only when an earlier run of the customer may have made them. */
  lookUpFirst(): { lookUpFirst?: true } {
    return this.carried.earlierRun ? { lookUpFirst: true } : {};
  }

  name(role: string, revision = 1): string {
    return resourceName(this.request.customerId, role, revision);
  }

  /** The worker's settings, read once at the run's start. */
  settingsRead(settings: OnboardingSettings): void {
    this.#settings = settings;
  }

  /** Whether the settings have been read (the run's first activity came back). */
  get hasSettings(): boolean {
    return this.#settings !== undefined;
  }

  // ---- showing each change -----------------------------------------------------------------------------

  /**
   * Makes a change of the record seen, everywhere it is seen, in this order: the search attributes
   * (operators' and the API's lists: only those that changed are written), the Web UI's current
   * details, and the ISV's events.
   */
  showChange(): void {
    const record = this.record;
    if (!record.step.startsWith('waiting-')) this.#waitingSince = undefined;
    else this.#waitingSince ??= new Date();
    const changed = changedSearchAttributes(
      this.carried,
      this.#waitingSince ?? null,
      workflowInfo().typedSearchAttributes,
    );
    if (changed.length) upsertSearchAttributes(changed);
    setCurrentDetails(this.redact(describe(this.carried)));
    // Events for what changed since the last announcement (./events.ts), when this run sends them.
    if (!sendsEvents(this.#settings?.eventsEnabled)) return;
    const events = eventsSinceAnnounced(
      this.carried,
      phoneNumberStatuses(this.carried, this.settings),
      new Date(),
      workflowInfo().firstExecutionRunId,
    );
    // Twilio's words in an event (a rejection's meanings, the problem) are redacted as the view's are.
    if (events.length) this.events.push(events.map((event) => redact(this.carried, this.#settings, event)));
  }

  setStep(step: OnboardingStep): void {
    if (this.record.step !== step) {
      foldIdleStep(this.record.timeline, this.#idleSteps, workflowInfo().historyLength);
      this.note(`step: ${step}`);
      this.#idleSteps.last = { entry: this.record.timeline.at(-1)!, task: workflowInfo().historyLength };
    }
    this.record.step = step;
    this.showChange();
  }

  override recordBundle(snapshot: BundleSnapshot): BundleSnapshot {
    super.recordBundle(snapshot);
    // A callback about a step on the way of an add-on that raced this read is answered by it.
    if (this.addOnOf(snapshot.sid)) this.#inbox.read(snapshot.sid);
    this.showChange();
    return snapshot;
  }

  // ---- what the signals tell (the entity's handlers check them first) --------------------------------

  /** Notes a status callback about one of the customer's bundles (./inbox.ts says which are news). */
  hint(bundleSid: string, status: string): void {
    this.#inbox.hint(bundleSid, status, {
      recorded: this.snapshotOf(bundleSid)?.status,
      addOn: !!this.addOnOf(bundleSid),
    });
  }

  /** What Twilio signed on a call: a mismatch with the inferred level is checked by the serving loop. */
  observe(observed: { callSid: string; from: string; level: Attestation; at: string }): void {
    const result = problems.callObserved(this.carried, this.#settings, observed);
    if (!result) return;
    if (result.check) this.#mismatchChecks.add(result.check);
    this.showChange();
  }

  /** Twilio keeps failing a call: since the first such call's first try, with the latest attempts. */
  outageReported(outage: TwilioOutage): void {
    problems.twilioFailing(this.carried, outage);
    this.showChange();
  }

  /** Twilio answers the run's calls again. */
  outageOver(): void {
    if (problems.twilioRecovered(this.carried)) this.showChange();
  }

  /** Assign an object to a bundle once (EntityAssignments). */
  async link(kind: BundleKind, bundleSid: string, objectSid: string): Promise<void> {
    const linked = (this.carried.linked[bundleSid] ??= []);
    if (linked.includes(objectSid)) return;
    await activities.assignToBundle({ kind, bundleSid, objectSid });
    linked.push(objectSid);
  }

  async unlink(kind: BundleKind, bundleSid: string, objectSid: string): Promise<void> {
    await activities.unassignFromBundle({ kind, bundleSid, objectSid });
    this.entityGone(bundleSid, objectSid);
  }

  // ---- Twilio's callbacks (./inbox.ts) -----------------------------------------------------------------

  hasHint(bundleSid: string): boolean {
    return this.#inbox.has(bundleSid);
  }

  /** The status a callback reported about the bundle, taken out of the inbox (undefined: none). */
  takeHint(bundleSid: string): string | undefined {
    return this.#inbox.take(bundleSid);
  }

  /** Callbacks not yet read (held back, or waiting for the loop). */
  get hintsPending(): number {
    return this.#inbox.size;
  }

  /** A callback arrived since the serving loop last looked (`lookedAtHints`). */
  get hintsArrived(): boolean {
    return this.#inbox.arrived;
  }

  lookedAtHints(): void {
    this.#inbox.lookedAt();
  }

  /** Hints about bundles no longer the customer's (a replaced trust product's late callback) are dropped. */
  keepHintsFor(bundleSids: readonly string[]): void {
    this.#inbox.keepOnly(bundleSids);
  }

  /** A read of every bundle answers whatever callback was still waiting. */
  clearHints(): void {
    this.#inbox.clear();
  }

  /** How long until a callback may cause another re-read of this bundle (0: now). */
  msUntilCallbackRead(bundleSid: string, now = Date.now()): number {
    return this.#inbox.msUntilCallbackRead(bundleSid, now);
  }

  /** A callback about the bundle causes a re-read now: taken out, and counted against the bound. */
  callbackRead(bundleSid: string): void {
    this.#inbox.take(bundleSid);
    this.#inbox.noteCallbackRead(bundleSid);
  }

  /** The bundle was submitted: Twilio's next decision about it is read as soon as it is reported. */
  resetCallbackReads(bundleSid: string): void {
    this.#inbox.resetCallbackReads(bundleSid);
  }

  // ---- attestation mismatches (./problems.ts) ------------------------------------------------------------

  get mismatchChecksPending(): number {
    return this.#mismatchChecks.size;
  }

  /** The numbers whose mismatch the serving loop checks now, taken off the list. */
  takeMismatchChecks(): string[] {
    const numbers = [...this.#mismatchChecks];
    this.#mismatchChecks.clear();
    return numbers;
  }

  /** Mismatches a continued run (or the start of serving) still owes a check: queued again. */
  requeueMismatchChecks(): void {
    for (const sid of problems.mismatchesToCheck(this.carried)) this.#mismatchChecks.add(sid);
  }

  mismatchExplained(phoneNumberSid: string, cause: 'drift' | 'rule', detail: string): void {
    problems.mismatchExplained(this.carried, phoneNumberSid, cause, detail);
  }

  // ---- status: every change of it goes through ./lifecycle.ts ----------------------------------------

  requireAction(problem: Problem): void {
    lifecycle.requireAction(this.record, problem);
  }

  resume(): void {
    lifecycle.resume(this.record);
  }

  correctionsReceived(fields: string[]): void {
    lifecycle.correctionsReceived(this.record, fields);
  }

  complete(): void {
    lifecycle.complete(this.carried);
    this.showChange();
  }

  startServing(): void {
    lifecycle.startServing(this.carried);
    this.setStep('serving');
  }

  productsPending(): void {
    lifecycle.productsPending(this.carried);
  }

  approvalsCurrentAgain(): void {
    lifecycle.approvalsCurrentAgain(this.record);
  }

  allProductsApproved(): void {
    lifecycle.allProductsApproved(this.carried);
  }

  cleanUpStarted(event: string): void {
    lifecycle.cleanUpStarted(this.record, event);
  }

  cancelled(detail: string): void {
    lifecycle.cancelled(this.carried, detail);
    this.showChange();
  }

  fail(reason: string, problem?: Problem): void {
    lifecycle.fail(this.carried, reason, problem, (text) => this.redact(text));
    this.showChange();
  }

  /**
   * The customer's data with a change applied, and its digest in the run's memo beside the one it was
   * started with: a start with the body as corrected so far is then answered by the Temporal server
   * alone (src/api/start-answer.ts), never waiting for a worker.
   */
  override updateRequest(request: OnboardingRequest): OnboardingRequest {
    super.updateRequest(request);
    if (patched(START_MEMO)) {
      upsertMemo({ correctedRequestDigest: requestDigest(request) } satisfies Partial<StartMemo>);
    }
    return request;
  }

  // ---- history stays bounded, and the run moves to new code ------------------------------------------

  /** An operator asked the run to look at its build now (the moveToCurrentBuild signal). */
  #moveRequested = false;

  requestMove(): void {
    this.#moveRequested = true;
  }

  /** The moveToCurrentBuild signal arrived since the serving loop last looked (`lookedAtMoveRequest`). */
  get moveRequested(): boolean {
    return this.#moveRequested;
  }

  lookedAtMoveRequest(): void {
    this.#moveRequested = false;
  }

  /**
   * Hands the whole state to a fresh run when Temporal suggests it (a long history) or when the
   * deployment's current build is no longer this run's (Worker Versioning: the run is pinned to the
   * build that started it, and only a new run can move). The new run asks for AUTO_UPGRADE, so it
   * starts on the current build: that is how a customer served for years gets new workflow code without
   * a patch (docs/deployment.md, "New workflow code"). A no-op otherwise.
   *
   * It waits until no handler is running and every queued event's delivery has started (one condition
   * for both: an update arriving while an event's delivery starts is not cut off, and no delivery start
   * is). But a queued change or corrections arriving meanwhile have a handler that waits for this main
   * loop: then it returns without continuing, the caller's loop serves them and tries again at its
   * next turn.
   */
  async continueAsNewIfDue(): Promise<void> {
    const info = workflowInfo();
    if (!info.continueAsNewSuggested && !info.targetWorkerDeploymentVersionChanged) return;
    const settled = () => allHandlersFinished() && this.events.empty;
    await condition(() => settled() || this.yieldsToQueuedWork());
    if (!settled()) return;
    const now = workflowInfo();
    this.note(
      'continued as new',
      now.targetWorkerDeploymentVersionChanged
        ? `onto the deployment's current build, from ${now.currentDeploymentVersion?.buildId ?? 'no build'}`
        : `history of ${now.historyLength} events`,
    );
    await makeContinueAsNewFunc<(input: OnboardingInput) => Promise<OnboardingView>>({
      initialVersioningBehavior: 'AUTO_UPGRADE',
    })({
      onboardingId: this.id,
      request: this.request,
      carried: this.carried,
    });
  }
}
