/**
 * The HTTP API. It talks to Temporal only — never to Twilio: onboardings are started, read, corrected
 * and cancelled through the workflow, and Twilio's status callbacks become signals.
 *
 * Its routes sit in scopes by who calls them, each with its own credential (plugins/auth.ts): the
 * ISV's system (API_TOKEN), the ISV's operators adopting existing profiles (ADOPT_TOKEN), the Temporal
 * Web UI's codec (CODEC_TOKEN) and Prometheus (METRICS_TOKEN); the probes and Twilio's signed callbacks
 * are open. With no token configured at all (loopback development; src/config.ts refuses it once
 * anything is public) every scope is open, and the API answers only requests addressed to a loopback
 * host (loopbackHostsOnly).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import {
  bearerTokens,
  isLoopbackHost,
  TOKEN_VARIABLES,
  type ApiConfig,
  type TokenVariable,
} from '../config.js';
import { loggerOptions } from '../logger.js';
import cors from '@fastify/cors';
import requireBearerToken from './plugins/auth.js';
import errorsPlugin from './plugins/errors.js';
import metricsPlugin from './plugins/metrics.js';
import onboardingsPlugin from './plugins/onboardings.js';
import { RequestLog, requestLogSerializers } from './request-log.js';
import swaggerPlugin from './plugins/swagger.js';
import adoptionRoutes from './routes/adoptions.js';
import codecRoutes from './routes/codec.js';
import healthRoutes from './routes/health.js';
import metricsRoutes from './routes/metrics.js';
import onboardingRoutes from './routes/onboardings.js';
import servingRoutes from './routes/serving.js';
import webhookRoutes from './routes/webhooks.js';

export interface AppDependencies {
  config: ApiConfig;
  temporal: Client;
  /** Where the logs go: stdout, unless a test reads them. */
  logStream?: DestinationStream;
}

/**
 * The largest body any route but the codec's takes. The largest onboarding the schemas accept (every
 * string at its maximum, ten 2 KB profile URLs, 100 numbers) is about 32 KB; a real one is about
 * 2 KB, and 100 numbers about 4 KB. Anything bigger is refused (413) before it is parsed, so a hostile
 * body costs no more than reading 64 KB. The codec routes set their own (routes/codec.ts): the Web UI
 * sends a history's payloads at once.
 */
export const BODY_LIMIT = 64 * 1024;

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDependencies;
  }
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: {
      ...loggerOptions({ name: 'api', level: config.LOG_LEVEL, format: config.LOG_FORMAT }),
      serializers: requestLogSerializers,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    logController: new RequestLog(),
    bodyLimit: BODY_LIMIT,
    // Report every invalid field at once, not just the first (plugins/errors.ts lists the first few).
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
    // The 400 is written from the error's `validation` list (plugins/errors.ts); Fastify's default
    // message would join every error of a hostile body into one string that nobody reads.
    schemaErrorFormatter: (errors, dataVar) => new Error(`${dataVar} has ${errors.length} invalid field(s)`),
    // Nothing here reads the client's address or the URL it called from the request: the callback
    // signature is checked against configuration (signatureBaseUrl in src/config.ts), so a caller's
    // X-Forwarded-Host has nothing to choose.
    trustProxy: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Each scope's tokens; with none configured anywhere (loopback development) every scope is open.
  const tokens = Object.fromEntries(
    TOKEN_VARIABLES.map((variable) => [variable, bearerTokens(config, variable)]),
  ) as Record<TokenVariable, string[]>;
  const noTokens = Object.values(tokens).every((keys) => keys.length === 0);
  const tokenOf = (variable: TokenVariable) => ({
    keys: tokens[variable],
    variable,
    openWithoutKeys: noTokens,
  });

  if (noTokens) loopbackHostsOnly(app);
  app.decorate('deps', deps);
  // First: its hooks must see every route registered after it, in every scope.
  await app.register(metricsPlugin);
  // The one onboardings client (app.onboardings), and the errors it raises answered in one handler.
  await app.register(onboardingsPlugin);
  await app.register(errorsPlugin);
  await app.register(swaggerPlugin);
  await app.register(healthRoutes);
  // Twilio's callbacks, and the only routes that parse a form body (in their own scope).
  await app.register(webhookRoutes);
  // Everything an ISV's system calls sits in one encapsulated scope whose every route needs its token.
  await app.register(async function isvApi(scope) {
    await scope.register(requireBearerToken, tokenOf('API_TOKEN'));
    await scope.register(onboardingRoutes);
    await scope.register(servingRoutes);
  });
  // Adopting a customer profile made before lends an identity Twilio vetted to an onboarding: only the
  // ISV's operators do it, with their own token, which the ISV's sign-up backend does not hold.
  await app.register(async function operatorAdoptions(scope) {
    await scope.register(requireBearerToken, tokenOf('ADOPT_TOKEN'));
    await scope.register(adoptionRoutes);
  });
  // The Temporal Web UI's codec, called from the operator's browser: CORS for the UI's origin, then the
  // codec's own token (it decrypts every payload, so the ISV's token does not open it). CORS goes first
  // so a preflight (which never carries credentials) is answered before the token is asked for. The
  // prefix keeps the CORS plugin's own preflight route (OPTIONS <prefix>/*) under /v1/codec/: without
  // it, the plugin answers a preflight for every path, the ISV's routes included.
  await app.register(
    async function operatorCodec(scope) {
      await scope.register(cors, {
        // A list, so a request from any other origin gets no CORS headers at all.
        origin: config.TEMPORAL_UI_URL ? codecOrigins(config.TEMPORAL_UI_URL) : false,
        methods: ['POST'],
        allowedHeaders: ['authorization', 'content-type', 'x-namespace'],
        credentials: true,
      });
      await scope.register(requireBearerToken, tokenOf('CODEC_TOKEN'));
      await scope.register(codecRoutes);
    },
    { prefix: '/v1/codec' },
  );
  // Prometheus scrapes with its own token (its `authorization` setting): the metrics say how many
  // onboardings start and how callbacks fare, which is the ISV's business and no one else's, and the
  // scraper's token opens nothing else.
  await app.register(async function prometheusScrape(scope) {
    await scope.register(requireBearerToken, tokenOf('METRICS_TOKEN'));
    await scope.register(metricsRoutes);
  });
  return app;
}

/**
 * Open mode (no token anywhere) answers only requests whose Host names this machine: localhost,
 * 127.0.0.0/8 or [::1], with any port. A loopback listener alone is not enough: through DNS rebinding
 * a web page the operator visits sends its requests to 127.0.0.1 under the attacker's own name, and
 * its JavaScript would then read onboardings and decode payloads. A browser cannot forge Host, so the
 * attacker's name in it gives the page away. Every route, probes included: open mode only ever runs on
 * loopback, where a probe comes from this machine and says so. Registered on the root instance,
 * before any route, so its hook runs for all of them; with tokens the scopes' credentials do this work
 * (a rebinding page has none), and a proxy is free to pass its public name.
 */
function loopbackHostsOnly(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (namesLoopback(request.host)) return;
    return reply.code(421).send({
      error: {
        code: 'misdirected_request',
        message: `This API runs without tokens and so answers only requests addressed to a loopback host (localhost, 127.0.0.1, [::1]). Set ${TOKEN_VARIABLES.join(', ')} (each for its own routes) to serve it under another name.`,
      },
    });
  });
}

/** Whether a Host header (name or address, optional port) names this machine; unparsable is not. */
function namesLoopback(host: string | undefined): boolean {
  if (!host) return false;
  try {
    return isLoopbackHost(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

/** The loopback names a browser on this machine may give one address: the UI is one origin under each. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The origins the codec answers: the Web UI's, and when its host is a loopback name, the same scheme
 * and port under the other loopback names too. The dev server's banner prints http://localhost:8233
 * while npm start configures http://127.0.0.1:8233, and the browser sends whichever the operator
 * typed. Never a wildcard, and a UI on any other host gets its own origin alone.
 */
export function codecOrigins(uiUrl: string): string[] {
  const ui = new URL(uiUrl);
  if (!LOOPBACK_NAMES.includes(ui.hostname)) return [ui.origin];
  return LOOPBACK_NAMES.map((name) => {
    const alias = new URL(ui.origin);
    alias.hostname = name;
    return alias.origin;
  });
}
