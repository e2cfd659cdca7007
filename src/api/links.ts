/**
 * A record's links, in every answer that names an onboarding: its URL here, and its run in the
 * Temporal Web UI when TEMPORAL_UI_URL is set (in the namespace the onboardings client uses).
 */
import type { FastifyInstance } from 'fastify';

export function recordLinks(app: FastifyInstance) {
  const { TEMPORAL_UI_URL } = app.deps.config;
  const { namespace } = app.onboardings;
  return (id: string) => ({
    self: `/v1/onboardings/${id}`,
    ...(TEMPORAL_UI_URL
      ? { temporalUi: `${TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${namespace}/workflows/${id}` }
      : {}),
  });
}
