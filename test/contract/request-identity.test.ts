/**
 * A request's identity (src/contract/request-identity.ts): two bodies with the same content are one
 * request whatever order their keys were written in, and a second start that differs is told where,
 * by field path, never by value (the values are the customer's personal data).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { canonicalJson, differingFields, requestDigest } from '../../src/contract/request-identity.js';
import { onboardingRequest } from '../support/customers.js';

test('canonical JSON ignores key order and absent fields, but not array order', () => {
  const a = { customerId: 'acme', business: { name: 'Acme', website: 'https://acme.example' } };
  const b = {
    business: { website: 'https://acme.example', name: 'Acme' },
    customerId: 'acme',
    cnam: undefined,
  };
  assert.equal(canonicalJson(a), canonicalJson(b));
  assert.equal(
    canonicalJson(a),
    '{"business":{"name":"Acme","website":"https://acme.example"},"customerId":"acme"}',
  );
  assert.notEqual(
    canonicalJson({ phoneNumbers: ['+1', '+2'] }),
    canonicalJson({ phoneNumbers: ['+2', '+1'] }),
  );
});

test('differing fields are named by path, never by value', () => {
  const first = { customerId: 'acme', business: { name: 'Acme Dental' }, phoneNumbers: ['+14155550100'] };
  const second = {
    customerId: 'acme',
    business: { name: 'Acme Plumbing' },
    phoneNumbers: ['+14155550100', '+14155550101'],
    cnam: { displayName: 'ACME' },
  };
  const fields = differingFields(first, second);
  assert.deepEqual(fields, ['business.name', 'cnam', 'phoneNumbers[1]']);
  for (const value of ['Acme Plumbing', '+14155550101', 'ACME']) {
    assert.ok(!fields.some((field) => field.includes(value)), value);
  }
  assert.deepEqual(differingFields(first, structuredClone(first)), []);
  assert.deepEqual(differingFields('a', 'b'), ['body']);
});

test('a dropped field, a shorter list and a value that became an object are each named by path', () => {
  const first = {
    customerId: 'acme',
    email: 'it@acme.example',
    phoneNumbers: ['+14155550100', '+14155550101'],
    business: { name: 'Acme', socialMediaProfileUrls: 'https://x.example' },
  };
  const second = {
    customerId: 'acme',
    phoneNumbers: ['+14155550100'],
    business: { socialMediaProfileUrls: ['https://x.example'], name: 'Acme' },
  };
  assert.deepEqual(differingFields(first, second), [
    'business.socialMediaProfileUrls',
    'email',
    'phoneNumbers[1]',
  ]);
  // Key order and absent fields are not differences (canonical JSON): the same request.
  assert.deepEqual(differingFields({ a: 1, b: undefined }, { a: 1 }), []);
});

test("a request's digest is node:crypto's SHA-256 of its canonical JSON, for any character", () => {
  // The API and the workflow both digest with the contract's code, and runs in flight hold digests made
  // before: the output is fixed. node:crypto is the reference.
  const node = (text: string) => createHash('sha256').update(text).digest('hex');
  const requests: unknown[] = [
    {},
    'abc',
    ...Array.from({ length: 70 }, (_, n) => ({ padding: 'x'.repeat(n) })),
    { name: 'Zoë Müller, 東京, 🦷 dental' },
    { name: 'lone \ud800 surrogate' },
    onboardingRequest('sha-check', ['+14155550196']),
  ];
  for (const request of requests) {
    assert.equal(requestDigest(request), node(canonicalJson(request)), JSON.stringify(request).slice(0, 40));
  }
});
