/**
 * GET /v1/onboardings/:id while Twilio fails the run's calls: the run recorded the outage when an
 * activity told it (src/activities/twilio-outage.ts: since when, the attempts then, the last error),
 * and the API adds what only Temporal knows live: the failing activity's attempts so far, its last
 * error and when it is tried next, from the run's pending activities (describe). Reading them costs
 * no history, where a signal per attempt would cost every failing run an event a minute; and only a
 * view that shows an outage pays the describe.
 *
 * The last failure is decoded with the API's own data converter (it is encrypted like every payload)
 * and reduced to status and code (src/trusthub/errors.ts, twilioOutageError): Twilio's text stays in
 * the run.
 */
import type { Client } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError, optionalTsToMs } from '../temporal/sdk-internals.js';
import type { OnboardingView, TwilioOutage } from '../contract/types.js';
import { twilioOutageError } from '../trusthub/errors.js';

/** One pending activity of the run, as far as the outage needs it. */
export interface PendingCall {
  /** The activity type: the Trust Hub operation. */
  operation: string;
  /** The attempt under way or scheduled next (1 on the first). */
  attempt: number;
  /** When the next attempt is scheduled; null while one is under way. */
  nextAttemptAt: Date | null;
  /** The previous attempt's failure, decoded. */
  lastFailure: Error | undefined;
}

/**
 * The recorded outage with the live figures of the pending call Twilio fails (the recorded operation's
 * first): attempts failed so far, the last error, the next try. The recorded outage as it is when no
 * pending call is failing (the run is about to hear that Twilio answers again).
 */
export function liveOutage(recorded: TwilioOutage, pending: PendingCall[]): TwilioOutage {
  const failing = pending.flatMap((call) => {
    const lastError = twilioOutageError(call.lastFailure);
    return lastError ? [{ call, lastError }] : [];
  });
  const found = failing.find(({ call }) => call.operation === recorded.operation) ?? failing[0];
  if (!found) return recorded;
  const { call, lastError } = found;
  return {
    ...recorded,
    operation: call.operation,
    attempts: Math.max(recorded.attempts, call.attempt - 1),
    lastError,
    nextAttemptAt: call.nextAttemptAt?.toISOString() ?? null,
  };
}

/** The view, its `twilio-unavailable` problem (if it has one) brought up to date from Temporal. */
export async function withLiveOutage(temporal: Client, view: OnboardingView): Promise<OnboardingView> {
  const problem = view.problem;
  if (problem?.kind !== 'twilio-unavailable' || !problem.outage) return view;
  let raw;
  try {
    ({ raw } = await temporal.workflow.getHandle(view.id).describe());
  } catch {
    return view; // the figures the run recorded: still the outage, only less fresh
  }
  const converter = temporal.options.loadedDataConverter;
  const pending = await Promise.all(
    (raw.pendingActivities ?? []).map(async (activity): Promise<PendingCall> => ({
      operation: activity.activityType?.name ?? '',
      attempt: activity.attempt ?? 1,
      nextAttemptAt: dateOf(activity.nextAttemptScheduleTime),
      // Sealed for the run's workflow, as the worker encrypted it (src/temporal/codec.ts).
      lastFailure: await decodeOptionalFailureToOptionalError(converter, activity.lastFailure, {
        type: 'activity',
        namespace: temporal.options.namespace,
        workflowId: view.id,
        isLocal: false,
        ...(activity.activityId ? { activityId: activity.activityId } : {}),
      }).catch(() => undefined),
    })),
  );
  return { ...view, problem: { ...problem, outage: liveOutage(problem.outage, pending) } };
}

function dateOf(timestamp: Parameters<typeof optionalTsToMs>[0]): Date | null {
  const ms = optionalTsToMs(timestamp);
  return ms === undefined ? null : new Date(ms);
}
