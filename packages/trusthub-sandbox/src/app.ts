/**
 * The sandbox factory. `buildSandbox()` returns a Fastify app (not yet listening: tests call
 * `app.listen({ port: 0 })` or `sandbox.listen()`), its store, and `info()` — credentials, primary
 * profile, phone numbers and, once listening, the base URL.
 *
 * Request pipeline for Twilio routes (admin routes under /__sandbox/ skip all of it):
 * concurrency limit → added latency → request faults (429 / 500 / drop) → HTTP Basic auth → route →
 * lost-response fault for successful creates.
 */
import formbody from '@fastify/formbody';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';
import { createLogger } from './logger.js';
import { CallbackDispatcher } from './callbacks.js';
import type { SandboxContext } from './context.js';
import { isCreateRequest } from './context.js';
import { ErrorCode, errorBody, TwilioApiError } from './errors.js';
import type { FaultConfig } from './faults.js';
import { FaultInjector } from './faults.js';
import { loadStateFile, StatePersister } from './persistence.js';
import type { RequestMetrics } from './routes/admin.js';
import { MAX_ARRIVALS, registerAdminRoutes, sandboxInfo } from './routes/admin.js';
import { register2010Routes } from './routes/api2010.js';
import { registerBundleRoutes } from './routes/bundles.js';
import { registerCatalogRoutes } from './routes/catalog.js';
import { registerItemRoutes } from './routes/items.js';
import { seedState } from './seed.js';
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
  policies: { secondaryCustomerProfile: string; shakenStirTrustProduct: string };
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

const ADMIN_PREFIX = '/__sandbox/';

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

  installPipeline(app, context, metrics);

  registerBundleRoutes(app, context, 'customer-profile');
  registerBundleRoutes(app, context, 'trust-product');
  registerItemRoutes(app, context);
  registerCatalogRoutes(app);
  register2010Routes(app, context);
  registerAdminRoutes(app, context, {
    metrics,
    reset: () => {
      const { account } = store.state;
      vetting.close();
      store.replace(
        seedState({
          accountSid: account.sid,
          authToken: account.authToken,
          apiKeySid: account.apiKeySid,
          apiKeySecret: account.apiKeySecret,
          phoneNumbers: Object.keys(store.state.phoneNumbers).length,
          primaryProfileSid: account.primaryProfileSid,
          phoneNumberSids: Object.values(store.state.phoneNumbers)
            .sort((a, b) => a.seq - b.seq)
            .map((n) => n.sid),
        }),
      );
      metrics.total = 0;
      metrics.byRoute = {};
      metrics.byStatus = {};
      metrics.arrivals = [];
    },
  });

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

function bundleSidOf(params: unknown): string | null {
  const values = Object.values((params ?? {}) as Record<string, unknown>);
  const sid = values.find((value) => typeof value === 'string' && value.startsWith('BU'));
  return typeof sid === 'string' ? sid : null;
}

function isAdmin(request: FastifyRequest): boolean {
  return request.url.startsWith(ADMIN_PREFIX);
}

function sendError(reply: FastifyReply, error: TwilioApiError) {
  return reply.code(error.status).header('content-type', 'application/json').send(error.toBody());
}

function destroyConnection(request: FastifyRequest): void {
  request.raw.socket?.destroy();
}

/** Accepts the account SID with its auth token, or the seeded API key with its secret. */
function authenticated(context: SandboxContext, header: string | undefined): boolean {
  const match = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  const { account } = context.store.state;
  return (
    (user === account.sid && password === account.authToken) ||
    (user === account.apiKeySid && password === account.apiKeySecret)
  );
}

function installPipeline(app: FastifyInstance, context: SandboxContext, metrics: RequestMetrics): void {
  const { faults, logger } = context;
  let inFlight = 0;
  const counted = new WeakSet<FastifyRequest>();
  const release = (request: FastifyRequest) => {
    if (counted.delete(request)) inFlight -= 1;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (isAdmin(request)) return;
    const path = request.url.split('?')[0] ?? request.url;
    const info = {
      method: request.method,
      path,
      isCreate: isCreateRequest(request),
    };

    metrics.arrivals.push({
      at: Date.now(),
      route: `${request.method} ${request.routeOptions.url ?? '(unknown)'}`,
      bundleSid: bundleSidOf(request.params),
    });
    if (metrics.arrivals.length > MAX_ARRIVALS) metrics.arrivals.splice(0, MAX_ARRIVALS / 10);

    inFlight += 1;
    counted.add(request);
    request.raw.once('close', () => release(request));
    const { maxConcurrency, latencyMs } = faults.config;
    if (maxConcurrency > 0 && inFlight > maxConcurrency) {
      faults.countConcurrencyRejection();
      return sendError(
        reply,
        new TwilioApiError(429, ErrorCode.tooManyRequests, 'Too many concurrent requests'),
      );
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));

    const fault = faults.beforeHandling(info);
    if (fault === '429') {
      return sendError(reply, new TwilioApiError(429, ErrorCode.tooManyRequests, 'Too Many Requests'));
    }
    if (fault === '500') {
      return sendError(reply, new TwilioApiError(500, ErrorCode.internal, 'Internal Server Error'));
    }
    if (fault === 'drop') {
      logger.info({ method: info.method, path }, 'fault: connection dropped before handling');
      reply.hijack();
      destroyConnection(request);
      return reply;
    }

    if (!authenticated(context, request.headers.authorization)) {
      reply.header('www-authenticate', 'Basic realm="Twilio API"');
      return sendError(reply, new TwilioApiError(401, ErrorCode.authenticate, 'Authenticate'));
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (isAdmin(request) || !['POST', 'DELETE'].includes(request.method)) return payload;
    if (reply.statusCode < 200 || reply.statusCode >= 300) return payload;
    const info = {
      method: request.method,
      path: request.url.split('?')[0] ?? request.url,
      isCreate: isCreateRequest(request),
    };
    if (faults.afterWrite(info)) {
      // The change is committed; the client never hears about it.
      logger.info({ method: info.method, path: info.path }, 'fault: response lost after the write');
      destroyConnection(request);
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    release(request);
    if (isAdmin(request)) return;
    const route = `${request.method} ${request.routeOptions.url ?? '(unknown)'}`;
    metrics.total += 1;
    metrics.byRoute[route] = (metrics.byRoute[route] ?? 0) + 1;
    metrics.byStatus[reply.statusCode] = (metrics.byStatus[reply.statusCode] ?? 0) + 1;
    // The route pattern, never the URL: query strings carry phone numbers and names.
    logger.debug({ route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof TwilioApiError) return sendError(reply, error);
    const status = error.statusCode;
    if (status && status >= 400 && status < 500) {
      return sendError(reply, new TwilioApiError(400, ErrorCode.invalidParameter, error.message));
    }
    logger.error({ err: error, route: request.routeOptions.url }, 'sandbox error');
    return sendError(reply, new TwilioApiError(500, ErrorCode.internal, 'Internal Server Error'));
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(
        errorBody(
          404,
          ErrorCode.notFound,
          `The requested resource ${request.url.split('?')[0]} was not found`,
        ),
      ),
  );
}
