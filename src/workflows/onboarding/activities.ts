/**
 * The activities as the workflow calls them: one Trust Hub operation each (src/activities), typed from
 * the factories' return types (a type import only: the workflow bundle holds no activity code), with one
 * retry policy for all. The workflow's other modules take the activities' types from here, never from
 * src/activities.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities/index.js';
import type { eventActivities } from '../../activities/events.js';
import type { createSettingsActivities } from '../../activities/settings.js';

type OnboardingActivities = ReturnType<typeof createActivities> & ReturnType<typeof createSettingsActivities>;

/** The one activity of an event's delivery (../event-delivery.ts), on its own task queue. */
export type EventDeliveryActivities = ReturnType<typeof eventActivities>;

/** A customer profile as read before it is adopted. */
export type ExistingProfile = Awaited<ReturnType<OnboardingActivities['describeCustomerProfile']>>;

/** What the workflow can delete at Twilio. */
export type DeletableKind = Parameters<OnboardingActivities['deleteResource']>[0]['kind'];

export const activities = proxyActivities<OnboardingActivities>({
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
