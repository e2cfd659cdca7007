/**
 * The onboarding's activities: one Trust Hub operation each, built by a factory that receives the Twilio
 * client. The workflow types them with `proxyActivities<ReturnType<typeof createActivities>>()`.
 *
 * Every activity
 * - converts Twilio's errors into ApplicationFailures (src/trusthub/errors.ts): TwilioUnavailable
 *   (retry), TwilioAuth (retry slowly), TwilioRejected (no retry; Twilio's code in details[0]);
 * - returns small plain objects, never SDK instances;
 * - is safe to retry: creates look up what an earlier attempt made (by the workflow's deterministic
 *   friendly name) before creating, assignments look up before assigning, submit skips bundles already
 *   submitted, delete treats 404 as done;
 * - logs SIDs only, never personal data.
 */
import type { TwilioClient } from '../trusthub/client.js';
import type { TrustHubMetrics } from '../trusthub/metrics.js';
import { addressActivities } from './addresses.js';
import { bundleActivities } from './bundles.js';
import { claimActivities } from './claims.js';
import { DEFAULT_CLAIMS_NAMESPACE } from '../contract/ids.js';
import { endUserActivities } from './end-users.js';
import { phoneNumberActivities } from './phone-numbers.js';
import { resourceActivities } from './resources.js';

export interface ActivityDeps {
  twilio: TwilioClient;
  /** The worker's counters of vetting decisions and evaluations; tests leave it out. */
  metrics?: TrustHubMetrics | undefined;
  /** Where claims are made (TEMPORAL_CLAIMS_NAMESPACE); DEFAULT_CLAIMS_NAMESPACE when left out. */
  claimsNamespace?: string | undefined;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...bundleActivities(deps),
    ...claimActivities(deps.claimsNamespace ?? DEFAULT_CLAIMS_NAMESPACE),
    ...addressActivities(deps),
    ...endUserActivities(deps),
    ...phoneNumberActivities(deps),
    ...resourceActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

export type {
  AssignPhoneNumberInput,
  AssignToBundleInput,
  AssignmentResult,
  BundleRef,
  CreateBundleInput,
  UpdateBundleEmailInput,
} from './bundles.js';
export type { CreateAddressInput, UpdateAddressInput } from './addresses.js';
export type { CreateEndUserInput, CreateSupportingDocumentInput, UpdateEndUserInput } from './end-users.js';
export type { ClaimInput } from './claims.js';
export type { DeletableKind, DeleteResourceInput, DeleteResourceResult } from './resources.js';
