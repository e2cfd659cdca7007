/**
 * /v1/onboardings/:id/… — what an approved customer changes while it is served: its numbers (added to
 * and removed from its profile and trust product, each answered once Twilio has the change), Voice
 * Integrity and CNAM, and the attestation its calls were signed with, relayed by the ISV. Each is one
 * message to the customer's workflow through the onboardings client (`app.onboardings`); its refusals
 * are answered by the app's error handler (src/api/onboarding-problems.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { observedAt } from '../call-forwarding.js';
import { recordLinks } from '../links.js';
import { unknownOnboarding } from '../onboarding-problems.js';
import { productRules } from '../prechecks.js';
import { addedProductFailures } from '../product-rules.js';
import {
  AddPhoneNumbersBody,
  CallRelayed,
  ErrorBody,
  OnboardingId,
  OnboardingView,
  PhoneNumberParams,
  ProductsBody,
  RelayedCallBody,
} from '../schemas.js';

export default async function servingRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { onboardings } = app;
  const links = recordLinks(app);

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
    async ({ params: { id }, body }) => ({
      ...(await onboardings.addNumbers(id, body.phoneNumbers)),
      links: links(id),
    }),
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
      preHandler: productRules(addedProductFailures),
    },
    async ({ params: { id }, body }, reply) =>
      reply.code(202).send({ ...(await onboardings.addProducts(id, body)), links: links(id) }),
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
      if (outcome === 'unknown_onboarding') return reply.code(404).send(unknownOnboarding(id));
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
    async ({ params: { id, number } }) => ({
      ...(await onboardings.removeNumber(id, number)),
      links: links(id),
    }),
  );
}
