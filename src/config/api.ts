/**
 * The API's configuration: its variables, and the rules beyond their schema (a public API has a token,
 * each scope's tokens are its own, callbacks are signed against a URL no caller chooses).
 */
import { isIP } from 'node:net';
import { Type, type Static } from 'typebox';
import { Common, Encryption, checkPayloadKeys, load, refuse } from './env.js';
import { PUBLIC_BASE_URL_HTTPS, httpsUnlessLoopback, isLoopbackHost } from './loopback.js';

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

export const ApiSchema = Type.Object({
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

export type ApiConfig = Static<typeof ApiSchema>;

/** The scopes of the API and the variable holding each one's bearer tokens (src/api/app.ts). */
export const TOKEN_VARIABLES = ['API_TOKEN', 'ADOPT_TOKEN', 'METRICS_TOKEN', 'CODEC_TOKEN'] as const;
export type TokenVariable = (typeof TOKEN_VARIABLES)[number];

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
