/**
 * Vetting: a submitted bundle moves `pending-review → in-review → twilio-approved | twilio-rejected`.
 * It spends 10 % of its kind's review delay in pending-review and the rest in in-review (so 24 h for a
 * profile is 2.4 h + 21.6 h). The decision comes from a forced outcome set through the admin route, if
 * any, else from the deterministic rules in vetting-rules.ts.
 *
 * Jobs live in the state (`vettingJobs`, with absolute due times), so a restarted sandbox resumes them.
 * In manual mode a bundle waits in in-review until the admin route decides.
 *
 * Approvals expire: when an approved bundle's `valid_until` passes, it becomes `twilio-rejected` with
 * the sandbox's own code 99602, and its status callback is sent. Twilio's contract has no `expired`
 * status for bundles (the OpenAPI enum is draft, pending-review, in-review, twilio-rejected,
 * twilio-approved), so a bundle Twilio no longer honours can only read as rejected; the code says why.
 * The admin route PUT /__sandbox/bundles/:sid/valid-until moves the date to show and test this.
 */
import type { Logger } from './logger.js';
import type { CallbackDispatcher } from './callbacks.js';
import type { Bundle, BundleError, BundleStatus, ForcedOutcome, VettingJob } from './state.js';
import type { SandboxStore } from './store.js';
import type { VettingDecision } from './vetting-rules.js';
import { decideVetting, rejection, RejectionCode } from './vetting-rules.js';

export type VettingMode = 'auto' | 'manual';

export interface VettingOptions {
  store: SandboxStore;
  callbacks: CallbackDispatcher;
  logger: Logger;
  profileReviewMs: number;
  trustProductReviewMs: number;
  mode: VettingMode;
}

const MAX_TIMER_MS = 2_147_483_647;
const YEAR_MS = 365 * 24 * 3_600_000;

export class VettingScheduler {
  readonly #options: VettingOptions;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #mode: VettingMode;

  constructor(options: VettingOptions) {
    this.#options = options;
    this.#mode = options.mode;
  }

  get mode(): VettingMode {
    return this.#mode;
  }

  setMode(mode: VettingMode): void {
    this.#mode = mode;
  }

  get #store(): SandboxStore {
    return this.#options.store;
  }

  #reviewMs(bundle: Bundle): number {
    return bundle.kind === 'customer-profile'
      ? this.#options.profileReviewMs
      : this.#options.trustProductReviewMs;
  }

  /** Status=pending-review was accepted: the bundle enters vetting. */
  submit(bundle: Bundle): void {
    bundle.errors = null;
    bundle.validUntil = null;
    // A forced outcome set before the submission stays: it is consumed by the decision.
    this.#setStatus(bundle, 'pending-review');
    this.#schedule({
      bundleSid: bundle.sid,
      next: 'in-review',
      dueAt: Date.now() + this.#reviewMs(bundle) * 0.1,
    });
  }

  setNextOutcome(bundleSid: string, forced: ForcedOutcome | null): void {
    if (forced) this.#store.state.forcedOutcomes[bundleSid] = forced;
    else delete this.#store.state.forcedOutcomes[bundleSid];
    this.#store.commit();
  }

  /** Admin: move an approved bundle's valid_until; when it passes, the approval expires (see above). */
  setValidUntil(bundle: Bundle, validUntil: string): void {
    bundle.validUntil = new Date(validUntil).toISOString();
    bundle.dateUpdated = new Date().toISOString();
    this.#schedule({ bundleSid: bundle.sid, next: 'expiry', dueAt: Date.parse(bundle.validUntil) });
  }

  /** Admin: decide a bundle in vetting now. `rules` applies the deterministic rules. */
  decideNow(bundle: Bundle, outcome: 'approve' | 'reject' | 'rules', codes?: number[]): void {
    if (bundle.status === 'pending-review') this.#setStatus(bundle, 'in-review');
    let decision: VettingDecision;
    if (outcome === 'approve') decision = { outcome: 'approve' };
    else if (outcome === 'reject') decision = rejection(codes?.length ? codes : this.#ruleCodes(bundle));
    else decision = decideVetting(this.#store, bundle);
    if (decision.outcome === 'wait') {
      this.#schedule({ bundleSid: bundle.sid, next: 'decision', dueAt: this.#decisionDue(bundle) });
      return;
    }
    this.#apply(bundle, decision);
  }

  /** Admin: run every scheduled step now (repeatedly, until only manual waits remain). */
  fastForward(): number {
    let steps = 0;
    for (let round = 0; round < 10; round += 1) {
      // Vetting steps only: an approval's expiry comes at its date, not when vetting is hurried.
      const due = Object.values(this.#store.state.vettingJobs).filter(
        (job) => job.dueAt !== null && job.next !== 'expiry',
      );
      if (!due.length) break;
      for (const job of due) {
        this.#run(job.bundleSid);
        steps += 1;
      }
    }
    return steps;
  }

  /** Re-arms the timers of the jobs in the state (after a reload). */
  resume(): void {
    for (const job of Object.values(this.#store.state.vettingJobs)) this.#arm(job);
  }

  close(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #ruleCodes(bundle: Bundle): number[] {
    const decision = decideVetting(this.#store, bundle);
    return decision.outcome === 'reject'
      ? decision.errors.map((e) => e.code)
      : [RejectionCode.linkedProfileNotApproved];
  }

  #decisionDue(bundle: Bundle): number | null {
    return this.#mode === 'manual' ? null : Date.now() + this.#reviewMs(bundle) * 0.9;
  }

  #schedule(job: VettingJob): void {
    this.#store.state.vettingJobs[job.bundleSid] = job;
    this.#store.commit();
    this.#arm(job);
  }

  #arm(job: VettingJob): void {
    const existing = this.#timers.get(job.bundleSid);
    if (existing) clearTimeout(existing);
    this.#timers.delete(job.bundleSid);
    if (job.dueAt === null) return;
    const wait = Math.min(Math.max(0, job.dueAt - Date.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.#timers.delete(job.bundleSid);
      const current = this.#store.state.vettingJobs[job.bundleSid];
      if (current !== job) return;
      if (job.dueAt !== null && job.dueAt > Date.now()) this.#arm(job);
      else this.#run(job.bundleSid);
    }, wait);
    timer.unref();
    this.#timers.set(job.bundleSid, timer);
  }

  #run(bundleSid: string): void {
    const job = this.#store.state.vettingJobs[bundleSid];
    this.#clearJob(bundleSid);
    const bundle = this.#store.bundle(bundleSid);
    if (!job || !bundle) return;
    if (job.next === 'expiry') {
      if (bundle.status !== 'twilio-approved' || !bundle.validUntil) return;
      if (Date.parse(bundle.validUntil) > Date.now()) return this.#schedule(job);
      bundle.errors = rejection([RejectionCode.approvalExpired]).errors;
      this.#setStatus(bundle, 'twilio-rejected');
      this.#options.logger.info({ bundleSid: bundle.sid }, 'approval expired');
      return;
    }
    if (job.next === 'in-review') {
      if (bundle.status !== 'pending-review') return;
      this.#setStatus(bundle, 'in-review');
      this.#schedule({ bundleSid, next: 'decision', dueAt: this.#decisionDue(bundle) });
      return;
    }
    if (bundle.status !== 'in-review') return;
    const forced = this.#store.state.forcedOutcomes[bundleSid];
    const decision: VettingDecision = forced
      ? forced.outcome === 'approve'
        ? { outcome: 'approve' }
        : rejection(forced.codes?.length ? forced.codes : this.#ruleCodes(bundle))
      : decideVetting(this.#store, bundle);
    if (decision.outcome === 'wait') {
      // A trust product waits for its profile's decision: look again shortly.
      const retryMs = Math.max(1_000, this.#reviewMs(bundle) * 0.1);
      this.#schedule({
        bundleSid,
        next: 'decision',
        dueAt: this.#mode === 'manual' ? null : Date.now() + retryMs,
      });
      return;
    }
    // A forced outcome is used once: a correction submitted afterwards is vetted on its merits.
    if (forced) delete this.#store.state.forcedOutcomes[bundleSid];
    this.#apply(bundle, decision);
  }

  #apply(
    bundle: Bundle,
    decision: { outcome: 'approve' } | { outcome: 'reject'; errors: BundleError[] },
  ): void {
    this.#clearJob(bundle.sid);
    if (decision.outcome === 'approve') {
      bundle.errors = null;
      bundle.validUntil = new Date(Date.now() + YEAR_MS).toISOString();
      this.#setStatus(bundle, 'twilio-approved');
      this.#schedule({ bundleSid: bundle.sid, next: 'expiry', dueAt: Date.parse(bundle.validUntil) });
    } else {
      bundle.errors = decision.errors;
      bundle.validUntil = null;
      this.#setStatus(bundle, 'twilio-rejected');
    }
    this.#options.logger.info(
      { bundleSid: bundle.sid, status: bundle.status, codes: bundle.errors?.map((e) => e.code) ?? [] },
      'vetting decided',
    );
  }

  #clearJob(bundleSid: string): void {
    const timer = this.#timers.get(bundleSid);
    if (timer) clearTimeout(timer);
    this.#timers.delete(bundleSid);
    delete this.#store.state.vettingJobs[bundleSid];
  }

  #setStatus(bundle: Bundle, status: BundleStatus): void {
    bundle.status = status;
    bundle.dateUpdated = new Date().toISOString();
    this.#store.commit();
    this.#options.callbacks.notify(bundle);
  }
}
