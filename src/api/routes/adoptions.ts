/**
 * POST /v1/adoptions — start a customer's onboarding on a customer profile it already has (made for
 * A2P 10DLC, say, or by the ISV's older tooling), instead of making a new one.
 *
 * Adoption hands a business identity Twilio vetted to an onboarding, so it is a privileged act: this
 * route sits in its own scope with its own token, ADOPT_TOKEN, which the ISV's operators hold (src/api/
 * app.ts). The ISV's sign-up backend holds API_TOKEN and may pass an end customer's input through; on
 * POST /v1/onboardings a customerProfileSid is refused. Even here, the profile is adopted only when it
 * holds the identity of the business of the request (src/workflows/onboarding/adoption-identity.ts),
 * and every refusal is the same 422, whatever its reason.
 *
 * The start itself is POST /v1/onboardings' (src/api/start.ts): the same answers, the same record.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AdoptionRequestBody, ErrorBody, Started, StartQuery } from '../schemas.js';
import { productRules } from '../prechecks.js';
import { requestProductFailures } from '../product-rules.js';
import { startHandler } from '../start.js';

export default async function adoptionRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/v1/adoptions',
    {
      schema: {
        tags: ['onboardings'],
        summary:
          "Start one end customer's onboarding on its existing customer profile (ADOPT_TOKEN): answered as POST /v1/onboardings is; any refusal of the profile is one 422 adoption_refused that says nothing of why",
        security: [{ bearer: [] }],
        body: AdoptionRequestBody,
        querystring: StartQuery,
        response: { 200: Started, 202: Started, 400: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
      preHandler: productRules(requestProductFailures),
    },
    startHandler(app),
  );
}
