import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import twilio from 'twilio';
import { createRequire } from 'node:module';
import type TwilioServiceExceptionModule from 'twilio/lib/base/TwilioServiceException.js';
import {
  AUTH_RETRY_DELAY,
  classifyTwilioError,
  isNotFound,
  phoneNumberNotOwned,
  twilioOutageError,
} from '../../src/trusthub/errors.js';
import { TrustHubFailureType, twilioErrorDetails } from '../../src/contract/failures.js';
import { twilioCall } from '../../src/activities/context.js';

// The SDK does not re-export its RFC 9457 exception; load the class the SDK itself throws.
const { default: TwilioServiceException } = createRequire(import.meta.url)(
  'twilio/lib/base/TwilioServiceException.js',
) as typeof TwilioServiceExceptionModule;

function restException(statusCode: number, body: unknown) {
  return new twilio.RestException({
    statusCode,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function networkError(message: string, code?: string) {
  // The shape axios gives the twilio SDK's RequestClient when the connection fails.
  return Object.assign(new Error(message), {
    isAxiosError: true,
    name: 'AxiosError',
    ...(code ? { code } : {}),
  });
}

function classify(error: unknown): ApplicationFailure {
  const failure = classifyTwilioError(error);
  assert.ok(failure instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(failure)}`);
  return failure;
}

describe('classifyTwilioError', () => {
  it('makes 429 (20429) a retryable TwilioUnavailable', () => {
    const failure = classify(restException(429, { code: 20429, message: 'Too Many Requests', status: 429 }));
    assert.equal(failure.type, TrustHubFailureType.Unavailable);
    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.nextRetryDelay, undefined);
    assert.deepEqual(failure.details, [
      { status: 429, code: 20429, message: 'Too Many Requests', moreInfo: null },
    ]);
  });

  for (const status of [500, 502, 503, 504]) {
    it(`makes ${status} a retryable TwilioUnavailable, also with a non-JSON body`, () => {
      const failure = classify(restException(status, '<html>Bad gateway</html>'));
      assert.equal(failure.type, TrustHubFailureType.Unavailable);
      assert.equal(failure.nonRetryable, false);
      assert.equal(twilioErrorDetails(failure)?.status, status);
    });
  }

  for (const status of [401, 403]) {
    it(`makes ${status} a retryable TwilioAuth with a slow nextRetryDelay`, () => {
      const failure = classify(restException(status, { code: 20003, message: 'Authenticate', status }));
      assert.equal(failure.type, TrustHubFailureType.Auth);
      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.nextRetryDelay, AUTH_RETRY_DELAY);
      assert.equal(twilioErrorDetails(failure)?.code, 20003);
    });
  }

  it("makes a 4xx validation error a non-retryable TwilioRejected carrying Twilio's code and message", () => {
    const failure = classify(
      restException(400, {
        code: 60711,
        message: 'Bundle is not in an editable state',
        more_info: 'https://www.twilio.com/docs/errors/60711',
        status: 400,
      }),
    );
    assert.equal(failure.type, TrustHubFailureType.Rejected);
    assert.equal(failure.nonRetryable, true);
    assert.deepEqual(failure.details, [
      {
        status: 400,
        code: 60711,
        message: 'Bundle is not in an editable state',
        moreInfo: 'https://www.twilio.com/docs/errors/60711',
      },
    ]);
    assert.match(failure.message, /60711/);
  });

  it('makes 404 a non-retryable TwilioRejected that isNotFound recognises before and after classifying', () => {
    const raw = restException(404, {
      code: 20404,
      message: 'The requested resource was not found',
      status: 404,
    });
    assert.equal(isNotFound(raw), true);
    const failure = classify(raw);
    assert.equal(failure.type, TrustHubFailureType.Rejected);
    assert.equal(failure.nonRetryable, true);
    assert.equal(isNotFound(failure), true);
    assert.equal(isNotFound(classify(restException(400, { code: 21201, message: 'x' }))), false);
  });

  it('reads RFC 9457 TwilioServiceExceptions too', () => {
    const error = new TwilioServiceException({
      statusCode: 422,
      body: {
        type: 'https://www.twilio.com/docs/errors/21201',
        title: 'Invalid',
        status: 422,
        code: 21201,
        detail: 'Bad field',
      },
    });
    const failure = classify(error);
    assert.equal(failure.type, TrustHubFailureType.Rejected);
    assert.deepEqual(failure.details, [
      {
        status: 422,
        code: 21201,
        message: 'Bad field',
        moreInfo: 'https://www.twilio.com/docs/errors/21201',
      },
    ]);
  });

  for (const [message, code] of [
    ['read ECONNRESET', 'ECONNRESET'],
    ['connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'],
    ['timeout of 15000ms exceeded', 'ECONNABORTED'],
    ['connect ETIMEDOUT', 'ETIMEDOUT'],
    ['socket hang up', undefined],
  ] as const) {
    it(`makes the network error "${message}" a retryable TwilioUnavailable`, () => {
      const failure = classify(networkError(message, code));
      assert.equal(failure.type, TrustHubFailureType.Unavailable);
      assert.equal(failure.nonRetryable, false);
      assert.deepEqual(failure.details, [{ status: null, code: null, message, moreInfo: null }]);
    });
  }

  it('finds a network error in the cause chain', () => {
    const error = new Error('request failed', {
      cause: Object.assign(new Error('boom'), { code: 'ECONNRESET' }),
    });
    assert.equal(classify(error).type, TrustHubFailureType.Unavailable);
  });

  it('passes ApplicationFailures and programming errors through unchanged', () => {
    const failure = ApplicationFailure.nonRetryable('already classified', 'Other');
    assert.equal(classifyTwilioError(failure), failure);
    const bug = new TypeError('x is undefined');
    assert.equal(classifyTwilioError(bug), bug);
  });

  it('twilioCall throws the classified failure and returns results unchanged', async () => {
    assert.equal(await twilioCall(() => Promise.resolve(42)), 42);
    await assert.rejects(
      twilioCall(() => Promise.reject(restException(400, { code: 60711, message: 'no' }))),
      (error: unknown) => error instanceof ApplicationFailure && error.type === TrustHubFailureType.Rejected,
    );
  });
});

describe('phoneNumberNotOwned', () => {
  it('is non-retryable and names each position, not the numbers', () => {
    const failure = phoneNumberNotOwned([
      { position: 1, reason: 'not-owned' },
      { position: 3, reason: 'invalid' },
    ]);
    assert.equal(failure.type, TrustHubFailureType.PhoneNumberNotOwned);
    assert.equal(failure.nonRetryable, true);
    assert.equal(
      failure.message,
      'Phone number #2 is not an incoming number of this Twilio account; #4 is neither an E.164 number nor a PN… SID',
    );
    assert.deepEqual(failure.details, [
      { position: 1, reason: 'not-owned' },
      { position: 3, reason: 'invalid' },
    ]);
  });
});

describe('twilioOutageError: what a view and an event say of a retryable Twilio failure', () => {
  it("gives the status and code in words, never Twilio's own text", () => {
    const failure = classify(
      restException(503, { code: 20503, message: 'Service unavailable for jane@example.com', status: 503 }),
    );
    assert.deepEqual(twilioOutageError(failure), {
      type: TrustHubFailureType.Unavailable,
      status: 503,
      code: 20503,
      message: 'Twilio answered HTTP 503, code 20503',
    });
  });

  it('says when no answer came at all', () => {
    const outage = twilioOutageError(
      classify(networkError('connect ECONNREFUSED 10.0.0.1:443', 'ECONNREFUSED')),
    );
    assert.equal(outage?.status, null);
    assert.match(outage?.message ?? '', /No answer from Twilio/);
  });

  it('names refused credentials as the operators’ to fix', () => {
    const outage = twilioOutageError(classify(restException(401, { code: 20003, message: 'Authenticate' })));
    assert.equal(outage?.type, TrustHubFailureType.Auth);
    assert.match(outage?.message ?? '', /HTTP 401, code 20003.*operators/);
  });

  it('is nothing for a refusal, or for anything that is not a Twilio failure', () => {
    assert.equal(
      twilioOutageError(classify(restException(400, { code: 21211, message: 'Invalid' }))),
      undefined,
    );
    assert.equal(twilioOutageError(new Error('a bug')), undefined);
    assert.equal(twilioOutageError(undefined), undefined);
  });
});
