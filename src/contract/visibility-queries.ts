/**
 * Visibility queries for operators: paste them into the Temporal Web UI's search box or
 * `temporal workflow list --query '…'`. docs/operations.md "Finding stuck onboardings" lists the same queries; the
 * test suite runs each against the dev server.
 */
import { WORKFLOW_TYPE } from './messages.js';

/** Every onboarding, whatever its state: the base of every query here and of GET /v1/onboardings. */
export const ONBOARDINGS = `WorkflowType = '${WORKFLOW_TYPE}'`;
const RUNNING = `${ONBOARDINGS} AND ExecutionStatus = 'Running'`;
const VETTING_STEPS = `OnboardingStep IN ('waiting-for-customer-profile-vetting', 'waiting-for-trust-product-vetting')`;

export const stuckOnboardingQueries = {
  /** Waiting on Twilio's vetting since before `since` (e.g. 3 days ago: Twilio says 24 h + 72 h). */
  vettingStartedBefore: (since: Date) =>
    `${RUNNING} AND ${VETTING_STEPS} AND WaitingSince < '${since.toISOString()}'`,
  /** Waiting for the ISV's corrections since before `since`. */
  correctionsAwaitedSince: (since: Date) =>
    `${RUNNING} AND OnboardingStatus = 'action-required' AND WaitingSince < '${since.toISOString()}'`,
  /** Everything waiting for the ISV. */
  actionRequired: () => `${RUNNING} AND OnboardingStatus = 'action-required'`,
  /** Customer profiles Twilio rejected, whatever happened next. */
  profilesRejected: () => `${ONBOARDINGS} AND CustomerProfileStatus = 'twilio-rejected'`,
  /** Onboardings that ended in failure (not cancelled). */
  failed: () => `${ONBOARDINGS} AND OnboardingStatus = 'failed'`,
  /** Running onboardings whose Twilio calls keep failing (src/activities/twilio-outage.ts). */
  twilioFailing: () => `${RUNNING} AND TwilioFailingSince IS NOT NULL`,
  /** One customer's onboarding. */
  byCustomer: (customerId: string) => `${ONBOARDINGS} AND CustomerId = '${customerId}'`,
  /** The onboarding a bundle SID (BU…) belongs to — e.g. from a Twilio Console page. */
  byBundleSid: (bundleSid: string) => `${ONBOARDINGS} AND BundleSids = '${bundleSid}'`,
} as const;
