/**
 * /v1/onboardings — the customer's record: start, read, list, correct, change numbers and add
 * products after approval, relay the calls' observed attestation, and cancel (offboard). Each customer
 * is one Temporal workflow; its type, ID format and messages come from src/contract/.
 *
 * The start is shared with POST /v1/adoptions (./adoptions.ts, in the operators' scope): the same
 * request naming a profile to adopt. POST /v1/onboardings refuses customerProfileSid, so the ISV's
 * sign-up backend, which may pass an end customer's input through, cannot ask for an adoption.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ADOPTION_REFUSED_MESSAGE,
  CorrectionRefusal,
  NumberChangeRefusal,
  ProductRefusal,
  StartRefusal,
  addPhoneNumbers,
  removePhoneNumber,
  submitCorrections,
} from '../../contract/messages.js';
import { onboardingIdFor } from '../../contract/ids.js';
import type { OnboardingRequest, OnboardingView as View } from '../../contract/types.js';
import type { ApiConfig } from '../../config.js';
import type { ProductCheckFailure } from '../../contract/product-checks.js';
import { observedAt } from '../call-forwarding.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import { listedOnboardings } from '../listed-onboardings.js';
import { parseListQuery } from '../list-query.js';
import { onboardingsClient } from '../onboardings-client.js';
import { withLiveOutage } from '../twilio-outage.js';
import { invalidRequest } from '../plugins/errors.js';
import { addedProductFailures, correctionProductFailures, requestProductFailures } from '../product-rules.js';
import {
  Accepted,
  AddPhoneNumbersBody,
  CallRelayed,
  CorrectionsBody,
  ErrorBody,
  OnboardingId,
  OnboardingList,
  OnboardingListQuery,
  OnboardingRequestBody,
  OnboardingView,
  PhoneNumberParams,
  ProductsBody,
  RelayedCallBody,
  Started,
  StartQuery,
} from '../schemas.js';

function problem(reply: FastifyReply, status: number, code: string, message: string, fields?: unknown) {
  return reply.code(status).send({ error: { code, message, ...(fields ? { fields } : {}) } });
}

/** The refusals a workflow update raises, by ApplicationFailure type: the HTTP status and error code. */
const UPDATE_REFUSALS: Record<string, [status: number, code: string]> = {
  [StartRefusal.DifferentRequest]: [409, 'different_request'],
  [CorrectionRefusal.NotWaiting]: [409, 'not_waiting_for_corrections'],
  [CorrectionRefusal.Invalid]: [400, 'invalid_corrections'],
  [NumberChangeRefusal.NotServing]: [409, 'not_approved_yet'],
  [NumberChangeRefusal.Offboarding]: [409, 'offboarding'],
  [NumberChangeRefusal.Invalid]: [400, 'invalid_phone_numbers'],
  [NumberChangeRefusal.UnknownNumber]: [404, 'unknown_phone_number'],
  [NumberChangeRefusal.TwilioRefused]: [422, 'twilio_refused'],
  // ProductRefusal.NotServing and .Offboarding are the number changes' own types: the same answers.
  [ProductRefusal.AlreadyRequested]: [409, 'product_already_requested'],
  [ProductRefusal.Invalid]: [400, 'invalid_products'],
  [ProductRefusal.TwilioRefused]: [422, 'twilio_refused'],
};

/** The refusals whose details are field paths: named in `fields`, each with why. */
const FIELD_RULES: Record<string, string> = {
  [StartRefusal.DifferentRequest]: 'differs from the request this onboarding was started with',
};

/**
 * Every refused adoption, whatever its reason and whatever the workflow said (runs from before
 * STRICT_ADOPTION answered ProfileOwned, and named fields): one status, one body, byte for byte. A
 * refusal that differed by reason would confirm a guessed name or EIN for a known SID.
 */
const ADOPTION_REFUSALS: ReadonlySet<string> = new Set([
  StartRefusal.AdoptionRefused,
  StartRefusal.ProfileOwned,
]);

/**
 * A 400 for the product rules a schema cannot say (src/api/product-rules.ts), in the schema errors'
 * own shape; undefined when there is nothing to refuse.
 */
function productRefusal(reply: FastifyReply, failures: ProductCheckFailure[]) {
  if (!failures.length) return undefined;
  return reply.code(400).send(invalidRequest(failures.map(({ field, rule }) => ({ field, rule }))));
}

/** Answers a refused update with the workflow's own words; anything else is rethrown. */
function updateRefusal(reply: FastifyReply, error: unknown) {
  if (!(error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure)) throw error;
  const { type, message, details } = error.cause;
  if (type && ADOPTION_REFUSALS.has(type))
    return problem(reply, 422, 'adoption_refused', ADOPTION_REFUSED_MESSAGE);
  const refusal = type ? UPDATE_REFUSALS[type] : undefined;
  if (!refusal) throw error;
  const strings = details?.every((d): d is string => typeof d === 'string') ? details : undefined;
  const fieldRule = type ? FIELD_RULES[type] : undefined;
  const fields = fieldRule
    ? strings?.map((field) => ({ field, rule: fieldRule }))
    : refusal[0] === 400
      ? strings?.map((rule) => ({ field: rule.split(' ')[0] ?? 'body', rule }))
      : undefined;
  return problem(reply, refusal[0], refusal[1], message, fields);
}

/** A record's links: its URL here, and its run in the Temporal Web UI when TEMPORAL_UI_URL is set. */
function recordLinks(config: ApiConfig, namespace: string) {
  return (id: string) => ({
    self: `/v1/onboardings/${id}`,
    ...(config.TEMPORAL_UI_URL
      ? {
          temporalUi: `${config.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${namespace}/workflows/${id}`,
        }
      : {}),
  });
}

/** What the start reads of a request, as either route's schema typed it. */
interface StartRequest {
  body: OnboardingRequest;
  query: Static<typeof StartQuery>;
  log: FastifyBaseLogger;
}

/**
 * The start, for POST /v1/onboardings and POST /v1/adoptions alike: 202 (Location: the record) when
 * this request made the onboarding, 200 with the same record when it was already there with the same
 * request, 409 for a different one, and the workflow's other refusals (an adoption's: 422).
 */
export function startHandler(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { temporal, config } = app.deps;
  const onboardings = onboardingsClient(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  const links = recordLinks(config, onboardings.namespace);
  return async (request: StartRequest, reply: FastifyReply) => {
    const body = request.body;
    const refused = productRefusal(reply, requestProductFailures(body));
    if (refused) return refused;
    const id = onboardingIdFor(body.customerId);
    try {
      const { created, view } = await onboardings.start(body, request.query.priority);
      request.log.info({ onboardingId: id, created }, created ? 'onboarding started' : 'onboarding found');
      app.apiMetrics.onboardingStart(created ? 'created' : 'existing');
      return reply
        .code(created ? 202 : 200)
        .header('location', links(id).self)
        .send({ id, status: view.status, step: view.step, created, links: links(id) });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        // The reuse policy refused a new run: the customer's last one completed (runs from before the
        // workflow served customers after approval did).
        app.apiMetrics.onboardingStart('already_onboarded');
        return problem(
          reply,
          409,
          'already_onboarded',
          `Customer ${body.customerId} already completed its onboarding (${id}); see GET ${links(id).self}.`,
        );
      }
      app.apiMetrics.onboardingStart('refused');
      return updateRefusal(reply, error);
    }
  };
}

/** Adoption is not this route's: said before the schema would call the field merely unknown. */
async function refuseAdoption(request: FastifyRequest, reply: FastifyReply) {
  const body = request.body as Record<string, unknown> | null;
  if (body && typeof body === 'object' && 'customerProfileSid' in body) {
    return reply.code(400).send(
      invalidRequest([
        {
          field: 'customerProfileSid',
          rule: 'is not accepted here: adopting an existing customer profile is POST /v1/adoptions, with ADOPT_TOKEN (held by the operators)',
        },
      ]),
    );
  }
  return undefined;
}

export default async function onboardingRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { temporal, config } = app.deps;
  const onboardings = onboardingsClient(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  const links = recordLinks(config, onboardings.namespace);
  const start = startHandler(app);
  const notFound = (reply: FastifyReply, id: string) =>
    problem(reply, 404, 'not_found', `No onboarding ${id}`);

  /** Runs a workflow update and answers with the record, or with the workflow's refusal in its words. */
  async function runUpdate(reply: FastifyReply, id: string, update: () => Promise<View>, status = 200) {
    try {
      const view = await update();
      return reply.code(status).send({ ...view, links: links(id) });
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
        summary:
          "Start one end customer's SHAKEN/STIR onboarding: 202 when this made it, 200 with the same record when it was already there with the same request",
        security: [{ bearer: [] }],
        body: OnboardingRequestBody,
        querystring: StartQuery,
        response: { 200: Started, 202: Started, 400: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
      preValidation: refuseAdoption,
    },
    async (request, reply) => start(request, reply),
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
        // A Twilio outage's live attempts and next try come from the run's pending activity.
        return { ...(await withLiveOutage(temporal, await onboardings.read(id))), links: links(id) };
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
      const { limit, cursor, ...filters } = request.query;
      const parsed = parseListQuery(filters, new Date());
      if (parsed.errors) return reply.code(400).send(invalidRequest(parsed.errors));
      const { clauses } = parsed;
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
      const page = await onboardings.listPage({ clauses, pageSize: limit, nextPageToken });
      // Only rows that keep the workflow's contract (src/api/listed-onboardings.ts): a page may come
      // back shorter than `limit`, and its cursor still goes on from where visibility stopped.
      const { rows, dropped } = listedOnboardings(page.executions);
      if (rows.length < page.executions.length) {
        request.log.warn(
          { dropped },
          'visibility returned runs that are not onboardings the API started; not listed',
        );
      }
      return { onboardings: rows, nextCursor: encodeCursor(page.nextPageToken) };
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
      const refused = productRefusal(reply, correctionProductFailures(request.body));
      if (refused) return refused;
      return runUpdate(reply, id, () => onboardings.update(id, submitCorrections, request.body));
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
      return runUpdate(reply, id, () => onboardings.update(id, addPhoneNumbers, request.body));
    },
  );

  app.post(
    '/v1/onboardings/:id/products',
    {
      schema: {
        tags: ['onboardings'],
        summary:
          'Add Voice Integrity and/or CNAM to an approved customer: 202 once their trust products are submitted (vetting takes days)',
        security: [{ bearer: [] }],
        params: OnboardingId,
        body: ProductsBody,
        response: { 202: OnboardingView, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const refused = productRefusal(reply, addedProductFailures(request.body));
      if (refused) return refused;
      return runUpdate(reply, id, () => onboardings.addProducts(id, request.body), 202);
    },
  );

  app.post(
    '/v1/onboardings/:id/calls',
    {
      schema: {
        tags: ['onboardings'],
        summary:
          "Relay a call status callback from the ISV's own handler: the attestation Twilio signed a call from the customer's number with",
        security: [{ bearer: [] }],
        params: OnboardingId,
        body: RelayedCallBody,
        response: { 202: CallRelayed, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { callSid, from, stirStatus: level, timestamp } = request.body;
      const outcome = await app.forwardCall(id, { callSid, from, level, at: observedAt(timestamp) });
      // Unlike Twilio, the ISV can act on a 404: its handler names an onboarding that does not run.
      if (outcome === 'unknown_onboarding') return notFound(reply, id);
      return reply.code(202).send({ id, forwarded: outcome === 'forwarded', links: links(id) });
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
      return runUpdate(reply, id, () => onboardings.update(id, removePhoneNumber, { phoneNumber: number }));
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
        await onboardings.cancel(id);
        return reply.code(202).send({ id, status: 'cancelling', links: links(id) });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return notFound(reply, id);
        throw error;
      }
    },
  );
}
