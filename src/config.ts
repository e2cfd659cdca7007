/**
 * All configuration, read from environment variables and validated at start. A wrong or missing value
 * stops the process with a message naming the variable and what it expects.
 *
 * The Temporal connection is not here: it reads the same variables as the Temporal CLI
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE) through
 * @temporalio/envconfig — see src/temporal/connection.ts.
 */
import { BlockList, isIP } from 'node:net';
import envSchema from 'env-schema';
import { Type, type Static, type TSchema } from 'typebox';
import { PAYLOAD_KEYS_RULE, parsePayloadKeys, type PayloadKeys } from './temporal/codec.js';
import { CUSTOMER_PROFILE_SID_PATTERN, DEFAULT_CLAIMS_NAMESPACE } from './contract/ids.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const Duration = (defaultValue: string, description: string) =>
  Type.String({
    default: defaultValue,
    pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$',
    description: `${description} A duration such as 500ms, 30s, 30m, 24h or 3d.`,
  });

const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
  { default: 'info', description: 'pino log level.' },
);

const LogFormat = Type.Union([Type.Literal('pretty'), Type.Literal('json'), Type.Literal('auto')], {
  default: 'auto',
  description: 'pretty for people, json for log shippers; auto picks pretty on a terminal.',
});

const Common = {
  LOG_LEVEL: LogLevel,
  LOG_FORMAT: LogFormat,
  TEMPORAL_TASK_QUEUE: Type.String({ default: 'trusthub-onboarding', minLength: 1 }),
};

/** Both Temporal clients (API and worker) encrypt every payload: src/temporal/codec.ts. */
const Encryption = {
  PAYLOAD_ENCRYPTION_KEYS: Type.String({
    minLength: 1,
    description: `Keys that encrypt what Temporal stores: ${PAYLOAD_KEYS_RULE}.`,
  }),
};

/**
 * One credential variable of the API: each opens one route scope (src/api/app.ts), so a leaked
 * Prometheus or Web UI token reads metrics or payloads but never starts or cancels an onboarding.
 */
const BearerTokens = (opens: string) =>
  Type.Optional(
    Type.String({
      pattern: '^[^,\\s]{16,}(,[^,\\s]{16,})*$',
      description: `Bearer token(s) for ${opens}: at least 16 characters each, comma-separated while rotating.`,
    }),
  );

const TwilioCredentials = {
  TWILIO_ACCOUNT_SID: Type.String({ pattern: '^AC[0-9a-f]{32}$', description: 'Your account SID, AC…' }),
  TWILIO_AUTH_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  TWILIO_API_KEY: Type.Optional(Type.String({ pattern: '^SK[0-9a-f]{32}$' })),
  TWILIO_API_SECRET: Type.Optional(Type.String({ minLength: 1 })),
};

const ApiSchema = Type.Object({
  ...Common,
  ...Encryption,
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  API_TOKEN: BearerTokens("the ISV's system: /v1/onboardings* and nothing else"),
  ADOPT_TOKEN: BearerTokens(
    "the ISV's operators: POST /v1/adoptions (taking on a customer profile made before) and nothing else",
  ),
  METRICS_TOKEN: BearerTokens('Prometheus: GET /metrics and nothing else'),
  CODEC_TOKEN: BearerTokens(
    "the Temporal Web UI's (or an operator's) calls to the codec, /v1/codec/*, and nothing else",
  ),
  CODEC_ENCODE: Type.Boolean({
    default: false,
    description:
      "Whether the codec also serves /v1/codec/encode. Off: the Web UI needs encode only for writes (start, signal, reset with input), which compose turns off, and with it the codec's token would mint ciphertext the worker trusts.",
  }),
  PUBLIC_BASE_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^/]+(/.*)?$',
      description:
        'The URL Twilio reaches this API at, e.g. https://onboarding.example.com; callback signatures are checked against it. Required when HOST is not loopback; https unless its host is loopback.',
    }),
  ),
  TWILIO_AUTH_TOKEN: Type.Optional(
    Type.String({ minLength: 1, description: "Checks X-Twilio-Signature on Twilio's status callbacks." }),
  ),
  TEMPORAL_UI_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^/]+(/.*)?$',
      description:
        'Temporal Web UI base URL, for links in responses; the codec endpoint accepts browser calls from its origin. https unless its host is loopback.',
    }),
  ),
});

const WorkerSchema = Type.Object({
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
  WORKER_MAX_CACHED_WORKFLOWS: Type.Integer({
    default: 200,
    minimum: 0,
    description:
      "Onboardings kept in the worker's memory between tasks. Most are parked for days; one evicted replays its history when it wakes.",
  }),
});

/** The service's processes' variables, for checks that the docs (.env.example) list them all (the
 * sandbox's own are trusthub-sandbox's SandboxSchema). */
export const CONFIG_SCHEMAS = { api: ApiSchema, worker: WorkerSchema } as const;

/**
 * The default a process's schema gives a variable, for what must agree with that process without
 * loading its whole configuration: scripts/start.ts checks and prints the ports the API, sandbox and
 * worker will listen on.
 */
export function configDefault<
  S extends keyof typeof CONFIG_SCHEMAS,
  K extends keyof Static<(typeof CONFIG_SCHEMAS)[S]> & string,
>(schema: S, name: K): Static<(typeof CONFIG_SCHEMAS)[S]>[K] {
  const properties = CONFIG_SCHEMAS[schema].properties as Record<string, { default?: unknown }>;
  const value = properties[name]?.default;
  if (value === undefined) throw new Error(`${name} has no default in the ${schema} configuration`);
  return value as Static<(typeof CONFIG_SCHEMAS)[S]>[K];
}

export type ApiConfig = Static<typeof ApiSchema>;
export type WorkerConfig = Static<typeof WorkerSchema>;

function load<T extends TSchema>(schema: T, env: NodeJS.ProcessEnv): Static<T> {
  // Empty strings mean "unset", as in most shells' `FOO= cmd`.
  const data = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  try {
    return envSchema<Static<T>>({ schema: structuredClone(schema) as object, data, env: false });
  } catch (error) {
    throw new ConfigError(describeEnvErrors(schema, error));
  }
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  params?: { missingProperty?: string; pattern?: string; limit?: number; allowedValue?: unknown };
  message?: string;
}

function describeEnvErrors(schema: TSchema, error: unknown): string {
  const errors = (error as { errors?: AjvLikeError[] }).errors ?? [];
  const properties = (schema as { properties?: Record<string, { description?: string }> }).properties ?? {};
  const lines = errors.map((e) => {
    const name = e.params?.missingProperty ?? e.instancePath?.replace(/^\//, '') ?? '?';
    const what = properties[name]?.description;
    const rule =
      e.keyword === 'required'
        ? 'is required'
        : e.keyword === 'pattern'
          ? `must match ${e.params?.pattern}`
          : (e.message ?? 'is invalid');
    return `  ${name} ${rule}${what ? ` — ${what}` : ''}`;
  });
  const unique = [...new Set(lines)];
  return `Invalid configuration:\n${unique.length ? unique.join('\n') : String(error)}`;
}

/** The encryption keys, checked beyond the schema's reach; the message never quotes a key. */
function checkPayloadKeys(config: { PAYLOAD_ENCRYPTION_KEYS: string }): void {
  try {
    parsePayloadKeys(config.PAYLOAD_ENCRYPTION_KEYS);
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  PAYLOAD_ENCRYPTION_KEYS ${(error as Error).message}`);
  }
}

/** The payload keys of a loaded configuration (already validated by load*Config). */
export function payloadKeys(config: { PAYLOAD_ENCRYPTION_KEYS: string }): PayloadKeys {
  return parsePayloadKeys(config.PAYLOAD_ENCRYPTION_KEYS);
}

/** The scopes of the API and the variable holding each one's bearer tokens (src/api/app.ts). */
export const TOKEN_VARIABLES = ['API_TOKEN', 'ADOPT_TOKEN', 'METRICS_TOKEN', 'CODEC_TOKEN'] as const;
export type TokenVariable = (typeof TOKEN_VARIABLES)[number];

// Addresses that only this machine reaches: 127.0.0.0/8 and ::1, by address, however they are written.
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether `host` (a HOST value, or a URL's hostname, IPv6 in brackets or not) is this machine only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare.toLowerCase() === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** The host a URL variable names, or undefined when it is unset (the schema has checked its shape). */
function urlHost(value: string | undefined): string | undefined {
  return value ? new URL(value).hostname : undefined;
}

/**
 * Why the API is reachable from beyond this machine, if it is; empty when nothing says so. Not HOST
 * alone: the usual VM runs nginx or Caddy in front of an API on HOST=127.0.0.1, and then the public
 * URL Twilio calls (PUBLIC_BASE_URL) or the Web UI's (TEMPORAL_UI_URL, whose browsers call the codec)
 * is what says the internet reaches it.
 */
export function publicExposure(
  config: Pick<ApiConfig, 'HOST' | 'PUBLIC_BASE_URL' | 'TEMPORAL_UI_URL'>,
): string[] {
  const reasons: string[] = [];
  if (!isLoopbackHost(config.HOST)) reasons.push(`HOST=${config.HOST} is not a loopback address`);
  for (const variable of ['PUBLIC_BASE_URL', 'TEMPORAL_UI_URL'] as const) {
    const host = urlHost(config[variable]);
    if (host !== undefined && !isLoopbackHost(host)) reasons.push(`${variable} names ${host}, not loopback`);
  }
  return reasons;
}

/**
 * The rule for every URL the service calls or signs and hands out: https, unless its host is this
 * machine (the sandbox, a proxy on the same VM). Over http anyone on the way reads and rewrites what
 * goes there; `why` says what that is. Returns the problem, or undefined.
 */
/** Whether a secret or a signed body may travel to `url`: https, or any scheme to this machine only. */
export function isHttpsOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || isLoopbackHost(url.hostname);
}

function httpsUnlessLoopback(variable: string, value: string | undefined, why: string): string | undefined {
  if (!value) return undefined;
  const url = new URL(value);
  if (isHttpsOrLoopback(url)) return undefined;
  return `${variable} must be https:// unless its host is loopback (127.0.0.0/8, localhost, [::1]): ${why} (${url.host} is not loopback).`;
}

/** Throws the problems found beyond the schema, one per line, if there are any. */
function refuse(problems: (string | undefined)[]): void {
  const found = problems.filter((p): p is string => p !== undefined);
  if (found.length) throw new ConfigError(`Invalid configuration:\n${found.map((p) => `  ${p}`).join('\n')}`);
}

const PUBLIC_BASE_URL_HTTPS =
  "Twilio's callbacks to it carry the onboarding and its signature, and a status callback rewritten on the way is one the API would act on";

export function loadApiConfig(env = process.env): ApiConfig {
  const config = load(ApiSchema, env);
  checkPayloadKeys(config);
  const problems: (string | undefined)[] = [];
  const exposure = publicExposure(config);
  // Closed by default: with no token at all every scope is open, which is safe only while nothing
  // beyond this machine reaches the API (and then app.ts still answers only loopback Host names).
  if (exposure.length && !config.API_TOKEN) {
    problems.push(
      `API_TOKEN is required when the API is public (${exposure.join('; ')}) — without it anyone who reaches it, directly or through a proxy on this machine, could start or cancel onboardings, decode payloads and read metrics.`,
    );
  }
  if (!isLoopbackHost(config.HOST) && !config.PUBLIC_BASE_URL) {
    problems.push(
      `PUBLIC_BASE_URL is required when HOST=${config.HOST} is not a loopback address — Twilio's callback signatures are checked against the URL Twilio called, and without it that URL would come from the request's own headers, which a caller chooses.`,
    );
  }
  problems.push(
    httpsUnlessLoopback('PUBLIC_BASE_URL', config.PUBLIC_BASE_URL, PUBLIC_BASE_URL_HTTPS),
    httpsUnlessLoopback(
      'TEMPORAL_UI_URL',
      config.TEMPORAL_UI_URL,
      'it is the origin allowed to call the codec with CODEC_TOKEN, and a page served over http can be rewritten to decode every payload',
    ),
  );
  // A token in two variables would open both scopes: each scope's credential must be its own.
  const owner = new Map<string, TokenVariable>();
  for (const variable of TOKEN_VARIABLES) {
    for (const token of bearerTokens(config, variable)) {
      const other = owner.get(token);
      if (other && other !== variable) {
        problems.push(
          `${variable} repeats a token of ${other}: give each its own, or one opens the other's routes.`,
        );
      }
      owner.set(token, variable);
    }
  }
  refuse(problems);
  return config;
}

/** The bearer tokens of one scope: the variable holds one, or several while a token is being rotated. */
export function bearerTokens(
  config: Partial<Pick<ApiConfig, TokenVariable>>,
  variable: TokenVariable,
): string[] {
  return config[variable]?.split(',') ?? [];
}

/** The bearer tokens of the ISV's routes (/v1/onboardings*). */
export function apiTokens(config: Pick<ApiConfig, 'API_TOKEN'>): string[] {
  return bearerTokens(config, 'API_TOKEN');
}

/**
 * The base of the URL Twilio signs a status callback with: PUBLIC_BASE_URL, or on loopback (where
 * loadApiConfig lets it be unset) the address the API listens on. Never the request's Host or
 * X-Forwarded-* headers: whoever sends the request chooses those, and with them the URL a forged
 * signature is checked against.
 */
export function signatureBaseUrl(config: Pick<ApiConfig, 'PUBLIC_BASE_URL' | 'HOST' | 'PORT'>): string {
  if (config.PUBLIC_BASE_URL) return config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  const host = isIP(config.HOST) === 6 ? `[${config.HOST}]` : config.HOST;
  return `http://${host}:${config.PORT}`;
}

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

/** Parses the durations accepted above ("30m", "24h", "500ms") into milliseconds. */
export function durationToMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new ConfigError(`"${value}" is not a duration such as 500ms, 30s, 30m, 24h or 3d`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}

/**
 * Where Twilio sends status callbacks: the API's webhook under PUBLIC_BASE_URL (which may carry a
 * path). Each bundle's StatusCallback is this followed by `/<onboarding ID>` (the workflow's
 * `statusCallback`), so the onboarding is part of the URL Twilio signs (src/api/routes/webhooks.ts).
 */
export function statusCallbackUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/v1/webhooks/trusthub`;
}
