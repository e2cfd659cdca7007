/**
 * SIDs are lower-case hex, as Twilio issues them. Claims are workflow IDs and visibility compares SIDs
 * as strings, so an upper-case spelling of a profile's SID was a second key for the same profile: its
 * claim missed the real one. The API refuses such a SID with the schema's 400, naming the field.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useOfflineApi } from '../support/api.js';
import { onboardingRequest } from '../support/stack.js';

interface ErrorAnswer {
  error: { code: string; message: string; fields?: { field: string; rule: string }[] };
}

const HEX = '0123456789abcdef0123456789abcdef';

describe('SIDs are lower-case only', () => {
  const api = useOfflineApi();
  const post = async (payload: object) => {
    const reply = await api.app.inject({ method: 'POST', url: '/v1/onboardings', payload });
    return { status: reply.statusCode, body: reply.json<ErrorAnswer>(), text: reply.body };
  };

  test('an upper-case customerProfileSid is refused with a 400 naming the field and the rule', async () => {
    const reply = await post({
      ...onboardingRequest('upper-profile', ['+14155550100']),
      customerProfileSid: `BU${HEX.toUpperCase()}`,
    });
    assert.equal(reply.status, 400, reply.text);
    assert.equal(reply.body.error.code, 'invalid_request');
    const fields = reply.body.error.fields ?? [];
    assert.deepEqual(
      fields.map((f) => f.field),
      ['customerProfileSid'],
    );
    assert.match(fields[0]!.rule, /\[0-9a-f\]\{32\}/, 'the rule says lower-case hex');
    assert.equal(api.temporalCalls(), 0, 'nothing reached Temporal');
  });

  test('an upper-case phone number SID is refused with a 400 naming the field', async () => {
    const reply = await post(onboardingRequest('upper-number', [`PN${HEX.toUpperCase()}`]));
    assert.equal(reply.status, 400, reply.text);
    assert.deepEqual(
      reply.body.error.fields?.map((f) => f.field),
      ['phoneNumbers.0'],
    );
    assert.equal(api.temporalCalls(), 0, 'nothing reached Temporal');
  });
});
