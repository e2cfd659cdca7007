/**
 * Everything the API asks of Temporal, in one place: start (Update-with-Start), read (query), update,
 * cancel, list (visibility) and forward a Twilio callback or an observed call (signal). The routes and the webhook speak to
 * onboardings through this module only, never raw Temporal, so the contract with the workflow
 * (src/contract/messages.ts) is honoured in one file; tests build the same client.
 */
import { createHash } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { shakenStirOnboarding } from '../workflows/index.js';
import { PRIORITIES, type Attestation, type StartPriority } from '../contract/vocabulary.js';
import {
  WORKFLOW_TYPE,
  addProducts,
  bundleStatusChanged,
  callObserved,
  getOnboarding,
  startOnboarding,
  type StartAnswer,
} from '../contract/messages.js';
import { canonicalJson } from '../contract/request-identity.js';
import { onboardingIdFor } from '../contract/ids.js';
import type { OnboardingView, ProductsRequest, OnboardingRequest } from '../contract/types.js';
import { CustomerId, OnboardingStatus } from '../contract/search-attributes.js';
import { ONBOARDINGS } from '../contract/visibility-queries.js';

/** How long a request waits for the workflow to answer a query or an update before giving up. */
const QUERY_TIMEOUT_MS = 5_000;
const UPDATE_TIMEOUT_MS = 60_000;

/** SHA-256 of the request's canonical JSON: what the run keeps of the request it was started with. */
export function requestDigest(request: OnboardingRequest): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export type OnboardingHandle = WorkflowHandle<typeof shakenStirOnboarding>;

/** One outbound call from a customer's number, as Twilio reported signing it (`StirStatus`). */
export interface ObservedCall {
  callSid: string;
  /** E.164: the customer's number the call was placed from. */
  from: string;
  level: Attestation;
  /** ISO 8601: when Twilio reported it. */
  at: string;
}

export function onboardingsClient(temporal: Client, { taskQueue }: { taskQueue: string }) {
  const handleFor = (id: string): OnboardingHandle =>
    temporal.workflow.getHandle<typeof shakenStirOnboarding>(id);
  const withDeadline = <T>(ms: number, call: () => Promise<T>) =>
    temporal.connection.withDeadline(Date.now() + ms, call);
  const update = <Arg>(id: string, definition: UpdateDefinition<OnboardingView, [Arg]>, arg: Arg) =>
    withDeadline(UPDATE_TIMEOUT_MS, () => handleFor(id).executeUpdate(definition, { args: [arg] }));
  /**
   * Signals a run that exists; false when there is none (never started, or finished). A signal never
   * starts a workflow: a callback about a customer the service does not onboard changes nothing.
   */
  const signalIfRunning = async <Arg>(id: string, signal: SignalDefinition<[Arg]>, arg: Arg) => {
    try {
      await handleFor(id).signal(signal, arg);
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  };

  return {
    namespace: temporal.options.namespace,

    /**
     * Starts the customer's onboarding, or meets the one already running, in one round trip: the start
     * and the `startOnboarding` update go together (Update-with-Start). The update answers whether this
     * call created the run; a different body is refused by the workflow (StartRefusal). After a failed,
     * terminated, timed-out or cancelled run a new one starts (it finds what the earlier one left).
     * `priority` is the run's (PRIORITIES): its activities inherit it, unless they are interactive.
     */
    async start(request: OnboardingRequest, priority: StartPriority = 'normal'): Promise<StartAnswer> {
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
          priority: PRIORITIES[priority],
          typedSearchAttributes: [
            { key: CustomerId, value: request.customerId },
            { key: OnboardingStatus, value: 'running' },
          ],
          staticSummary: `SHAKEN/STIR onboarding of customer ${request.customerId}`,
          // Static: written once, at the start. What the run waits for now, and why, is in its current
          // details beside it (the workflow keeps them up to date), which is where this points.
          staticDetails: `**Why it waits, and what to do:** see Current Details. The same as JSON: \`GET /v1/onboardings/${id}\`, or query \`getOnboarding\`.\n\nThe steps: secondary customer profile → link primary → address → document → business information → representatives → numbers → evaluate → submit (~24 h vetting) → SHAKEN/STIR trust product → evaluate → submit (~72 h vetting).`,
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

    update,

    /**
     * Voice Integrity and/or CNAM for a serving customer: answered once their trust products are made
     * and submitted (ProductRefusal otherwise); the vetting that follows takes days.
     */
    addProducts(id: string, products: ProductsRequest): Promise<OnboardingView> {
      return update(id, addProducts, products);
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
     * Forwards a Trust Hub status callback as a signal to the onboarding its URL names (each bundle's
     * StatusCallback is `…/v1/webhooks/trusthub/<onboardingId>`, and Twilio signs that URL); false when
     * that onboarding does not run. Never found by the BundleSid in the body: the body is Twilio's
     * too, but which onboarding hears it is what the signed URL says, nothing else.
     */
    notifyBundleStatus(onboardingId: string, bundleSid: string, status: string): Promise<boolean> {
      return signalIfRunning(onboardingId, bundleStatusChanged, { bundleSid, status });
    },

    /** Forwards an observed call to the onboarding; false when no such onboarding runs. */
    notifyCall(onboardingId: string, call: ObservedCall): Promise<boolean> {
      return signalIfRunning(onboardingId, callObserved, call);
    },
  };
}

export type OnboardingsClient = ReturnType<typeof onboardingsClient>;
