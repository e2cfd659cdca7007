/**
 * The CLI's one way to the service: the public HTTP API, with the ISV's token, exactly as any other
 * client would use it (the CLI has no back door into Temporal). A busy or restarting API (429, 5xx, a
 * refused connection) is retried with backoff, because an import of a thousand rows should not fail on
 * a blip; a refusal of the request itself (4xx) is returned at once for the caller to report.
 */
import pRetry, { AbortError } from 'p-retry';
import type { Problem } from '../contract/types.js';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; rule: string }[] };
}

export interface OnboardingSummary {
  id: string;
  customerId: string | null;
  status: string | null;
  step: string | null;
  startedAt: string;
  /** The problem in brief, kind then codes ("rejection 18601"); from APIs that list it. */
  problem?: string | null;
}

/**
 * Why an onboarding needs the ISV, as GET /v1/onboardings/:id shows it. The remedy, the request paths
 * to change (JSON pointers, with Twilio's names) and the request that applies the fix come from newer
 * APIs: optional here, printed when present.
 */
export type ProblemView = Problem & {
  remedy?: string;
  fields?: { pointer: string; twilio?: string }[];
  fix?: { method: 'PATCH' | 'POST'; path: string } | null;
};

type Attestation = 'A' | 'B' | 'C';

/** Where a number stands in one of the customer's trust products. */
export interface NumberInProduct {
  state: 'active' | 'pending' | 'not-assigned' | 'ineligible';
  reason: string | null;
}

export interface PhoneNumberView {
  input: string;
  sid: string;
  phoneNumber: string;
  /** As the service infers it from the bundles. */
  attestation: Attestation;
  blockedBy: string | null;
  products?: { 'shaken-stir': NumberInProduct; 'voice-integrity'?: NumberInProduct; cnam?: NumberInProduct };
  /** What Twilio reported signing on one of the number's calls. */
  observedAttestation?: { level: Attestation; at: string; callSid: string } | null;
  attestationMismatch?: {
    observed: Attestation;
    inferred: Attestation;
    at: string;
    cause: 'checking' | 'drift' | 'rule';
    detail: string;
  } | null;
}

export interface OnboardingView {
  id: string;
  customerId: string;
  status: string;
  step: string;
  phoneNumbers: PhoneNumberView[];
  /** Absent from records older than the field; null when nothing needs the ISV. */
  problem?: ProblemView | null;
}

type OnboardingPage = { onboardings: OnboardingSummary[]; nextCursor: string | null } & Partial<ErrorBody>;

/** The service cannot be used at all (unreachable, wrong token): no point going on with other rows. */
export class ApiUnavailable extends Error {}

/** The API kept answering 429 or 5xx through every retry: this request failed, the next may not. */
export class ApiBusy extends Error {}

const RETRIES = 5;

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string | undefined,
    /** The variable the token comes from, named when the API refuses it. */
    private readonly tokenVariable: 'API_TOKEN' | 'ADOPT_TOKEN' = 'API_TOKEN',
  ) {}

  /** Whether requests carry a token (none: the API is in loopback development, every scope open). */
  get hasToken(): boolean {
    return this.token !== undefined;
  }

  /**
   * The same API with the operators' ADOPT_TOKEN, for POST /v1/adoptions. From the environment only,
   * never a flag: a token on the command line is in the shell's history and the process list.
   */
  adopting(env: NodeJS.ProcessEnv = process.env): ApiClient {
    return new ApiClient(this.baseUrl, env.ADOPT_TOKEN || undefined, 'ADOPT_TOKEN');
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const url = new URL(path, this.baseUrl);
    const attempt = async (): Promise<ApiResponse<T>> => {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(60_000),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new ApiUnavailable(
          `cannot reach the API at ${this.baseUrl} (${cause}); is it running? Set API_URL.`,
        );
      }
      if (response.status === 401) {
        throw new AbortError(new ApiUnavailable(`the API refused the token: set ${this.tokenVariable}.`));
      }
      const parsed = (await response.json().catch(() => ({}))) as T;
      if (response.status === 429 || response.status >= 500) {
        const message = (parsed as Partial<ErrorBody>).error?.message ?? response.statusText;
        throw new ApiBusy(`${method} ${url.pathname} answered ${response.status}: ${message}`);
      }
      return { status: response.status, body: parsed };
    };
    return pRetry(attempt, { retries: RETRIES, minTimeout: 250, maxTimeout: 5_000, randomize: true });
  }

  /**
   * Every onboarding matching `query`, once each, page by page (the API's cursor). The list is newest
   * first: a customer onboarded again after a failure shows as its newest run.
   */
  async *onboardings(query: Record<string, string> = {}): AsyncGenerator<OnboardingSummary> {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const params: URLSearchParams = new URLSearchParams({
        ...query,
        limit: '200',
        ...(cursor ? { cursor } : {}),
      });
      const { status, body }: ApiResponse<OnboardingPage> = await this.request(
        'GET',
        `/v1/onboardings?${params}`,
      );
      if (status !== 200)
        throw new ApiUnavailable(`listing onboardings failed: ${body.error?.message ?? status}`);
      for (const onboarding of body.onboardings) {
        if (seen.has(onboarding.id)) continue;
        seen.add(onboarding.id);
        yield onboarding;
      }
      cursor = body.nextCursor;
    } while (cursor);
  }
}

/**
 * One onboarding's record, or the HTTP status when there is none to show: 404, or 503 for an API that
 * stayed busy through every retry (one customer's record should not stop a listing of many).
 */
export async function readView(
  api: Pick<ApiClient, 'request'>,
  id: string,
): Promise<{ view: OnboardingView } | { status: number }> {
  try {
    const { status, body } = await api.request<OnboardingView>('GET', `/v1/onboardings/${id}`);
    return status === 200 && body ? { view: body } : { status };
  } catch (error) {
    if (error instanceof ApiBusy) return { status: 503 };
    throw error;
  }
}
