/**
 * /v1/onboardings — the customer's record: start, read, list, correct, change numbers after approval,
 * and cancel (offboard). Each customer is one Temporal workflow; its type, ID format and messages come
 * from src/workflows/contract.ts.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { shakenStirOnboarding } from '../../workflows/index.js';
import {
  CorrectionRefusal,
  NumberChangeRefusal,
  WORKFLOW_TYPE,
  addPhoneNumbers,
  getOnboarding,
  onboardingIdFor,
  removePhoneNumber,
  submitCorrections,
  type OnboardingView as View,
} from '../../workflows/contract.js';
import {
  CustomerId,
  CustomerProfileStatus,
  OnboardingStatus,
  OnboardingStep,
  TrustProductStatus,
  WaitingSince,
} from '../../workflows/search-attributes.js';
import { ONBOARDINGS } from '../../temporal/visibility-queries.js';
import { executionStatusName } from '../../temporal/raw.js';
import { requiredTsToDate } from '@temporalio/common/lib/time.js';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes.js';
import { durationToMs } from '../../config.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import {
  Accepted,
  AddPhoneNumbersBody,
  CorrectionsBody,
  ErrorBody,
  OnboardingId,
  OnboardingList,
  OnboardingListQuery,
  OnboardingRequestBody,
  OnboardingView,
  PhoneNumberParams,
} from '../schemas.js';

/** How long a request waits for the workflow to answer a query or an update before giving up. */
const QUERY_TIMEOUT_MS = 5_000;
const UPDATE_TIMEOUT_MS = 60_000;

function problem(reply: FastifyReply, status: number, code: string, message: string, fields?: unknown) {
  return reply.code(status).send({ error: { code, message, ...(fields ? { fields } : {}) } });
}

/** The refusals a workflow update raises, by ApplicationFailure type: the HTTP status and error code. */
const UPDATE_REFUSALS: Record<string, [status: number, code: string]> = {
  [CorrectionRefusal.NotWaiting]: [409, 'not_waiting_for_corrections'],
  [CorrectionRefusal.Invalid]: [400, 'invalid_corrections'],
  [NumberChangeRefusal.NotServing]: [409, 'not_approved_yet'],
  [NumberChangeRefusal.Offboarding]: [409, 'offboarding'],
  [NumberChangeRefusal.Invalid]: [400, 'invalid_phone_numbers'],
  [NumberChangeRefusal.UnknownNumber]: [404, 'unknown_phone_number'],
  [NumberChangeRefusal.TwilioRefused]: [422, 'twilio_refused'],
};

/** Answers a refused update with the workflow's own words; anything else is rethrown. */
function updateRefusal(reply: FastifyReply, error: unknown) {
  if (!(error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure)) throw error;
  const { type, message, details } = error.cause;
  const refusal = type ? UPDATE_REFUSALS[type] : undefined;
  if (!refusal) throw error;
  const rules = details?.every((d): d is string => typeof d === 'string') ? details : undefined;
  return problem(
    reply,
    refusal[0],
    refusal[1],
    message,
    refusal[0] === 400 ? rules?.map((rule) => ({ field: rule.split(' ')[0] ?? 'body', rule })) : undefined,
  );
}

export default async function onboardingRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { temporal, config } = app.deps;
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const links = (id: string) => ({
    self: `/v1/onboardings/${id}`,
    ...(config.TEMPORAL_UI_URL
      ? {
          temporalUi: `${config.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${temporal.options.namespace}/workflows/${id}`,
        }
      : {}),
  });
  const handleFor = (id: string) => temporal.workflow.getHandle<typeof shakenStirOnboarding>(id);

  async function readView(handle: WorkflowHandle<typeof shakenStirOnboarding>): Promise<View> {
    return temporal.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(getOnboarding));
  }

  const notFound = (reply: FastifyReply, id: string) =>
    problem(reply, 404, 'not_found', `No onboarding ${id}`);

  /** Runs a workflow update and answers with the record, or with the workflow's refusal in its words. */
  async function runUpdate<Arg>(
    reply: FastifyReply,
    id: string,
    update: UpdateDefinition<View, [Arg]>,
    arg: Arg,
  ) {
    try {
      const view = await temporal.connection.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () =>
        handleFor(id).executeUpdate(update, { args: [arg] }),
      );
      return { ...view, links: links(id) };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return notFound(reply, id);
      return updateRefusal(reply, error);
    }
  }

  app.post(
    '/v1/onboardings',
    {
      schema: {
        tags: ['onboardings'],
        summary: "Start one end customer's SHAKEN/STIR onboarding (or return the one already running)",
        security: [{ bearer: [] }],
        body: OnboardingRequestBody,
        response: { 202: Accepted, 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const id = onboardingIdFor(body.customerId);
      try {
        const handle = await temporal.workflow.start<typeof shakenStirOnboarding>(WORKFLOW_TYPE, {
          taskQueue,
          workflowId: id,
          args: [{ onboardingId: id, request: body }],
          // Starting the same customer again while its workflow runs (onboarding, or serving after
          // approval) returns that record, never a second profile; after a failed or cancelled one, a new
          // start begins again.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
          typedSearchAttributes: [
            { key: CustomerId, value: body.customerId },
            { key: OnboardingStatus, value: 'running' },
          ],
          staticSummary: `SHAKEN/STIR onboarding of customer ${body.customerId}`,
          staticDetails:
            'Secondary customer profile → link primary → address → document → business information → representatives → numbers → evaluate → submit (~24 h vetting) → SHAKEN/STIR trust product → evaluate → submit (~72 h vetting). Query `getOnboarding` for the state.',
        });
        // The status search attribute, from the server: a query would wait for a worker, which under
        // load (hundreds of starts at once) is busy starting the runs it is asked about.
        let status = 'running';
        try {
          status = (await handle.describe()).typedSearchAttributes.get(OnboardingStatus) ?? status;
        } catch {
          // Just started: not visible to describe yet on some servers. It is running.
        }
        request.log.info({ onboardingId: id }, 'onboarding started or found');
        app.apiMetrics.onboardingStart('accepted');
        return reply.code(202).send({ id, status, links: links(id) });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
          app.apiMetrics.onboardingStart('already_onboarded');
          return problem(
            reply,
            409,
            'already_onboarded',
            `Customer ${body.customerId} already completed its onboarding (${id}); see GET ${links(id).self}.`,
          );
        }
        throw error;
      }
    },
  );

  app.get(
    '/v1/onboardings/:id',
    {
      schema: {
        tags: ['onboardings'],
        summary: "An onboarding's state: status, step, Twilio resources, evaluation, timeline",
        security: [{ bearer: [] }],
        params: OnboardingId,
        response: { 200: OnboardingView, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      try {
        return { ...(await readView(handleFor(id))), links: links(id) };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return notFound(reply, id);
        throw error;
      }
    },
  );

  app.get(
    '/v1/onboardings',
    {
      schema: {
        tags: ['onboardings'],
        summary:
          'A page of onboardings from Temporal visibility, newest first; pass nextCursor back as cursor for the next page',
        security: [{ bearer: [] }],
        querystring: OnboardingListQuery,
        response: { 200: OnboardingList, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const { status, step, startedAfter, startedBefore, waitingLongerThan, limit, cursor } = request.query;
      // A run that continued as new lives on in its successor: list each onboarding once.
      const clauses = [ONBOARDINGS, `ExecutionStatus != 'ContinuedAsNew'`];
      if (status) clauses.push(`OnboardingStatus = '${status}'`);
      if (step) clauses.push(`OnboardingStep = '${step}'`);
      if (startedAfter) clauses.push(`StartTime > '${new Date(startedAfter).toISOString()}'`);
      if (startedBefore) clauses.push(`StartTime < '${new Date(startedBefore).toISOString()}'`);
      if (waitingLongerThan) {
        const since = new Date(Date.now() - durationToMs(waitingLongerThan));
        clauses.push(`WaitingSince < '${since.toISOString()}'`);
      }
      let nextPageToken: Uint8Array = new Uint8Array(0);
      if (cursor) {
        const token = decodeCursor(cursor);
        if (!token) {
          return problem(reply, 400, 'invalid_request', 'cursor is not one this API returned', [
            { field: 'cursor', rule: 'must be the nextCursor of an earlier page, unchanged' },
          ]);
        }
        nextPageToken = token;
      }
      // The raw visibility call, because the SDK's list() hides Temporal's next-page token, which is
      // what makes a cursor that stays correct while onboardings start and finish.
      const page = await temporal.workflowService.listWorkflowExecutions({
        namespace: temporal.options.namespace,
        query: clauses.join(' AND '),
        pageSize: limit,
        nextPageToken,
      });
      const onboardings = page.executions.map((execution) => {
        const attributes = decodeTypedSearchAttributes(execution.searchAttributes?.indexedFields);
        return {
          id: execution.execution?.workflowId ?? '',
          customerId: attributes.get(CustomerId) ?? null,
          status: attributes.get(OnboardingStatus) ?? null,
          step: attributes.get(OnboardingStep) ?? null,
          customerProfileStatus: attributes.get(CustomerProfileStatus) ?? null,
          trustProductStatus: attributes.get(TrustProductStatus) ?? null,
          waitingSince: attributes.get(WaitingSince)?.toISOString() ?? null,
          startedAt: requiredTsToDate(execution.startTime, 'startTime').toISOString(),
          temporalStatus: executionStatusName(execution.status),
        };
      });
      return { onboardings, nextCursor: encodeCursor(page.nextPageToken) };
    },
  );

  app.patch(
    '/v1/onboardings/:id',
    {
      schema: {
        tags: ['onboardings'],
        summary: 'Correct an onboarding that is action-required; it is re-evaluated and resubmitted',
        security: [{ bearer: [] }],
        params: OnboardingId,
        body: CorrectionsBody,
        response: { 200: OnboardingView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      return runUpdate(reply, id, submitCorrections, request.body);
    },
  );

  app.post(
    '/v1/onboardings/:id/phone-numbers',
    {
      schema: {
        tags: ['onboardings'],
        summary:
          'Add numbers to an approved customer: assigned to its profile and trust product, answered once Twilio has them',
        security: [{ bearer: [] }],
        params: OnboardingId,
        body: AddPhoneNumbersBody,
        response: { 200: OnboardingView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      return runUpdate(reply, id, addPhoneNumbers, request.body);
    },
  );

  app.delete(
    '/v1/onboardings/:id/phone-numbers/:number',
    {
      schema: {
        tags: ['onboardings'],
        summary: "Remove one number (E.164 or PN… SID) from an approved customer's profile and trust product",
        security: [{ bearer: [] }],
        params: PhoneNumberParams,
        response: { 200: OnboardingView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id, number } = request.params;
      return runUpdate(reply, id, removePhoneNumber, { phoneNumber: number });
    },
  );

  app.delete(
    '/v1/onboardings/:id',
    {
      schema: {
        tags: ['onboardings'],
        summary:
          'Cancel or offboard: before approval removes what is still draft at Twilio; after approval takes the numbers off the bundles',
        security: [{ bearer: [] }],
        params: OnboardingId,
        response: { 202: Accepted, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      try {
        await handleFor(id).cancel();
        return reply.code(202).send({ id, status: 'cancelling', links: links(id) });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return notFound(reply, id);
        throw error;
      }
    },
  );
}
