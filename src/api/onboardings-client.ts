/**
 * Everything the API asks of Temporal, in one place: start (Update-with-Start), read (query), update,
 * cancel, list (visibility) and forward a Twilio callback (signal). The routes and the webhook speak to
 * onboardings through this module only, never raw Temporal, so the contract with the workflow
 * (src/workflows/contract.ts) is honoured in one file; tests build the same client.
 */
import { createHash } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { shakenStirOnboarding } from '../workflows/index.js';
import {
  WORKFLOW_TYPE,
  bundleStatusChanged,
  canonicalJson,
  getOnboarding,
  onboardingIdFor,
  startOnboarding,
  type OnboardingView,
  type StartAnswer,
} from '../workflows/contract.js';
import { CustomerId, OnboardingStatus } from '../workflows/search-attributes.js';
import type { OnboardingRequest } from '../workflows/contract.js';
import { ONBOARDINGS, stuckOnboardingQueries } from '../workflows/visibility-queries.js';

/** How long a request waits for the workflow to answer a query or an update before giving up. */
const QUERY_TIMEOUT_MS = 5_000;
const UPDATE_TIMEOUT_MS = 60_000;

/** SHA-256 of the request's canonical JSON: what the run keeps of the request it was started with. */
export function requestDigest(request: OnboardingRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export type OnboardingHandle = WorkflowHandle<typeof shakenStirOnboarding>;

export function onboardingsClient(temporal: Client, { taskQueue }: { taskQueue: string }) {
  const handleFor = (id: string): OnboardingHandle =>
    temporal.workflow.getHandle<typeof shakenStirOnboarding>(id);
  const withDeadline = <T>(ms: number, call: () => Promise<T>) =>
    temporal.connection.withDeadline(Date.now() + ms, call);

  return {
    namespace: temporal.options.namespace,

    /**
     * Starts the customer's onboarding, or meets the one already running, in one round trip: the start
     * and the `startOnboarding` update go together (Update-with-Start). The update answers whether this
     * call created the run; a different body is refused by the workflow (StartRefusal). After a failed,
     * terminated, timed-out or cancelled run a new one starts (it finds what the earlier one left).
     */
    async start(request: OnboardingRequest): Promise<StartAnswer> {
      const id = onboardingIdFor(request.customerId);
      const digest = requestDigest(request);
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof shakenStirOnboarding>(
        WORKFLOW_TYPE,
        {
          taskQueue,
          workflowId: id,
          args: [{ onboardingId: id, request, requestDigest: digest }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          typedSearchAttributes: [
            { key: CustomerId, value: request.customerId },
            { key: OnboardingStatus, value: 'running' },
          ],
          staticSummary: `SHAKEN/STIR onboarding of customer ${request.customerId}`,
          staticDetails:
            'Secondary customer profile → link primary → address → document → business information → representatives → numbers → evaluate → submit (~24 h vetting) → SHAKEN/STIR trust product → evaluate → submit (~72 h vetting). Query `getOnboarding` for the state.',
        },
      );
      return withDeadline(UPDATE_TIMEOUT_MS, () =>
        temporal.workflow.executeUpdateWithStart(startOnboarding, {
          args: [{ request, requestDigest: digest }],
          startWorkflowOperation,
        }),
      );
    },

    read(id: string): Promise<OnboardingView> {
      return withDeadline(QUERY_TIMEOUT_MS, () => handleFor(id).query(getOnboarding));
    },

    update<Arg>(id: string, update: UpdateDefinition<OnboardingView, [Arg]>, arg: Arg) {
      return withDeadline(UPDATE_TIMEOUT_MS, () => handleFor(id).executeUpdate(update, { args: [arg] }));
    },

    cancel(id: string): Promise<void> {
      return handleFor(id)
        .cancel()
        .then(() => undefined);
    },

    /**
     * One page of onboardings. The raw visibility call, because the SDK's list() hides Temporal's
     * next-page token, which is what makes a cursor that stays correct while onboardings start and end.
     * A run that continued as new lives on in its successor: each onboarding is listed once.
     */
    listPage({
      clauses,
      pageSize,
      nextPageToken,
    }: {
      clauses: string[];
      pageSize: number;
      nextPageToken: Uint8Array;
    }) {
      return temporal.workflowService.listWorkflowExecutions({
        namespace: temporal.options.namespace,
        query: [ONBOARDINGS, `ExecutionStatus != 'ContinuedAsNew'`, ...clauses].join(' AND '),
        pageSize,
        nextPageToken,
      });
    },

    /**
     * Forwards a Trust Hub status callback as a signal to the onboardings holding the bundle: the one the
     * callback URL names (each bundle's StatusCallback carries its onboardingId), or else those whose
     * BundleSids search attribute lists it. Returns how many received it.
     */
    async notifyBundleStatus(bundleSid: string, status: string, onboardingId?: string): Promise<number> {
      const targets = onboardingId ? [onboardingId] : [];
      if (!onboardingId) {
        for await (const execution of temporal.workflow.list({
          query: `${stuckOnboardingQueries.byBundleSid(bundleSid)} AND ExecutionStatus = 'Running'`,
        })) {
          targets.push(execution.workflowId);
        }
      }
      let delivered = 0;
      for (const id of targets) {
        try {
          await handleFor(id).signal(bundleStatusChanged, { bundleSid, status });
          delivered += 1;
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
      return delivered;
    },
  };
}

export type OnboardingsClient = ReturnType<typeof onboardingsClient>;
