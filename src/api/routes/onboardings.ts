/**
 * /v1/onboardings — start, read, list, correct and cancel onboardings. Each onboarding is the Temporal
 * workflow `shakenStirOnboarding` whose ID is `onboarding-<customerId>`.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Type } from 'typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { shakenStirOnboarding } from '../../workflows/onboarding.js';
import {
  CorrectionRefusal,
  getOnboarding,
  submitCorrections,
  type OnboardingView as View,
} from '../../workflows/messages.js';
import {
  CustomerId,
  CustomerProfileStatus,
  OnboardingStatus,
  OnboardingStep,
  TrustProductStatus,
  WaitingSince,
} from '../../workflows/search-attributes.js';
import { ONBOARDINGS } from '../../temporal/visibility-queries.js';
import {
  Accepted,
  CorrectionsBody,
  ErrorBody,
  OnboardingId,
  OnboardingList,
  OnboardingRequestBody,
  OnboardingView,
} from '../schemas.js';

export function onboardingIdFor(customerId: string): string {
  return `onboarding-${customerId}`;
}

/** How long a request waits for the workflow to answer a query or an update before giving up. */
const QUERY_TIMEOUT_MS = 5_000;
const UPDATE_TIMEOUT_MS = 60_000;

function problem(reply: FastifyReply, status: number, code: string, message: string, fields?: unknown) {
  return reply.code(status).send({ error: { code, message, ...(fields ? { fields } : {}) } });
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
        const handle = await temporal.workflow.start<typeof shakenStirOnboarding>('shakenStirOnboarding', {
          taskQueue,
          workflowId: id,
          args: [{ onboardingId: id, request: body }],
          // Starting the same customer again while it runs returns that run, never a second onboarding;
          // after a failed or cancelled one, a new start begins again.
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
        let status = 'running';
        try {
          status = (await readView(handle)).status;
        } catch {
          // The worker has not picked the run up yet: it is running, just not answering queries so soon.
        }
        request.log.info({ onboardingId: id }, 'onboarding started or found');
        return reply.code(202).send({ id, status, links: links(id) });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
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
        summary: 'A page of onboardings from Temporal visibility, newest first',
        security: [{ bearer: [] }],
        querystring: Type.Object({
          status: Type.Optional(
            Type.Enum(['running', 'action-required', 'completed', 'failed', 'cancelled']),
          ),
          step: Type.Optional(Type.String({ pattern: '^[a-z-]+$' })),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        }),
        response: { 200: OnboardingList },
      },
    },
    async (request) => {
      const { status, step, limit } = request.query;
      const clauses = [ONBOARDINGS];
      if (status) clauses.push(`OnboardingStatus = '${status}'`);
      if (step) clauses.push(`OnboardingStep = '${step}'`);
      const onboardings = [];
      for await (const execution of temporal.workflow.list({
        query: clauses.join(' AND '),
        pageSize: limit,
      })) {
        const attributes = execution.typedSearchAttributes;
        onboardings.push({
          id: execution.workflowId,
          customerId: attributes.get(CustomerId) ?? null,
          status: attributes.get(OnboardingStatus) ?? null,
          step: attributes.get(OnboardingStep) ?? null,
          customerProfileStatus: attributes.get(CustomerProfileStatus) ?? null,
          trustProductStatus: attributes.get(TrustProductStatus) ?? null,
          waitingSince: attributes.get(WaitingSince)?.toISOString() ?? null,
          startedAt: execution.startTime.toISOString(),
          temporalStatus: execution.status.name,
        });
        if (onboardings.length >= limit) break;
      }
      return { onboardings };
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
      try {
        const view = await temporal.connection.withDeadline(Date.now() + UPDATE_TIMEOUT_MS, () =>
          handleFor(id).executeUpdate(submitCorrections, { args: [request.body] }),
        );
        return { ...view, links: links(id) };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return notFound(reply, id);
        if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
          const { type, message, details } = error.cause;
          if (type === CorrectionRefusal.NotWaiting)
            return problem(reply, 409, 'not_waiting_for_corrections', message);
          if (type === CorrectionRefusal.Invalid) {
            return problem(
              reply,
              400,
              'invalid_corrections',
              message,
              (details as string[] | undefined)?.map((rule) => ({
                field: rule.split(' ')[0] ?? 'body',
                rule,
              })),
            );
          }
        }
        throw error;
      }
    },
  );

  app.delete(
    '/v1/onboardings/:id',
    {
      schema: {
        tags: ['onboardings'],
        summary: 'Cancel: removes what is still draft at Twilio, leaves submitted bundles alone',
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
