/**
 * The callback policy: Twilio's status callbacks (hints) about the customer's bundles, and how often
 * they may cause a re-read. What a callback says is never trusted, only that a bundle is worth reading:
 * a hint is dropped when the record already says its status, and the re-reads callbacks cause are
 * bounded per bundle, so a burst of replayed callbacks costs a read or two, not one each.
 *
 * The hints belong to one run; the reads counted are carried (`callbackReads`), so a continued run
 * keeps the bound. Plain data in, no workflow API: unit-tested in test/workflows/onboarding/inbox.test.ts.
 */
import { BUNDLE_DECISIONS } from '../../contract/vocabulary.js';
import type { CarriedState } from './carried.js';

/**
 * Callback-caused re-reads of one bundle: at most CALLBACK_READS_PER_WINDOW in any
 * CALLBACK_READ_WINDOW_MS. Twilio's own callbacks about a bundle are a handful per vetting round, so
 * they are read at once; a burst beyond that (replays) waits for the window to move on, folded into
 * one read. A submission starts the bundle's count afresh, and the poll still reads what was held back.
 */
export const CALLBACK_READS_PER_WINDOW = 3;
export const CALLBACK_READ_WINDOW_MS = 3_600_000;

/** What the inbox knows of a bundle a callback is about, from the record. */
export interface HintedBundle {
  /** The status the record holds for the bundle (undefined: never read). */
  recorded: string | undefined;
  /** The bundle is an add-on's trust product (Voice Integrity, CNAM). */
  addOn: boolean;
}

export class Inbox {
  /** Bundle SIDs Twilio has told us about since we last looked, with the status it reported. */
  readonly #hints = new Map<string, string>();
  /** A callback arrived since the serving loop last looked (it recomputes when one is due). */
  #arrived = false;

  constructor(private readonly carried: Pick<CarriedState, 'callbackReads'>) {}

  /**
   * Notes a status callback. Callbacks arrive duplicated and out of order: a decision, once reported,
   * is not overwritten by a late report of a step before it, so the wait still reads the bundle.
   */
  hint(bundleSid: string, status: string, { recorded, addOn }: HintedBundle): void {
    const known = this.#hints.get(bundleSid);
    if (known !== undefined && BUNDLE_DECISIONS.includes(known)) return;
    // What the record already says needs no read: a duplicate or replay of a callback acted on.
    if (recorded === status) return;
    // A step on the way (pending-review → in-review) of an add-on in vetting changes nothing the workflow
    // acts on: the decision's callback, or the poll, reads it. (Only add-ons: for the profile and
    // SHAKEN/STIR, recorded runs woke on such callbacks, and replay holds them to it.)
    const inVetting = (s: string | undefined) => s === 'pending-review' || s === 'in-review';
    if (addOn && inVetting(recorded) && inVetting(status)) return;
    this.#hints.set(bundleSid, status);
    this.#arrived = true;
  }

  has(bundleSid: string): boolean {
    return this.#hints.has(bundleSid);
  }

  get size(): number {
    return this.#hints.size;
  }

  /** Whether a callback arrived since `lookedAt`. */
  get arrived(): boolean {
    return this.#arrived;
  }

  /** The serving loop looks at what has arrived: a callback from now on is news again. */
  lookedAt(): void {
    this.#arrived = false;
  }

  /** The status a callback reported for the bundle, taken out of the inbox (undefined: none). */
  take(bundleSid: string): string | undefined {
    const status = this.#hints.get(bundleSid);
    this.#hints.delete(bundleSid);
    return status;
  }

  /** Every hint not about one of these bundles (a replaced trust product's late callback) is dropped. */
  keepOnly(bundleSids: readonly string[]): void {
    for (const sid of [...this.#hints.keys()]) if (!bundleSids.includes(sid)) this.#hints.delete(sid);
  }

  clear(): void {
    this.#hints.clear();
  }

  /**
   * The bundle was read: a callback about a step on the way that raced this read (the submission's own
   * pending-review callback, say) is answered by it; only a decision still calls for a read.
   */
  read(bundleSid: string): void {
    const hinted = this.#hints.get(bundleSid);
    if (hinted !== undefined && !BUNDLE_DECISIONS.includes(hinted)) this.#hints.delete(bundleSid);
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
  noteCallbackRead(bundleSid: string, now = Date.now()): void {
    const reads = (this.carried.callbackReads ??= {});
    reads[bundleSid] = [...(reads[bundleSid] ?? []).filter((at) => at > now - CALLBACK_READ_WINDOW_MS), now];
  }

  /** The bundle was submitted: Twilio's next decision about it is read as soon as it is reported. */
  resetCallbackReads(bundleSid: string): void {
    if (this.carried.callbackReads) delete this.carried.callbackReads[bundleSid];
  }
}
