/**
 * Everything the API asks of Temporal, in one place: one typed method per message of the workflow
 * (src/contract/messages.ts): start (./start-answer.ts), get (query), correct, addNumbers, removeNumber
 * and addProducts (updates), cancel, list (visibility, decoded into rows), and forward a Twilio
 * callback or an observed call (signals). Built once per app (plugins/onboardings.ts decorates it as
 * `app.onboardings`); the routes and the webhook speak to onboardings through it only, never raw
 * Temporal, so the contract with the workflow is honoured in one file. Temporal's errors pass through
 * as they are: the app's error handler answers them (src/api/onboarding-problems.ts).
 */
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { shakenStirOnboarding } from '../workflows/index.js';
import { PRIORITIES, type StartPriority } from '../contract/vocabulary.js';
import {
  WORKFLOW_TYPE,
  addPhoneNumbers,
  addProducts,
  bundleStatusChanged,
  callObserved,
  getOnboarding,
  removePhoneNumber,
  startOnboarding,
  submitCorrections,
  type ObservedCall,
} from '../contract/messages.js';
import { requestDigest } from '../contract/request-identity.js';
import { onboardingIdFor } from '../contract/ids.js';
import type { Corrections, OnboardingView, ProductsRequest, OnboardingRequest } from '../contract/types.js';
import { CustomerId, OnboardingStatus, OnboardingStep } from '../contract/search-attributes.js';
import { ONBOARDINGS } from '../contract/visibility-queries.js';
import { listedOnboardings } from './listed-onboardings.js';
import { withLiveOutage } from './twilio-outage.js';
import { startOrFind } from '../temporal/start-or-find.js';
import {
  FIRST_STATUS,
  FIRST_STEP,
  createdOnboarding,
  foundOnboarding,
  startMemo,
  type StartedOnboarding,
} from './start-answer.js';

/** How long a request waits for the workflow to answer a query or an update before giving up. */
const QUERY_TIMEOUT_MS = 5_000;
const UPDATE_TIMEOUT_MS = 60_000;

export type OnboardingHandle = WorkflowHandle<typeof shakenStirOnboarding>;

/** One outbound call from a customer's number, as Twilio reported signing it (`StirStatus`). */

/** Which page of onboardings: the visibility clauses of the filters (./list-query.ts), and where to go on. */
export interface ListPageRequest {
  clauses: string[];
  pageSize: number;
  /** Empty for the first page. */
  nextPageToken: Uint8Array;
}

/** A page's rows, what was dropped from it and why (./listed-onboardings.ts), and the next page's token. */
export type ListedPage = ReturnType<typeof listedOnboardings> & {
  nextPageToken: Uint8Array | null | undefined;
};

/** The start's options: one place, for the start alone and for Update-with-Start alike. */
function startOptions(
  taskQueue: string,
  id: string,
  request: OnboardingRequest,
  digest: string,
  priority: StartPriority,
) {
  return {
    taskQueue,
    workflowId: id,
    args: [{ onboardingId: id, request, requestDigest: digest }] as const,
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' as const,
    priority: PRIORITIES[priority],
    memo: startMemo(digest),
    typedSearchAttributes: [
      { key: CustomerId, value: request.customerId },
      { key: OnboardingStatus, value: FIRST_STATUS },
      // The first record's step, so that a start meeting this run before its first task reads it.
      { key: OnboardingStep, value: FIRST_STEP },
    ],
    staticSummary: `SHAKEN/STIR onboarding of customer ${request.customerId}`,
    // Static: written once, at the start. What the run waits for now, and why, is in its current
    // details beside it (the workflow keeps them up to date), which is where this points.
    staticDetails: `**Why it waits, and what to do:** see Current Details. The same as JSON: \`GET /v1/onboardings/${id}\`, or query \`getOnboarding\`.\n\nThe steps: secondary customer profile → link primary → address → document → business information → representatives → numbers → evaluate → submit (~24 h vetting) → SHAKEN/STIR trust product → evaluate → submit (~72 h vetting).`,
  };
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
     * Starts the customer's onboarding, or meets the one already running, from the Temporal server
     * alone (./start-answer.ts says how each answer is found). A different body is refused by the
     * workflow (StartRefusal), asked only then. After a failed, terminated, timed-out or cancelled run
     * a new one starts (it finds what the earlier one left). `priority` is the run's (PRIORITIES): its
     * activities inherit it, unless they are interactive. An adoption (`customerProfileSid`) is answered
     * once the workflow has checked the profile: Update-with-Start, as ever.
     */
    async start(request: OnboardingRequest, priority: StartPriority = 'normal'): Promise<StartedOnboarding> {
      const id = onboardingIdFor(request.customerId);
      const digest = requestDigest(request);
      const options = startOptions(taskQueue, id, request, digest, priority);
      const startRequest = { request, requestDigest: digest };
      if (request.customerProfileSid) {
        const startWorkflowOperation = new WithStartWorkflowOperation<typeof shakenStirOnboarding>(
          WORKFLOW_TYPE,
          options,
        );
        const { created, view } = await withDeadline(UPDATE_TIMEOUT_MS, () =>
          temporal.workflow.executeUpdateWithStart(startOnboarding, {
            args: [startRequest],
            startWorkflowOperation,
          }),
        );
        return { created, status: view.status, step: view.step };
      }
      const { started } = await withDeadline(UPDATE_TIMEOUT_MS, () =>
        startOrFind(temporal, WORKFLOW_TYPE, options),
      );
      if (started) return createdOnboarding();
      const found = foundOnboarding(
        await withDeadline(QUERY_TIMEOUT_MS, () => handleFor(id).describe()),
        digest,
      );
      if (found) return found;
      // Not the body the run keeps the digest of (or a run that keeps none): the workflow compares.
      const { view } = await withDeadline(UPDATE_TIMEOUT_MS, () =>
        handleFor(id).executeUpdate(startOnboarding, { args: [startRequest] }),
      );
      return { created: false, status: view.status, step: view.step };
    },

    /**
     * The record, as the run answers it; a Twilio outage's live attempts and next try come from the
     * run's pending activity (./twilio-outage.ts).
     */
    async get(id: string): Promise<OnboardingView> {
      const view = await withDeadline(QUERY_TIMEOUT_MS, () => handleFor(id).query(getOnboarding));
      return withLiveOutage(temporal, view);
    },

    /** Corrections to an onboarding waiting for them: re-evaluated and resubmitted (CorrectionRefusal otherwise). */
    correct(id: string, corrections: Corrections): Promise<OnboardingView> {
      return update(id, submitCorrections, corrections);
    },

    /** Numbers added to a serving customer's bundles, answered once Twilio has them (NumberChangeRefusal otherwise). */
    addNumbers(id: string, phoneNumbers: string[]): Promise<OnboardingView> {
      return update(id, addPhoneNumbers, { phoneNumbers });
    },

    /** One number (E.164 or PN… SID) taken off a serving customer's bundles (NumberChangeRefusal otherwise). */
    removeNumber(id: string, phoneNumber: string): Promise<OnboardingView> {
      return update(id, removePhoneNumber, { phoneNumber });
    },

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
     * One page of onboardings, as rows. The raw visibility call, because the SDK's list() hides
     * Temporal's next-page token, which is what makes a cursor that stays correct while onboardings
     * start and end. A run that continued as new lives on in its successor: each onboarding is listed
     * once. Only rows that keep the workflow's contract (./listed-onboardings.ts): a page may come back
     * shorter than `pageSize`, and its token still goes on from where visibility stopped.
     */
    async list({ clauses, pageSize, nextPageToken }: ListPageRequest): Promise<ListedPage> {
      const page = await temporal.workflowService.listWorkflowExecutions({
        namespace: temporal.options.namespace,
        query: [ONBOARDINGS, `ExecutionStatus != 'ContinuedAsNew'`, ...clauses].join(' AND '),
        pageSize,
        nextPageToken,
      });
      return { ...listedOnboardings(page.executions), nextPageToken: page.nextPageToken };
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
