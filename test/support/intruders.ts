/**
 * What the tests of input written straight through Temporal's port share (test/privacy): a stack on
 * the dev server whose worker runs the service's converter, the intruders' runs terminated before it
 * closes, and the three things such a test reads: a run's history, its events of one type, and how
 * many resources the sandbox (Twilio's stand-in) holds beyond its seed.
 */
import { after } from 'node:test';
import proto, { type temporal } from '@temporalio/proto';
import { useStack } from './stack.js';

// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
export const { EventType } = proto.temporal.api.enums.v1;
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

interface SandboxState {
  countsExcludingSeed: Record<string, number>;
}

/** A stack for a describe block whose runs `workflowIds` are terminated when it ends. */
export function useIntruderStack(workflowIds: string[]) {
  // Registered first, so it runs before the stack closes.
  after(async () => {
    for (const id of workflowIds) {
      await stack.env.client.workflow
        .getHandle(id)
        .terminate('test over')
        .catch(() => undefined);
    }
  });
  const stack = useStack({ temporal: 'dev' });

  const events = async (workflowId: string): Promise<HistoryEvent[]> =>
    (await stack.env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const ofType = (list: HistoryEvent[], type: temporal.api.enums.v1.EventType) =>
    list.filter((e) => e.eventType === type);
  const created = async () =>
    Object.values((await stack.admin<SandboxState>('GET', '/__sandbox/state')).countsExcludingSeed).reduce(
      (sum, n) => sum + n,
      0,
    );
  return { stack, events, ofType, created };
}
