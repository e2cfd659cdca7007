/**
 * POSTs one onboarding event to the ISV's endpoint (EVENTS_URL), signed per the Standard Webhooks
 * specification with the `standardwebhooks` library: `webhook-id` (the event's stable ID, for the
 * receiver to de-duplicate on), `webhook-timestamp` (this attempt's time, so a replayed old request is
 * refused) and `webhook-signature` (HMAC-SHA256 of `id.timestamp.body` with EVENTS_SECRET).
 *
 * Any answer but 2xx, a timeout or a refused connection fails the attempt and Temporal retries it with
 * backoff (src/workflows/event-delivery.ts); the onboarding itself never waits for this. Logs carry the
 * event's ID, type and the endpoint's status, never the payload (it names the customer's numbers).
 *
 * A redirect is never followed. fetch would otherwise re-send a 307's signed, personal body to whatever
 * host the Location names, and count that host's 2xx as delivered. A 3xx is a failed attempt, retried
 * like a 5xx rather than given up at once: redirects are mostly a moved or mistyped EVENTS_URL (http→
 * https, a trailing slash), which the ISV fixes within the retry window, and the events queued
 * meanwhile then arrive instead of being lost.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import type { OnboardingEvent } from '../contract/events.js';
import { activityLog } from './context.js';

export interface EventDestination {
  url: string;
  /** `whsec_…`: base64 after the prefix, as the specification writes it. */
  secret: string;
}

/** Each attempt gets this long; an endpoint should answer at once and do its work afterwards. */
const ATTEMPT_TIMEOUT_MS = 15_000;

export function eventActivities(destination: EventDestination | undefined) {
  const webhook = destination ? new Webhook(destination.secret) : undefined;
  return {
    async deliverEvent(event: OnboardingEvent): Promise<{ delivered: boolean; status?: number }> {
      if (!destination || !webhook) {
        // EVENTS_URL was unset after the event was queued: the ISV turned events off.
        activityLog.warn('event not delivered: EVENTS_URL is not set', {
          eventId: event.id,
          type: event.type,
        });
        return { delivered: false };
      }
      const body = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
      const attemptedAt = new Date();
      let response: Response;
      try {
        response = await fetch(destination.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': event.id,
            'webhook-timestamp': String(Math.floor(attemptedAt.getTime() / 1000)),
            'webhook-signature': webhook.sign(event.id, attemptedAt, body),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
        throw ApplicationFailure.retryable(
          `The event endpoint could not be reached (${cause}).`,
          'EventEndpointUnreachable',
        );
      }
      // The body is not ours to keep; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 300 && response.status < 400) {
        // Where it points is not logged: the Location is the endpoint's text, not ours to repeat.
        activityLog.warn('event endpoint answered a redirect; not followed', {
          eventId: event.id,
          type: event.type,
          status: response.status,
        });
        throw ApplicationFailure.retryable(
          `The event endpoint answered ${response.status}, a redirect, which is never followed: set EVENTS_URL to the endpoint itself.`,
          'EventEndpointRedirected',
        );
      }
      if (!response.ok) {
        activityLog.warn('event endpoint refused a delivery', {
          eventId: event.id,
          type: event.type,
          status: response.status,
        });
        throw ApplicationFailure.retryable(
          `The event endpoint answered ${response.status}.`,
          'EventEndpointRefused',
        );
      }
      activityLog.info('event delivered', { eventId: event.id, type: event.type, status: response.status });
      return { delivered: true, status: response.status };
    },
  };
}

export type EventActivities = ReturnType<typeof eventActivities>;
