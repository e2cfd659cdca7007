/**
 * What one customer costs for a year of serving (npm run bench:year), measured, for docs/scaling.md:
 * one customer with SHAKEN/STIR only and one with all three products are approved, then the
 * time-skipping server runs a year of their lives with no callback and no change (only the serving
 * loop's timers: the weekly re-check, the daily-at-most assignment listing, the re-read ahead of
 * `valid_until`). Counted from every run of each workflow (continue-as-new included) and from the
 * sandbox's arrival log: history events and bytes, Temporal actions by kind, and Twilio requests.
 *
 * The approvals last a year in the sandbox, so the year ends with the expiry being noticed: that is
 * part of a year too. Prints figures; asserts nothing.
 */
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { BOTH_ADD_ONS, onboardingRequest } from '../test/support/customers.js';
import { startStack } from '../test/support/stack.js';
import { timeSkippingEnvironment } from '../test/support/temporal.js';

const YEAR_MS = 365 * 24 * 3_600_000;
// @temporalio/proto is CommonJS: its namespaces come through the default export under ESM.
const { temporal } = proto;
const EventType = temporal.api.enums.v1.EventType;

const env = await timeSkippingEnvironment();
const stack = await startStack({ temporal: env, sandbox: { vetting: 'manual', phoneNumbers: 2 } });

const requests = async () =>
  (await stack.admin<{ requests: { byRoute: Record<string, number> } }>('GET', '/__sandbox/state')).requests
    .byRoute;
const total = (byRoute: Record<string, number>) => Object.values(byRoute).reduce((sum, n) => sum + n, 0);
const decide = (sid: string) =>
  stack.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome: 'approve' });

async function approved(customerId: string, phoneNumber: string, withProducts: boolean): Promise<string> {
  const reply = await stack.api.inject({
    method: 'POST',
    url: '/v1/onboardings',
    payload: {
      ...onboardingRequest(customerId, [phoneNumber]),
      ...(withProducts ? BOTH_ADD_ONS : {}),
    },
  });
  const { id } = reply.json<{ id: string }>();
  const profile = await stack.waitFor(id, (v) => v.customerProfile?.status === 'pending-review');
  await decide(profile.customerProfile!.sid);
  const inReview = await stack.waitFor(
    id,
    (v) =>
      v.trustProduct?.status === 'pending-review' &&
      (!withProducts ||
        (v.voiceIntegrity?.status === 'pending-review' && v.cnam?.status === 'pending-review')),
  );
  for (const bundle of [inReview.trustProduct, inReview.voiceIntegrity, inReview.cnam]) {
    if (bundle) await decide(bundle.sid);
  }
  await stack.waitFor(id, (v) => v.status === 'completed', 60_000);
  return id;
}

interface RunCost {
  runs: number;
  events: number;
  bytes: number;
  actions: Record<string, number>;
}

/** Every run of the workflow, newest first, following continue-as-new back to the first. */
async function cost(id: string, since: number): Promise<RunCost> {
  const result: RunCost = { runs: 0, events: 0, bytes: 0, actions: {} };
  let handle: WorkflowHandle = stack.env.client.workflow.getHandle(id);
  for (;;) {
    const history = await handle.fetchHistory();
    result.runs += 1;
    const events = (history.events ?? []).filter((e) => Number(e.eventTime?.seconds ?? 0) * 1000 >= since);
    result.events += events.length;
    result.bytes += temporal.api.history.v1.History.encode({ events }).finish().length;
    for (const event of events) {
      const kind = EventType[event.eventType ?? 0] ?? 'unknown';
      // What Temporal Cloud bills as Actions, as history shows them (heartbeats and queries do not show).
      if (/ACTIVITY_TASK_SCHEDULED|TIMER_STARTED|UPSERT|SIGNALED|INITIATED$|CONTINUED_AS_NEW/.test(kind)) {
        result.actions[kind] = (result.actions[kind] ?? 0) + 1;
      }
    }
    const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (!previous) return result;
    handle = stack.env.client.workflow.getHandle(id, previous);
  }
}

try {
  const plain = await approved('year-plain', stack.info.phoneNumbers[0]!.phoneNumber, false);
  const three = await approved('year-three', stack.info.phoneNumbers[1]!.phoneNumber, true);
  const before = await requests();
  const since = Date.now();
  // A year, in steps, so that each step's timers fire before the next skip.
  for (let day = 0; day < 365; day += 7) await stack.env.sleep(Math.min(7, 365 - day) * 24 * 3_600_000);
  await stack.waitFor(plain, (v) => v.status === 'action-required', 60_000).catch(() => undefined);
  const after = await requests();
  console.log(`a year of serving, no callbacks and no changes (time-skipping; ${YEAR_MS / 86_400_000} days)`);
  console.log(`Twilio requests in the year, both customers: ${total(after) - total(before)}`);
  for (const [route, n] of Object.entries(after)) {
    const added = n - (before[route] ?? 0);
    if (added > 0) console.log(`  ${String(added).padStart(4)}  ${route}`);
  }
  for (const [label, id] of [
    ['SHAKEN/STIR only', plain],
    ['three products', three],
  ] as const) {
    const { runs, events, bytes, actions } = await cost(id, since);
    const sum = Object.values(actions).reduce((s, n) => s + n, 0);
    console.log(
      `${label.padEnd(18)} runs ${runs}, history ${events} events / ${(bytes / 1024).toFixed(0)} KB in the year, ${sum} actions-like events: ${JSON.stringify(actions)}`,
    );
  }
} finally {
  await stack.close();
  await env.teardown();
}
