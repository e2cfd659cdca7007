/**
 * deliverOnboardingEvent — one event to the ISV's endpoint (EVENTS_URL), as a child of the onboarding
 * that announced it (./onboarding/events.ts). Its own workflow so that retrying a failing endpoint never
 * holds the onboarding up, and so that operators see an undelivered event in the Web UI as what it is:
 * a run of this type, failed after days of retries, with the endpoint's last answer.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EventDeliveryActivities } from './onboarding/activities.js';
import { eventsTaskQueue, type OnboardingEvent } from '../contract/events.js';

export async function deliverOnboardingEvent(event: OnboardingEvent): Promise<void> {
  const { deliverEvent } = proxyActivities<EventDeliveryActivities>({
    taskQueue: eventsTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '30 seconds',
    // Standard Webhooks' advice: retry with growing gaps for about three days, then give up visibly.
    scheduleToCloseTimeout: '3 days',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
  });
  await deliverEvent(event);
}
