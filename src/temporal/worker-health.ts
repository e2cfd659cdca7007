/**
 * The worker's health endpoint: GET /healthz answers 200 with the worker's state while it is RUNNING,
 * 503 otherwise (starting, draining, stopped, failed). docker-compose's healthcheck and an
 * orchestrator's probe wait on it, so nothing counts the worker as up before it polls its task queue.
 *
 * `details` adds the worker process's own checks to the body (the primary profile's, while it runs:
 * src/worker.ts) without changing the status: a restarted worker is healthy as soon as it polls, so
 * its runs in flight go on, while `npm start` waits for the checks too before it says "is up".
 */
import { createServer, type Server } from 'node:http';
import type { Worker } from '@temporalio/worker';
import type { Logger } from '../logger.js';

export async function serveWorkerHealth(
  worker: Pick<Worker, 'getState'>,
  {
    host,
    port,
    logger,
    details = () => ({}),
  }: { host: string; port: number; logger?: Logger; details?: () => Record<string, string> },
): Promise<Server | undefined> {
  if (port === 0) return undefined;
  const server = createServer((request, response) => {
    const state = worker.getState();
    const status = request.url !== '/healthz' ? 404 : state === 'RUNNING' ? 200 : 503;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ state, ...details() }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  logger?.info({ host, port }, 'worker health endpoint listening');
  return server;
}
