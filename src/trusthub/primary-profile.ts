/**
 * The worker's start-up check of the ISV's primary customer profile, which every secondary profile is
 * linked to. A plain function, not an activity: only the worker process calls it, before and while its
 * workers run (src/worker.ts), and no workflow schedules it.
 *
 * The profile must exist, be twilio-approved and have the business identity isv_reseller_or_partner;
 * whether an approved SHAKEN/STIR trust product is linked to it decides the attestation customers get
 * before their own onboarding completes. "Not found" and "not approved" are answers; auth and
 * availability errors are thrown, classified like an activity's (src/trusthub/errors.ts), and a
 * Twilio that is briefly unavailable is waited out by `untilTwilioAnswers`.
 */
import { ApplicationFailure } from '@temporalio/common';
import { bundleApi } from './bundles.js';
import type { TwilioClient } from './client.js';
import { BUSINESS_INFORMATION_TYPE, endUserApi, textAttribute } from './end-users.js';
import { TrustHubFailureType } from '../contract/failures.js';
import { classifyTwilioError, isNotFound } from './errors.js';

export interface PrimaryProfileCheck {
  sid: string;
  /** The profile's status, or null when it could not be found. */
  status: string | null;
  ok: boolean;
  problem?: string;
  /** Its business information's business_identity, when it has one. */
  businessIdentity?: string | null;
  /**
   * Whether an approved SHAKEN/STIR trust product is linked to it: then the ISV's customers' calls are
   * signed at least B before their own onboarding completes, otherwise C.
   */
  trustProductApproved?: boolean;
}

export async function checkPrimaryProfile(twilio: TwilioClient, sid: string): Promise<PrimaryProfileCheck> {
  try {
    return await check(twilio, sid);
  } catch (error) {
    throw classifyTwilioError(error);
  }
}

async function check(twilio: TwilioClient, sid: string): Promise<PrimaryProfileCheck> {
  const customerProfiles = bundleApi(twilio, 'customer-profile');
  let record;
  try {
    record = await customerProfiles.fetch(sid);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return {
      sid,
      status: null,
      ok: false,
      problem: `The primary customer profile ${sid} does not exist in this Twilio account (check TWILIO_PRIMARY_CUSTOMER_PROFILE_SID and TWILIO_ACCOUNT_SID).`,
    };
  }
  if (record.status !== 'twilio-approved') {
    return {
      sid,
      status: record.status,
      ok: false,
      problem: `The primary customer profile ${sid} is ${record.status}, not twilio-approved: Twilio refuses secondary profiles until the primary is approved (create and submit it in the Console's Trust Hub).`,
    };
  }
  const endUsers = endUserApi(twilio);
  const linked = await customerProfiles.entityAssignments(sid).list();
  let businessIdentity: string | null = null;
  for (const { objectSid } of linked.filter((a) => a.objectSid.startsWith('IT'))) {
    const endUser = await endUsers.fetch(objectSid);
    if (endUser.type !== BUSINESS_INFORMATION_TYPE) continue;
    businessIdentity = textAttribute(endUser, 'business_identity');
  }
  if (businessIdentity && businessIdentity !== 'isv_reseller_or_partner') {
    return {
      sid,
      status: record.status,
      ok: false,
      businessIdentity,
      problem: `The primary customer profile ${sid} has the business identity ${businessIdentity}: Twilio refuses secondary customer profiles under a primary that is not isv_reseller_or_partner (twilio-node#965). Use the ISV's own primary profile, made in the Console with the identity "ISV, reseller or partner".`,
    };
  }
  const trustProducts = bundleApi(twilio, 'trust-product');
  const approved = (await trustProducts.list({ policySid: trustProducts.policySid })).filter(
    (product) => product.status === 'twilio-approved',
  );
  let trustProductApproved = false;
  for (const product of approved) {
    const assigned = await trustProducts.entityAssignments(product.sid).list();
    if (assigned.some((a) => a.objectSid === sid)) trustProductApproved = true;
  }
  return { sid, status: record.status, ok: true, businessIdentity, trustProductApproved };
}

/**
 * Runs `check` until Twilio answers: a TwilioUnavailable failure (429, 5xx, a dropped connection) is
 * retried with backoff for up to `budgetMs`; anything else, or running out of budget, is thrown.
 */
export async function untilTwilioAnswers<T>(
  check: () => Promise<T>,
  onRetry: (reason: string, retryInMs: number) => void,
  budgetMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let delayMs = 1_000; ; delayMs = Math.min(delayMs * 2, 15_000)) {
    try {
      return await check();
    } catch (error) {
      const unavailable =
        error instanceof ApplicationFailure && error.type === TrustHubFailureType.Unavailable;
      if (!unavailable || Date.now() + delayMs > deadline) throw error;
      onRetry(error.message, delayMs);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
