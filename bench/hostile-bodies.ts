/**
 * `npm run bench:limits`: what hostile request bodies cost the API. Before the limits (finding 5), a
 * 390 KB POST /v1/onboardings whose business.regionsOfOperation held thousands of items blocked the
 * event loop for about 5 s (a pairwise uniqueItems check, with every error collected) and was answered
 * with a 9 MB list of errors. This starts the API as the service does (buildApp, on a real socket) and
 * prints, for each body, how long the refusal took, its status and size, and the longest the event
 * loop was blocked meanwhile — what every other request (a /healthz probe, a callback from Twilio)
 * waits. It asserts nothing; test/api/body-limits.test.ts holds the rules.
 *
 * The refused bodies never reach Temporal, so the API's client is a lazy one connected to nothing.
 */
import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../src/api/app.js';
import { loadApiConfig } from '../src/config.js';
import { freePort } from '../scripts/toolchain.js';
import { onboardingRequest } from '../test/support/customers.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from '../test/support/temporal.js';

/** An onboarding whose regionsOfOperation is padded with distinct made-up regions to about `bytes`. */
function regionsBody(bytes: number): string {
  const request = onboardingRequest('bench-hostile', ['+14155550100']);
  const base = JSON.stringify(request).length;
  const regions: string[] = [];
  for (let size = base, i = 0; size < bytes; i += 1) {
    const region = `REGION_${i}`;
    regions.push(region);
    size += region.length + 3;
  }
  return JSON.stringify({ ...request, business: { ...request.business, regionsOfOperation: regions } });
}

/** A body of `bytes` that is one long string field: size alone, nothing to validate item by item. */
function paddedBody(bytes: number): string {
  const request = onboardingRequest('bench-hostile', ['+14155550100']);
  const pad = 'x'.repeat(Math.max(0, bytes - JSON.stringify(request).length - 20));
  return JSON.stringify({ ...request, friendlyName: pad });
}

const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
const config = loadApiConfig({
  LOG_LEVEL: 'silent',
  PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
});
const app = await buildApp({ config, temporal: new Client({ connection }) });
const port = await freePort();
await app.listen({ host: '127.0.0.1', port });
const url = `http://127.0.0.1:${port}`;

interface Answer {
  ms: number;
  status: number;
  bytes: number;
}

/** One request over its own socket, as a client elsewhere would send it. */
function send(method: string, path: string, body?: string): { answer: Promise<Answer> } {
  const started = performance.now();
  const answer = new Promise<Answer>((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        agent: false,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0, bytes }));
      },
    );
    // A refused body may be answered (and the socket closed) before it is all sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    req.end(body);
  });
  return { answer };
}

/** The event loop's delays, sampled every 5 ms: its max is the longest stall. */
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

async function measure(name: string, body: string) {
  loop.reset();
  const refused = await send('POST', '/v1/onboardings', body).answer;
  return {
    body: name,
    'body size': `${(Buffer.byteLength(body) / 1024).toFixed(0)} KB`,
    status: refused.status,
    'refused in': `${refused.ms.toFixed(1)} ms`,
    'response size': `${refused.bytes} B`,
    'longest event-loop stall': `${(loop.max / 1e6).toFixed(1)} ms`,
  };
}

try {
  // Warm-up: the first request compiles the route's validator.
  await measure('warm-up', regionsBody(2_000));
  const rows = [
    await measure('400 KB regionsOfOperation (finding 5)', regionsBody(400 * 1024)),
    await measure('60 KB regionsOfOperation (under the body limit)', regionsBody(60 * 1024)),
    await measure('1 MB, one long field', paddedBody(1024 * 1024)),
  ];
  console.table(rows);
} finally {
  loop.disable();
  await app.close();
  await connection.close();
}
