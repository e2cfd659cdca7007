import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { loggerOptions } from '../src/logger.js';
import { onboardingRequest } from './support/customers.js';

test('personal data and secrets never reach the logs, however deep they sit', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino(loggerOptions({ name: 'worker', format: 'json' }), sink);
  const request = onboardingRequest('privacy', ['+14155550100']);

  logger.info({ request }, 'onboarding received');
  logger.info({ input: { business: request.business, address: request.address } }, 'activity input');
  logger.info(
    { attributes: { email: 'x@y.z' }, req: { headers: { authorization: 'Bearer secret-token' } } },
    'x',
  );

  const text = lines.join('');
  for (const secret of [
    request.email,
    request.business.registrationNumber,
    request.business.name,
    request.address.street,
    request.address.customerName,
    request.authorizedRepresentatives[0]!.firstName,
    request.authorizedRepresentatives[0]!.email,
    request.authorizedRepresentatives[0]!.phoneNumber,
    '+14155550100',
    'secret-token',
  ]) {
    assert.ok(!text.includes(secret), `"${secret}" leaked into the logs`);
  }
  // What is not personal stays readable, and the logger keeps its own name.
  assert.ok(text.includes('"customerId":"privacy"'));
  assert.ok(text.includes('"name":"worker"'));
});
