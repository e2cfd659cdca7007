/**
 * The in-memory store: the state object plus the look-ups the rules need. Every mutation goes through
 * `commit()`, which notifies listeners (the persister) — so a snapshot is never missed.
 */
import type {
  Bundle,
  ChannelEndpointAssignment,
  EntityAssignment,
  EndUser,
  SandboxState,
  SupportingDocument,
  Address,
} from './state.js';
import { attrList } from './attributes.js';
import { byCreation } from './state.js';

export class SandboxStore {
  #state: SandboxState;
  readonly #listeners = new Set<() => void>();

  constructor(state: SandboxState) {
    this.#state = state;
  }

  get state(): SandboxState {
    return this.#state;
  }

  /** Replaces the whole world (reset, reload). */
  replace(state: SandboxState): void {
    this.#state = state;
    this.commit();
  }

  nextSeq(): number {
    this.#state.seq += 1;
    return this.#state.seq;
  }

  onCommit(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  commit(): void {
    for (const listener of this.#listeners) listener();
  }

  bundle(sid: string): Bundle | undefined {
    return this.#state.bundles[sid];
  }

  entityAssignmentsOf(bundleSid: string): EntityAssignment[] {
    return byCreation(this.#state.entityAssignments).filter((a) => a.bundleSid === bundleSid);
  }

  channelEndpointAssignmentsOf(bundleSid: string): ChannelEndpointAssignment[] {
    return byCreation(this.#state.channelEndpointAssignments).filter((a) => a.bundleSid === bundleSid);
  }

  /** The bundles an end user, document or profile is assigned to. */
  bundlesHolding(objectSid: string): Bundle[] {
    return Object.values(this.#state.entityAssignments)
      .filter((a) => a.objectSid === objectSid)
      .map((a) => this.#state.bundles[a.bundleSid])
      .filter((b): b is Bundle => b !== undefined);
  }

  attachedEndUsers(bundleSid: string): EndUser[] {
    return this.entityAssignmentsOf(bundleSid)
      .map((a) => this.#state.endUsers[a.objectSid])
      .filter((u): u is EndUser => u !== undefined);
  }

  attachedDocuments(bundleSid: string): SupportingDocument[] {
    return this.entityAssignmentsOf(bundleSid)
      .map((a) => this.#state.supportingDocuments[a.objectSid])
      .filter((d): d is SupportingDocument => d !== undefined);
  }

  attachedProfiles(bundleSid: string): Bundle[] {
    return this.entityAssignmentsOf(bundleSid)
      .map((a) => this.#state.bundles[a.objectSid])
      .filter((b): b is Bundle => b !== undefined && b.kind === 'customer-profile');
  }

  /** The addresses a customer_profile_address document points at (unknown SIDs are skipped). */
  addressesOfDocument(document: SupportingDocument): Address[] {
    return attrList(document.attributes, 'address_sids')
      .map((sid) => this.#state.addresses[sid])
      .filter((a): a is Address => a !== undefined);
  }
}
