/**
 * The one place a Twilio client is made. With `baseUrl` set, the real `twilio` SDK sends its Trust Hub
 * and 2010 API requests there (the local sandbox, a recording proxy…) instead of Twilio: a RequestClient
 * subclass rewrites each request's URL, so everything else — form encoding, auth, paging, errors — is the
 * SDK's own code path. The same subclass holds the worker to its request budget, and counts every
 * request and its outcome (src/trusthub/metrics.ts).
 */
import pThrottle from 'p-throttle';
import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient.js';
import type { TrustHubMetrics } from './metrics.js';

/** The hosts the onboarding talks to, with any edge/region labels Twilio may put in them. */
const TWILIO_API_ORIGIN = /^https:\/\/(?:trusthub|api)(?:\.[a-z0-9-]+)*\.twilio\.com(?=\/)/;

/** Requests are spaced 5 % wider than the budget: the slack that absorbs jitter on the way to Twilio. */
export const REQUEST_SPACING_MARGIN = 0.05;

export interface TrustHubRequestClientOptions {
  /** Send requests here instead of Twilio (e.g. http://127.0.0.1:4010, the sandbox). */
  baseUrl?: string | undefined;
  /** This process sends fewer than this many requests in any one-second window. */
  requestsPerSecond?: number | undefined;
  /** Counts each request by operation and outcome (the worker's); nothing is counted without it. */
  metrics?: TrustHubMetrics | undefined;
}

/**
 * The SDK's own RequestClient, with two additions applied to every request the SDK makes: the URL
 * rewrite (when `baseUrl` is set) and the request budget (when `requestsPerSecond` is set).
 *
 * The budget is held per request, not per activity: an activity's retry may look up before it
 * creates, and Temporal's task-queue rate limit (src/worker.ts) counts activities and lets a
 * second's worth through in a burst. Here requests leave evenly spaced (p-throttle, strict), one
 * every 1/budget seconds and a little more, so no one-second window at Twilio holds more than the
 * budget even when the network or the event loop shifts a request by a few milliseconds. With several
 * worker processes, each is given its share of the account's budget (src/config.ts,
 * workerRequestsPerSecond): spacing holds each one to its share, and the shares add up to the budget.
 */
export class TrustHubRequestClient extends twilio.RequestClient {
  readonly #baseUrl: string | null;
  /** Runs each request when the budget allows (at once when there is none). */
  readonly #whenBudgetAllows: <T>(send: () => Promise<T>) => Promise<T>;
  readonly #metrics: TrustHubMetrics | undefined;

  constructor(
    { baseUrl, requestsPerSecond, metrics }: TrustHubRequestClientOptions,
    options?: ConstructorParameters<typeof twilio.RequestClient>[0],
  ) {
    super(options);
    this.#baseUrl = baseUrl ? baseUrl.replace(/\/+$/, '') : null;
    this.#metrics = metrics;
    if (requestsPerSecond === undefined) {
      this.#whenBudgetAllows = (send) => send();
    } else {
      const throttle = pThrottle({
        limit: 1,
        interval: (1000 / requestsPerSecond) * (1 + REQUEST_SPACING_MARGIN),
        strict: true,
      });
      this.#whenBudgetAllows = throttle((send: () => Promise<unknown>) => send()) as <T>(
        send: () => Promise<T>,
      ) => Promise<T>;
    }
  }

  rewrite(uri: string): string {
    return this.#baseUrl ? uri.replace(TWILIO_API_ORIGIN, this.#baseUrl) : uri;
  }

  override request<TData>(options: BaseRequestClient.RequestOptions<TData>) {
    return this.#whenBudgetAllows(async () => {
      const uri = this.rewrite(options.uri);
      // The SDK resolves with every HTTP answer, errors included (it throws RestException later), and
      // rejects only when there was no answer: so each request is counted here exactly once.
      try {
        const response = await super.request<TData>({ ...options, uri });
        this.#metrics?.answered(options.method, uri, response.statusCode);
        return response;
      } catch (error) {
        this.#metrics?.unanswered(options.method, uri, error);
        throw error;
      }
    });
  }
}

export interface TwilioClientSettings {
  accountSid: string;
  /** Either the account's auth token… */
  authToken?: string | undefined;
  /** …or an API key pair. */
  apiKey?: string | undefined;
  apiSecret?: string | undefined;
  /** Send requests here instead of Twilio (e.g. http://127.0.0.1:4010, the sandbox). */
  baseUrl?: string | undefined;
  /** This process's share of the request budget (src/config.ts, workerRequestsPerSecond); unlimited when unset. */
  requestsPerSecond?: number | undefined;
  /** Per-request timeout; Temporal retries what times out. */
  timeoutMs?: number;
  /** The worker's request counters (src/trusthub/metrics.ts). */
  metrics?: TrustHubMetrics | undefined;
}

export type TwilioClient = twilio.Twilio;

export function createTwilioClient(settings: TwilioClientSettings): TwilioClient {
  const [username, password] =
    settings.apiKey && settings.apiSecret
      ? [settings.apiKey, settings.apiSecret]
      : [settings.accountSid, settings.authToken];
  if (!password) throw new Error('createTwilioClient needs authToken, or apiKey with apiSecret');
  // Retries belong to Temporal's activity retry policy, not to the SDK: autoRetry stays off.
  const options = { timeout: settings.timeoutMs ?? 15_000, keepAlive: true, autoRetry: false };
  const httpClient = new TrustHubRequestClient(settings, options);
  return twilio(username, password, { accountSid: settings.accountSid, httpClient });
}
