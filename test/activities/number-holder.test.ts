/**
 * A 20409 on a number's assignment gets whose kind of bundle holds the number
 * (src/activities/number-holder.ts); anything else passes unchanged. Which of this service's customers
 * holds it is read from Temporal (test/e2e/why.test.ts); here, what needs no server.
 */
import { DEFAULT_CLAIMS_NAMESPACE } from '../../src/contract/ids.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { withNumberHolder } from '../../src/activities/number-holder.js';
import { TrustHubFailureType, type TwilioErrorDetails } from '../../src/contract/failures.js';

const PN = `PN${'a'.repeat(32)}`;
const BU = `BU${'b'.repeat(32)}`;
const rejected = (code: number, message: string) =>
  ApplicationFailure.create({
    type: TrustHubFailureType.Rejected,
    message: `Twilio rejected the request (HTTP 409, code ${code}: ${message})`,
    details: [{ status: 409, code, message, moreInfo: null } satisfies TwilioErrorDetails],
    nonRetryable: true,
  });

test('a 20409 naming no bundle says the holder is unknown, and stays a non-retryable rejection', async () => {
  const failure = (await withNumberHolder(
    rejected(20409, `${PN} is taken`),
    BU,
    PN,
    DEFAULT_CLAIMS_NAMESPACE,
  )) as ApplicationFailure;
  assert.equal(failure.type, TrustHubFailureType.Rejected);
  assert.equal(failure.nonRetryable, true);
  assert.deepEqual((failure.details?.[0] as TwilioErrorDetails).numberTaken, {
    phoneNumberSid: PN,
    heldBy: 'unknown',
  });
});

test('the bundle being assigned to is not the holder; other codes and errors pass unchanged', async () => {
  const own = (await withNumberHolder(
    rejected(20409, `${PN} is already assigned to ${BU}`),
    BU,
    PN,
    DEFAULT_CLAIMS_NAMESPACE,
  )) as ApplicationFailure;
  assert.equal((own.details?.[0] as TwilioErrorDetails).numberTaken?.heldBy, 'unknown');
  const other = rejected(21649, 'something else');
  assert.equal(await withNumberHolder(other, BU, PN, DEFAULT_CLAIMS_NAMESPACE), other);
  const plain = new Error('not a failure');
  assert.equal(await withNumberHolder(plain, BU, PN, DEFAULT_CLAIMS_NAMESPACE), plain);
});
