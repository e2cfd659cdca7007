/**
 * What a route refuses before anything is asked of Temporal, as preHandler/preValidation hooks: the
 * product rules a schema cannot say, and an adoption sent to the ISV's start. Each answers 400 in the
 * schema errors' own shape (plugins/errors.ts), so a client reads every refusal of a request alike.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ProductCheckFailure } from '../contract/product-checks.js';
import { invalidRequest } from './plugins/errors.js';

/** The product rules of a route's body (src/api/product-rules.ts): 400 when there is one to refuse. */
export function productRules<Body>(failuresOf: (body: Body) => ProductCheckFailure[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const failures = failuresOf(request.body as Body);
    if (!failures.length) return undefined;
    return reply.code(400).send(invalidRequest(failures.map(({ field, rule }) => ({ field, rule }))));
  };
}

/**
 * Adoption is not POST /v1/onboardings': said before the schema would call the field merely unknown.
 * The ISV's sign-up backend, which may pass an end customer's input through, cannot ask for one.
 */
export async function refuseAdoption(request: FastifyRequest, reply: FastifyReply) {
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
