/**
 * Edits of a bundle Twilio already has, for the steps and phases that need them: today the trust
 * product's email, which corrections change and the vetting step puts right before it submits.
 */
import { activities } from '../activities.js';
import type { Onboarding } from '../onboarding.js';

/**
 * Puts the request's email on the trust product, now if Twilio allows edits (draft or rejected), else
 * when it next does: a trust product submitted early, while the profile was in review, cannot change
 * until Twilio decides it, and is evaluated and resubmitted after that with the email carried here.
 */
export async function updateTrustProductEmail(onboarding: Onboarding): Promise<void> {
  const sid = onboarding.record.resources.trustProductSid;
  const status = onboarding.record.trustProduct?.status;
  if (!sid) return;
  if (status !== 'draft' && status !== 'twilio-rejected') {
    onboarding.trustProductEmailOutdated(true);
    onboarding.note(
      'trust product email will be updated',
      `Twilio allows no edits while it is ${status ?? 'unknown'}`,
    );
    return;
  }
  onboarding.recordBundle(
    await activities.updateBundleEmail({ kind: 'trust-product', sid, email: onboarding.request.email }),
  );
  onboarding.trustProductEmailOutdated(false);
}
