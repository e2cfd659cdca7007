/**
 * The sandbox factory. `buildSandbox()` returns a Fastify app (not yet listening: tests call
 * `app.listen({ port: 0 })` or `sandbox.listen()`), its store, and `info()` — credentials, primary
 * profile, phone numbers and, once listening, the base URL.
 *
 * Its routes sit in two encapsulated scopes, as the service's API does (src/api/app.ts in
 * trusthub-onboarding): the Twilio API, whose every request — and every unknown URL — goes through the
 * pipeline of plugins/twilio-pipeline.ts (concurrency limit → added latency → request faults → HTTP
 * Basic auth → route → lost-response fault), and beside it the admin routes under /__sandbox/, which
 * none of it reaches.
 */
import formbody from '@fastify/formbody';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import { createLogger } from './logger.js';
import { CallbackDispatcher } from './callbacks.js';
import type { SandboxContext } from './context.js';
import { ErrorCode, errorBody, TwilioApiError } from './errors.js';
import type { FaultConfig } from './faults.js';
import { FaultInjector } from './faults.js';
import { loadStateFile, StatePersister } from './persistence.js';
import twilioPipeline, { sendError } from './plugins/twilio-pipeline.js';
import type { RequestMetrics } from './routes/admin.js';
import adminRoutes, { sandboxInfo } from './routes/admin.js';
import api2010Routes from './routes/api2010.js';
import bundleRoutes from './routes/bundles.js';
import catalogRoutes from './routes/catalog.js';
import itemRoutes from './routes/items.js';
import { seedState } from './seed.js';
import { byCreation } from './state.js';
import { SandboxStore } from './store.js';
import type { VettingMode } from './vetting.js';
import { VettingScheduler } from './vetting.js';

export interface SandboxOptions {
  /** Stable credentials (random when absent, or taken from the state file). */
  accountSid?: string | undefined;
  authToken?: string | undefined;
  apiKeySid?: string | undefined;
  apiKeySecret?: string | undefined;
  /** A stable SID for the seeded primary profile (random when absent, or taken from the state file). */
  primaryCustomerProfileSid?: string | undefined;
  /** How many phone numbers to seed (default 10). */
  phoneNumbers?: number;
  /** Time a customer profile / trust product spends in vetting (default 5 s each). */
  profileReviewMs?: number;
  trustProductReviewMs?: number;
  /** manual: bundles wait in in-review until POST /__sandbox/bundles/:sid/decide. */
  vetting?: VettingMode;
  faults?: Partial<FaultConfig>;
  /** JSON snapshot of the world, loaded at start and written after changes. */
  stateFile?: string | undefined;
  logger?: Logger;
  logLevel?: string;
}

export interface SandboxInfo {
  baseUrl: string | null;
  accountSid: string;
  authToken: string;
  apiKeySid: string;
  apiKeySecret: string;
  primaryCustomerProfileSid: string;
  policies: {
    secondaryCustomerProfile: string;
    shakenStirTrustProduct: string;
    voiceIntegrityTrustProduct: string;
    cnamTrustProduct: string;
  };
  phoneNumbers: { sid: string; phoneNumber: string }[];
}

export interface Sandbox {
  app: FastifyInstance;
  store: SandboxStore;
  context: SandboxContext;
  info(): SandboxInfo;
  /** Listens (default 127.0.0.1, port 0 = any free port) and returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops timers, writes the state file, closes the server. */
  close(): Promise<void>;
}

export async function buildSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const logger = options.logger ?? createLogger({ name: 'sandbox', level: options.logLevel ?? 'info' });
  const phoneNumbers = options.phoneNumbers ?? 10;
  const seedOptions = {
    accountSid: options.accountSid,
    authToken: options.authToken,
    apiKeySid: options.apiKeySid,
    apiKeySecret: options.apiKeySecret,
    primaryProfileSid: options.primaryCustomerProfileSid,
    phoneNumbers,
  };

  const loaded = options.stateFile ? loadStateFile(options.stateFile) : null;
  if (loaded && options.accountSid && loaded.account.sid !== options.accountSid) {
    logger.warn('the state file holds another account: keeping the state file’s account and credentials');
  }
  const store = new SandboxStore(loaded ?? seedState(seedOptions));
  const faults = new FaultInjector(options.faults);
  const callbacks = new CallbackDispatcher({
    credentials: () => ({ accountSid: store.state.account.sid, authToken: store.state.account.authToken }),
    faults,
    logger,
  });
  const vetting = new VettingScheduler({
    store,
    callbacks,
    logger,
    profileReviewMs: options.profileReviewMs ?? 5_000,
    trustProductReviewMs: options.trustProductReviewMs ?? 5_000,
    mode: options.vetting ?? 'auto',
  });
  const context: SandboxContext = { store, vetting, callbacks, faults, logger };

  const persister = options.stateFile
    ? new StatePersister(options.stateFile, () => store.state, logger)
    : null;
  if (persister) {
    store.onCommit(() => persister.schedule());
    if (!loaded) persister.flush();
  }
  if (loaded) vetting.resume();

  const metrics: RequestMetrics = { total: 0, byRoute: {}, byStatus: {}, arrivals: [] };
  const fastifyLogger: FastifyBaseLogger = logger;
  const app: FastifyInstance = Fastify({
    loggerInstance: fastifyLogger,
    // Fastify's own request lines would log URLs, whose query strings carry phone numbers and names.
    logController: new LogController({ disableRequestLogging: true }),
  });
  await app.register(formbody);

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof TwilioApiError) return sendError(reply, error);
    const status = error.statusCode;
    if (status && status >= 400 && status < 500) {
      return sendError(reply, new TwilioApiError(400, ErrorCode.invalidParameter, error.message));
    }
    logger.error({ err: error, route: request.routeOptions.url }, 'sandbox error');
    return sendError(reply, new TwilioApiError(500, ErrorCode.internal, 'Internal Server Error'));
  });

  // Everything Twilio serves, and every URL that is neither Twilio's nor the admin's: one scope, whose
  // every request goes through the pipeline (an unknown URL without credentials gets Twilio's 401).
  await app.register(async function twilioApi(scope) {
    await scope.register(twilioPipeline, { context, metrics });
    await scope.register(bundleRoutes, { context, kind: 'customer-profile' });
    await scope.register(bundleRoutes, { context, kind: 'trust-product' });
    await scope.register(itemRoutes, { context });
    await scope.register(catalogRoutes);
    await scope.register(api2010Routes, { context });
    scope.setNotFoundHandler(notFoundHandler);
  });
  // The admin routes, beside it: no auth, no faults, not counted.
  await app.register(
    async function sandboxAdmin(scope) {
      await scope.register(adminRoutes, {
        context,
        metrics,
        reset: () => {
          const { account } = store.state;
          // The seeded numbers keep their SIDs; numbers added through the admin route go.
          const seeded = new Set(store.state.seeded);
          const numberSids = byCreation(store.state.phoneNumbers)
            .filter((n) => seeded.has(n.sid))
            .map((n) => n.sid);
          vetting.close();
          store.replace(
            seedState({
              accountSid: account.sid,
              authToken: account.authToken,
              apiKeySid: account.apiKeySid,
              apiKeySecret: account.apiKeySecret,
              phoneNumbers: numberSids.length,
              primaryProfileSid: account.primaryProfileSid,
              phoneNumberSids: numberSids,
            }),
          );
          metrics.total = 0;
          metrics.byRoute = {};
          metrics.byStatus = {};
          metrics.arrivals = [];
        },
      });
      scope.setNotFoundHandler(notFoundHandler);
    },
    { prefix: '/__sandbox' },
  );

  const currentBaseUrl = (): string | null => {
    const address = app.server.address() as AddressInfo | null;
    if (!address || typeof address === 'string') return null;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  };

  return {
    app,
    store,
    context,
    info: () => sandboxInfo(store.state, currentBaseUrl()),
    listen: async (port = 0, host = '127.0.0.1') => {
      await app.listen({ port, host });
      return currentBaseUrl() ?? `http://${host}:${port}`;
    },
    close: async () => {
      vetting.close();
      callbacks.close();
      persister?.flush();
      await app.close();
    },
  };
}

function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(404)
    .send(
      errorBody(404, ErrorCode.notFound, `The requested resource ${request.url.split('?')[0]} was not found`),
    );
}
