/**
 * Twilio's signed callbacks: POST /v1/webhooks/trusthub/:onboardingId (a bundle's status changed) and
 * POST /v1/webhooks/calls/:onboardingId (a call's status changed, with the attestation Twilio signed
 * it with). Each request is verified with X-Twilio-Signature against the public URL Twilio called,
 * then forwarded to the onboarding its path names as a signal. A signal is only a hint — the workflow
 * re-reads the bundle, or compares the level with the one it infers — so duplicates and reordering
 * are harmless, and the answer is quick.
 *
 * A callback reaches only the onboarding Twilio signed it for. Twilio signs the URL followed by each
 * POST parameter, sorted by name, as name+value with no separator at all: a callback signed for
 * `…/onboarding-acme-42` signs the same string as one sent to `…/onboarding-acme` with a field `-` of
 * `42`; and the SDK's check (src/trusthub/signature.ts) also tries the URL with its query re-encoded,
 * which drops empty parameters, so the signed URL padded with `&&&&` passed as the URL itself. So:
 * - the URL is exactly the path: any query string is refused (400), before the signature is checked;
 * - each route takes only the fields Twilio sends (a closed list, each bounded: 400 names any other),
 *   all starting with a capital letter; AccountSid (`AC` + 32 hex digits) is required and sorts first,
 *   and the second field Twilio always sends (BundleSid, CallSid) is required with its SID pattern.
 * Then no other split of a signed string names another onboarding. Write it B + id + P (B the base
 * and route, P the parameters Twilio signed, starting `AccountSidAC…`), sent as B + id' + P'. If id'
 * is id cut short, P' starts with the cut-off end of id followed by `AccountSid`…: its first field
 * must be AccountSid with a value of exactly `AC` + 32 hex digits, which the original `AccountSid`
 * text can only follow as a second AccountSid (a duplicate field, refused) or inside the value of a
 * field that sorts between AccountSid and the required BundleSid or CallSid — none for Trust Hub, and
 * for calls AnsweredBy, ApiVersion and CallDuration, whose values are lower-case, a date and digits.
 * If id' is id lengthened, it takes the start of P, `AccountSid` + `AC…`, and P' has to begin with
 * another `AccountSid` within the first 63 characters of P (an ID has at most 75): P's first 44 are
 * the AccountSid and its value, and the next 20 are `BundleSidBU…` or one of those three bounded
 * fields, none of which can hold it.
 *
 * A callback costs nothing twice. Twilio's signature carries no timestamp, so a signed callback can be
 * replayed for ever: what Twilio signed (the URL, the parameters as it concatenates them, and the
 * signature) is hashed and remembered for a day, and content seen before is answered without a signal:
 * for a call, any callback handled before; for a bundle, the last one handled for it (a bundle's
 * callback carries no time, so rejected, corrected and rejected again signs the same twice).
 * Twilio's `I-Twilio-Idempotency-Token` header is not used: the signature does not cover it, so a
 * replay with it dropped or changed would look new. Past this process's memory the workflow drops a
 * callback whose status it already knows, and spaces the re-reads the rest cause
 * (src/workflows/onboarding/inbox.ts); a call's level is forwarded once an hour per number at most
 * (src/api/call-forwarding.ts). Different signed callbacks, replayed, are bounded per onboarding by
 * a token bucket (src/api/signal-rate-limit.ts): over it, the callback is answered as handled (Twilio
 * must not retry) and no signal is sent. The body is a few hundred bytes from Twilio: anything past
 * WEBHOOK_BODY_LIMIT is refused before it is parsed, let alone signature-checked.
 *
 * Form bodies are parsed in this scope only: every other route takes JSON, so a web page cannot POST
 * a cross-site form to them.
 *
 * Every callback is counted by outcome (trusthub_webhook_callbacks_total, call_status_callbacks_total,
 * src/api/plugins/metrics.ts): refused signatures mean PUBLIC_BASE_URL or the auth token no longer
 * match what Twilio signs with, and then every vetting decision waits for the reconciliation poll.
 */
import { Type, type TSchema } from 'typebox';
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LRUCache } from 'lru-cache';
import { signatureBaseUrl, type ApiConfig } from '../../config.js';
import {
  ACCOUNT_SID_PATTERN,
  CUSTOMER_PROFILE_SID_PATTERN,
  E164_PATTERN,
  ONBOARDING_ID_PATTERN,
} from '../../contract/ids.js';
import { ATTESTATIONS } from '../../contract/vocabulary.js';
import { signedByTwilio, signedContentDigest } from '../../trusthub/signature.js';
import { observedAt } from '../call-forwarding.js';
import { invalidRequest } from '../plugins/errors.js';
import type { CallCallbackOutcome, WebhookOutcome } from '../plugins/metrics.js';
import { CALL_SID_PATTERN } from '../schemas.js';
import { TRUSTHUB_SIGNAL_LIMIT, signalRateLimiter } from '../signal-rate-limit.js';

/**
 * Trust Hub's status callbacks are `AccountSid, BundleSid, Status` and perhaps a FailureReason; a
 * call's are some forty short fields (numbers, places, statuses): about 1 KB.
 */
export const WEBHOOK_BODY_LIMIT = 8 * 1024;

/** Signed callbacks remembered: a day of callbacks at far more than any account's rate. */
const SEEN_CALLBACKS = 100_000;
const SEEN_CALLBACK_TTL_MS = 24 * 3_600_000;

const AccountSid = Type.String({ pattern: ACCOUNT_SID_PATTERN });

const OnboardingPath = Type.Object({
  onboardingId: Type.String({
    pattern: ONBOARDING_ID_PATTERN,
    description:
      'The onboarding the callback is for: onboarding-<customerId>. It is part of the URL Twilio signs, so a callback reaches no other.',
  }),
});

/** A form field of free text: bounded, nothing more is known of it. */
const text = (maxLength: number) => Type.Optional(Type.String({ maxLength }));
const digits = Type.Optional(Type.String({ pattern: '^\\d{1,9}$' }));

/** Trust Hub's status callback: these four, as Twilio sends them. */
const Callback = Type.Object(
  {
    AccountSid,
    BundleSid: Type.String({ pattern: CUSTOMER_PROFILE_SID_PATTERN }),
    FailureReason: text(2048),
    Status: Type.String({ maxLength: 64 }),
  },
  { additionalProperties: false },
);

/** Where Twilio places `From`, `To`, `Called` or `Caller` (`FromCity`, …): optional, short. */
function places(party: 'From' | 'To' | 'Called' | 'Caller'): Record<string, TSchema> {
  return {
    [`${party}City`]: text(64),
    [`${party}State`]: text(64),
    [`${party}Zip`]: text(16),
    [`${party}Country`]: text(8),
  };
}

/**
 * Twilio's call status callback: the parameters of every voice request, the status callback's own
 * (CallDuration to SequenceNumber) and the STIR and answering-machine fields. StirStatus comes on
 * `ringing` and `in-progress`, and only on a call Twilio signed; `completed` and unsigned calls have
 * none. The fields that sort between AccountSid and CallSid (AnsweredBy, ApiVersion, CallDuration)
 * have strict values: see the splice argument in the file header.
 */
const CallCallback = Type.Object(
  {
    AccountSid,
    AnsweredBy: Type.Optional(Type.String({ pattern: '^[a-z_]{1,32}$' })),
    ApiVersion: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    CallDuration: digits,
    CallSid: Type.String({ pattern: CALL_SID_PATTERN }),
    CallStatus: Type.String({ maxLength: 32 }),
    CallToken: text(4096),
    CallbackSource: text(64),
    CallerName: text(128),
    Direction: text(32),
    Duration: digits,
    ForwardedFrom: text(256),
    MachineDetectionDuration: digits,
    ParentCallSid: Type.Optional(Type.String({ pattern: CALL_SID_PATTERN })),
    RecordingDuration: digits,
    RecordingSid: text(64),
    RecordingUrl: text(512),
    SequenceNumber: Type.Optional(Type.String({ pattern: '^\\d{1,6}$' })),
    SipResponseCode: Type.Optional(Type.String({ pattern: '^\\d{3}$' })),
    StirStatus: text(16),
    StirVerstat: text(64),
    Timestamp: text(64),
    // An E.164 number, a SIP URI or `client:…`.
    From: Type.String({ maxLength: 256 }),
    To: text(256),
    Called: text(256),
    Caller: text(256),
    ...places('From'),
    ...places('To'),
    ...places('Called'),
    ...places('Caller'),
  },
  { additionalProperties: false },
);

type SharedOutcome = WebhookOutcome & CallCallbackOutcome;

/**
 * What both callbacks share: the body limit, the refusal of a query string, the count of what fails
 * the schema or Temporal, the signature check against the configured URL, and the memory of signed
 * callbacks handled (one per route).
 */
function twilioCallbacks(
  config: ApiConfig,
  count: (outcome: SharedOutcome) => void,
  /**
   * Set when the same content may legitimately come again: then only the last callback handled under
   * this key (a bundle of an onboarding) is a duplicate. Unset: every callback handled is remembered.
   */
  lastOneBy?: (request: FastifyRequest) => string,
) {
  const authToken = config.TWILIO_AUTH_TOKEN;
  // Digest to itself (every callback), or key to the last digest handled under it.
  const seen = new LRUCache<string, string>({ max: SEEN_CALLBACKS, ttl: SEEN_CALLBACK_TTL_MS });
  const memoryKey = (request: FastifyRequest, digest: string) => (lastOneBy ? lastOneBy(request) : digest);
  // The one URL Twilio is told to call (src/config.ts) and the path as sent: never a header the
  // caller chose. The path is exactly the route's, with no query (refused below).
  const signedUrl = (request: FastifyRequest) => `${signatureBaseUrl(config)}${request.url}`;
  // Only once the signature held: then the header is a string and the body Twilio's fields.
  const digestOf = (request: FastifyRequest) =>
    signedContentDigest(
      signedUrl(request),
      request.body as Record<string, string>,
      request.headers['x-twilio-signature'] as string,
    );

  return {
    routeOptions: {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      /** Twilio calls the URL it was given, which has no query: anything after a `?` is someone else's. */
      onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
        if (!request.url.includes('?')) return;
        count('invalid_request');
        await reply.code(400).send(
          invalidRequest([
            {
              field: 'querystring',
              rule: 'must be absent: the onboarding is in the path, and Twilio signs the whole URL',
            },
          ]),
        );
      },
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
        !signedByTwilio(authToken, signature, signedUrl(request), params)
      ) {
        request.log.warn('status callback with a missing or wrong signature refused');
        count('refused_signature');
        return reply.code(403).send({ error: { code: 'forbidden', message: 'Invalid X-Twilio-Signature.' } });
      }
      return undefined;
    },

    /** Whether this signed callback was handled before (Twilio's retry, or a replay); counted when it was. */
    isDuplicate(request: FastifyRequest): boolean {
      const digest = digestOf(request);
      const duplicate = seen.get(memoryKey(request, digest)) === digest;
      if (duplicate) count('duplicate');
      return duplicate;
    },

    /**
     * Remembered once handled: a callback that failed (5xx) is retried by Twilio, and heard; one
     * dropped by the rate limit is not remembered, so a retry or replay may be heard once there is room.
     */
    handled(request: FastifyRequest): void {
      const digest = digestOf(request);
      seen.set(memoryKey(request, digest), digest);
    },
  };
}

const E164 = new RegExp(E164_PATTERN);

export default async function webhookRoutes(instance: FastifyInstance) {
  // This plugin is its own encapsulated scope (registered without fastify-plugin), so the form parser
  // serves these two routes and no other.
  await instance.register(formbody);
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = app.deps;
  const { apiMetrics, onboardings } = app;
  if (!config.TWILIO_AUTH_TOKEN)
    app.log.warn('TWILIO_AUTH_TOKEN is not set: status callbacks will be refused (503)');
  // A bundle's callback carries no time: rejected, corrected and rejected again, Twilio signs the same
  // content twice (with pending-review and in-review between). So a bundle's callback is a duplicate
  // only of the last one handled for that bundle; an older one replayed costs one hint, which the
  // workflow answers by re-reading the bundle, and the per-onboarding limit below bounds. A call's
  // callbacks never repeat (CallSid, SequenceNumber, Timestamp): every one handled is remembered.
  const bundles = twilioCallbacks(
    config,
    (outcome) => apiMetrics.webhookCallback(outcome),
    (request) => `${request.url} ${(request.body as { BundleSid: string }).BundleSid}`,
  );
  const calls = twilioCallbacks(config, (outcome) => apiMetrics.callCallback(outcome));
  const bundleSignals = signalRateLimiter(TRUSTHUB_SIGNAL_LIMIT);

  app.post(
    '/v1/webhooks/trusthub/:onboardingId',
    {
      ...bundles.routeOptions,
      schema: {
        tags: ['webhooks'],
        summary:
          "Twilio's Trust Hub status callback (form-encoded, signed with X-Twilio-Signature) for the onboarding in the path; no query string, no field beyond Twilio's",
        params: OnboardingPath,
        body: Callback,
      },
    },
    async (request, reply) => {
      const refused = bundles.refusal(request, reply);
      if (refused) return refused;
      if (bundles.isDuplicate(request)) {
        return reply.code(200).send({ received: true, onboardings: 0, duplicate: true });
      }
      const { onboardingId } = request.params;
      const allowance = bundleSignals.take(onboardingId);
      if (allowance !== 'sent') {
        // The log names no one: an onboarding ID carries the ISV's customer ID.
        if (allowance === 'limited_first')
          request.log.warn("status callbacks over one onboarding's signal rate: dropped until it has room");
        apiMetrics.webhookCallback('rate_limited');
        return reply.code(200).send({ received: true, onboardings: 0, rateLimited: true });
      }
      const { BundleSid: bundleSid, Status: status } = request.body;
      const delivered = await onboardings.notifyBundleStatus(onboardingId, bundleSid, status);
      bundles.handled(request);
      apiMetrics.webhookCallback(delivered ? 'accepted' : 'unknown_bundle');
      request.log.info({ bundleSid, status, delivered }, 'status callback forwarded');
      return reply.code(200).send({ received: true, onboardings: delivered ? 1 : 0 });
    },
  );

  app.post(
    '/v1/webhooks/calls/:onboardingId',
    {
      ...calls.routeOptions,
      schema: {
        tags: ['webhooks'],
        summary:
          "Twilio's call status callback (form-encoded, signed with X-Twilio-Signature): the attestation Twilio signed the call with, for the onboarding in the path; 204 once verified, forwarded or not",
        params: OnboardingPath,
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
          ? await app.forwardCall(request.params.onboardingId, {
              callSid,
              from,
              level,
              at: observedAt(Timestamp),
            })
          : 'no_attestation';
      // One dropped by the rate limit is not remembered (see handled).
      if (outcome !== 'rate_limited') calls.handled(request);
      apiMetrics.callCallback(outcome);
      request.log.debug({ callSid, level, outcome }, 'call status callback');
      return reply.code(204).send();
    },
  );
}
