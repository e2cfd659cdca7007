/**
 * The ISV's event endpoint in tests: a real local HTTP server at EVENTS_URL that checks every delivery
 * with the `standardwebhooks` library, as the README tells ISVs to, and can be turned "down" (503).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { OnboardingEvent } from '../../src/contract/events.js';

/** The worker's EVENTS_SECRET in tests. */
export const EVENTS_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

export interface Delivery {
  id: string;
  verified: boolean;
  event: Omit<OnboardingEvent, 'id'>;
}

/** The ISV's endpoint: verifies each delivery; answers `status()` (503 while "down"). */
export async function startReceiver(): Promise<{
  url: string;
  deliveries: Delivery[];
  attempts: string[];
  down: boolean;
  close(): Promise<void>;
}> {
  const webhook = new Webhook(EVENTS_SECRET);
  const receiver = {
    url: '',
    deliveries: [] as Delivery[],
    /** Every attempt's webhook-id, accepted or not. */
    attempts: [] as string[],
    down: false,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      receiver.attempts.push(headers['webhook-id'] ?? '');
      if (receiver.down) {
        response.writeHead(503).end();
        return;
      }
      let verified = true;
      try {
        webhook.verify(body, headers);
      } catch {
        verified = false;
      }
      receiver.deliveries.push({
        id: headers['webhook-id'] ?? '',
        verified,
        event: JSON.parse(body) as Delivery['event'],
      });
      response.writeHead(verified ? 204 : 400).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/trusthub`;
  return receiver;
}
