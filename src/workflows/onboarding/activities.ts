/**
 * The activities as the workflow calls them: one Trust Hub operation each (src/activities), typed from
 * the factory, with one retry policy for all.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { OnboardingSettings } from '../../activities/settings.js';

export const activities = proxyActivities<
  Activities & { getOnboardingSettings(): Promise<OnboardingSettings> }
>({
  startToCloseTimeout: '1 minute',
  // Activities heartbeat while each Twilio request is out (src/activities/context.ts), so a worker
  // killed mid-call is noticed within 10 s and its activity runs again elsewhere 2 s later, instead
  // of after the whole minute. (Timeouts are not part of replay: changing them needs no patch.)
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    // No attempt limit: Twilio outages and bad credentials are waited out (TwilioAuth retries slowly);
    // what Twilio refuses is non-retryable and comes back to the workflow at once.
  },
});
