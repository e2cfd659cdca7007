/**
 * POST /v1/onboardings?priority=: a caller picks `normal` or `bulk` for its start, never the
 * `interactive` key that decisions, corrections and number changes run at (src/contract/vocabulary.ts,
 * PRIORITIES), so no integrator can put its starts ahead of customers already being served. Anything
 * else is a 400 naming the field and the rule, before Temporal is asked.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useStack } from '../support/stack.js';
import { onboardingRequest } from '../support/customers.js';

describe('POST /v1/onboardings?priority=', () => {
  const offline = useStack({ temporal: 'offline', sandbox: false });

  for (const priority of ['interactive', '1', 'BULK', 'x'.repeat(10_000), '']) {
    test(`refuses priority=${priority.slice(0, 20) || '(empty)'}`, async () => {
      const response = await offline.api.inject({
        method: 'POST',
        url: `/v1/onboardings?priority=${encodeURIComponent(priority)}`,
        payload: onboardingRequest('acme-dental', ['+14155550100']),
      });
      assert.equal(response.statusCode, 400, response.body);
      const { error } = response.json<{
        error: { code: string; fields: { field: string; rule: string }[] };
      }>();
      assert.equal(error.code, 'invalid_request');
      const named = error.fields.find((f) => f.field === 'querystring.priority' || f.field === 'priority');
      assert.ok(named, JSON.stringify(error.fields));
      assert.match(named.rule, /normal, bulk/);
      assert.equal(offline.temporalCalls(), 0, 'nothing reached Temporal');
    });
  }
});
