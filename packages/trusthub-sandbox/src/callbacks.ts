/**
 * Status callbacks: a form-encoded POST to the bundle's StatusCallback on every status change, with
 * `AccountSid`, `BundleSid`, `Status` (and `FailureReason` on rejection), signed with
 * `X-Twilio-Signature` — HMAC-SHA1 with the auth token over the URL followed by the POST parameters
 * sorted by name, each as name+value, base64 (what `twilio.validateRequest` checks).
 *
 * The same dispatcher sends a call's progress events (calls.ts), in order: each leaves once the one
 * before has settled, as Twilio's follow the call.
 *
 * A failed delivery is logged and counted, never retried (Twilio's own callbacks may be lost too: the
 * onboarding must poll as a fallback). Callback faults (faults.ts) apply here, to both kinds.
 */
import { createHmac } from 'node:crypto';
import type { Logger } from './logger.js';
import type { FaultInjector } from './faults.js';
import type { Bundle } from './state.js';

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

/** Enough for a bench batch of a few hundred onboardings (six callbacks each). */
const MAX_CALLBACK_RECORDS = 5_000;

export interface CallbackRecord {
  /** The bundle of a status callback; '' for a call's event. */
  bundleSid: string;
  /** A call's event only: its call. */
  callSid?: string;
  /** The bundle's Status, or the call's CallStatus. */
  status: string;
  outcome: 'delivered' | 'failed' | 'dropped';
  httpStatus: number | null;
  /** When the POST left (milliseconds since the epoch); `null` for a dropped callback. */
  sentAt: number | null;
  at: string;
}

interface Delivery {
  url: string;
  params: Record<string, string>;
}

interface Held {
  delivery: Delivery;
  settled: () => void;
}

export interface CallbackDispatcherOptions {
  credentials: () => { accountSid: string; authToken: string };
  faults: FaultInjector;
  logger: Logger;
  timeoutMs?: number;
}

export class CallbackDispatcher {
  readonly #options: CallbackDispatcherOptions;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #sequences = new Set<Promise<void>>();
  #reorderBuffer: Held[] = [];
  #reorderTimer: NodeJS.Timeout | null = null;
  #closed = false;
  readonly records: CallbackRecord[] = [];
  readonly counters = { delivered: 0, failed: 0, dropped: 0 };

  constructor(options: CallbackDispatcherOptions) {
    this.#options = options;
  }

  /** Called after a bundle's status changed (and was committed). */
  notify(bundle: Bundle): void {
    if (!bundle.statusCallback) return;
    const { accountSid } = this.#options.credentials();
    const params: Record<string, string> = {
      AccountSid: accountSid,
      BundleSid: bundle.sid,
      Status: bundle.status,
    };
    if (bundle.status === 'twilio-rejected' && bundle.errors?.length) {
      params.FailureReason = bundle.errors.map((e) => `${e.code}: ${e.message}`).join('; ');
    }
    void this.#dispatch({ url: bundle.statusCallback, params });
  }

  /**
   * Sends `events` to `url` one after the other, each once the one before has settled (delivered,
   * failed or dropped); `onEvent` runs as each leaves. Resolves after the last.
   */
  sendInOrder(
    url: string,
    events: Record<string, string>[],
    onEvent?: (params: Record<string, string>) => void,
  ): Promise<void> {
    const run = async () => {
      for (const params of events) {
        if (this.#closed) return;
        onEvent?.(params);
        await this.#dispatch({ url, params });
      }
    };
    const sequence = run().finally(() => this.#sequences.delete(sequence));
    this.#sequences.add(sequence);
    return sequence;
  }

  /** Resolves once every copy the faults make of `delivery` has settled. */
  #dispatch(delivery: Delivery): Promise<void> {
    const fate = this.#options.faults.callbackFate();
    if (fate.drop) {
      this.counters.dropped += 1;
      this.#record(delivery, 'dropped', null);
      this.#options.logger.info(logFields(delivery.params), 'status callback dropped (fault)');
      return Promise.resolve();
    }
    const copies = Array.from({ length: fate.duplicate ? 2 : 1 }, () => this.#schedule(delivery));
    return Promise.all(copies).then(() => undefined);
  }

  #schedule(delivery: Delivery): Promise<void> {
    const { delayMs, reorderWindowMs } = this.#options.faults.config.callbacks;
    const enqueue = () =>
      reorderWindowMs > 0 ? this.#hold(delivery, reorderWindowMs) : this.#send(delivery);
    if (delayMs <= 0) return enqueue();
    return new Promise((settled) => this.#later(delayMs, () => void enqueue().then(settled)));
  }

  #hold(delivery: Delivery, windowMs: number): Promise<void> {
    return new Promise((settled) => {
      this.#reorderBuffer.push({ delivery, settled });
      if (this.#reorderTimer) return;
      this.#reorderTimer = this.#later(windowMs, () => {
        const batch = this.#reorderBuffer.reverse();
        this.#reorderBuffer = [];
        this.#reorderTimer = null;
        for (const held of batch) void this.#send(held.delivery).then(held.settled);
      });
    });
  }

  #later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  #send(delivery: Delivery): Promise<void> {
    const promise = this.#post(delivery).finally(() => this.#inFlight.delete(promise));
    this.#inFlight.add(promise);
    return promise;
  }

  async #post({ url, params }: Delivery): Promise<void> {
    const { authToken } = this.#options.credentials();
    const log = logFields(params);
    const sentAt = Date.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(authToken, url, params),
          'user-agent': 'TwilioProxy/1.1 (trusthub-sandbox)',
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 5_000),
      });
      await response.arrayBuffer();
      if (response.ok) {
        this.counters.delivered += 1;
        this.#record({ url, params }, 'delivered', response.status, sentAt);
      } else {
        this.counters.failed += 1;
        this.#record({ url, params }, 'failed', response.status, sentAt);
        this.#options.logger.warn({ ...log, httpStatus: response.status }, 'status callback refused');
      }
    } catch (error) {
      this.counters.failed += 1;
      this.#record({ url, params }, 'failed', null, sentAt);
      this.#options.logger.warn({ ...log, err: (error as Error).message }, 'status callback failed');
    }
  }

  #record(
    { params }: Delivery,
    outcome: CallbackRecord['outcome'],
    httpStatus: number | null,
    sentAt: number | null = null,
  ): void {
    this.records.push({
      bundleSid: params.BundleSid ?? '',
      ...(params.CallSid ? { callSid: params.CallSid } : {}),
      status: params.Status ?? params.CallStatus ?? '',
      outcome,
      httpStatus,
      sentAt,
      at: new Date().toISOString(),
    });
    if (this.records.length > MAX_CALLBACK_RECORDS) this.records.shift();
  }

  /** Resolves when no delivery is pending or in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#timers.size || this.#inFlight.size || this.#sequences.size) {
      await Promise.all([...this.#inFlight]);
      if (this.#timers.size || this.#sequences.size) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    // A sequence waiting on a cleared timer never settles: forget it, and send nothing more.
    this.#closed = true;
    this.#sequences.clear();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#reorderBuffer = [];
    this.#reorderTimer = null;
  }
}

/** What a delivery's log lines carry: SIDs and the status, never a number or a URL. */
function logFields(params: Record<string, string>) {
  return params.CallSid
    ? { callSid: params.CallSid, status: params.CallStatus }
    : { bundleSid: params.BundleSid, status: params.Status };
}
