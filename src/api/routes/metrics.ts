/**
 * GET /metrics — this API instance's Prometheus metrics (src/api/plugins/metrics.ts), in the text
 * format. app.ts registers it inside its own bearer-token scope: Prometheus sends METRICS_TOKEN with
 * its scrape_config's `authorization` (credentials_file), and that token opens nothing else. Scrapes
 * come every few seconds, so they are logged at warn and above only.
 */
import type { FastifyInstance } from 'fastify';

export default async function metricsRoutes(app: FastifyInstance) {
  const { registry } = app.apiMetrics;
  app.get(
    '/metrics',
    {
      logLevel: 'warn',
      schema: {
        tags: ['metrics'],
        summary: "Prometheus metrics of this API instance (text format); the worker's are on its own port",
        security: [{ bearer: [] }],
        response: {
          200: {
            description: 'Prometheus text exposition format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
