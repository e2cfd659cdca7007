/**
 * The onboardings client, built once per app and shared by every scope (`app.onboardings`): the routes
 * and the webhook ask Temporal through it (src/api/onboardings-client.ts). Beside it, `app.forwardCall`:
 * observed calls to their onboarding over the same client, since Twilio's call callbacks and the ISV's
 * relay must share one memory of what each onboarding already heard (src/api/call-forwarding.ts).
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { callForwarder, type CallForwarder } from '../call-forwarding.js';
import { onboardingsClient, type OnboardingsClient } from '../onboardings-client.js';

declare module 'fastify' {
  interface FastifyInstance {
    onboardings: OnboardingsClient;
    /** Observed calls to their onboarding: Twilio's callbacks and the ISV's relay share its memory. */
    forwardCall: CallForwarder;
  }
}

async function onboardings(app: FastifyInstance) {
  const { temporal, config } = app.deps;
  const client = onboardingsClient(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  app.decorate('onboardings', client);
  app.decorate(
    'forwardCall',
    callForwarder(client, {
      // Names no one: an onboarding ID carries the ISV's customer ID.
      onLimited: () =>
        app.log.warn("observed calls over one onboarding's signal rate: dropped until it has room"),
    }),
  );
}

export default fp(onboardings, { name: 'onboardings' });
