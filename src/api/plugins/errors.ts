/**
 * One error shape for every route: `{ error: { code, message, fields? } }`. Schema failures list each
 * offending field with the rule it broke, so a client can fix a whole request in one go — up to
 * MAX_FIELD_ERRORS of them, and the message says how many more there are. Without the cap the answer
 * grows with the request: a list of thousands of bad items came back as a 9 MB body. The onboardings
 * client's errors (no such onboarding, a refused update) are answered here too, as
 * ../onboarding-problems.ts maps them: the routes only let them through.
 */
import fp from 'fastify-plugin';
import type { FastifyError, FastifyInstance } from 'fastify';
import { onboardingProblem } from '../onboarding-problems.js';
import { validationRule } from '../validation-rules.js';

export interface FieldError {
  field: string;
  rule: string;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: FieldError[] };
}

type ValidationDetail = NonNullable<FastifyError['validation']>[number];

/** The one rule of a body in a type the route does not parse. */
export const UNSUPPORTED_MEDIA_TYPE = "must be application/json: only Twilio's webhooks take a form body";

/** Enough for any real request (an onboarding has about 30 fields); beyond it, a count. */
export const MAX_FIELD_ERRORS = 20;

/** `body/business/websiteUrl` → `business.websiteUrl`; a missing or unknown property names the property itself. */
function fieldOf(detail: ValidationDetail, context: string | undefined): string {
  const path = detail.instancePath.split('/').filter(Boolean);
  const params = detail.params as { missingProperty?: string; additionalProperty?: string } | undefined;
  // A missing property, or one the schema does not take, is named itself.
  const named = params?.missingProperty ?? params?.additionalProperty;
  if (named !== undefined) path.push(named === '' ? '""' : named);
  const prefix = context && context !== 'body' ? `${context}.` : '';
  return prefix + (path.length ? path.join('.') : (context ?? 'body'));
}

/**
 * The 400 of a request that breaks rules, schema or not: the routes' own checks (the products' rules,
 * the list's filters) answer in the very words and shape a schema failure does.
 */
export function invalidRequest(fields: FieldError[], more = 0): ErrorBody {
  const listed = fields.map((f) => `${f.field} ${f.rule}`).join('; ');
  return {
    error: {
      code: 'invalid_request',
      message: more > 0 ? `${listed}; and ${more} more error(s) not listed` : listed,
      fields,
    },
  };
}

export function validationFields(error: FastifyError, limit = Infinity): FieldError[] {
  return (error.validation ?? []).slice(0, limit).map((detail) => ({
    field: fieldOf(detail, error.validationContext),
    rule: validationRule(detail),
  }));
}

async function errors(app: FastifyInstance) {
  app.setErrorHandler<FastifyError>((error, request, reply) => {
    if (error.validation) {
      const fields = validationFields(error, MAX_FIELD_ERRORS);
      return reply.code(400).send(invalidRequest(fields, error.validation.length - fields.length));
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      // Most often a form a web page POSTed cross-site: only Twilio's webhooks parse one (routes/webhooks.ts).
      return reply.code(415).send(invalidRequest([{ field: 'content-type', rule: UNSUPPORTED_MEDIA_TYPE }]));
    }
    const problem = onboardingProblem(error);
    if (problem) return reply.code(problem.status).send(problem.body);
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({
      error: {
        code: error.code && status < 500 ? error.code.toLowerCase() : 'internal_error',
        message: status < 500 ? error.message : 'Internal error; see the service logs.',
      },
    } satisfies ErrorBody);
  });

  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url}` },
    } satisfies ErrorBody),
  );
}

export default fp(errors, { name: 'errors' });
