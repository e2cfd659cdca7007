/**
 * Error classification: whatever the twilio SDK throws becomes a Temporal ApplicationFailure whose type
 * and retry behaviour the workflow can rely on.
 *
 * - 429 (20429), 408, 5xx, connection resets/refusals and timeouts → retryable `TwilioUnavailable`.
 *   A 429 is never processed by Twilio, so retrying it is always safe.
 * - 401/403 → retryable `TwilioAuth` with a slow `nextRetryDelay`, so an operator can fix the credentials
 *   without losing the runs that hit them.
 * - Any other 4xx → non-retryable `TwilioRejected`; `details[0]` carries Twilio's status, code, message and
 *   more_info link, which the workflow puts into the onboarding's state.
 *
 * The failure types and their details are the contract's (src/contract/failures.ts): the workflow reads
 * them without importing this adapter. Nothing here logs or embeds request data: only what Twilio answered.
 */
import { ApplicationFailure } from '@temporalio/common';
import {
  TrustHubFailureType,
  type PhoneNumberNotOwnedDetails,
  type TwilioErrorDetails,
  twilioErrorDetails,
} from '../contract/failures.js';

/** Delay before retrying after 401/403. */
export const AUTH_RETRY_DELAY = '5 minutes';

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_NETWORK',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const NETWORK_ERROR_MESSAGES = /socket hang up|timeout of \d+ms exceeded|network error|ECONNRESET|ETIMEDOUT/i;

interface HttpErrorShape {
  status: number;
  code: number | null;
  message: string;
  moreInfo: string | null;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Reads an HTTP error answered by Twilio: the SDK's RestException (`status, code, message, moreInfo`), its
 * RFC 9457 TwilioServiceException (`status, code, title, detail, type`), or an axios error with a response.
 */
export function httpErrorOf(error: unknown): HttpErrorShape | undefined {
  const e = asRecord(error);
  if (!e) return undefined;
  if (typeof e.status === 'number' && e.status >= 100) {
    const code = typeof e.code === 'number' ? e.code : null;
    const message =
      str(e.detail) ?? str(e.message) ?? str(e.title) ?? `HTTP ${e.status} from Twilio without a message`;
    const moreInfo = str(e.moreInfo) ?? str(e.more_info) ?? (str(e.title) ? (str(e.type) ?? null) : null);
    return { status: e.status, code, message, moreInfo };
  }
  const response = asRecord(e.response);
  if (response && typeof response.status === 'number') {
    const body = asRecord(response.data);
    return {
      status: response.status,
      code: typeof body?.code === 'number' ? body.code : null,
      message: str(body?.message) ?? str(e.message) ?? `HTTP ${response.status}`,
      moreInfo: str(body?.more_info) ?? null,
    };
  }
  return undefined;
}

/** A connection-level failure (reset, refused, timeout, DNS) that never got an HTTP answer. */
export function isNetworkError(error: unknown): boolean {
  for (let e = asRecord(error), depth = 0; e && depth < 5; e = asRecord(e.cause), depth++) {
    if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return true;
    if (typeof e.message === 'string' && NETWORK_ERROR_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** True for a 404 answered by Twilio (code 20404 or a plain 404), raw or already classified. */
export function isNotFound(error: unknown): boolean {
  if (error instanceof ApplicationFailure) return twilioErrorDetails(error)?.status === 404;
  return httpErrorOf(error)?.status === 404;
}

function describe(details: TwilioErrorDetails): string {
  const code = details.code !== null ? `, code ${details.code}` : '';
  return `HTTP ${details.status}${code}: ${details.message}`;
}

/**
 * The failure type an HTTP status from Twilio becomes (the rules at the top of this file), or undefined
 * for a status that is not an error. The worker's request counter (src/trusthub/metrics.ts) labels
 * answers with it too, so a metric and a failure in the Web UI use the same words.
 */
export function failureTypeOfStatus(status: number): TrustHubFailureType | undefined {
  if (status === 429 || status === 408 || status >= 500) return TrustHubFailureType.Unavailable;
  if (status === 401 || status === 403) return TrustHubFailureType.Auth;
  if (status >= 400) return TrustHubFailureType.Rejected;
  return undefined;
}

/**
 * Turns anything thrown while calling Twilio into an ApplicationFailure of one of the types above.
 * ApplicationFailures pass through unchanged; errors that are neither HTTP answers nor network errors
 * (programming errors) are returned unchanged too, and Temporal retries them by default.
 */
export function classifyTwilioError(error: unknown): unknown {
  if (error instanceof ApplicationFailure) return error;
  const http = httpErrorOf(error);
  if (http) {
    const details: TwilioErrorDetails = { ...http };
    const type = failureTypeOfStatus(http.status);
    if (type === TrustHubFailureType.Unavailable) {
      return ApplicationFailure.create({
        type: TrustHubFailureType.Unavailable,
        message: `Twilio is unavailable (${describe(details)})`,
        details: [details],
      });
    }
    if (type === TrustHubFailureType.Auth) {
      return ApplicationFailure.create({
        type: TrustHubFailureType.Auth,
        message: `Twilio refused the credentials (${describe(details)}); retrying in ${AUTH_RETRY_DELAY} — check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN or the API key`,
        details: [details],
        nextRetryDelay: AUTH_RETRY_DELAY,
      });
    }
    if (type === TrustHubFailureType.Rejected) {
      return ApplicationFailure.create({
        type: TrustHubFailureType.Rejected,
        message: `Twilio rejected the request (${describe(details)})`,
        details: [details],
        nonRetryable: true,
      });
    }
  }
  if (isNetworkError(error)) {
    const e = asRecord(error);
    const code = typeof e?.code === 'string' ? e.code : undefined;
    const message = str(e?.message) ?? 'network error';
    const details: TwilioErrorDetails = { status: null, code: null, message, moreInfo: null };
    return ApplicationFailure.create({
      type: TrustHubFailureType.Unavailable,
      message: `Could not reach Twilio (${code ? `${code}: ` : ''}${message})`,
      details: [details],
    });
  }
  return error;
}

/**
 * The non-retryable failure for numbers the account does not own (or that are not numbers at all). It
 * names positions (1-based in the message, 0-based in details), never the numbers: personal data.
 */
export function phoneNumberNotOwned(problems: PhoneNumberNotOwnedDetails[]): ApplicationFailure {
  const list = problems
    .map((p) =>
      p.reason === 'invalid'
        ? `#${p.position + 1} is neither an E.164 number nor a PN… SID`
        : `#${p.position + 1} is not an incoming number of this Twilio account`,
    )
    .join('; ');
  return ApplicationFailure.create({
    type: TrustHubFailureType.PhoneNumberNotOwned,
    message: `Phone number ${list}`,
    details: problems.map(({ position, reason }) => ({ position, reason })),
    nonRetryable: true,
  });
}

/** A retryable Twilio failure as the view shows it (`Problem.outage.lastError`): no Twilio text. */
export interface TwilioOutageError {
  type: typeof TrustHubFailureType.Unavailable | typeof TrustHubFailureType.Auth;
  status: number | null;
  code: number | null;
  message: string;
}

/**
 * What a failure tells of a Twilio outage, when it is a retryable Twilio failure (TwilioUnavailable,
 * TwilioAuth); undefined for anything else. The message is the status and code in words only: Twilio's
 * own text goes into the run's failure (encrypted), not into a view or an event that may be logged.
 */
export function twilioOutageError(error: unknown): TwilioOutageError | undefined {
  if (!(error instanceof ApplicationFailure)) return undefined;
  const details = twilioErrorDetails(error);
  if (!details) return undefined;
  const { status, code } = details;
  const codeText = code !== null ? `, code ${code}` : '';
  if (error.type === TrustHubFailureType.Auth) {
    const message = `Twilio refused the service's credentials (HTTP ${status}${codeText}): the operators must fix them`;
    return { type: TrustHubFailureType.Auth, status, code, message };
  }
  if (error.type !== TrustHubFailureType.Unavailable) return undefined;
  const message =
    status === null
      ? 'No answer from Twilio (connection refused, reset or timed out)'
      : `Twilio answered HTTP ${status}${codeText}`;
  return { type: TrustHubFailureType.Unavailable, status, code, message };
}
