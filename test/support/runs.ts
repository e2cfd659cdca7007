/**
 * How a test waits on an onboarding run of its stack (stack.ts): poll its query or its status until
 * what the test expects holds, and when that never comes, say why from the run's history (a refused
 * workflow-task completion names itself instead of hanging until the deadline).
 */
import type { WorkflowHandle } from '@temporalio/client';
import proto, { type temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import type { OnboardingRequest, OnboardingView } from '../../src/contract/types.js';
import type { shakenStirOnboarding } from '../../src/workflows/index.js';
import type { SandboxAdmin } from './sandbox.js';
import { refusedCompletions } from './temporal.js';
import type { Stack } from './stack.js';

/**
 * What a stuck run looks like from its history: a workflow task failed (with the cause), or one
 * started and never completed (what a refused completion leaves on the time-skipping server), plus
 * the core's refusal messages. Printed when a wait gives up, so a hang names itself.
 */
export async function diagnose(
  env: TestWorkflowEnvironment,
  id: string,
  lastError?: unknown,
): Promise<string> {
  const lines: string[] = [];
  try {
    const events = (await env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const type = (e: temporal.api.history.v1.IHistoryEvent) =>
      String(EventType[e.eventType ?? 0] ?? e.eventType).replace('EVENT_TYPE_', '');
    for (const event of events.filter((e) => e.workflowTaskFailedEventAttributes)) {
      const failed = event.workflowTaskFailedEventAttributes!;
      lines.push(
        `workflow task failed at event ${String(event.eventId)}: ${WorkflowTaskFailedCause[failed.cause ?? 0]} ${failed.failure?.message ?? ''}`,
      );
    }
    const tail = events.slice(-6).map(type);
    lines.push(`history (${events.length} events) ends: ${tail.join(' → ')}`);
    if (tail.at(-1) === 'WORKFLOW_TASK_STARTED') {
      lines.push('a workflow task was started and never completed: its completion was refused or lost');
    }
  } catch (error) {
    lines.push(`no history: ${(error as Error).message}`);
  }
  for (const refusal of refusedCompletions)
    lines.push(`core: ${refusal.message} ${JSON.stringify(refusal.meta)}`);
  if (lastError) lines.push(`last error: ${(lastError as Error).message}`);
  return lines.join('\n');
}

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { EventType, WorkflowTaskFailedCause } = proto.temporal.api.enums.v1;

/** The stack's waits and run helpers on `env`; `admin` (the sandbox's) for `approveBoth`. */
export function runWaits(
  env: TestWorkflowEnvironment,
  admin: SandboxAdmin | undefined,
  taskQueue: string | undefined,
): Pick<Stack, 'waitFor' | 'result' | 'view' | 'approveBoth' | 'startRun'> {
  const view = (id: string) => env.client.workflow.getHandle(id).query<OnboardingView>('getOnboarding');

  /** Polls `probe` until it returns a value; throws with the run's diagnosis on a deadline or refusal. */
  async function pollRun<T>(id: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    const refusedBefore = refusedCompletions.length;
    let lastError: unknown;
    for (;;) {
      try {
        const value = await env.connection.withDeadline(Date.now() + 5_000, probe);
        if (value !== undefined) return value;
      } catch (error) {
        lastError = error; // not started yet, or a query that timed out: try again
      }
      const refused = refusedCompletions.length > refusedBefore;
      if (refused || Date.now() > deadline) {
        const why = refused
          ? 'the server refused a workflow-task completion'
          : `nothing changed in ${timeoutMs} ms`;
        throw new Error(`onboarding ${id}: ${why}.\n${await diagnose(env, id, lastError)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  let last: OnboardingView | undefined;
  const waitFor = (id: string, predicate: (view: OnboardingView) => boolean, timeoutMs = 30_000) =>
    pollRun(
      id,
      async () => {
        last = await view(id);
        return predicate(last) ? last : undefined;
      },
      timeoutMs,
    ).catch((error: Error) => {
      error.message += `\nlast seen: ${JSON.stringify(last, null, 1)?.slice(0, 4_000)}`;
      throw error;
    });

  async function result<T>(
    handle: Pick<WorkflowHandle, 'workflowId' | 'describe'> & { result(): Promise<T> },
    timeoutMs = 30_000,
  ): Promise<T> {
    await pollRun(
      handle.workflowId,
      async () => ((await handle.describe()).status.name === 'RUNNING' ? undefined : true),
      timeoutMs,
    );
    return handle.result();
  }

  return {
    waitFor,
    result,
    view,
    startRun(request: OnboardingRequest) {
      const id = onboardingIdFor(request.customerId);
      return env.client.workflow.start<typeof shakenStirOnboarding>(WORKFLOW_TYPE, {
        taskQueue: taskQueue!,
        workflowId: id,
        args: [{ onboardingId: id, request }],
      });
    },
    async approveBoth(id: string) {
      if (!admin) throw new Error('stack.approveBoth: this stack has no sandbox');
      const decide = (sid: string) =>
        admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome: 'approve' });
      const profile = await waitFor(id, (v) => v.customerProfile?.status === 'pending-review');
      await decide(profile.customerProfile!.sid);
      const trustProduct = await waitFor(id, (v) => v.trustProduct?.status === 'pending-review');
      await decide(trustProduct.trustProduct!.sid);
      return trustProduct;
    },
  };
}
