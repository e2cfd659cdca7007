/**
 * The environment `npm start` (scripts/start.ts) gives each of its children, apart so that a test can
 * check it without starting anything (test/platform/start-env.test.ts).
 *
 * A child inherits the caller's environment, except the Twilio account: in sandbox mode (no usable
 * Twilio credentials) a caller may still have some exported — an API key pair without an account SID,
 * say — and a worker given those next to TWILIO_BASE_URL=sandbox would send them to the sandbox with
 * every request, where they would sit in logs and state files that were never meant to hold a real
 * secret. So in sandbox mode the worker and the API get the sandbox's account and nothing of the
 * caller's, and the processes that never talk to Twilio (the dev server, the sandbox) get no Twilio
 * variable at all.
 */

/** The account the sandbox seeds, as /__sandbox/info gives it. */
export interface SandboxAccount {
  accountSid: string;
  authToken: string;
  primaryCustomerProfileSid: string;
}

/**
 * Where a child's Twilio account comes from: the caller's (real Twilio), none (a process that does not
 * call Twilio), or the sandbox's.
 */
export type TwilioSource =
  { from: 'caller' } | { from: 'none' } | { from: 'sandbox'; account: SandboxAccount; baseUrl: string };

/** A budget, not an account: the benchmarks set it to drive the worker against the sandbox. */
const NOT_AN_ACCOUNT = new Set(['TWILIO_REQUESTS_PER_SECOND']);
const isAccountVariable = (name: string) => name.startsWith('TWILIO_') && !NOT_AN_ACCOUNT.has(name);

/** Whether npm start runs the sandbox: the caller's environment has no usable Twilio account. */
export function usesSandbox(env: NodeJS.ProcessEnv): boolean {
  // An API key without its secret is a mistake to report (the worker does), not a reason for the sandbox.
  return !(env.TWILIO_ACCOUNT_SID && (env.TWILIO_AUTH_TOKEN || env.TWILIO_API_KEY));
}

/** The child's environment: the caller's, then `own` on top, with the Twilio account from `twilio`. */
export function childEnvironment(
  inherited: NodeJS.ProcessEnv,
  own: NodeJS.ProcessEnv,
  twilio: TwilioSource,
): NodeJS.ProcessEnv {
  const keep = (entries: NodeJS.ProcessEnv) =>
    twilio.from === 'caller'
      ? entries
      : Object.fromEntries(Object.entries(entries).filter(([name]) => !isAccountVariable(name)));
  return {
    ...keep(inherited),
    ...keep(own),
    ...(twilio.from === 'sandbox'
      ? {
          TWILIO_ACCOUNT_SID: twilio.account.accountSid,
          TWILIO_AUTH_TOKEN: twilio.account.authToken,
          TWILIO_BASE_URL: twilio.baseUrl,
          TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: twilio.account.primaryCustomerProfileSid,
        }
      : {}),
  };
}
