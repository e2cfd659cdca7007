/**
 * The activities as the workflow calls them: one Trust Hub operation each (src/activities), typed from
 * the factory, with one retry policy for all.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { OnboardingSettings } from '../../activities/settings.js';

export const trustHub = proxyActivities<
  Activities & { getOnboardingSettings(): Promise<OnboardingSettings> }
>({
  startToCloseTimeout: '1 minute',
  // Every Twilio request heartbeats and times out after 15 s: a worker killed mid-call is noticed in
  // 20 s, and its activity runs again elsewhere, instead of after the whole minute.
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    // No attempt limit: Twilio outages and bad credentials are waited out (TwilioAuth retries slowly);
    // what Twilio refuses is non-retryable and comes back to the workflow at once.
  },
});
