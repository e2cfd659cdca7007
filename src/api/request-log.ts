/**
 * The API's request log lines: method, route template (`/v1/onboardings/:id/phone-numbers/:number`),
 * status and time — never the URL as sent. Paths and query strings carry what a client put there: a
 * phone number to remove, a customer ID, whatever a scanner tries; redaction (src/logger.ts) works on
 * field names and cannot find a number inside a URL. The template says which route ran, which is what
 * an operator needs, and the metrics label requests the same way (plugins/metrics.ts).
 *
 * Fastify writes these lines through its LogController; this one keeps its lines and levels and only
 * changes what they hold.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** The route that answered, as registered; null when none matched (a 404 from the router). */
const routeOf = (request: FastifyRequest): string | null => request.routeOptions?.url ?? null;

/**
 * What a log line shows of a request, wherever Fastify or our code logs one as `req` (Fastify's own
 * serializer adds the URL, host and client address). `res` keeps Fastify's: the status code only.
 */
export const requestLogSerializers = {
  req: (request: FastifyRequest) => ({ method: request.method, route: routeOf(request) }),
};

export class RequestLog extends LogController {
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    // The request goes on the completion line too, so each line stands alone: one per request.
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.info({ req: request }, 'route not found');
  }
}
