/**
 * Outbound calls, as far as SHAKEN/STIR shows in them. Twilio's Call resource has no STIR field: the
 * only live signal of the attestation is `StirStatus` on a call's `ringing` and `in-progress` status
 * callbacks. So the sandbox places a call from one of the account's numbers, decides the attestation
 * from its own state by Twilio's published rules ("Vetting and Attestation Levels"), and sends those
 * callbacks — what lets a test check that an onboarding really earns A.
 *
 * - A: the number is on an approved secondary customer profile and on an approved SHAKEN/STIR trust
 *   product that has that profile assigned;
 * - B: otherwise, the account's primary customer profile is approved and so is a SHAKEN/STIR trust
 *   product that has the primary assigned. The Trust Hub API refuses the primary on a trust product, so
 *   the sandbox only gets there from a state built by hand (tests, a state file);
 * - C: anything else.
 * "Approved" means twilio-approved and not past valid_until.
 */
import type { SandboxContext } from './context.js';
import { ErrorCode, TwilioApiError } from './errors.js';
import { newSid, rfc2822Date, SidPrefix } from './ids.js';
import { isE164 } from './numbers.js';
import { SHAKEN_STIR_POLICY_SID } from './policies.js';
import type { Bundle, Call, StirStatus } from './state.js';
import type { SandboxStore } from './store.js';
import { isApprovedAt } from './vetting-rules.js';

/** The attestation a call from `phoneNumberSid` gets at `now` (milliseconds since the epoch). */
export function stirStatusFor(store: SandboxStore, phoneNumberSid: string, now = Date.now()): StirStatus {
  const state = store.state;
  const holders = Object.values(state.channelEndpointAssignments)
    .filter((a) => a.channelEndpointSid === phoneNumberSid)
    .map((a) => state.bundles[a.bundleSid])
    .filter((b): b is Bundle => b !== undefined && isApprovedAt(b, now));
  const shakenStirLinking = (profileSid: string) => (b: Bundle) =>
    b.kind === 'trust-product' &&
    b.policySid === SHAKEN_STIR_POLICY_SID &&
    store.attachedProfiles(b.sid).some((p) => p.sid === profileSid);

  const profiles = holders.filter((b) => b.kind === 'customer-profile' && !b.primary);
  if (profiles.some((profile) => holders.some(shakenStirLinking(profile.sid)))) return 'A';

  const primary = state.bundles[state.account.primaryProfileSid];
  if (primary && isApprovedAt(primary, now)) {
    const approved = Object.values(state.bundles).filter((b) => isApprovedAt(b, now));
    if (approved.some(shakenStirLinking(primary.sid))) return 'B';
  }
  return 'C';
}

export interface CallRequest {
  from: string;
  to: string;
  statusCallback?: string | undefined;
}

/**
 * Places a call: recorded in the state, then its status callbacks `ringing` → `in-progress` →
 * `completed` sent in order, with Twilio's call-progress parameters.
 */
export function placeCall(ctx: SandboxContext, request: CallRequest): Call {
  const { store } = ctx;
  const number = Object.values(store.state.phoneNumbers).find((n) => n.phoneNumber === request.from);
  if (!number) {
    throw new TwilioApiError(
      400,
      ErrorCode.fromNotVerified,
      `The source phone number provided, ${request.from}, is not a number of this account`,
    );
  }
  if (!isE164(request.to)) {
    throw new TwilioApiError(400, ErrorCode.invalidToNumber, `Invalid 'To' Phone Number: ${request.to}`);
  }
  const now = new Date().toISOString();
  const call: Call = {
    sid: newSid(SidPrefix.call),
    seq: store.nextSeq(),
    from: request.from,
    to: request.to,
    stirStatus: stirStatusFor(store, number.sid),
    status: request.statusCallback ? 'queued' : 'completed',
    statusCallback: request.statusCallback ?? null,
    dateCreated: now,
    dateUpdated: now,
  };
  store.state.calls[call.sid] = call;
  store.commit();
  if (request.statusCallback) {
    const events = (['ringing', 'in-progress', 'completed'] as const).map((status, sequence) => ({
      AccountSid: store.state.account.sid,
      CallSid: call.sid,
      From: call.from,
      To: call.to,
      Direction: 'outbound-api',
      CallStatus: status,
      ApiVersion: '2010-04-01',
      Timestamp: '',
      SequenceNumber: String(sequence),
      CallbackSource: 'call-progress-events',
      // Twilio signs the call when it is set up; the completed event no longer carries it.
      ...(status === 'completed' ? {} : { StirStatus: call.stirStatus }),
    }));
    void ctx.callbacks.sendInOrder(request.statusCallback, events, (params) => {
      // Stamped as it leaves, as each of Twilio's events is.
      params.Timestamp = rfc2822Date(new Date());
      call.status = params.CallStatus as Call['status'];
      call.dateUpdated = new Date().toISOString();
      store.commit();
    });
  }
  return call;
}
