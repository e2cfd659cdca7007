/**
 * The HTTP API. It talks to Temporal only — never to Twilio: onboardings are started, read, corrected
 * and cancelled through the workflow, and Twilio's status callbacks become signals.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import type { ApiConfig } from '../config.js';
import { loggerOptions } from '../logger.js';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import requireBearerToken from './plugins/auth.js';
import errorsPlugin from './plugins/errors.js';
import metricsPlugin from './plugins/metrics.js';
import swaggerPlugin from './plugins/swagger.js';
import codecRoutes from './routes/codec.js';
import healthRoutes from './routes/health.js';
import metricsRoutes from './routes/metrics.js';
import onboardingRoutes from './routes/onboardings.js';
import webhookRoutes from './routes/webhooks.js';

export interface AppDependencies {
  config: ApiConfig;
  temporal: Client;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDependencies;
  }
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions({ name: 'api', level: deps.config.LOG_LEVEL, format: deps.config.LOG_FORMAT }),
    // Report every invalid field at once, not just the first.
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    trustProxy: true,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('deps', deps);
  // First: its hooks must see every route registered after it, in every scope.
  await app.register(metricsPlugin);
  await app.register(errorsPlugin);
  await app.register(swaggerPlugin);
  await app.register(formbody);
  await app.register(healthRoutes);
  await app.register(webhookRoutes);
  // Everything an ISV's system calls sits in one encapsulated scope whose every route needs the token.
  await app.register(async function isvApi(scope) {
    await scope.register(requireBearerToken);
    await scope.register(onboardingRoutes);
  });
  // The Temporal Web UI's codec, called from the operator's browser: CORS for the UI's origin, then the
  // same token. CORS goes first so a preflight (which never carries credentials) is answered before the
  // token is asked for.
  await app.register(async function operatorCodec(scope) {
    await scope.register(cors, {
      // A list, so a request from any other origin gets no CORS headers at all.
      origin: deps.config.TEMPORAL_UI_URL ? [new URL(deps.config.TEMPORAL_UI_URL).origin] : false,
      methods: ['POST'],
      allowedHeaders: ['authorization', 'content-type', 'x-namespace'],
      credentials: true,
    });
    await scope.register(requireBearerToken);
    await scope.register(codecRoutes);
  });
  // Prometheus scrapes with the same token (its `authorization` setting): the metrics say how many
  // onboardings start and how callbacks fare, which is the ISV's business and no one else's.
  await app.register(async function prometheusScrape(scope) {
    await scope.register(requireBearerToken);
    await scope.register(metricsRoutes);
  });
  return app;
}
