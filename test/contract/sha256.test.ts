/**
 * The contract's SHA-256 (src/contract/sha256.ts), which the workflow digests a corrected request
 * with, against node:crypto's, which the API digests a start's body with: they must never differ, or a
 * corrected body would no longer be answered by the server alone.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { sha256Hex } from '../../src/contract/sha256.js';
import { canonicalJson } from '../../src/contract/request-identity.js';
import { onboardingRequest } from '../support/customers.js';

const node = (text: string) => createHash('sha256').update(text).digest('hex');

test("the same digest as node:crypto's, at every length around a block and for any character", () => {
  const texts = [
    '',
    'abc',
    ...Array.from({ length: 200 }, (_, n) => 'x'.repeat(n)),
    'Zoë Müller, 東京, 🦷 dental',
    'lone \ud800 surrogate',
    canonicalJson(onboardingRequest('sha-check', ['+14155550196'])),
  ];
  for (const text of texts) assert.equal(sha256Hex(text), node(text), JSON.stringify(text.slice(0, 40)));
});
