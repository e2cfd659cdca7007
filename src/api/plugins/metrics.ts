/**
 * The API's Prometheus metrics: request rates and latencies per route, Node's process metrics, and
 * what the routes count themselves — Twilio's status callbacks (Trust Hub's and calls') by outcome,
 * onboarding starts. GET /metrics serves them (src/api/routes/metrics.ts) behind the bearer token.
 *
 * Each app has its own registry: buildApp runs many times in one test process, and prom-client's
 * global registry refuses a second metric of the same name. fastify-metrics times the requests; its
 * v12 line is the last for fastify 5 on prom-client alone (13 and later want @platformatic/prom-client
 * as a peer). It is registered here at the root, before any route, so its hooks see every route in
 * every scope; its own endpoint is off, because it would be served outside the token's scope.
 *
 * A request is labelled with its route's template (`/v1/onboardings/:id`), never with the URL as
 * sent: a customer id in a label would be personal data kept for good, and a series per customer.
 * Requests that match no route are not timed at all, so scanners cannot mint series either.
 */
import type { FastifyInstance } from 'fastify';
import fastifyMetricsModule from 'fastify-metrics';
import fp from 'fastify-plugin';
import { Counter, Gauge, Registry } from 'prom-client';
import { stuckOnboardingQueries } from '../../contract/visibility-queries.js';

// fastify-metrics is CommonJS with an `exports.default`: imported from ESM, the plugin is under it.
const fastifyMetrics = fastifyMetricsModule.default;

/**
 * How a Twilio status callback ended (src/api/routes/webhooks.ts):
 * - accepted: signed, and forwarded to at least one running onboarding;
 * - unknown_bundle: signed, but the onboarding its URL names does not run (finished, cancelled);
 * - refused_signature: X-Twilio-Signature missing or wrong — PUBLIC_BASE_URL or the auth token do not
 *   match what Twilio signs with, or someone else is calling (403);
 * - not_configured: TWILIO_AUTH_TOKEN is not set, so nothing can be verified (503);
 * - invalid_request: the form failed the route's schema (400), before the signature was looked at;
 * - error: Temporal failed while the onboarding was found or signalled (5xx); Twilio retries;
 * - duplicate: a signed callback whose signed content (URL, parameters, signature) was seen before
 *   (Twilio's retry, or a replay), answered without a signal;
 * - rate_limited: signed and new, but its onboarding already had its burst of signals from this API
 *   process (src/api/signal-rate-limit.ts): answered as handled, without a signal.
 */
export const WEBHOOK_OUTCOMES = [
  'accepted',
  'duplicate',
  'rate_limited',
  'unknown_bundle',
  'refused_signature',
  'not_configured',
  'invalid_request',
  'error',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/**
 * How a Twilio call status callback ended (POST /v1/webhooks/calls): refused_signature, not_configured,
 * invalid_request, error, duplicate and rate_limited as above (the limit also holds for the ISV's
 * relay, which shares the forwarder), and
 * - forwarded: its attestation (StirStatus) was signalled to the onboarding;
 * - repeated: the level last forwarded for that number within the hour, acknowledged without a signal;
 * - no_attestation: a callback without StirStatus (completed, or a call Twilio did not sign), or not
 *   from an E.164 number: acknowledged, forwarded nowhere;
 * - unknown_onboarding: signed, but no such onboarding runs (the StatusCallback names another one).
 */
export const CALL_CALLBACK_OUTCOMES = [
  'forwarded',
  'repeated',
  'rate_limited',
  'no_attestation',
  'unknown_onboarding',
  'duplicate',
  'refused_signature',
  'not_configured',
  'invalid_request',
  'error',
] as const;
export type CallCallbackOutcome = (typeof CALL_CALLBACK_OUTCOMES)[number];

/**
 * How a start ended, POST /v1/onboardings and POST /v1/adoptions alike (startHandler in
 * src/api/start.ts): created (202: this request started the onboarding), existing (200: it met the
 * same request already there), already_onboarded (409: the customer's onboarding already completed),
 * refused (any other failure: 409 for a different body, 422, or an error). A 400 from the schema or
 * the product rules is answered before the start and not counted.
 */
export const ONBOARDING_START_RESULTS = ['created', 'existing', 'refused', 'already_onboarded'] as const;
export type OnboardingStartResult = (typeof ONBOARDING_START_RESULTS)[number];

export interface ApiMetrics {
  registry: Registry;
  webhookCallback(outcome: WebhookOutcome): void;
  callCallback(outcome: CallCallbackOutcome): void;
  onboardingStart(result: OnboardingStartResult): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    apiMetrics: ApiMetrics;
  }
}

/** A scrape waits this long for visibility's count of failing onboardings. */
const SCRAPE_COUNT_TIMEOUT_MS = 3_000;

/** Seconds; from a health probe (milliseconds) to a workflow update that waits up to 60 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

async function metrics(app: FastifyInstance) {
  const registry = new Registry();
  await app.register(fastifyMetrics, {
    endpoint: null,
    defaultMetrics: { enabled: true, register: registry },
    routeMetrics: {
      // A histogram aggregates across API instances; a summary's quantiles would not.
      enabled: { histogram: true, summary: false },
      overrides: {
        histogram: {
          help: 'API request duration in seconds, by method, route template and status code',
          buckets: LATENCY_BUCKETS,
          registers: [registry],
        },
        // fastify-metrics makes the summary even when it is off: in no registry, it is never seen.
        summary: { registers: [] },
      },
    },
  });
  const webhookCallbacks = new Counter({
    name: 'trusthub_webhook_callbacks_total',
    help: "Twilio's Trust Hub status callbacks received, by outcome",
    labelNames: ['outcome'],
    registers: [registry],
  });
  const callCallbacks = new Counter({
    name: 'call_status_callbacks_total',
    help: "Twilio's call status callbacks received, by outcome",
    labelNames: ['outcome'],
    registers: [registry],
  });
  const onboardingStarts = new Counter({
    name: 'onboarding_starts_total',
    help: 'Onboarding starts answered, by result: created (202), existing (200: the same request again), already_onboarded (409) or refused',
    labelNames: ['result'],
    registers: [registry],
  });
  // Counted by Temporal at each scrape rather than by the workers: right across any number of worker
  // replicas and restarts. Every API instance reports the same number (alert on max, not sum); NaN
  // when visibility does not answer (or an app has no Temporal client), rather than a reassuring 0.
  new Gauge({
    name: 'onboardings_twilio_failing',
    help: 'Running onboardings whose Twilio calls keep failing (TwilioFailingSince set), counted in Temporal visibility at each scrape',
    registers: [registry],
    async collect() {
      const temporal = app.hasDecorator('deps') ? app.deps.temporal : undefined;
      if (!temporal) return this.set(Number.NaN);
      try {
        const { count } = await temporal.connection.withDeadline(Date.now() + SCRAPE_COUNT_TIMEOUT_MS, () =>
          temporal.workflowService.countWorkflowExecutions({
            namespace: temporal.options.namespace,
            query: stuckOnboardingQueries.twilioFailing(),
          }),
        );
        this.set(typeof count === 'number' ? count : (count?.toNumber() ?? 0));
      } catch {
        this.set(Number.NaN);
      }
    },
  });
  // Every outcome exists from the start at 0, so a rate or an alert on one is defined before it happens.
  for (const outcome of WEBHOOK_OUTCOMES) webhookCallbacks.inc({ outcome }, 0);
  for (const outcome of CALL_CALLBACK_OUTCOMES) callCallbacks.inc({ outcome }, 0);
  for (const result of ONBOARDING_START_RESULTS) onboardingStarts.inc({ result }, 0);

  app.decorate('apiMetrics', {
    registry,
    webhookCallback: (outcome) => webhookCallbacks.inc({ outcome }),
    callCallback: (outcome) => callCallbacks.inc({ outcome }),
    onboardingStart: (result) => onboardingStarts.inc({ result }),
  } satisfies ApiMetrics);
}

export default fp(metrics, { name: 'api-metrics' });
