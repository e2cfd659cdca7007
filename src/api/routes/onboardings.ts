/**
 * /v1/onboardings — the customer's record: start, read, list, correct, and cancel (offboard). Each
 * customer is one Temporal workflow, asked through the one onboardings client (`app.onboardings`,
 * src/api/onboardings-client.ts); what it refuses is answered by the app's error handler
 * (src/api/onboarding-problems.ts). What an approved customer changes afterwards (numbers, products,
 * observed calls) is ./serving.ts.
 *
 * The start is shared with POST /v1/adoptions (./adoptions.ts, in the operators' scope): the same
 * request naming a profile to adopt. POST /v1/onboardings refuses customerProfileSid, so the ISV's
 * sign-up backend, which may pass an end customer's input through, cannot ask for an adoption.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { encodeCursor } from '../cursor.js';
import { recordLinks } from '../links.js';
import { listPageRequest } from '../list-query.js';
import { productRules, refuseAdoption } from '../prechecks.js';
import { correctionProductFailures, requestProductFailures } from '../product-rules.js';
import { startHandler } from '../start.js';
import {
  Accepted,
  CorrectionsBody,
  ErrorBody,
  OnboardingId,
  OnboardingList,
  OnboardingListQuery,
  OnboardingRequestBody,
  OnboardingView,
  Started,
  StartQuery,
} from '../schemas.js';

export default async function onboardingRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { onboardings } = app;
  const links = recordLinks(app);

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
      preHandler: productRules(requestProductFailures),
    },
    startHandler(app),
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
    async ({ params: { id } }) => ({ ...(await onboardings.get(id)), links: links(id) }),
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
      const page = listPageRequest(request.query, new Date());
      if ('refusal' in page) return reply.code(400).send(page.refusal);
      const { rows, dropped, nextPageToken } = await onboardings.list(page);
      if (Object.keys(dropped).length) {
        request.log.warn(
          { dropped },
          'visibility returned runs that are not onboardings the API started; not listed',
        );
      }
      return { onboardings: rows, nextCursor: encodeCursor(nextPageToken) };
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
      preHandler: productRules(correctionProductFailures),
    },
    async ({ params: { id }, body }) => ({
      ...(await onboardings.correct(id, body)),
      links: links(id),
    }),
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
    async ({ params: { id } }, reply) => {
      await onboardings.cancel(id);
      return reply.code(202).send({ id, status: 'cancelling', links: links(id) });
    },
  );
}
