/**
 * Twilio's webhook signature (src/trusthub/signature.ts): the check holds for what Twilio signed and
 * for nothing else, and the digest that remembers a handled callback is the same for the same signed
 * content however its parameters arrive, and differs when anything signed differs. Signed here as
 * Twilio signs, with the real SDK's getExpectedTwilioSignature.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import twilio from 'twilio';
import { signedByTwilio, signedContentDigest } from '../../src/trusthub/signature.js';

const AUTH_TOKEN = 'a'.repeat(32);
const URL = 'https://isv.example/v1/webhooks/trusthub/onboarding-acme';
const PARAMS = {
  AccountSid: `AC${'0'.repeat(32)}`,
  BundleSid: `BU${'1'.repeat(32)}`,
  Status: 'twilio-approved',
};
const SIGNATURE = twilio.getExpectedTwilioSignature(AUTH_TOKEN, URL, PARAMS);

describe('signedByTwilio', () => {
  test('holds for the URL and parameters Twilio signed, under the account token', () => {
    assert.equal(signedByTwilio(AUTH_TOKEN, SIGNATURE, URL, PARAMS), true);
  });

  test('fails for another token, another URL, a changed or added parameter, or another signature', () => {
    assert.equal(signedByTwilio('b'.repeat(32), SIGNATURE, URL, PARAMS), false);
    assert.equal(signedByTwilio(AUTH_TOKEN, SIGNATURE, `${URL}-42`, PARAMS), false);
    assert.equal(signedByTwilio(AUTH_TOKEN, SIGNATURE, URL, { ...PARAMS, Status: 'twilio-rejected' }), false);
    assert.equal(signedByTwilio(AUTH_TOKEN, SIGNATURE, URL, { ...PARAMS, FailureReason: 'x' }), false);
    assert.equal(signedByTwilio(AUTH_TOKEN, `${SIGNATURE.slice(0, -2)}A=`, URL, PARAMS), false);
  });
});

describe('signedContentDigest', () => {
  test('is the same for the same signed content, whatever order the parameters came in', () => {
    const reordered = { Status: PARAMS.Status, BundleSid: PARAMS.BundleSid, AccountSid: PARAMS.AccountSid };
    assert.equal(signedContentDigest(URL, reordered, SIGNATURE), signedContentDigest(URL, PARAMS, SIGNATURE));
    assert.match(signedContentDigest(URL, PARAMS, SIGNATURE), /^[0-9a-f]{64}$/);
  });

  test('differs when the URL, a parameter or the signature differs', () => {
    const digest = signedContentDigest(URL, PARAMS, SIGNATURE);
    assert.notEqual(signedContentDigest(`${URL}-42`, PARAMS, SIGNATURE), digest);
    assert.notEqual(signedContentDigest(URL, { ...PARAMS, Status: 'in-review' }, SIGNATURE), digest);
    assert.notEqual(signedContentDigest(URL, PARAMS, `${SIGNATURE}x`), digest);
  });
});
