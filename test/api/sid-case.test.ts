/**
 * SIDs are lower-case hex, as Twilio issues them. Claims are workflow IDs and visibility compares SIDs
 * as strings, so an upper-case spelling of a profile's SID was a second key for the same profile: its
 * claim missed the real one. The API refuses such a SID with the schema's 400, naming the field, and
 * the configuration refuses one in its variables.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadWorkerConfig } from '../../src/config.js';
import { TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';
import { useStack } from '../support/stack.js';
import { onboardingRequest } from '../support/customers.js';

interface ErrorAnswer {
  error: { code: string; message: string; fields?: { field: string; rule: string }[] };
}

const HEX = '0123456789abcdef0123456789abcdef';

describe('SIDs are lower-case only', () => {
  const offline = useStack({ temporal: 'offline', sandbox: false });
  const post = async (payload: object, url = '/v1/onboardings') => {
    const reply = await offline.api.inject({ method: 'POST', url, payload });
    return { status: reply.statusCode, body: reply.json<ErrorAnswer>(), text: reply.body };
  };

  test('an upper-case customerProfileSid is refused with a 400 naming the field and the rule', async () => {
    // Only the adoption route takes a customerProfileSid at all.
    const reply = await post(
      {
        ...onboardingRequest('upper-profile', ['+14155550100']),
        customerProfileSid: `BU${HEX.toUpperCase()}`,
      },
      '/v1/adoptions',
    );
    assert.equal(reply.status, 400, reply.text);
    assert.equal(reply.body.error.code, 'invalid_request');
    const fields = reply.body.error.fields ?? [];
    assert.deepEqual(
      fields.map((f) => f.field),
      ['customerProfileSid'],
    );
    assert.match(fields[0]!.rule, /\[0-9a-f\]\{32\}/, 'the rule says lower-case hex');
    assert.equal(offline.temporalCalls(), 0, 'nothing reached Temporal');
  });

  test('an upper-case phone number SID is refused with a 400 naming the field', async () => {
    const reply = await post(onboardingRequest('upper-number', [`PN${HEX.toUpperCase()}`]));
    assert.equal(reply.status, 400, reply.text);
    assert.deepEqual(
      reply.body.error.fields?.map((f) => f.field),
      ['phoneNumbers.0'],
    );
    assert.equal(offline.temporalCalls(), 0, 'nothing reached Temporal');
  });
});

test("the configuration's SIDs are lower-case only too, and the error names the variable", () => {
  const worker = {
    TWILIO_ACCOUNT_SID: `AC${HEX}`,
    TWILIO_AUTH_TOKEN: 'secret',
    TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: `BU${HEX}`,
    PUBLIC_BASE_URL: 'https://onboarding.example.com',
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS,
  };
  assert.equal(loadWorkerConfig(worker).TWILIO_ACCOUNT_SID, `AC${HEX}`);
  for (const variable of ['TWILIO_ACCOUNT_SID', 'TWILIO_PRIMARY_CUSTOMER_PROFILE_SID'] as const) {
    const upper = { ...worker, [variable]: worker[variable].slice(0, 2) + HEX.toUpperCase() };
    assert.throws(
      () => loadWorkerConfig(upper),
      (error) => error instanceof ConfigError && error.message.includes(variable),
      variable,
    );
  }
});
