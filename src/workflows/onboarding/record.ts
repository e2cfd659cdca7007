/**
 * The resource ledger: what the record holds of the customer's bundles, entities and numbers, and what
 * it remembers so that a replay, a return after corrections or a continued run never repeats a Trust Hub
 * call. Plain functions and a `Ledger` over the carried state (./carried.ts), so they can be read and
 * tested without a workflow; the entity (./onboarding.ts) is a Ledger and shows each change.
 */
import {
  ADD_ON_FIELD,
  ADD_ON_PRODUCTS,
  type AddOnProduct,
  type BundleKind,
} from '../../contract/vocabulary.js';
import type {
  BundleSnapshot,
  CompensationEntry,
  CreatedResources,
  DriftEntry,
  EvaluationSummary,
  OnboardingRecord,
  OnboardingRequest,
  PhoneNumberRef,
} from '../../contract/types.js';
import type { CarriedState } from './carried.js';
import type { ExistingProfile } from './activities.js';
import type { ReplacedResource } from './steps/personal-data.js';

export const TIMELINE_LIMIT = 200;
/** Former SIDs kept readable: the timeline's notes about them go back no further than its limit. */
const FORMER_SIDS_LIMIT = TIMELINE_LIMIT;
/** Drift entries kept on the record: the latest ones. */
const DRIFT_LIMIT = 20;

/** The resources the record holds one of. */
export type SingleResource = Exclude<keyof CreatedResources, 'representativeSids'>;

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

// ---- reading the record ------------------------------------------------------------------------------

/** Every bundle of the customer as last read: profile, SHAKEN/STIR, then the add-ons asked for. */
export function snapshots(record: OnboardingRecord): BundleSnapshot[] {
  const { customerProfile, trustProduct, voiceIntegrity, cnam } = record;
  return [customerProfile, trustProduct, voiceIntegrity, cnam].filter((b): b is BundleSnapshot => !!b);
}

/** An add-on product's trust product as last read (null: not made yet). */
export function addOnSnapshot(record: OnboardingRecord, product: AddOnProduct): BundleSnapshot | null {
  return record[ADD_ON_SLOTS[product].view] ?? null;
}

export function addOnSid(record: OnboardingRecord, product: AddOnProduct): string | undefined {
  return record.resources[ADD_ON_SLOTS[product].bundleSid];
}

/** The add-on whose trust product this is, if it is one. */
export function addOnOf(record: OnboardingRecord, bundleSid: string): AddOnProduct | undefined {
  return ADD_ON_PRODUCTS.find((product) => addOnSid(record, product) === bundleSid);
}

/** The add-on products the customer's record asks for, in Twilio's order of work. */
export function requestedAddOns(request: OnboardingRequest): AddOnProduct[] {
  return ADD_ON_PRODUCTS.filter((product) => request[ADD_ON_FIELD[product]] !== undefined);
}

/**
 * The customer's bundles, profile first (a trust product takes only numbers already on it): the
 * profile, SHAKEN/STIR's trust product, and each add-on's that has been made.
 */
export function customerBundles(record: OnboardingRecord): CustomerBundle[] {
  const { customerProfileSid, trustProductSid } = record.resources;
  const bundles: CustomerBundle[] = [];
  if (customerProfileSid)
    bundles.push({ kind: 'customer-profile', bundleSid: customerProfileSid, product: 'customer-profile' });
  if (trustProductSid)
    bundles.push({ kind: 'trust-product', bundleSid: trustProductSid, product: 'shaken-stir' });
  for (const product of ADD_ON_PRODUCTS) {
    const bundleSid = addOnSid(record, product);
    if (bundleSid) bundles.push({ kind: 'trust-product', bundleSid, product });
  }
  return bundles;
}

export function bundleSids(record: OnboardingRecord): string[] {
  const { customerProfileSid, trustProductSid, voiceIntegritySid, cnamSid } = record.resources;
  return [customerProfileSid, trustProductSid, voiceIntegritySid, cnamSid].filter(
    (sid): sid is string => !!sid,
  );
}

// ---- the timeline -------------------------------------------------------------------------------------

export function note(record: OnboardingRecord, event: string, detail?: string): void {
  const timeline = record.timeline;
  timeline.push({ at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
  if (timeline.length > TIMELINE_LIMIT) timeline.splice(0, timeline.length - TIMELINE_LIMIT);
}

/**
 * The ledger's writes, over the carried state it is given: the entity (./onboarding.ts) is one, and
 * adds the showing of each change (search attributes, current details, events) where one is due.
 */
export class Ledger {
  constructor(readonly carried: CarriedState) {}

  get record(): OnboardingRecord {
    return this.carried.view;
  }

  get request(): OnboardingRequest {
    return this.carried.request;
  }

  note(event: string, detail?: string): void {
    note(this.record, event, detail);
  }

  snapshotOf(bundleSid: string): BundleSnapshot | null {
    return this.snapshots().find((bundle) => bundle.sid === bundleSid) ?? null;
  }

  snapshots(): BundleSnapshot[] {
    return snapshots(this.record);
  }

  addOnSnapshot(product: AddOnProduct): BundleSnapshot | null {
    return addOnSnapshot(this.record, product);
  }

  addOnSid(product: AddOnProduct): string | undefined {
    return addOnSid(this.record, product);
  }

  addOnOf(bundleSid: string): AddOnProduct | undefined {
    return addOnOf(this.record, bundleSid);
  }

  requestedAddOns(): AddOnProduct[] {
    return requestedAddOns(this.request);
  }

  customerBundles(): CustomerBundle[] {
    return customerBundles(this.record);
  }

  bundleSids(): string[] {
    return bundleSids(this.record);
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
    if (addOn) record[ADD_ON_SLOTS[addOn].view] = { ...snapshot, product: addOn };
    else if (snapshot.kind === 'customer-profile') record.customerProfile = snapshot;
    else record.trustProduct = snapshot;
    return snapshot;
  }

  /** An add-on product is asked for: the record shows it (null until its trust product is made). */
  addOnRequested(product: AddOnProduct): void {
    const slot = ADD_ON_SLOTS[product].view;
    if (this.record[slot] === undefined) this.record[slot] = null;
  }

  /** An add-on asked for and taken back before Twilio had its trust product: the record no longer shows it. */
  addOnDropped(product: AddOnProduct): void {
    delete this.record[ADD_ON_SLOTS[product].view];
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

  evaluated(bundle: BundleKind, evaluation: EvaluationSummary): void {
    this.record.latestEvaluation = { ...evaluation, bundle };
  }

  /** What Twilio often rejects but not always: said once, in the timeline and the record. */
  warn(warning: string): void {
    if (this.record.warnings?.includes(warning)) return;
    (this.record.warnings ??= []).push(warning);
    this.note('warning', warning);
  }

  /** What a cancel, an offboarding or a failure's clean-up did with one resource. */
  compensated(entry: CompensationEntry): void {
    this.record.compensation.push(entry);
  }

  /** The customer's data with a change applied (numbers, products, corrections): the one copy of it. */
  updateRequest(request: OnboardingRequest): OnboardingRequest {
    this.carried.request = request;
    return request;
  }

  // ---- links and numbers remembered across replays, returns and continued runs ---------------------

  /** An entity Twilio no longer has on the bundle, and would not take back. */
  entityGone(bundleSid: string, objectSid: string): void {
    this.carried.linked[bundleSid] = (this.carried.linked[bundleSid] ?? []).filter(
      (sid) => sid !== objectSid,
    );
  }

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

  /** A bundle deleted at Twilio: nothing is assigned to it any more. */
  bundleForgotten(bundleSid: string): void {
    delete this.carried.numbers[bundleSid];
    delete this.carried.linked[bundleSid];
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

  /** The rejected trust product is gone: the guide makes a new one, under a new revision of its name. */
  trustProductDeleted(sid: string): void {
    delete this.carried.numbers[sid];
    delete this.carried.linked[sid];
    this.carried.trustProductRevision = (this.carried.trustProductRevision ?? 1) + 1;
    this.resourceForgotten('trustProductSid');
    this.record.trustProduct = null;
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

  /** An adopted profile's registration authority as Twilio holds it (for Voice Integrity and CNAM). */
  profileRegistrationRead(registrationIdentifier: string): void {
    this.carried.profileRegistrationIdentifier = registrationIdentifier;
  }

  /** Replaced personal data to delete at Twilio, queued in order: those not queued before. */
  deletionsPending(replaced: ReplacedResource[]): ReplacedResource[] {
    const pending = (this.carried.pendingDeletions ??= []);
    const fresh = replaced.filter((resource) => !pending.some(({ sid }) => sid === resource.sid));
    pending.push(...fresh);
    for (const { sid } of fresh) this.#formerly(sid);
    return fresh;
  }

  /** What Twilio refused to delete this time: tried again later (./personal-data.ts). */
  deletionsKept(kept: ReplacedResource[]): void {
    this.carried.pendingDeletions = kept;
  }

  /** The trust product went into vetting while the profile was still in review (or that was dealt with). */
  trustProductSubmittedEarly(early: boolean): void {
    this.carried.trustProductSubmittedEarly = early;
  }

  /** A corrected email waits for the trust product to allow edits again (or has reached it). */
  trustProductEmailOutdated(outdated: boolean): void {
    this.carried.trustProductEmailOutdated = outdated;
  }

  /** An earlier run of the customer may have left resources: every create looks them up first. */
  earlierRunFound(): void {
    this.carried.earlierRun = true;
  }

  /** The serving loop listed what Twilio has assigned to the bundles (./drift.ts), now. */
  assignmentsChecked(at: number): void {
    this.carried.assignmentsCheckedAt = at;
  }
}
