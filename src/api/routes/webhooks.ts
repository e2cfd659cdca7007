/**
 * Twilio's signed callbacks: POST /v1/webhooks/trusthub (a bundle's status changed) and POST
 * /v1/webhooks/calls (a call's status changed, with the attestation Twilio signed it with). Each
 * request is verified with X-Twilio-Signature against the public URL Twilio called, then forwarded to
 * the onboarding as a signal. A signal is only a hint — the workflow re-reads the bundle, or compares
 * the level with the one it infers — so duplicates and reordering are harmless, and the answer is quick.
 *
 * A callback costs nothing twice. Twilio's signature carries no timestamp, so a signed callback can be
 * replayed for ever: Twilio's `I-Twilio-Idempotency-Token` (the same on each retry of one callback)
 * is remembered for a day, and a token seen before is answered without a signal. Past this process's
 * memory the workflow drops a callback whose status it already knows, and spaces the re-reads the rest
 * cause (src/workflows/onboarding/state.ts); a call's level is forwarded once an hour per number at
 * most (src/api/call-forwarding.ts). The body is a few hundred bytes from Twilio: anything past
 * WEBHOOK_BODY_LIMIT is refused before it is parsed, let alone signature-checked.
 *
 * Every callback is counted by outcome (trusthub_webhook_callbacks_total, call_status_callbacks_total,
 * src/api/plugins/metrics.ts): refused signatures mean PUBLIC_BASE_URL or the auth token no longer
 * match what Twilio signs with, and then every vetting decision waits for the reconciliation poll.
 */
import twilio from 'twilio';
import { Type } from 'typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LRUCache } from 'lru-cache';
import { signatureBaseUrl, type ApiConfig } from '../../config.js';
import {
  ATTESTATIONS,
  CUSTOMER_PROFILE_SID_PATTERN,
  E164_PATTERN,
  ONBOARDING_ID_PATTERN,
} from '../../workflows/contract.js';
import { observedAt } from '../call-forwarding.js';
import { onboardingsClient } from '../onboardings-client.js';
import type { CallCallbackOutcome, WebhookOutcome } from '../plugins/metrics.js';
import { CALL_SID_PATTERN } from '../schemas.js';

/**
 * Trust Hub's status callbacks are `AccountSid, BundleSid, Status` and perhaps a FailureReason; a
 * call's are some forty short fields (numbers, places, statuses): about 1 KB.
 */
export const WEBHOOK_BODY_LIMIT = 8 * 1024;

/** Idempotency tokens remembered: a day of callbacks at far more than any account's rate. */
const SEEN_TOKENS = 100_000;
const SEEN_TOKEN_TTL_MS = 24 * 3_600_000;

const AccountSid = Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' });

const Callback = Type.Object(
  {
    AccountSid,
    BundleSid: Type.String({ pattern: CUSTOMER_PROFILE_SID_PATTERN }),
    Status: Type.String({ maxLength: 64 }),
    FailureReason: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: true, maxProperties: 16 },
);

/**
 * Twilio's call status callback. StirStatus comes on `ringing` and `in-progress`, and only on a call
 * Twilio signed; `completed` and unsigned calls have none.
 */
const CallCallback = Type.Object(
  {
    AccountSid,
    CallSid: Type.String({ pattern: CALL_SID_PATTERN }),
    From: Type.String({ maxLength: 256 }),
    To: Type.Optional(Type.String({ maxLength: 256 })),
    CallStatus: Type.String({ maxLength: 32 }),
    StirStatus: Type.Optional(Type.String({ maxLength: 16 })),
    Timestamp: Type.Optional(Type.String({ maxLength: 64 })),
    SequenceNumber: Type.Optional(Type.String({ pattern: '^\\d{1,6}$' })),
  },
  { additionalProperties: true, maxProperties: 64 },
);

type SharedOutcome = WebhookOutcome & CallCallbackOutcome;

/**
 * What both callbacks share: the body limit, the count of what fails the schema or Temporal, the
 * signature check against the configured URL, and the memory of idempotency tokens (one per route:
 * a token means nothing to the other).
 */
function twilioCallbacks(config: ApiConfig, count: (outcome: SharedOutcome) => void) {
  const authToken = config.TWILIO_AUTH_TOKEN;
  const seen = new LRUCache<string, true>({ max: SEEN_TOKENS, ttl: SEEN_TOKEN_TTL_MS });
  // The one URL Twilio is told to call (src/config.ts): never a header the caller chose.
  const signedUrl = (request: FastifyRequest) =>
    `${signatureBaseUrl(config).replace(/\/+$/, '')}${request.url}`;
  const tokenOf = (request: FastifyRequest) => {
    const header = request.headers['i-twilio-idempotency-token'];
    return typeof header === 'string' && header.length <= 128 ? header : undefined;
  };

  return {
    routeOptions: {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      // A form that fails the schema, or Temporal failing below, ends here rather than in the handler.
      onError: async (_request: FastifyRequest, _reply: FastifyReply, error: FastifyError) => {
        count(error.validation ? 'invalid_request' : 'error');
      },
    },

    /** The refusal sent (503 without an auth token, 403 for a wrong signature), or undefined: Twilio's. */
    refusal(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
      if (!authToken) {
        count('not_configured');
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
        count('refused_signature');
        return reply.code(403).send({ error: { code: 'forbidden', message: 'Invalid X-Twilio-Signature.' } });
      }
      return undefined;
    },

    /** Whether this callback was handled before (Twilio's retry, or a replay); counted when it was. */
    isDuplicate(request: FastifyRequest): boolean {
      const token = tokenOf(request);
      const duplicate = token !== undefined && seen.has(token);
      if (duplicate) count('duplicate');
      return duplicate;
    },

    /** Remembered once handled: a callback that failed (5xx) is retried by Twilio, and heard. */
    handled(request: FastifyRequest): void {
      const token = tokenOf(request);
      if (token !== undefined) seen.set(token, true);
    },
  };
}

const E164 = new RegExp(E164_PATTERN);

export default async function webhookRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { config, temporal } = app.deps;
  const { apiMetrics } = app;
  const onboardings = onboardingsClient(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE });
  if (!config.TWILIO_AUTH_TOKEN)
    app.log.warn('TWILIO_AUTH_TOKEN is not set: status callbacks will be refused (503)');
  const bundles = twilioCallbacks(config, (outcome) => apiMetrics.webhookCallback(outcome));
  const calls = twilioCallbacks(config, (outcome) => apiMetrics.callCallback(outcome));

  app.post(
    '/v1/webhooks/trusthub',
    {
      ...bundles.routeOptions,
      schema: {
        tags: ['webhooks'],
        summary: "Twilio's Trust Hub status callback (form-encoded, signed with X-Twilio-Signature)",
        querystring: Type.Object({
          onboardingId: Type.Optional(Type.String({ pattern: ONBOARDING_ID_PATTERN })),
        }),
        body: Callback,
      },
    },
    async (request, reply) => {
      const refused = bundles.refusal(request, reply);
      if (refused) return refused;
      if (bundles.isDuplicate(request)) {
        return reply.code(200).send({ received: true, onboardings: 0, duplicate: true });
      }
      const { BundleSid: bundleSid, Status: status } = request.body;
      const delivered = await onboardings.notifyBundleStatus(bundleSid, status, request.query.onboardingId);
      bundles.handled(request);
      apiMetrics.webhookCallback(delivered > 0 ? 'accepted' : 'unknown_bundle');
      request.log.info({ bundleSid, status, onboardings: delivered }, 'status callback forwarded');
      return reply.code(200).send({ received: true, onboardings: delivered });
    },
  );

  app.post(
    '/v1/webhooks/calls',
    {
      ...calls.routeOptions,
      schema: {
        tags: ['webhooks'],
        summary:
          "Twilio's call status callback (form-encoded, signed with X-Twilio-Signature): the attestation Twilio signed the call with, for the customer's onboarding; 204 once verified, forwarded or not",
        querystring: Type.Object({
          onboardingId: Type.String({
            pattern: ONBOARDING_ID_PATTERN,
            description:
              'The onboarding of the customer whose number places the call: onboarding-<customerId>.',
          }),
        }),
        body: CallCallback,
      },
    },
    async (request, reply) => {
      const refused = calls.refusal(request, reply);
      if (refused) return refused;
      if (calls.isDuplicate(request)) return reply.code(204).send();
      const { CallSid: callSid, From: from, StirStatus, Timestamp } = request.body;
      const level = ATTESTATIONS.find((attestation) => attestation === StirStatus);
      // Only a level from one of the customer's numbers says anything of its attestation.
      const outcome =
        level && E164.test(from)
          ? await app.forwardCall(request.query.onboardingId, {
              callSid,
              from,
              level,
              at: observedAt(Timestamp),
            })
          : 'no_attestation';
      calls.handled(request);
      apiMetrics.callCallback(outcome);
      request.log.debug({ callSid, level, outcome }, 'call status callback');
      return reply.code(204).send();
    },
  );
}
