import { Type } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

const Health = Type.Object({ status: Type.String() });
const Ready = Type.Object({ status: Type.String(), temporal: Type.String() });

/** How long /readyz waits for Temporal before calling it unreachable. */
const TEMPORAL_PROBE_TIMEOUT_MS = 2_000;

export default async function healthRoutes(app: FastifyInstance) {
  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'The process is up', response: { 200: Health } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Temporal is reachable, so onboardings can be started and read',
        response: { 200: Ready, 503: Ready },
      },
    },
    async (request, reply) => {
      const { connection } = app.deps.temporal;
      try {
        await connection.withDeadline(Date.now() + TEMPORAL_PROBE_TIMEOUT_MS, () =>
          connection.workflowService.getSystemInfo({}),
        );
        return { status: 'ready', temporal: 'reachable' };
      } catch (error) {
        request.log.warn({ reason: (error as Error).message }, 'Temporal is not reachable');
        return reply.code(503).send({ status: 'not-ready', temporal: 'unreachable' });
      }
    },
  );
}
