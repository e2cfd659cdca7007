/**
 * The start, for POST /v1/onboardings and POST /v1/adoptions alike (routes/onboardings.ts,
 * routes/adoptions.ts): the same request, the same answers, the same record; only the scope and the
 * schema differ. 202 (Location: the record) when this request made the onboarding, 200 with the same
 * record when it was already there with the same request. A different request (409), a customer
 * whose onboarding completed (409) and the workflow's other refusals (an adoption's: 422) are the
 * error handler's (./onboarding-problems.ts). Every outcome is counted (plugins/metrics.ts). The
 * answer comes from the Temporal server alone except for an adoption, or a body the run must compare
 * (./start-answer.ts).
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import type { Static } from 'typebox';
import { onboardingIdFor } from '../contract/ids.js';
import type { OnboardingRequest } from '../contract/types.js';
import { recordLinks } from './links.js';
import { failedStartResult } from './onboarding-problems.js';
import type { StartQuery } from './schemas.js';

/** What the start reads of a request, as either route's schema typed it. */
interface StartRequest {
  body: OnboardingRequest;
  query: Static<typeof StartQuery>;
  log: FastifyBaseLogger;
}

export function startHandler(app: FastifyInstance) {
  const links = recordLinks(app);
  const counted = (error: unknown): never => {
    app.apiMetrics.onboardingStart(failedStartResult(error));
    throw error;
  };
  return async (request: StartRequest, reply: FastifyReply) => {
    const id = onboardingIdFor(request.body.customerId);
    const { created, status, step } = await app.onboardings
      .start(request.body, request.query.priority)
      .catch(counted);
    request.log.info({ onboardingId: id, created }, created ? 'onboarding started' : 'onboarding found');
    app.apiMetrics.onboardingStart(created ? 'created' : 'existing');
    return reply
      .code(created ? 202 : 200)
      .header('location', links(id).self)
      .send({ id, status, step, created, links: links(id) });
  };
}
