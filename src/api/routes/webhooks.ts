/**
 * POST /v1/webhooks/trusthub — Twilio's Trust Hub status callback. The request is verified with
 * X-Twilio-Signature against the public URL Twilio called, then forwarded to the onboarding as a signal.
 * The signal is only a hint — the workflow re-reads the bundle — so duplicates and reordering are
 * harmless, and the answer is quick.
 *
 * A callback costs nothing twice. Twilio's signature carries no timestamp, so a signed callback can be
 * replayed for ever: Twilio's `I-Twilio-Idempotency-Token` (the same on each retry of one callback)
 * is remembered for a day, and a token seen before is answered without a signal. Past this process's
 * memory the workflow drops a callback whose status it already knows, and spaces the re-reads the rest
 * cause (src/workflows/onboarding/state.ts). The body is a few hundred bytes from Twilio: anything
 * past WEBHOOK_BODY_LIMIT is refused before it is parsed, let alone signature-checked.
 *
 * Every callback is counted by outcome (trusthub_webhook_callbacks_total, src/api/plugins/metrics.ts):
 * refused signatures mean PUBLIC_BASE_URL or the auth token no longer match what Twilio signs with,
 * and then every vetting decision waits for the reconciliation poll.
 */
import twilio from 'twilio';
import { Type } from 'typebox';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LRUCache } from 'lru-cache';
import { signatureBaseUrl } from '../../config.js';
import { CUSTOMER_PROFILE_SID_PATTERN, ONBOARDING_ID_PATTERN } from '../../workflows/contract.js';
import { onboardingsClient } from '../onboardings-client.js';

/** Twilio's status callbacks are `AccountSid, BundleSid, Status` and perhaps a FailureReason. */
export const WEBHOOK_BODY_LIMIT = 8 * 1024;

/** Idempotency tokens remembered: a day of callbacks at far more than any account's rate. */
const SEEN_TOKENS = 100_000;
const SEEN_TOKEN_TTL_MS = 24 * 3_600_000;

const Callback = Type.Object(
  {
    AccountSid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' }),
    BundleSid: Type.String({ pattern: CUSTOMER_PROFILE_SID_PATTERN }),
    Status: Type.String({ maxLength: 64 }),
    FailureReason: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: true, maxProperties: 16 },
);

export default async function webhookRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { config, temporal } = app.deps;
  const { apiMetrics } = app;
  const onboardings = onboardingsClient(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  const authToken = config.TWILIO_AUTH_TOKEN;
  if (!authToken) app.log.warn('TWILIO_AUTH_TOKEN is not set: status callbacks will be refused (503)');
  const seen = new LRUCache<string, true>({ max: SEEN_TOKENS, ttl: SEEN_TOKEN_TTL_MS });
  // The one URL Twilio is told to call (src/config.ts): never a header the caller chose.
  const signedUrl = (request: FastifyRequest) =>
    `${signatureBaseUrl(config).replace(/\/+$/, '')}${request.url}`;

  app.post(
    '/v1/webhooks/trusthub',
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        tags: ['webhooks'],
        summary: "Twilio's Trust Hub status callback (form-encoded, signed with X-Twilio-Signature)",
        querystring: Type.Object({
          onboardingId: Type.Optional(Type.String({ pattern: ONBOARDING_ID_PATTERN })),
        }),
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
        !twilio.validateRequest(authToken, signature, signedUrl(request), params)
      ) {
        request.log.warn('status callback with a missing or wrong signature refused');
        apiMetrics.webhookCallback('refused_signature');
        return reply.code(403).send({ error: { code: 'forbidden', message: 'Invalid X-Twilio-Signature.' } });
      }
      const header = request.headers['i-twilio-idempotency-token'];
      const token = typeof header === 'string' && header.length <= 128 ? header : undefined;
      if (token !== undefined && seen.has(token)) {
        apiMetrics.webhookCallback('duplicate');
        return reply.code(200).send({ received: true, onboardings: 0, duplicate: true });
      }

      const { BundleSid: bundleSid, Status: status } = request.body;
      const delivered = await onboardings.notifyBundleStatus(bundleSid, status, request.query.onboardingId);
      // Remembered once delivered: a callback that failed here (5xx) is retried by Twilio, and heard.
      if (token !== undefined) seen.set(token, true);
      apiMetrics.webhookCallback(delivered > 0 ? 'accepted' : 'unknown_bundle');
      request.log.info({ bundleSid, status, onboardings: delivered }, 'status callback forwarded');
      return reply.code(200).send({ received: true, onboardings: delivered });
    },
  );
}
