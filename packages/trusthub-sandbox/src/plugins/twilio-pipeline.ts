/**
 * What stands between a client and every Twilio route, in order: concurrency limit → added latency →
 * request faults (429 / 500 / drop) → HTTP Basic auth → route → lost-response fault for successful
 * writes; and the request metrics the admin routes report.
 *
 * Enforced by route scope, as the service's API does (src/api/plugins/auth.ts in trusthub-onboarding):
 * app.ts registers this plugin inside the encapsulated plugin that owns the Twilio routes and their
 * not-found handler, so its hooks run for every request that reaches that scope, however a client
 * spells the path, and never for the admin routes, which sit in a scope beside it. (The hooks used to
 * be global and skip URLs that began with /__sandbox/.)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { SandboxContext } from '../context.js';
import { isCreateRequest } from '../context.js';
import { ErrorCode, TwilioApiError } from '../errors.js';
import type { RequestMetrics } from '../routes/admin.js';
import { MAX_ARRIVALS } from '../routes/admin.js';

export interface TwilioPipelineOptions {
  context: SandboxContext;
  metrics: RequestMetrics;
}

function bundleSidOf(params: unknown): string | null {
  const values = Object.values((params ?? {}) as Record<string, unknown>);
  const sid = values.find((value) => typeof value === 'string' && value.startsWith('BU'));
  return typeof sid === 'string' ? sid : null;
}

export function sendError(reply: FastifyReply, error: TwilioApiError) {
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

async function twilioPipeline(
  scope: FastifyInstance,
  { context, metrics }: TwilioPipelineOptions,
): Promise<void> {
  const { faults, logger } = context;
  let inFlight = 0;
  const counted = new WeakSet<FastifyRequest>();
  const release = (request: FastifyRequest) => {
    if (counted.delete(request)) inFlight -= 1;
  };

  scope.addHook('onRequest', async (request, reply) => {
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

  scope.addHook('onSend', async (request, reply, payload) => {
    if (!['POST', 'DELETE'].includes(request.method)) return payload;
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

  scope.addHook('onResponse', async (request, reply) => {
    release(request);
    const route = `${request.method} ${request.routeOptions.url ?? '(unknown)'}`;
    metrics.total += 1;
    metrics.byRoute[route] = (metrics.byRoute[route] ?? 0) + 1;
    metrics.byStatus[reply.statusCode] = (metrics.byStatus[reply.statusCode] ?? 0) + 1;
    // The route pattern, never the URL: query strings carry phone numbers and names.
    logger.debug({ route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
}

// fastify-plugin lends the hooks to the scope that registers this plugin (and only to it).
export default fp(twilioPipeline, { name: 'twilio-pipeline' });
