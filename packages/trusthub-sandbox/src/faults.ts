/**
 * Faults on demand, so the onboarding's retries and idempotency can be tested against the failures
 * Twilio really produces:
 * - `latencyMs`: added to every API request;
 * - rules: `429` (Twilio body, code 20429), `500`, `drop` (socket destroyed before the request is
 *   handled) and `lost-response` (the create is applied, then the socket is destroyed instead of
 *   answering — the hardest case for idempotency);
 * - `maxConcurrency`: requests beyond that many in flight get 429 / 20429, as Twilio answers;
 * - callbacks: dropped, duplicated, delayed, or held for a window and delivered in reverse order.
 *
 * A rule fires for matching requests (optional `method`, `path` prefix or `^regex`) either for the
 * next `count` of them, or with probability `rate` drawn from a PRNG seeded with `seed`, or both (with
 * probability, at most `count` times). Admin routes (/__sandbox/) are never faulted.
 */
import type { Random } from './random.js';
import { seededRandom } from './random.js';

export type FaultKind = '429' | '500' | 'drop' | 'lost-response';
export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', 'drop', 'lost-response'];

export interface FaultRule {
  kind: FaultKind;
  /** Probability in [0, 1] that a matching request is faulted. */
  rate?: number;
  /** Fault at most this many matching requests (the next N when `rate` is absent). */
  count?: number;
  method?: string;
  /** A path prefix, or a regular expression when it starts with ^. */
  path?: string;
  /** lost-response only: apply to every successful POST/DELETE, not just creates. */
  anyWrite?: boolean;
}

export interface CallbackFaults {
  dropRate: number;
  duplicateRate: number;
  delayMs: number;
  /** Hold callbacks for this long after the first one, then deliver the batch in reverse order. */
  reorderWindowMs: number;
}

export interface FaultConfig {
  seed: number;
  latencyMs: number;
  maxConcurrency: number;
  rules: FaultRule[];
  callbacks: CallbackFaults;
}

export function defaultFaultConfig(): FaultConfig {
  return {
    seed: 1,
    latencyMs: 0,
    maxConcurrency: 0,
    rules: [],
    callbacks: { dropRate: 0, duplicateRate: 0, delayMs: 0, reorderWindowMs: 0 },
  };
}

interface ActiveRule extends FaultRule {
  fired: number;
}

export interface RequestInfo {
  method: string;
  path: string;
  isCreate: boolean;
}

export class FaultInjector {
  #config: FaultConfig = defaultFaultConfig();
  #rules: ActiveRule[] = [];
  #random: Random = seededRandom(1);
  readonly injected: Record<FaultKind | 'concurrency' | 'callback-drop' | 'callback-duplicate', number> = {
    '429': 0,
    '500': 0,
    drop: 0,
    'lost-response': 0,
    concurrency: 0,
    'callback-drop': 0,
    'callback-duplicate': 0,
  };

  constructor(config?: Partial<FaultConfig>) {
    if (config) this.configure(config);
  }

  /** Replaces the configuration; the PRNG restarts from the seed so a test run is reproducible. */
  configure(config: Partial<FaultConfig>): void {
    for (const key of ['seed', 'latencyMs', 'maxConcurrency'] as const) {
      const value = config[key];
      if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
        throw new Error(`${key} must be a non-negative integer`);
      }
    }
    if (config.rules !== undefined && !Array.isArray(config.rules)) throw new Error('rules must be an array');
    const base = defaultFaultConfig();
    this.#config = {
      ...base,
      ...config,
      callbacks: { ...base.callbacks, ...(config.callbacks ?? {}) },
      rules: (config.rules ?? []).map((rule) => ({ ...rule })),
    };
    for (const rule of this.#config.rules) validateRule(rule);
    this.#rules = this.#config.rules.map((rule) => ({ ...rule, fired: 0 }));
    this.#random = seededRandom(this.#config.seed);
  }

  get config(): FaultConfig {
    return this.#config;
  }

  describe() {
    return {
      ...this.#config,
      rules: this.#rules.map((rule) => ({
        ...rule,
        remaining: rule.count === undefined ? null : Math.max(0, rule.count - rule.fired),
      })),
      injected: { ...this.injected },
    };
  }

  /** Decides a fault before the request is handled (429, 500, drop). */
  beforeHandling(request: RequestInfo): FaultKind | null {
    return this.#pick(request, (kind) => kind !== 'lost-response');
  }

  /** Decides, once a write succeeded, whether its response is lost. */
  afterWrite(request: RequestInfo): boolean {
    return (
      this.#pick(
        request,
        (kind, rule) => kind === 'lost-response' && (request.isCreate || rule.anyWrite === true),
      ) !== null
    );
  }

  /** Draws what happens to one status callback. */
  callbackFate(): { drop: boolean; duplicate: boolean } {
    const { dropRate, duplicateRate } = this.#config.callbacks;
    const drop = dropRate > 0 && this.#random() < dropRate;
    const duplicate = !drop && duplicateRate > 0 && this.#random() < duplicateRate;
    if (drop) this.injected['callback-drop'] += 1;
    if (duplicate) this.injected['callback-duplicate'] += 1;
    return { drop, duplicate };
  }

  countConcurrencyRejection(): void {
    this.injected.concurrency += 1;
  }

  #pick(request: RequestInfo, accepts: (kind: FaultKind, rule: FaultRule) => boolean): FaultKind | null {
    for (const rule of this.#rules) {
      if (!accepts(rule.kind, rule) || !matches(rule, request)) continue;
      if (rule.count !== undefined && rule.fired >= rule.count) continue;
      if (rule.rate !== undefined && !(this.#random() < rule.rate)) continue;
      rule.fired += 1;
      this.injected[rule.kind] += 1;
      return rule.kind;
    }
    return null;
  }
}

function matches(rule: FaultRule, request: RequestInfo): boolean {
  if (rule.method && rule.method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (!rule.path) return true;
  return rule.path.startsWith('^')
    ? new RegExp(rule.path).test(request.path)
    : request.path.startsWith(rule.path);
}

function validateRule(rule: FaultRule): void {
  if (!FAULT_KINDS.includes(rule.kind)) throw new Error(`unknown fault kind ${String(rule.kind)}`);
  if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1))
    throw new Error('rate must be in [0, 1]');
  if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 0)) {
    throw new Error('count must be a non-negative integer');
  }
  if (rule.rate === undefined && rule.count === undefined) throw new Error('a rule needs a rate or a count');
  if (rule.path?.startsWith('^')) new RegExp(rule.path);
}
