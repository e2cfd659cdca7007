/**
 * Twilio's error body, `{code, message, more_info, status}`, and the codes the sandbox uses.
 *
 * Where Twilio's own code for a case is not published, the choice is documented in the package README
 * ("Error codes").
 */

export const ErrorCode = {
  /** Missing or invalid request parameter (Twilio's generic "invalid parameter", HTTP 400). */
  invalidParameter: 20001,
  /** Wrong or missing credentials (HTTP 401). */
  authenticate: 20003,
  /** Unknown resource (HTTP 404). */
  notFound: 20404,
  /** Conflict with the current state, e.g. an object already assigned (HTTP 409). */
  conflict: 20409,
  /** Too many requests; never processed, always safe to retry (HTTP 429). */
  tooManyRequests: 20429,
  /** Internal error (HTTP 500). */
  internal: 20500,
  /** The bundle is not in a status that allows this change (draft or twilio-rejected needed). */
  bundleNotEditable: 60711,
  /** A call's From is not a number of the account ("'From' phone number not verified"). */
  fromNotVerified: 21210,
  /** A call's To is not a phone number ("Invalid 'To' Phone Number"). */
  invalidToNumber: 21211,
} as const;

/**
 * Twilio's published rejection codes for Voice Integrity and CNAM trust products (error dictionary,
 * 11005–11009). Here rather than in vetting-rules.ts because the policies (policies.ts) name the
 * not-approved codes too, and vetting-rules.ts reads the policies.
 */
export const TrustProductCode = {
  voiceIntegrityProfileNotApproved: 11005,
  cnamProfileNotApproved: 11006,
  cnamNameMismatch: 11007,
  cnamProhibitedContent: 11008,
  cnamRequirementsNotMet: 11009,
} as const;

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export class TwilioApiError extends Error {
  override name = 'TwilioApiError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  toBody(): TwilioErrorBody {
    return errorBody(this.status, this.code, this.message);
  }
}

export function errorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export const notFound = (what = 'The requested resource') =>
  new TwilioApiError(404, ErrorCode.notFound, `${what} was not found`);

export const invalidParameter = (message: string) =>
  new TwilioApiError(400, ErrorCode.invalidParameter, message);

export const missingParameter = (name: string) =>
  invalidParameter(`Missing required parameter ${name} in the post body`);

export const conflict = (message: string) => new TwilioApiError(409, ErrorCode.conflict, message);

export const notEditable = (sid: string, status: string) =>
  new TwilioApiError(
    400,
    ErrorCode.bundleNotEditable,
    `Bundle ${sid} is in status ${status}: only draft or twilio-rejected bundles can be changed`,
  );
