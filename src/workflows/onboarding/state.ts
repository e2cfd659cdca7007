/**
 * The onboarding's one state object, and what every phase does with it: the timeline, the search
 * attributes and the Web UI's "current details", bundle snapshots, and entity links and numbers
 * remembered so that a replay, a return after corrections or a continued run never repeats a Trust Hub
 * call. The phases (./phases/guide.ts, ./phases/corrections.ts, ./phases/serving.ts, ./phases/cleanup.ts) read the record and
 * change it only through this class's methods, so each change of status, resources or numbers is
 * written once, with the timeline entry that goes with it (as in the safe-message-handlers sample of
 * temporalio/samples-typescript: a thin workflow function, a state class).
 *
 * Everything that must survive continue-as-new lives in `carried` and is handed over whole; the rest
 * (callback hints, pending messages) belongs to one run. What older code handed over is read by
 * `readCarried`.
 */
import {
  condition,
  continueAsNew,
  allHandlersFinished,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair, TypedSearchAttributes } from '@temporalio/common';
import {
  ADD_ON_FIELD,
  ADD_ON_PRODUCTS,
  BUNDLE_DECISIONS,
  PRODUCT_LABEL,
  type AddOnProduct,
  type BundleKind,
  type Attestation,
  type OnboardingStep,
} from '../../contract/vocabulary.js';
import { ADOPTION_REFUSED_MESSAGE, StartRefusal } from '../../contract/messages.js';
import type { CarriedState, OnboardingInput, CarriedByOlderCode } from './carried.js';
import type {
  OnboardingRecord,
  OnboardingView,
  Corrections,
  BundleSnapshot,
  CompensationEntry,
  CreatedResources,
  EvaluationSummary,
  OnboardingRequest,
  OnboardingSettings,
  PhoneNumberRef,
  Problem,
  ProductsRequest,
  DriftEntry,
  TimelineEntry,
  TwilioOutage,
} from '../../contract/types.js';
import { redactTexts, sidsNamedIn } from '../redaction.js';
import { explainedProblemOf, problemBrief, withPointer } from '../remedies.js';
import { resourceName } from '../resource-names.js';
import {
  BundleSids,
  CustomerId,
  CustomerProfileStatus,
  OnboardingStatus,
  OnboardingStep as OnboardingStepAttribute,
  TrustProductStatus,
  TwilioFailingSince,
  WaitingSince,
  OnboardingProblem,
} from '../../contract/search-attributes.js';
import { outageProblem } from './twilio-outage.js';
import { activities, type ExistingProfile } from './activities.js';
import { phoneNumberStatuses } from './attestation.js';
import { EventOutbox, eventsSinceAnnounced, sendsEvents } from './events.js';
import type { ReplacedResource } from './steps/personal-data.js';

const TIMELINE_LIMIT = 200;
/** The one timeline entry for a run of steps that found their work already done (`setStep`). */
export const CHECKED_NOTHING_TO_DO = 'checked, nothing to do';
/** Former SIDs kept readable: the timeline's notes about them go back no further than its limit. */
const FORMER_SIDS_LIMIT = TIMELINE_LIMIT;

/** The resources the record holds one of. */
type SingleResource = Exclude<keyof CreatedResources, 'representativeSids'>;

/**
 * The carried state as this code keeps it, from what any version handed over. Older code kept the
 * profile's numbers in `linked['<profile SID>:numbers']` and the trust product's in
 * `phoneNumbersOnTrustProduct`: both move into `numbers`, by bundle SID. A state change only (no
 * command), so replaying an old run is unchanged; its next continue-as-new hands over the new shape.
 */
export function readCarried(carried: CarriedState | CarriedByOlderCode): CarriedState {
  if (!('phoneNumbersOnTrustProduct' in carried)) return carried;
  const { phoneNumbersOnTrustProduct, linked, ...rest } = carried;
  const numbers: Record<string, string[]> = {};
  const entities: Record<string, string[]> = {};
  for (const [key, sids] of Object.entries(linked)) {
    if (key.endsWith(':numbers')) numbers[key.slice(0, -':numbers'.length)] = sids;
    else entities[key] = sids;
  }
  const trustProductSid = carried.view.resources.trustProductSid;
  if (trustProductSid) numbers[trustProductSid] = phoneNumbersOnTrustProduct;
  return { ...rest, linked: entities, numbers };
}

/**
 * Callback-caused re-reads of one bundle: at most CALLBACK_READS_PER_WINDOW in any
 * CALLBACK_READ_WINDOW_MS. Twilio's own callbacks about a bundle are a handful per vetting round, so
 * they are read at once; a burst beyond that (replays) waits for the window to move on, folded into
 * one read. A submission starts the bundle's count afresh, and the poll still reads what was held back.
 */
export const CALLBACK_READS_PER_WINDOW = 3;
export const CALLBACK_READ_WINDOW_MS = 3_600_000;
/** A number's same mismatch is checked again at most this often (busy numbers report every call). */
export const MISMATCH_CHECK_SPACING_MS = 3_600_000;
/** A `rule` verdict for the same observed and inferred levels is not checked again before this. */
export const RULE_VERDICT_STANDS_MS = 24 * 3_600_000;

/** Where the adoption of `request.customerProfileSid` stands: the start waits until it is decided. */
export type Adoption =
  | { state: 'none' | 'pending' | 'accepted' }
  | { state: 'refused'; type: string; message: string; fields: string[] };

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

/** Where each add-on product keeps its trust product, its end user and its snapshot in the record. */
export const ADD_ON_SLOTS = {
  'voice-integrity': {
    view: 'voiceIntegrity',
    bundleSid: 'voiceIntegritySid',
    endUserSid: 'voiceIntegrityInformationSid',
  },
  cnam: { view: 'cnam', bundleSid: 'cnamSid', endUserSid: 'cnamInformationSid' },
} as const satisfies Record<AddOnProduct, { view: string; bundleSid: string; endUserSid: string }>;

/** One of the customer's bundles, as number changes, drift checks and offboarding walk them. */
export interface CustomerBundle {
  kind: BundleKind;
  bundleSid: string;
  product: AddOnProduct | 'shaken-stir' | 'customer-profile';
}

/**
 * Whether the run's search attributes already hold this value (null: the attribute is unset). Keyword
 * lists compare element by element, datetimes by instant; anything else by value.
 */
function isSetTo(set: TypedSearchAttributes, { key, value }: SearchAttributeUpdatePair): boolean {
  const current: unknown = set.get(key);
  if (value === null) return current === undefined;
  if (value instanceof Date) return current instanceof Date && current.getTime() === value.getTime();
  if (Array.isArray(value)) {
    return (
      Array.isArray(current) &&
      current.length === value.length &&
      value.every((item, index) => current[index] === item)
    );
  }
  return current === value;
}

/** Drift entries kept on the record: the latest ones. */
const DRIFT_LIMIT = 20;

export class Onboarding {
  readonly id: string;
  readonly carried: CarriedState;
  /**
   * Bundle SIDs Twilio has told us about since we last looked, with the status it reported (see
   * `hint`).
   */
  readonly hints = new Map<string, string>();
  pendingCorrections: Corrections | undefined;
  readonly numberChanges: QueuedChange[] = [];
  /**
   * Numbers whose observed attestation differed from the inferred one: the serving loop re-reads the
   * bundles and their assignments for them (this run only; a continued run's record says `checking`).
   */
  readonly mismatchChecks = new Set<string>();
  settings!: OnboardingSettings;
  /** Events for the ISV's system (./events.ts), queued by `showChange`. */
  readonly events = new EventOutbox();
  /** When the current wait (vetting, corrections) began; a new wait gets a new start time. */
  #waitingSince: Date | undefined;
  /** A callback arrived since the serving loop last looked (it recomputes when one is due). */
  hintsArrived = false;
  adoption: Adoption = { state: 'none' };
  /** A start (startOnboarding) has been answered in this run. */
  startAnswered = false;
  /** The profile to adopt as the adoption check read it (this run only: adoption happens once). */
  adoptedProfile: ExistingProfile | undefined;
  /** The last `step:` timeline entry and the workflow task (history length) it was written in. */
  #lastStep: { entry: TimelineEntry; task: number } | undefined;
  /** The `checked, nothing to do` entry the idle steps of the latest run of them are folded into. */
  #checkedEntry: TimelineEntry | undefined;

  constructor(input: OnboardingInput) {
    this.id = input.onboardingId;
    this.carried = input.carried
      ? readCarried(input.carried)
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
        };
    // Runs continued by an earlier version carried a stale copy of the request next to the corrected
    // one in `input.request`: the input's is the latest. Replaying such a run keeps what it did then.
    if (input.carried) this.carried.request = input.request;
    // Set before any handler exists: the start that came with this run must wait for the adoption.
    if (!input.carried && input.request.customerProfileSid) this.adoption = { state: 'pending' };
    // The products asked for are on the view from the start (null until Twilio has their trust product).
    for (const product of this.requestedAddOns()) this.addOnRequested(product);
  }

  /**
   * Answers every number change still queued with `refusal`, and lets a corrections update waiting on
   * the main loop return: for an ending (offboarding, failure) that will never serve them.
   */
  answerQueuedWork(refusal: () => Error): void {
    for (const change of this.numberChanges.splice(0)) {
      change.refusal = refusal();
      change.done = true;
    }
    this.pendingCorrections = undefined;
  }

  /**
   * A start still waiting on the adoption hears it refused instead of waiting for ever (the run was
   * cancelled, failed, or refused the adoption): one answer whatever happened (ADOPTION_REFUSED_MESSAGE).
   */
  settleAdoption(): void {
    if (this.adoption.state !== 'pending') return;
    this.adoption = {
      state: 'refused',
      type: StartRefusal.AdoptionRefused,
      message: ADOPTION_REFUSED_MESSAGE,
      fields: [],
    };
  }

  get record(): OnboardingRecord {
    return this.carried.view;
  }

  get request(): OnboardingRequest {
    return this.carried.request;
  }

  set request(request: OnboardingRequest) {
    this.carried.request = request;
  }

  /**
   * The record with each number's attestation: what every query and update answers, and the run's
   * result. Twilio's words in it are redacted here, on their way out (../redaction.ts), whichever
   * field they reached.
   */
  answer(): OnboardingView {
    const { latestEvaluation } = this.record;
    const view = {
      ...this.record,
      phoneNumbers: phoneNumberStatuses(this.carried, this.settings),
      // The why, derived on the way out (../remedies.ts): runs recorded before it say it too.
      problem: this.problem(),
      latestEvaluation: latestEvaluation && {
        ...latestEvaluation,
        failures: latestEvaluation.failures.map(withPointer),
      },
    };
    return redactTexts(view, this.ownSids());
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

  // ---- timeline, search attributes, current details ------------------------------------------------

  note(event: string, detail?: string): void {
    const timeline = this.record.timeline;
    timeline.push({ at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
    if (timeline.length > TIMELINE_LIMIT) timeline.splice(0, timeline.length - TIMELINE_LIMIT);
  }

  /**
   * Makes a change of the record seen, everywhere it is seen, in this order: the search attributes
   * (operators' and the API's lists), the Web UI's current details, and the ISV's events. Called after
   * every change; what did not change costs nothing but the (idempotent) upsert.
   */
  showChange(): void {
    this.#upsertSearchAttributes();
    setCurrentDetails(this.redact(this.describe()));
    this.#queueEvents();
  }

  /**
   * Replay: `patched` is asked only when some value is already set, where the old code's upsert is the
   * command either way. A history without the marker replays the full upsert there (no command from
   * `patched`); with it, only what differs is written, and nothing when nothing does. The values set are
   * the run's own (`typedSearchAttributes`: its start's, which a continued run has from the run before,
   * then its upserts), so a continued run's first upsert still writes what differs from its start.
   */
  #upsertSearchAttributes(): void {
    const record = this.record;
    if (!record.step.startsWith('waiting-')) this.#waitingSince = undefined;
    else this.#waitingSince ??= new Date();
    const set = workflowInfo().typedSearchAttributes;
    const failingSince = this.carried.twilioOutage ? new Date(this.carried.twilioOutage.since) : null;
    const attributes: SearchAttributeUpdatePair[] = [
      { key: CustomerId, value: record.customerId },
      { key: OnboardingStatus, value: record.status },
      { key: OnboardingStepAttribute, value: record.step },
      { key: CustomerProfileStatus, value: record.customerProfile?.status ?? 'none' },
      { key: TrustProductStatus, value: record.trustProduct?.status ?? 'none' },
      { key: BundleSids, value: this.bundleSids() },
      { key: WaitingSince, value: this.#waitingSince ?? null },
    ];
    // A Twilio outage shows there too when the ISV has nothing else to fix (as in the view).
    attributes.push({ key: OnboardingProblem, value: problemBrief(this.problem()) });
    // Only ever written by a run that heard of an outage: a namespace without the attribute is never
    // sent it otherwise.
    if (failingSince || set.get(TwilioFailingSince) !== undefined) {
      attributes.push({ key: TwilioFailingSince, value: failingSince });
    }
    const changed = attributes.filter((pair) => !isSetTo(set, pair));
    if (changed.length) upsertSearchAttributes(changed);
  }

  /** Events for what changed since the last announcement (./events.ts), when this run sends them. */
  #queueEvents(): void {
    if (!sendsEvents(this.settings?.eventsEnabled)) return;
    const events = eventsSinceAnnounced(
      this.carried,
      phoneNumberStatuses(this.carried, this.settings),
      new Date(),
    );
    // Twilio's words in an event (a rejection's meanings, the problem) are redacted as the view's are.
    if (!events.length) return;
    const own = [...this.ownSids(), ...sidsNamedIn(this.record)];
    this.events.push(events.map((event) => redactTexts(event, own)));
  }

  /**
   * Notes a status callback. Callbacks arrive duplicated and out of order: a decision, once reported,
   * is not overwritten by a late report of a step before it, so the wait still reads the bundle.
   */
  hint(bundleSid: string, status: string): void {
    const known = this.hints.get(bundleSid);
    if (known !== undefined && BUNDLE_DECISIONS.includes(known)) return;
    // What the record already says needs no read: a duplicate or replay of a callback acted on.
    const recorded = this.snapshotOf(bundleSid)?.status;
    if (recorded === status) return;
    // A step on the way (pending-review → in-review) of an add-on in vetting changes nothing the workflow
    // acts on: the decision's callback, or the poll, reads it. (Only add-ons: for the profile and
    // SHAKEN/STIR, recorded runs woke on such callbacks, and replay holds them to it.)
    const inVetting = (s: string | undefined) => s === 'pending-review' || s === 'in-review';
    if (this.addOnOf(bundleSid) && inVetting(recorded) && inVetting(status)) return;
    this.hints.set(bundleSid, status);
    this.hintsArrived = true;
  }

  snapshotOf(bundleSid: string): BundleSnapshot | null {
    return this.snapshots().find((bundle) => bundle.sid === bundleSid) ?? null;
  }

  /** Every bundle of the customer as last read: profile, SHAKEN/STIR, then the add-ons asked for. */
  snapshots(): BundleSnapshot[] {
    const { customerProfile, trustProduct, voiceIntegrity, cnam } = this.record;
    return [customerProfile, trustProduct, voiceIntegrity, cnam].filter((b): b is BundleSnapshot => !!b);
  }

  /** An add-on product's trust product as last read (null: not made yet). */
  addOnSnapshot(product: AddOnProduct): BundleSnapshot | null {
    return this.record[ADD_ON_SLOTS[product].view] ?? null;
  }

  addOnSid(product: AddOnProduct): string | undefined {
    return this.record.resources[ADD_ON_SLOTS[product].bundleSid];
  }

  /** The add-on products the customer's record asks for, in Twilio's order of work. */
  requestedAddOns(): AddOnProduct[] {
    return ADD_ON_PRODUCTS.filter((product) => this.request[ADD_ON_FIELD[product]] !== undefined);
  }

  /**
   * The customer's bundles, profile first (a trust product takes only numbers already on it): the
   * profile, SHAKEN/STIR's trust product, and each add-on's that has been made.
   */
  customerBundles(): CustomerBundle[] {
    const { customerProfileSid, trustProductSid } = this.record.resources;
    const bundles: CustomerBundle[] = [];
    if (customerProfileSid)
      bundles.push({ kind: 'customer-profile', bundleSid: customerProfileSid, product: 'customer-profile' });
    if (trustProductSid)
      bundles.push({ kind: 'trust-product', bundleSid: trustProductSid, product: 'shaken-stir' });
    for (const product of ADD_ON_PRODUCTS) {
      const bundleSid = this.addOnSid(product);
      if (bundleSid) bundles.push({ kind: 'trust-product', bundleSid, product });
    }
    return bundles;
  }

  /** The add-on whose trust product this is, if it is one. */
  addOnOf(bundleSid: string): AddOnProduct | undefined {
    return ADD_ON_PRODUCTS.find((product) => this.addOnSid(product) === bundleSid);
  }

  /** How long until a callback may cause another re-read of this bundle (0: now). */
  msUntilCallbackRead(bundleSid: string, now = Date.now()): number {
    const recent = (this.carried.callbackReads?.[bundleSid] ?? []).filter(
      (at) => at > now - CALLBACK_READ_WINDOW_MS,
    );
    if (recent.length < CALLBACK_READS_PER_WINDOW) return 0;
    return Math.max(0, Math.min(...recent) + CALLBACK_READ_WINDOW_MS - now);
  }

  /** A callback caused a re-read of this bundle now (only the window's reads are kept). */
  noteCallbackRead(bundleSid: string): void {
    const now = Date.now();
    const reads = (this.carried.callbackReads ??= {});
    reads[bundleSid] = [...(reads[bundleSid] ?? []).filter((at) => at > now - CALLBACK_READ_WINDOW_MS), now];
  }

  /** The bundle was submitted: Twilio's next decision about it is read as soon as it is reported. */
  resetCallbackReads(bundleSid: string): void {
    if (this.carried.callbackReads) delete this.carried.callbackReads[bundleSid];
  }

  /**
   * The SIDs that are this customer's (its resources, its numbers, the ISV's primary profile): what the
   * redaction (../redaction.ts) leaves readable in Twilio's words. The view's own SID fields add theirs.
   */
  ownSids(): (string | undefined)[] {
    const { resources } = this.record;
    return [
      ...this.bundleSids(),
      resources.addressSid,
      resources.supportingDocumentSid,
      resources.businessInformationSid,
      resources.voiceIntegrityInformationSid,
      resources.cnamInformationSid,
      ...resources.representativeSids,
      ...this.record.phoneNumbers.map((n) => n.sid),
      this.settings?.primaryCustomerProfileSid,
      ...(this.carried.formerSids ?? []),
    ];
  }

  /**
   * Twilio's words with any SID that is not this customer's taken out, for text that leaves the run
   * other than through the view or an event (an update's refusal): those are redacted whole.
   */
  redact(text: string): string {
    return redactTexts(text, [...this.ownSids(), ...sidsNamedIn(this.record)]);
  }

  bundleSids(): string[] {
    const { customerProfileSid, trustProductSid, voiceIntegritySid, cnamSid } = this.record.resources;
    return [customerProfileSid, trustProductSid, voiceIntegritySid, cnamSid].filter(
      (sid): sid is string => !!sid,
    );
  }

  describe(): string {
    const record = this.record;
    const outage = this.carried.twilioOutage;
    const lines = [`**${record.status}** — ${record.step.replaceAll('-', ' ')}`];
    if (record.customerProfile)
      lines.push(`Customer profile ${record.customerProfile.sid}: ${record.customerProfile.status}`);
    if (record.trustProduct)
      lines.push(`SHAKEN/STIR trust product ${record.trustProduct.sid}: ${record.trustProduct.status}`);
    for (const product of ADD_ON_PRODUCTS) {
      const bundle = this.addOnSnapshot(product);
      if (bundle) lines.push(`${PRODUCT_LABEL[product]} ${bundle.sid}: ${bundle.status}`);
    }
    // Operators see an outage even behind the ISV's problem, which the view shows first.
    if (outage) {
      const failing = outageProblem(outage);
      lines.push(`Twilio failing (twilio-unavailable): ${failing.message}`, `Remedy: ${failing.remedy}`);
      lines.push(
        `Told after ${outage.attempts} failed attempts of ${outage.operation}: Pending Activities shows the attempts since and the next try.`,
      );
    }
    const problem = explainedProblemOf(this.carried);
    if (problem) {
      lines.push(`Needs the ISV: ${problem.message}`);
      for (const { code, meaning } of problem.codes) lines.push(`- ${code}: ${meaning}`);
      if (problem.remedy) lines.push(`Remedy: ${problem.remedy}`);
      for (const { pointer, twilio } of problem.fields ?? []) {
        lines.push(`- change \`${pointer}\`${twilio ? ` (Twilio's ${twilio})` : ''}`);
      }
      if (problem.fix) lines.push(`Fix: ${problem.fix.method} ${problem.fix.path}`);
    }
    // Markdown, as the Web UI renders it: one paragraph (or list item) per line, never run together.
    return lines.join('\n\n');
  }

  setStep(step: OnboardingStep): void {
    if (this.record.step !== step) {
      this.#foldIdleStep();
      this.note(`step: ${step}`);
      this.#lastStep = { entry: this.record.timeline.at(-1)!, task: workflowInfo().historyLength };
    }
    this.record.step = step;
    this.showChange();
  }

  /**
   * The guide asks every step "is this done?" again after a correction, a return from vetting or a
   * continued run: the steps that found it done are one `checked, nothing to do` entry naming them,
   * not a `step:` entry each at the same millisecond. A step found nothing to do when the next one
   * begins in the same workflow task (no activity ran, nothing was waited for) and nothing was noted
   * since its entry. Timeline text is state, not a command: replay is unchanged.
   */
  #foldIdleStep(): void {
    const last = this.#lastStep;
    const timeline = this.record.timeline;
    if (!last || timeline.at(-1) !== last.entry || last.task !== workflowInfo().historyLength) return;
    timeline.pop();
    const step = last.entry.event.slice('step: '.length);
    const before = timeline.at(-1);
    if (before !== undefined && before === this.#checkedEntry) {
      before.detail = `${before.detail}, ${step}`;
      return;
    }
    this.#checkedEntry = { at: last.entry.at, event: CHECKED_NOTHING_TO_DO, detail: step };
    timeline.push(this.#checkedEntry);
  }

  /** Twilio's latest word on a bundle, kept where the record shows it (a trust product by its product). */
  recordBundle(snapshot: BundleSnapshot): BundleSnapshot {
    const record = this.record;
    const addOn = snapshot.kind === 'trust-product' ? this.addOnOf(snapshot.sid) : undefined;
    const previous = addOn
      ? this.addOnSnapshot(addOn)
      : snapshot.kind === 'customer-profile'
        ? record.customerProfile
        : record.trustProduct;
    if (previous?.status !== snapshot.status)
      this.note(`${snapshot.kind} ${snapshot.sid}: ${snapshot.status}`);
    if (addOn) {
      record[ADD_ON_SLOTS[addOn].view] = { ...snapshot, product: addOn };
      // A callback about a step on the way that raced this read (the submission's own pending-review
      // callback, say) is answered by it: only a decision still calls for a read.
      const hinted = this.hints.get(snapshot.sid);
      if (hinted !== undefined && !BUNDLE_DECISIONS.includes(hinted)) this.hints.delete(snapshot.sid);
    } else if (snapshot.kind === 'customer-profile') record.customerProfile = snapshot;
    else record.trustProduct = snapshot;
    this.showChange();
    return snapshot;
  }

  /** An add-on product is asked for: the record shows it (null until its trust product is made). */
  addOnRequested(product: AddOnProduct): void {
    const slot = ADD_ON_SLOTS[product].view;
    if (this.record[slot] === undefined) this.record[slot] = null;
  }

  /**
   * Something the service put on a bundle is gone at Twilio (taken off in the Console): on the record
   * (the latest DRIFT_LIMIT) and the timeline, and announced as an event (./events.ts).
   */
  driftFound(entry: DriftEntry): void {
    const drift = (this.record.drift ??= []);
    drift.push(entry);
    if (drift.length > DRIFT_LIMIT) drift.splice(0, drift.length - DRIFT_LIMIT);
    this.note(
      entry.repaired ? 'drift repaired' : 'drift found',
      `${entry.objectKind} ${entry.objectSid} was missing from ${entry.bundleSid}${entry.detail ? `: ${entry.detail}` : ''}`,
    );
  }

  // ---- links remembered across replays, returns and continued runs ---------------------------------

  /** Assign an object to a bundle once (EntityAssignments). */
  async link(kind: BundleKind, bundleSid: string, objectSid: string): Promise<void> {
    const linked = (this.carried.linked[bundleSid] ??= []);
    if (linked.includes(objectSid)) return;
    await activities.assignToBundle({ kind, bundleSid, objectSid });
    linked.push(objectSid);
  }

  async unlink(kind: BundleKind, bundleSid: string, objectSid: string): Promise<void> {
    await activities.unassignFromBundle({ kind, bundleSid, objectSid });
    this.carried.linked[bundleSid] = (this.carried.linked[bundleSid] ?? []).filter(
      (sid) => sid !== objectSid,
    );
  }

  /** An entity Twilio no longer has on the bundle, and would not take back. */
  entityGone(bundleSid: string, objectSid: string): void {
    this.carried.linked[bundleSid] = (this.carried.linked[bundleSid] ?? []).filter(
      (sid) => sid !== objectSid,
    );
  }

  // ---- numbers on each bundle (ChannelEndpointAssignments), the profile's and the trust product's ---

  /** The PN SIDs on a bundle, as this workflow assigned or found them. */
  numbersOn(bundleSid: string): readonly string[] {
    return this.carried.numbers[bundleSid] ?? [];
  }

  /** Numbers now on the bundle (assigned, or found there on an adopted profile). */
  numbersAssigned(bundleSid: string, ...phoneNumberSids: string[]): void {
    (this.carried.numbers[bundleSid] ??= []).push(...phoneNumberSids);
  }

  /** A number taken off the bundle. */
  numberUnassigned(bundleSid: string, phoneNumberSid: string): void {
    const numbers = this.carried.numbers[bundleSid];
    if (numbers) this.carried.numbers[bundleSid] = numbers.filter((sid) => sid !== phoneNumberSid);
  }

  /** Every number taken off the bundle (offboarding), or the bundle itself deleted. */
  numbersCleared(bundleSid: string): void {
    this.carried.numbers[bundleSid] = [];
  }

  /** The customer's numbers as resolved from the request (the record's list). */
  phoneNumbersAdded(numbers: PhoneNumberRef[]): void {
    this.record.phoneNumbers.push(...numbers);
  }

  phoneNumberDropped(phoneNumberSid: string): void {
    this.#formerly(phoneNumberSid);
    this.record.phoneNumbers = this.record.phoneNumbers.filter((n) => n.sid !== phoneNumberSid);
    delete this.carried.observed?.[phoneNumberSid];
    delete this.carried.mismatches?.[phoneNumberSid];
  }

  // ---- the record's resources: what was made (or adopted) at Twilio ---------------------------------

  resourceMade(kind: SingleResource, sid: string): void {
    this.#formerly(this.record.resources[kind], sid);
    this.record.resources[kind] = sid;
  }

  resourceForgotten(kind: SingleResource): void {
    this.#formerly(this.record.resources[kind]);
    this.record.resources[kind] = undefined;
  }

  /** `sid` was the customer's and is no longer in the record (unless it is `now`): kept readable. */
  #formerly(sid: string | undefined, now?: string): void {
    if (!sid || sid === now) return;
    const former = (this.carried.formerSids ??= []);
    if (former.includes(sid)) return;
    former.push(sid);
    if (former.length > FORMER_SIDS_LIMIT) former.splice(0, former.length - FORMER_SIDS_LIMIT);
  }

  /**
   * Twilio cannot move an address to another country: the next address and its document are new ones,
   * under a new revision of their friendly names (their idempotency keys).
   */
  newAddressRevision(): void {
    this.carried.revision += 1;
  }

  /** A correction moved the address to another country: the guide makes a new address and document. */
  addressReplaced(): void {
    this.newAddressRevision();
    this.resourceForgotten('addressSid');
    this.resourceForgotten('supportingDocumentSid');
  }

  /**
   * The customer's own profile, taken on instead of made: what is on it counts as made, and is marked
   * the customer's own (never deleted by a cancel).
   */
  profileAdopted(sid: string, existing: ExistingProfile): void {
    const { resources } = this.record;
    resources.customerProfileSid = sid;
    this.carried.linked[sid] = existing.entities.map((e) => e.sid);
    this.numbersAssigned(sid, ...existing.phoneNumberSids);
    for (const entity of existing.entities) {
      if (entity.type === 'customer_profile_business_information')
        resources.businessInformationSid ??= entity.sid;
      if (entity.type === 'authorized_representative_1') resources.representativeSids[0] ??= entity.sid;
      if (entity.type === 'authorized_representative_2') resources.representativeSids[1] ??= entity.sid;
      if (entity.type === 'customer_profile_address') {
        resources.supportingDocumentSid ??= entity.sid;
        resources.addressSid ??= entity.addressSid;
      }
    }
    this.carried.adopted = true;
    this.carried.adoptedSids = [
      sid,
      ...existing.entities.map((e) => e.sid),
      ...existing.entities.flatMap((e) => (e.addressSid ? [e.addressSid] : [])),
    ];
  }

  evaluated(bundle: BundleKind, evaluation: EvaluationSummary): void {
    this.record.latestEvaluation = { ...evaluation, bundle };
  }

  /** What Twilio often rejects but not always: said once, in the timeline and the record. */
  warn(warning: string): void {
    if (this.record.warnings?.includes(warning)) return;
    (this.record.warnings ??= []).push(warning);
    this.note('warning', warning);
  }

  /** A corrected email waits for the trust product to allow edits again (or has reached it). */
  trustProductEmailOutdated(outdated: boolean): void {
    this.carried.trustProductEmailOutdated = outdated;
  }

  /** Replaced personal data to delete at Twilio, queued in order: those not queued before. */
  deletionsPending(replaced: ReplacedResource[]): ReplacedResource[] {
    const pending = (this.carried.pendingDeletions ??= []);
    const fresh = replaced.filter((resource) => !pending.some(({ sid }) => sid === resource.sid));
    pending.push(...fresh);
    for (const { sid } of fresh) this.#formerly(sid);
    return fresh;
  }

  /** What Twilio refused to delete this time: tried again later (./steps/personal-data.ts). */
  deletionsKept(kept: ReplacedResource[]): void {
    this.carried.pendingDeletions = kept;
  }

  /** The trust product went into vetting while the profile was still in review (or that was dealt with). */
  trustProductSubmittedEarly(early: boolean): void {
    this.carried.trustProductSubmittedEarly = early;
  }

  representativeMade(index: number, sid: string): void {
    this.#formerly(this.record.resources.representativeSids[index], sid);
    this.record.resources.representativeSids[index] = sid;
  }

  /** Representatives beyond the first `count`, taken out of the record: their SIDs, to unlink and delete. */
  representativesDroppedFrom(count: number): string[] {
    const dropped = this.record.resources.representativeSids.splice(count);
    for (const sid of dropped) this.#formerly(sid);
    return dropped;
  }

  /** What a cancel, an offboarding or a failure's clean-up did with one resource. */
  compensated(entry: CompensationEntry): void {
    this.record.compensation.push(entry);
  }

  /** The record's status while serving: `completed` only when every product asked for is approved. */
  productsPending(): void {
    if (this.record.status === 'completed') {
      this.record.status = 'running';
      this.note('products in vetting', this.requestedAddOns().join(', '));
    }
  }

  /** The rejected trust product is gone: the guide makes a new one, under a new revision of its name. */
  trustProductDeleted(sid: string): void {
    delete this.carried.numbers[sid];
    delete this.carried.linked[sid];
    this.carried.trustProductRevision = (this.carried.trustProductRevision ?? 1) + 1;
    this.resourceForgotten('trustProductSid');
    this.record.trustProduct = null;
  }

  /** A round of corrections is being applied (the record counts them). */
  correctionsReceived(fields: string[]): void {
    this.record.corrections += 1;
    this.note('corrections received', fields.join(', '));
  }

  /** Approved: from now on (and in every continued run) the workflow serves the customer. */
  startServing(): void {
    this.carried.serving = true;
    this.setStep('serving');
  }

  /** An earlier run of the customer may have left resources: every create looks them up first. */
  earlierRunFound(): void {
    this.carried.earlierRun = true;
  }

  // ---- Twilio outages, told by the activities (./twilio-outage.ts) -----------------------------------

  /** The view's problem: the ISV's to fix (explained: ../remedies.ts) when there is one, else Twilio failing. */
  problem(): Problem | null {
    const outage = this.carried.twilioOutage;
    return explainedProblemOf(this.carried) ?? (outage ? outageProblem(outage) : null);
  }

  /** Twilio keeps failing a call: since the first such call's first try, with the latest attempts. */
  twilioFailing(outage: TwilioOutage): void {
    const known = this.carried.twilioOutage;
    this.carried.twilioOutage = { ...outage, since: known?.since ?? outage.since };
    if (!known) this.note('Twilio failing', `${outage.operation}: ${outage.lastError.message}; retrying`);
    this.showChange();
  }

  /** Twilio answers the run's calls again. */
  twilioRecovered(): void {
    const known = this.carried.twilioOutage;
    if (!known) return;
    delete this.carried.twilioOutage;
    this.note('Twilio answers again', `failing since ${known.since}`);
    this.showChange();
  }

  /**
   * The run ends: the call Twilio was failing was cancelled with it, and the run retries nothing more,
   * so no `twilioRecovered` will come. Its end is the news (no `twilio-recovered` event).
   */
  #outageEnds(): void {
    delete this.carried.twilioOutage;
  }

  // ---- status: every change of it goes through one of these ----------------------------------------

  /** The ISV must act (corrections during onboarding, a lost approval while serving). */
  requireAction(problem: Problem): void {
    this.record.status = 'action-required';
    this.record.problem = problem;
    this.note('action required', problem.message);
  }

  /** The ISV's corrections arrived: back to work. */
  resume(): void {
    this.record.status = 'running';
    this.record.problem = null;
  }

  /** Both bundles approved: the customer's numbers are signed A. */
  complete(): void {
    const record = this.record;
    // Voice Integrity or CNAM still in Twilio's vetting: signed A already, completed once they are approved
    // too (the serving loop watches them, so number changes need not wait for their reviewers).
    const waitingFor = this.requestedAddOns().filter(
      (p) => this.addOnSnapshot(p)?.status !== 'twilio-approved',
    );
    if (waitingFor.length) {
      this.note(
        'A-level attestation',
        `${record.phoneNumbers.map((n) => n.sid).join(', ')}; in vetting: ${waitingFor.join(', ')}`,
      );
      record.status = 'running';
      record.step = 'done';
      this.showChange();
      return;
    }
    if (record.status !== 'completed') {
      this.note('completed', `A-level attestation for ${record.phoneNumbers.map((n) => n.sid).join(', ')}`);
    }
    record.status = 'completed';
    record.step = 'done';
    this.showChange();
  }

  /** While serving: what needed the ISV is resolved, the approvals are current again. */
  approvalsCurrentAgain(): void {
    this.record.status = 'completed';
    this.record.problem = null;
    this.note('approvals current again');
  }

  /** While serving: the products added last are approved too; every product the customer has is. */
  allProductsApproved(): void {
    this.record.status = 'completed';
    this.record.problem = null;
    this.note('completed', `every product approved: shaken-stir, ${this.requestedAddOns().join(', ')}`);
  }

  /** The cancel's (or failure's) clean-up begins: noted, not yet shown (the clean-up shows its end). */
  cleanUpStarted(event: string): void {
    this.record.step = 'cancelling';
    this.note(event);
  }

  cancelled(detail: string): void {
    this.record.status = 'cancelled';
    this.record.step = 'done';
    this.#outageEnds();
    this.note('cancelled', detail);
    this.showChange();
  }

  /** The run fails with this reason (redacted); an adoption refused says so as the record's problem. */
  fail(reason: string, problem?: Problem): void {
    if (problem) this.record.problem = problem;
    this.record.status = 'failed';
    this.record.step = 'done';
    this.#outageEnds();
    this.note('failed', this.redact(reason));
    this.showChange();
  }

  // ---- history stays bounded -----------------------------------------------------------------------

  /**
   * Hands the whole state to a fresh run when Temporal suggests it; a no-op otherwise. It waits until
   * no handler is running and every queued event's delivery has started (one condition for both: an
   * update arriving while an event's delivery starts is not cut off, and no delivery start is). But a
   * number change or corrections arriving meanwhile have a handler that waits for this main loop: then
   * it returns without continuing, the caller's loop serves them and tries again at its next turn.
   */
  async continueAsNewIfHistoryIsLong(): Promise<void> {
    if (!workflowInfo().continueAsNewSuggested) return;
    const settled = () => allHandlersFinished() && this.events.empty;
    await condition(() => settled() || this.yieldsToQueuedWork());
    if (!settled()) return;
    this.note('continued as new', `history of ${workflowInfo().historyLength} events`);
    await continueAsNew<(input: OnboardingInput) => Promise<OnboardingView>>({
      onboardingId: this.id,
      request: this.request,
      carried: this.carried,
    });
  }

  /**
   * Work a handler has handed to the main loop and waits on: a queued number change, or corrections
   * (the only handlers that wait on it). While there is some, some handler is running, so the wait for
   * handlers to finish cannot end before the main loop has done it.
   */
  yieldsToQueuedWork(): boolean {
    return this.numberChanges.length > 0 || this.pendingCorrections !== undefined;
  }

  // ---- observed attestation: what Twilio reports signing on the customer's calls --------------------

  /**
   * A call's `StirStatus`, forwarded by the webhook. Kept when newer than what is known; when it differs
   * from the level the service infers, the mismatch is recorded (announced once) and the serving loop
   * re-reads the bundles to say which is wrong. One check per number at a time, at most one an hour.
   */
  callObserved(observed: { callSid: string; from: string; level: Attestation; at: string }): void {
    // Before the settings are read the inferred level is not known (B needs them): a later call says it.
    if (!this.settings) return;
    const number = this.record.phoneNumbers.find((n) => n.phoneNumber === observed.from);
    if (!number) return;
    // A relay's clock may run ahead: an observation is never later than now, or it would hide the next.
    const at = new Date(Math.min(Date.parse(observed.at), Date.now())).toISOString();
    const known = this.carried.observed?.[number.sid];
    if (known && Date.parse(known.at) > Date.parse(at)) return;
    (this.carried.observed ??= {})[number.sid] = { level: observed.level, at, callSid: observed.callSid };
    const inferred = phoneNumberStatuses(this.carried, this.settings).find((n) => n.sid === number.sid);
    if (!inferred) return;
    const mismatches = (this.carried.mismatches ??= {});
    const last = mismatches[number.sid];
    if (inferred.attestation === observed.level) {
      // What Twilio signs is what the service infers: no mismatch (any earlier one is over).
      delete mismatches[number.sid];
      this.showChange();
      return;
    }
    if (!this.mismatchIsNews(last, observed.level, inferred.attestation)) {
      this.showChange();
      return;
    }
    mismatches[number.sid] = {
      observed: observed.level,
      inferred: inferred.attestation,
      at: new Date().toISOString(),
      cause: 'checking',
      detail: `Twilio signed ${observed.level} on ${observed.callSid}; the service expected ${inferred.attestation}. Re-reading the bundles.`,
    };
    this.mismatchChecks.add(number.sid);
    this.note(
      'attestation mismatch',
      `${number.sid}: observed ${observed.level}, inferred ${inferred.attestation}`,
    );
    this.showChange();
  }

  /**
   * Whether a mismatch calls for a re-read. A number is checked at most once an hour, whatever its calls
   * say in between (calls on different routes can alternate B and C); a verdict of `rule` for the same
   * two levels stands for a day, since nothing the service can read would change it sooner.
   */
  mismatchIsNews(
    last: NonNullable<CarriedState['mismatches']>[string] | undefined,
    observed: Attestation,
    inferred: Attestation,
  ): boolean {
    if (!last) return true;
    const age = Date.now() - Date.parse(last.at);
    if (age < MISMATCH_CHECK_SPACING_MS) return false;
    const sameVerdict = last.cause === 'rule' && last.observed === observed && last.inferred === inferred;
    return !(sameVerdict && age < RULE_VERDICT_STANDS_MS);
  }

  /** Mismatches a continued run (or the start of serving) still owes a check: queued again. */
  requeueMismatchChecks(): void {
    for (const [sid, mismatch] of Object.entries(this.carried.mismatches ?? {})) {
      if (mismatch.cause === 'checking') this.mismatchChecks.add(sid);
    }
  }

  /** What the re-read found for a mismatch: Twilio's state changed (drift), or the service's rule is wrong. */
  mismatchExplained(phoneNumberSid: string, cause: 'drift' | 'rule', detail: string): void {
    const mismatch = this.carried.mismatches?.[phoneNumberSid];
    if (!mismatch) return;
    this.carried.mismatches![phoneNumberSid] = { ...mismatch, cause, detail, at: new Date().toISOString() };
    this.note(`attestation mismatch: ${cause}`, `${phoneNumberSid}: ${detail}`);
  }
}
