/**
 * How a run learns that Twilio keeps failing its calls. Temporal retries a Trust Hub activity whose
 * call got a 5xx, a 429, a timeout or refused credentials, for as long as it takes, and only its
 * Pending Activities tab says so. So the activity itself tells its run, by signal, twice per outage:
 *
 * - `twilioFailing` when attempt TWILIO_FAILING_AFTER_ATTEMPTS fails as retryable: since when (the
 *   call's first attempt), how many attempts, which operation, the last error in words (status and
 *   code, never Twilio's text). The run records a `twilio-unavailable` problem, upserts
 *   TwilioFailingSince and announces `onboarding.twilio-failing`.
 * - `twilioRecovered` when Twilio answers a later attempt (success or a refusal: either way it is up).
 *
 * Why a signal from the activity rather than the workflow watching: a workflow never sees an
 * activity's attempts until the activity ends, which during an outage is never. Why not on every
 * attempt: a day-long outage would add hundreds of signals to every run at once, loading Temporal in
 * the middle of an incident; the API reads the live attempt count and next try from the pending
 * activity instead (src/api/twilio-outage.ts). A signal that cannot be sent is logged and dropped:
 * telling the run must never fail the call it is about.
 */
import { asyncLocalStorage, log, type Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TWILIO_FAILING_AFTER_ATTEMPTS, twilioFailing, twilioRecovered } from '../contract/messages.js';
import { twilioOutageError } from '../trusthub/errors.js';

/** Attempts (their contexts) that have told their run Twilio answered: once per attempt is enough. */
const toldRecovered = new WeakSet<object>();

type RunHandle = ReturnType<Context['client']['workflow']['getHandle']>;

/** Signals the activity's own run (this very run: a successor is not the one failing). */
async function signalRun(send: (run: RunHandle) => Promise<void>): Promise<void> {
  const activity = asyncLocalStorage.getStore();
  const run = activity?.info.workflowExecution;
  if (!activity || !run) return;
  const { workflowId, runId } = run;
  try {
    await send(activity.client.workflow.getHandle(workflowId, runId));
  } catch (error) {
    log.warn('Could not tell the run about Twilio', { error: (error as Error).name });
  }
}

/** A Twilio call failed (`failure` as classified): the run hears of it at the attempt that counts. */
export async function twilioCallFailed(failure: unknown): Promise<void> {
  const activity = asyncLocalStorage.getStore();
  if (!activity) return;
  const lastError = twilioOutageError(failure);
  if (!lastError) {
    // Twilio answered (a refusal): it is up again.
    if (failure instanceof ApplicationFailure && failure.nonRetryable) await twilioCallAnswered();
    return;
  }
  const { attempt, scheduledTimestampMs, activityType } = activity.info;
  if (attempt !== TWILIO_FAILING_AFTER_ATTEMPTS) return;
  log.warn('Twilio keeps failing: the run is told', { attempt, status: lastError.status });
  await signalRun((run) =>
    run.signal(twilioFailing, {
      since: new Date(scheduledTimestampMs).toISOString(),
      attempts: attempt,
      operation: activityType,
      lastError,
    }),
  );
}

/** A Twilio call was answered: after failing attempts that told the run, the run hears it is over. */
export async function twilioCallAnswered(): Promise<void> {
  const activity = asyncLocalStorage.getStore();
  if (!activity || activity.info.attempt <= TWILIO_FAILING_AFTER_ATTEMPTS || toldRecovered.has(activity)) {
    return;
  }
  toldRecovered.add(activity);
  await signalRun((run) => run.signal(twilioRecovered, { operation: activity.info.activityType }));
}
