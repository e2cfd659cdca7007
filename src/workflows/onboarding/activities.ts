/**
 * The activities as the workflow calls them: one Trust Hub operation each (src/activities), typed from
 * the factories' return types (a type import only: the workflow bundle holds no activity code), with one
 * retry policy for all. The workflow's other modules take the activities' types from here, never from
 * src/activities.
 *
 * Two proxies of the same activities: one at the run's own priority (inherited from its start: a bulk
 * import's runs queue behind the rest), one at `PRIORITIES.interactive` for the work someone is waiting
 * on. `activities` picks between them per call, by whether the call is made inside `interactively`.
 */
import { AsyncLocalStorage, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import { PRIORITIES } from '../../contract/vocabulary.js';
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

const OPTIONS: ActivityOptions = {
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
};

const atRunPriority = proxyActivities<OnboardingActivities>(OPTIONS);
const atInteractivePriority = proxyActivities<OnboardingActivities>({
  ...OPTIONS,
  priority: PRIORITIES.interactive,
});

/** Set inside `interactively`: the coroutine's activities are scheduled at the interactive priority. */
const interactive = new AsyncLocalStorage<true>();

export const activities: typeof atRunPriority = new Proxy(atRunPriority, {
  get: (runPriority, name: string) =>
    (interactive.getStore() ? atInteractivePriority : runPriority)[name as keyof OnboardingActivities],
});

/**
 * Runs `work` with every activity it schedules (through `activities`, in whatever module) at
 * `PRIORITIES.interactive`, when `when` holds; otherwise just runs it. It returns `work`'s own promise:
 * no await is added, so wrapping a call on a path recorded runs replay changes no command's order.
 */
export function interactively<T>(work: () => Promise<T>, when = true): Promise<T> {
  return when ? interactive.run(true, work) : work();
}
