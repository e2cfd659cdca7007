/**
 * The service's own checks on a customer file's row (src/cli/row-checks.ts): each failure at the
 * request path the ISV changes, and a check that cannot read its fields (the schema refuses them)
 * says nothing rather than throwing. Pure logic: no API.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { requestFromRecord } from '../../src/cli/customers-csv.js';
import { serviceCheckFailures, sharedNumberFailures } from '../../src/cli/row-checks.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/customers.csv', import.meta.url));
const [ACME] = parse<Record<string, string>>(readFileSync(EXAMPLE, 'utf8'), { columns: true });

/** The example's first customer, which onboards as it is, as its row reads. */
const valid = (): Record<string, unknown> => requestFromRecord(ACME!);
const representatives = (request: Record<string, unknown>) =>
  request.authorizedRepresentatives as { email?: string }[];

test("each email off the website's domain at its own path: the customer's, the second representative's", () => {
  const request = valid();
  request.email = 'owner@gmail.com';
  representatives(request).push({ ...representatives(request)[0], email: 'sam@yahoo.com' });
  assert.deepEqual(
    serviceCheckFailures(request).map((f) => [f.path.join('.'), /18606/.test(f.rule)]),
    [
      ['email', true],
      ['authorizedRepresentatives.1.email', true],
    ],
  );
  assert.deepEqual(serviceCheckFailures(valid()), []);
});

test('a row without what a check reads gets no verdict from it, and no crash', () => {
  const request = valid();
  request.email = 'owner@gmail.com';
  delete representatives(request)[0]!.email;
  request.cnam = { displayName: 'FBI' };
  // The product rules still read what they need; the pre-submit check cannot, and is left out.
  assert.deepEqual(
    serviceCheckFailures(request).map((f) => f.path.join('.')),
    ['cnam.displayName'],
  );
  assert.deepEqual(serviceCheckFailures({ customerId: 'bare' }), []);
});

test('an adopted profile is not pre-checked: Twilio holds its emails', () => {
  const request = valid();
  request.email = 'owner@gmail.com';
  request.customerProfileSid = `BU${'0'.repeat(32)}`;
  assert.deepEqual(serviceCheckFailures(request), []);
});

test('a number is shared when an earlier line has it, not when its own line lists it again', () => {
  const seen = new Map<string, number>();
  assert.deepEqual(sharedNumberFailures({ phoneNumbers: ['+14155550100', '+14155550100'] }, 2, seen), []);
  const [failure, ...rest] = sharedNumberFailures(
    { phoneNumbers: ['+14155550101', '+14155550100'] },
    3,
    seen,
  );
  assert.deepEqual(rest, []);
  assert.deepEqual(failure!.path, ['phoneNumbers']);
  assert.match(failure!.rule, /^item 2: \+14155550100 is on line 2 too .*20409/);
});
