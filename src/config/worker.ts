/**
 * The worker's configuration: its variables (Twilio's credentials and budget, where callbacks and
 * events go, its health and metrics endpoints), and the rules beyond their schema.
 */
import { Type, type Static } from 'typebox';
import { CUSTOMER_PROFILE_SID_PATTERN, DEFAULT_CLAIMS_NAMESPACE } from '../contract/ids.js';
import { Common, ConfigError, Duration, Encryption, checkPayloadKeys, load, refuse } from './env.js';
import { PUBLIC_BASE_URL_HTTPS, httpsUnlessLoopback } from './loopback.js';
import type { DeploymentSettings } from '../temporal/deployment.js';

const TwilioCredentials = {
  TWILIO_ACCOUNT_SID: Type.String({ pattern: '^AC[0-9a-f]{32}$', description: 'Your account SID, AC…' }),
  TWILIO_AUTH_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  TWILIO_API_KEY: Type.Optional(Type.String({ pattern: '^SK[0-9a-f]{32}$' })),
  TWILIO_API_SECRET: Type.Optional(Type.String({ minLength: 1 })),
};

export const WorkerSchema = Type.Object({
  ...Common,
  ...Encryption,
  ...TwilioCredentials,
  TEMPORAL_CLAIMS_NAMESPACE: Type.String({
    default: DEFAULT_CLAIMS_NAMESPACE,
    minLength: 1,
    description:
      "The Temporal namespace the claims live in (which onboarding owns a customer, a customer profile), apart from the onboardings' so that their list shows customers only. It must exist (npm start, compose and start:cluster make it; on Temporal Cloud, create it). Set it to TEMPORAL_NAMESPACE to keep claims beside the onboardings.",
  }),
  TWILIO_BASE_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^/]+/?$',
      description:
        'Send Trust Hub calls here instead of Twilio, e.g. the sandbox at http://127.0.0.1:4010; https unless the host is loopback.',
    }),
  ),
  TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: Type.String({
    pattern: CUSTOMER_PROFILE_SID_PATTERN,
    description: "Your approved primary customer profile's SID, BU…",
  }),
  TWILIO_REQUESTS_PER_SECOND: Type.Number({
    default: 10,
    exclusiveMinimum: 0,
    description:
      'Budget of Trust Hub requests per second for the whole account: each worker spaces its requests by its share (see WORKER_REPLICAS), and the Temporal server holds all workers on the task queue to this many activities per second.',
  }),
  WORKER_REPLICAS: Type.Integer({
    default: 1,
    minimum: 1,
    description:
      'How many worker processes (replicas) run on the task queue, sharing TWILIO_REQUESTS_PER_SECOND: each sends at most floor(budget / WORKER_REPLICAS) requests in any second. More running than this may exceed the budget.',
  }),
  PUBLIC_BASE_URL: Type.String({
    pattern: '^https?://[^/]+(/.*)?$',
    description:
      'The URL Twilio reaches the API at; status callbacks go to <it>/v1/webhooks/trusthub. https unless its host is loopback.',
  }),
  VETTING_POLL_INTERVAL: Duration(
    '30m',
    'How often a vetting wait re-reads the bundle when no callback came.',
  ),
  WORKER_HEALTH_PORT: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 65535,
    description:
      'Port of the worker health endpoint (GET /healthz: 200 while the worker runs, 503 otherwise); 0 = off.',
  }),
  WORKER_HEALTH_HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  WORKER_METRICS_PORT: Type.Integer({
    default: 9464,
    minimum: 0,
    maximum: 65535,
    description:
      "Port of the worker's Prometheus endpoint (GET /metrics: Temporal's worker metrics and the Trust Hub counters); 0 = off.",
  }),
  WORKER_METRICS_HOST: Type.String({
    default: '127.0.0.1',
    minLength: 1,
    description:
      'Address the metrics endpoint binds to; it has no auth, so loopback unless a network (Docker) keeps it private.',
  }),
  EVENTS_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^/]+(/.*)?$',
      description:
        "Your system's endpoint for onboarding events (submitted, approved, rejected, action-required, completed, attestation changed), POSTed as JSON and signed per Standard Webhooks; https unless its host is loopback; unset = no events.",
    }),
  ),
  EVENTS_SECRET: Type.Optional(
    Type.String({
      pattern: '^whsec_[A-Za-z0-9+/]{32,}={0,2}$',
      description:
        'The signing secret for EVENTS_URL, whsec_ and at least 24 random bytes in base64 (e.g. whsec_$(openssl rand -base64 32)); required with EVENTS_URL.',
    }),
  ),
  TEMPORAL_WORKER_VERSIONING: Type.Union([Type.Literal('on'), Type.Literal('off')], {
    default: 'on',
    description:
      'on: the worker is a Worker Deployment Version, each onboarding is pinned to the build that started it and moves to the current build at its next continue-as-new (docs/deployment.md, "New workflow code"). off: unversioned workers, every run on whichever worker polls (then every workflow change needs patched()).',
  }),
  TEMPORAL_DEPLOYMENT_NAME: Type.String({
    default: 'trusthub-onboarding',
    pattern: '^[A-Za-z0-9_-]{1,100}$',
    description: 'The Worker Deployment the worker belongs to: letters, digits, _ and -.',
  }),
  TEMPORAL_WORKER_BUILD_ID: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$',
      description:
        "This worker's build ID; unset, it is the package version and a hash of the workflow bundle (1.1.0-3f9a2c1b7d0e), so equal IDs always mean equal workflow code. Set it only to an ID that promises the same.",
    }),
  ),
  TEMPORAL_DEPLOYMENT_PROMOTE: Type.Union(
    [Type.Literal('first'), Type.Literal('always'), Type.Literal('never')],
    {
      default: 'first',
      description:
        "When the worker makes its build the deployment's current version (where new onboardings start): first = only when there is none yet (a first install), always = at every start, never = only `temporal worker deployment set-current-version`.",
    },
  ),
  WORKER_MAX_CACHED_WORKFLOWS: Type.Integer({
    default: 200,
    minimum: 0,
    description:
      "Onboardings kept in the worker's memory between tasks. Most are parked for days; one evicted replays its history when it wakes.",
  }),
});

export type WorkerConfig = Static<typeof WorkerSchema>;

export function loadWorkerConfig(env = process.env): WorkerConfig {
  const config = load(WorkerSchema, env);
  checkPayloadKeys(config);
  const hasToken = Boolean(config.TWILIO_AUTH_TOKEN);
  const hasKey = Boolean(config.TWILIO_API_KEY && config.TWILIO_API_SECRET);
  if (!hasToken && !hasKey) {
    throw new ConfigError(
      'Invalid configuration:\n  TWILIO_AUTH_TOKEN (or TWILIO_API_KEY with TWILIO_API_SECRET) is required to call Trust Hub.',
    );
  }
  refuse([
    // The worker sends the account's auth token or API secret with every request (HTTP basic auth):
    // in the clear only to a process on this machine, such as the sandbox under npm start.
    httpsUnlessLoopback(
      'TWILIO_BASE_URL',
      config.TWILIO_BASE_URL,
      'the worker sends the Twilio credentials with every request, and over http anyone on the way reads them',
    ),
    // The worker hands this URL to Twilio as the status callback of every bundle it creates.
    httpsUnlessLoopback('PUBLIC_BASE_URL', config.PUBLIC_BASE_URL, PUBLIC_BASE_URL_HTTPS),
    httpsUnlessLoopback(
      'EVENTS_URL',
      config.EVENTS_URL,
      "each event carries the customer's onboarding, personal data included, and its signature proves only who sent it, not that no one read it",
    ),
  ]);
  if (config.WORKER_REPLICAS > 1 && workerRequestsPerSecond(config) < 1) {
    throw new ConfigError(
      `Invalid configuration:\n  WORKER_REPLICAS=${config.WORKER_REPLICAS} must be at most TWILIO_REQUESTS_PER_SECOND=${config.TWILIO_REQUESTS_PER_SECOND} rounded down: each worker's share is a whole number of requests per second, at least one.`,
    );
  }
  if (config.EVENTS_URL && !config.EVENTS_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  EVENTS_SECRET is required with EVENTS_URL: events are always signed (whsec_ and base64, e.g. whsec_$(openssl rand -base64 32)).',
    );
  }
  return config;
}

/** The versioning part of the configuration, as src/temporal/deployment.ts takes it. */
export function deploymentSettings(config: WorkerConfig): DeploymentSettings {
  return {
    versioning: config.TEMPORAL_WORKER_VERSIONING,
    deploymentName: config.TEMPORAL_DEPLOYMENT_NAME,
    buildId: config.TEMPORAL_WORKER_BUILD_ID,
    promote: config.TEMPORAL_DEPLOYMENT_PROMOTE,
  };
}

/**
 * This worker's share of the account's request budget, in requests per second: what its Twilio client
 * spaces its requests by (src/trusthub/client.ts).
 *
 * Why a fixed share, not one budget the workers agree on: the share needs nothing shared between
 * processes (no lock service, no coordination through Temporal), and the sum of the shares is the
 * budget by arithmetic, whatever the workers do. The cost: a share an idle worker leaves unused is not
 * lent to a busy one, and WORKER_REPLICAS must follow the replica count (docs/deployment.md).
 *
 * Why whole requests when shared: a worker spacing its requests 1/r seconds apart can fit ceil(r) of
 * them into some one-second window, so a fractional share (5 / 2 = 2.5) lets each worker put 3 into
 * one second, and two workers' such seconds can coincide: 6 > 5. With r a whole number, each worker's
 * busiest second holds r (the 5 % spacing margin keeps the (r+1)th out), and N workers' together hold
 * at most N × floor(budget / N) ≤ budget. One worker keeps the budget as given (0.5 = one request
 * every two seconds), as before there were shares.
 */
export function workerRequestsPerSecond(
  config: Pick<WorkerConfig, 'TWILIO_REQUESTS_PER_SECOND' | 'WORKER_REPLICAS'>,
): number {
  if (config.WORKER_REPLICAS === 1) return config.TWILIO_REQUESTS_PER_SECOND;
  return Math.floor(config.TWILIO_REQUESTS_PER_SECOND / config.WORKER_REPLICAS);
}

/**
 * Where Twilio sends status callbacks: the API's webhook under PUBLIC_BASE_URL (which may carry a
 * path). Each bundle's StatusCallback is this followed by `/<onboarding ID>` (the workflow's
 * `statusCallback`), so the onboarding is part of the URL Twilio signs (src/api/routes/webhooks.ts).
 */
export function statusCallbackUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/v1/webhooks/trusthub`;
}
