/**
 * POST /v1/webhooks/trusthub — Twilio's Trust Hub status callback. The request is verified with
 * X-Twilio-Signature against the public URL Twilio called, then forwarded to the onboarding as a signal.
 * The signal is only a hint — the workflow re-reads the bundle — so duplicates and reordering are
 * harmless, and the answer is quick.
 *
 * Every callback is counted by outcome (trusthub_webhook_callbacks_total, src/api/plugins/metrics.ts):
 * refused signatures mean PUBLIC_BASE_URL or the auth token no longer match what Twilio signs with,
 * and then every vetting decision waits for the reconciliation poll.
 */
import twilio from 'twilio';
import { Type } from 'typebox';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { WorkflowNotFoundError } from '@temporalio/client';
import { stuckOnboardingQueries } from '../../temporal/visibility-queries.js';
import { bundleStatusChanged } from '../../workflows/contract.js';

const Callback = Type.Object(
  {
    AccountSid: Type.String(),
    BundleSid: Type.String({ pattern: '^BU[0-9a-fA-F]{32}$' }),
    Status: Type.String(),
    FailureReason: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export default async function webhookRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { config, temporal } = app.deps;
  const { apiMetrics } = app;
  const authToken = config.TWILIO_AUTH_TOKEN;
  if (!authToken) app.log.warn('TWILIO_AUTH_TOKEN is not set: status callbacks will be refused (503)');

  /** The URL Twilio signed: PUBLIC_BASE_URL (behind a proxy) or what this request says it was. */
  function calledUrl(request: FastifyRequest): string {
    const base = config.PUBLIC_BASE_URL ?? `${request.protocol}://${request.host}`;
    return `${base.replace(/\/+$/, '')}${request.url}`;
  }

  async function onboardingsFor(bundleSid: string, hinted: string | undefined): Promise<string[]> {
    if (hinted && /^onboarding-[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(hinted)) return [hinted];
    // No (usable) onboardingId in the URL: find the onboarding by the bundle SID it published.
    const ids: string[] = [];
    for await (const execution of temporal.workflow.list({
      query: `${stuckOnboardingQueries.byBundleSid(bundleSid)} AND ExecutionStatus = 'Running'`,
    })) {
      ids.push(execution.workflowId);
    }
    return ids;
  }

  app.post(
    '/v1/webhooks/trusthub',
    {
      schema: {
        tags: ['webhooks'],
        summary: "Twilio's Trust Hub status callback (form-encoded, signed with X-Twilio-Signature)",
        querystring: Type.Object({ onboardingId: Type.Optional(Type.String()) }),
        body: Callback,
      },
      // A form that fails the schema, or Temporal failing below, ends here rather than in the handler.
      onError: async (_request, _reply, error: FastifyError) => {
        apiMetrics.webhookCallback(error.validation ? 'invalid_request' : 'error');
      },
    },
    async (request, reply) => {
      if (!authToken) {
        apiMetrics.webhookCallback('not_configured');
        return reply
          .code(503)
          .send({ error: { code: 'not_configured', message: 'TWILIO_AUTH_TOKEN is not set.' } });
      }
      const signature = request.headers['x-twilio-signature'];
      const params = request.body as Record<string, string>;
      if (
        typeof signature !== 'string' ||
        !twilio.validateRequest(authToken, signature, calledUrl(request), params)
      ) {
        request.log.warn('status callback with a missing or wrong signature refused');
        apiMetrics.webhookCallback('refused_signature');
        return reply.code(403).send({ error: { code: 'forbidden', message: 'Invalid X-Twilio-Signature.' } });
      }

      const { BundleSid: bundleSid, Status: status } = request.body;
      const targets = await onboardingsFor(bundleSid, request.query.onboardingId);
      let delivered = 0;
      for (const id of targets) {
        try {
          await temporal.workflow.getHandle(id).signal(bundleStatusChanged, { bundleSid, status });
          delivered += 1;
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
      apiMetrics.webhookCallback(delivered > 0 ? 'accepted' : 'unknown_bundle');
      request.log.info({ bundleSid, status, onboardings: targets }, 'status callback forwarded');
      return reply.code(200).send({ received: true, onboardings: targets.length });
    },
  );
}
