/**
 * The contract check itself must be able to fail: a response with a missing property, an extra one,
 * a wrong date format or an error body without Twilio's fields is reported.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { recordAndValidate } from '../../../test/support/contract.js';

const sid = (prefix: string) => prefix + 'a'.repeat(32);

function goodAddress() {
  return {
    account_sid: sid('AC'),
    city: 'Austin',
    customer_name: 'Acme',
    date_created: 'Tue, 18 Aug 2015 17:07:30 +0000',
    date_updated: 'Tue, 18 Aug 2015 17:07:30 +0000',
    friendly_name: null,
    iso_country: 'US',
    postal_code: '78701',
    region: 'TX',
    sid: sid('AD'),
    street: '500 Congress Ave',
    uri: `/2010-04-01/Accounts/${sid('AC')}/Addresses/${sid('AD')}.json`,
    emergency_enabled: false,
    validated: false,
    verified: false,
    street_secondary: null,
  };
}

describe('contract recorder', () => {
  test('reports malformed responses and accepts a correct one', async () => {
    const app = Fastify();
    const contract = await recordAndValidate(app);
    let body: unknown = goodAddress();
    let status = 200;
    app.get('/2010-04-01/Accounts/:AccountSid/Addresses/:Sid.json', async (_request, reply) =>
      reply.code(status).send(body),
    );
    const url = `/2010-04-01/Accounts/${sid('AC')}/Addresses/${sid('AD')}.json`;

    await app.inject(url);
    assert.deepEqual(contract.takeViolations(), []);

    const { street_secondary: _dropped, ...missing } = goodAddress();
    for (const bad of [
      missing,
      { ...goodAddress(), extra: 1 },
      { ...goodAddress(), date_created: '2015-08-18T17:07:30Z' },
      { ...goodAddress(), sid: 'AD123' },
    ]) {
      body = bad;
      await app.inject(url);
      assert.equal(contract.takeViolations().length, 1, JSON.stringify(bad).slice(0, 80));
    }

    status = 404;
    body = { message: 'nope' };
    await app.inject(url);
    assert.equal(contract.takeViolations().length, 1, 'an error body needs code, message, more_info, status');
    body = {
      code: 20404,
      message: 'not found',
      more_info: 'https://www.twilio.com/docs/errors/20404',
      status: 404,
    };
    await app.inject(url);
    assert.deepEqual(contract.takeViolations(), []);

    await app.inject('/v1/NotATrustHubResource');
    assert.equal(contract.takeViolations()[0]?.part, 'request', 'unknown operations are reported');
    await app.close();
  });
});
