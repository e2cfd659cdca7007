/**
 * The steps the Voice Integrity, CNAM and calls tests share, through the real SDK: an approved
 * secondary profile holding numbers, a trust product of any policy on it, and its vetting. Vetting is
 * decided through the admin route, so the harness must run in manual mode.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { acmeCustomer, type CustomerData } from '../../../test/support/customers.js';
import {
  type CallbackServer,
  createSecondaryProfile,
  type SandboxHarness,
  startCallbackServer,
  startSandbox,
} from '../../../test/support/sandbox.js';

/**
 * A manual-vetting sandbox with `phoneNumbers` numbers and a server receiving its signed callbacks, for
 * a describe block: made in `before`, closed in `after` once every callback is out, and every exchange
 * checked against Twilio's OpenAPI documents. Read them inside hooks and tests only.
 */
export function useSandboxWithCallbacks(phoneNumbers: number): {
  readonly h: SandboxHarness;
  readonly callbacks: CallbackServer;
} {
  let h: SandboxHarness | undefined;
  let callbacks: CallbackServer | undefined;
  before(async () => {
    h = await startSandbox({ vetting: 'manual', phoneNumbers });
    callbacks = await startCallbackServer(() => h!.info.authToken);
  });
  after(async () => {
    await h!.sandbox.context.callbacks.idle();
    await h!.close();
    await callbacks!.close();
    h!.contract.assertNoViolations();
  });
  return {
    get h() {
      return h!;
    },
    get callbacks() {
      return callbacks!;
    },
  };
}

export type Decision = { outcome: 'approve' | 'reject' | 'rules'; codes?: number[] };

export interface EndUserSpec {
  type: string;
  attributes: Record<string, unknown>;
}

export const voiceIntegrityInformation = (overrides: Record<string, unknown> = {}): EndUserSpec => ({
  type: 'voice_integrity_information',
  attributes: {
    use_case: 'Appointment Reminders',
    business_employee_count: '25',
    average_business_day_call_volume: '400',
    notes: 'Reminders for workshop appointments',
    ...overrides,
  },
});

export const cnamInformation = (displayName: string): EndUserSpec => ({
  type: 'cnam_information',
  attributes: { cnam_display_name: displayName },
});

const channel = (channelEndpointSid: string) => ({ channelEndpointType: 'phone-number', channelEndpointSid });

/** A secondary profile with `numberSids` on it, submitted and decided (`approve` forces it). */
export async function approvedProfile(
  h: SandboxHarness,
  numberSids: string[] = [],
  { data = acmeCustomer(), outcome = 'rules' }: { data?: CustomerData; outcome?: 'rules' | 'approve' } = {},
): Promise<string> {
  const { profileSid } = await createSecondaryProfile(h.client, h.info.primaryCustomerProfileSid, data);
  const profile = h.client.trusthub.v1.customerProfiles(profileSid);
  for (const sid of numberSids) await profile.customerProfilesChannelEndpointAssignment.create(channel(sid));
  await profile.update({ status: 'pending-review' });
  const decided = await h.admin<{ status: string }>('POST', `/__sandbox/bundles/${profileSid}/decide`, {
    outcome,
  });
  assert.equal(decided.status, 'twilio-approved', `profile ${profileSid}`);
  return profileSid;
}

/** A draft trust product of `policySid`, with what is given attached. */
export async function trustProduct(
  h: SandboxHarness,
  spec: {
    policySid: string;
    endUser?: EndUserSpec;
    profileSid?: string;
    numberSids?: string[];
    statusCallback?: string;
  },
): Promise<string> {
  const created = await h.client.trusthub.v1.trustProducts.create({
    friendlyName: `trust product ${spec.policySid}`,
    email: 'compliance@acme-widgets.com',
    policySid: spec.policySid,
    ...(spec.statusCallback ? { statusCallback: spec.statusCallback } : {}),
  });
  const tp = h.client.trusthub.v1.trustProducts(created.sid);
  if (spec.endUser) {
    const endUser = await h.client.trusthub.v1.endUsers.create({
      friendlyName: spec.endUser.type,
      type: spec.endUser.type,
      attributes: spec.endUser.attributes,
    });
    await tp.trustProductsEntityAssignments.create({ objectSid: endUser.sid });
  }
  if (spec.profileSid) await tp.trustProductsEntityAssignments.create({ objectSid: spec.profileSid });
  for (const sid of spec.numberSids ?? [])
    await tp.trustProductsChannelEndpointAssignment.create(channel(sid));
  return created.sid;
}

export interface Verdict {
  status: string;
  codes: number[];
  validUntil: Date | null;
}

/** Submits the trust product, has the admin route decide it, and reads the verdict through the SDK. */
export async function submitAndDecide(
  h: SandboxHarness,
  trustProductSid: string,
  decision: Decision = { outcome: 'rules' },
): Promise<Verdict> {
  const tp = h.client.trusthub.v1.trustProducts(trustProductSid);
  await tp.update({ status: 'pending-review' });
  await h.admin('POST', `/__sandbox/bundles/${trustProductSid}/decide`, decision);
  const fetched = await tp.fetch();
  return {
    status: fetched.status,
    codes: ((fetched.errors ?? []) as { code: number }[]).map((e) => e.code),
    validUntil: fetched.validUntil,
  };
}
