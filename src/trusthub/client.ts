/**
 * The one place a Twilio client is made. With `baseUrl` set, the real `twilio` SDK sends its Trust Hub
 * and 2010 API requests there (the local sandbox, a recording proxy…) instead of Twilio: a RequestClient
 * subclass rewrites each request's URL, so everything else — form encoding, auth, paging, errors — is the
 * SDK's own code path.
 */
import twilio from 'twilio';
import type BaseRequestClient from 'twilio/lib/base/RequestClient.js';

/** The hosts the onboarding talks to, with any edge/region labels Twilio may put in them. */
const TWILIO_API_ORIGIN = /^https:\/\/(?:trusthub|api)(?:\.[a-z0-9-]+)*\.twilio\.com(?=\/)/;

export class RedirectingRequestClient extends twilio.RequestClient {
  readonly #baseUrl: string;

  constructor(baseUrl: string, options?: ConstructorParameters<typeof twilio.RequestClient>[0]) {
    super(options);
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
  }

  rewrite(uri: string): string {
    return uri.replace(TWILIO_API_ORIGIN, this.#baseUrl);
  }

  override request<TData>(options: BaseRequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...options, uri: this.rewrite(options.uri) });
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
  /** Per-request timeout; Temporal retries what times out. */
  timeoutMs?: number;
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
  const httpClient = settings.baseUrl
    ? new RedirectingRequestClient(settings.baseUrl, options)
    : new twilio.RequestClient(options);
  return twilio(username, password, { accountSid: settings.accountSid, httpClient });
}
