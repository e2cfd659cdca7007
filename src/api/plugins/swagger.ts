/** The API describes itself: OpenAPI at /docs/json, a browsable page at /docs. */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

async function docs(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'trusthub-onboarding',
        description:
          "Durable SHAKEN/STIR onboarding of an ISV's end customers on Twilio Trust Hub. Each onboarding is a Temporal workflow.",
        version: '0.1.0',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

export default fp(docs, { name: 'swagger' });
