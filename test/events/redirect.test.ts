/**
 * An event endpoint that answers with a redirect (src/activities/events.ts): the signed, personal body
 * must not be re-sent to the host the Location names, and the attempt is a failure Temporal retries,
 * not a delivery. Two real local HTTP servers: the endpoint at EVENTS_URL, and the "other host" its
 * redirect points to. The activity runs in Temporal's own activity harness, with its real logger.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { eventActivities } from '../../src/activities/events.js';
import type { OnboardingEvent } from '../../src/contract/events.js';
import { RecordingLogger } from '../activities/support.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

interface Received {
  method: string;
  body: string;
}

/** A local server that records each request and answers with `answer`. */
async function server(answer: (path: string) => [status: number, headers: Record<string, string>]) {
  const received: Received[] = [];
  const http: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ method: request.method ?? '', body: Buffer.concat(chunks).toString('utf8') });
      const [status, headers] = answer(request.url ?? '/');
      response.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((done) => http.close(() => done())),
  };
}

const event: OnboardingEvent = {
  id: 'evt_redirect_test',
  type: 'onboarding.action-required',
  timestamp: '2026-12-07T12:00:00.000Z',
  data: {
    onboardingId: 'onboarding-acme-dental',
    customerId: 'acme-dental',
    status: 'action-required',
    step: 'waiting-for-corrections',
  },
};

describe('event delivery to an endpoint that redirects', () => {
  let elsewhere: Awaited<ReturnType<typeof server>>;
  let endpoint: Awaited<ReturnType<typeof server>>;
  before(async () => {
    elsewhere = await server(() => [204, {}]);
    // The status to answer with is the path's last segment: /hooks/307 answers 307.
    endpoint = await server((path) => [
      Number(path.split('/').pop()),
      { location: `${elsewhere.url}/collect` },
    ]);
  });
  after(async () => {
    await endpoint?.close();
    await elsewhere?.close();
  });

  for (const status of [301, 302, 303, 307, 308]) {
    test(`${status}: not followed, and a failed attempt that is retried, not a delivery`, async () => {
      const logger = new RecordingLogger();
      const activities = eventActivities({ url: `${endpoint.url}/hooks/${status}`, secret: SECRET });
      const before = endpoint.received.length;

      const outcome = await new MockActivityEnvironment({ attempt: 1 }, { logger })
        .run((e: OnboardingEvent) => activities.deliverEvent(e), event)
        .then(
          (result) => result,
          (error: unknown) => error,
        );

      assert.equal(endpoint.received.length, before + 1, 'the endpoint got the attempt');
      assert.deepEqual(elsewhere.received, [], 'nothing reached the host the redirect named');
      assert.ok(outcome instanceof ApplicationFailure, `not delivered: ${JSON.stringify(outcome)}`);
      assert.equal(outcome.type, 'EventEndpointRedirected');
      assert.equal(outcome.nonRetryable, false);
      assert.match(outcome.message, new RegExp(`answered ${status}, a redirect, which is never followed`));
      const warning = logger.entries.find((e) => e.message.includes('redirect'));
      assert.equal(warning?.level, 'WARN');
      assert.equal(warning?.meta?.status, status);
      assert.equal(
        JSON.stringify(logger.entries).includes(elsewhere.url),
        false,
        'the Location is not logged',
      );
    });
  }
});
