/**
 * GET /v1/onboardings' filters: a value that has the right shape and still means nothing — a leap
 * second, an age beyond any date, a step or status the workflow never has — is a 400 naming the field
 * and the rule, never a 500 from deep inside (finding 7). parseListQuery (src/api/list-query.ts) turns
 * the filters into visibility clauses; the route is checked over HTTP as test/api/listing.test.ts
 * does, with a client connected to nothing, since a refused query never reaches Temporal.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_WAITING_DAYS, listPageRequest, parseListQuery } from '../../src/api/list-query.js';
import { encodeCursor } from '../../src/api/cursor.js';
import { ONBOARDING_STEPS } from '../../src/contract/vocabulary.js';
import { useStack } from '../support/stack.js';

const NOW = new Date('2026-11-10T12:00:00.000Z');

describe('parseListQuery', () => {
  test('turns each filter into its clause, times re-printed in UTC', () => {
    assert.deepEqual(
      parseListQuery(
        {
          status: 'running',
          step: 'waiting-for-customer-profile-vetting',
          startedAfter: '2026-11-01T00:00:00+02:00',
          startedBefore: '2026-11-09T00:00:00.5Z',
          waitingLongerThan: '3d',
        },
        NOW,
      ),
      {
        clauses: [
          `OnboardingStatus = 'running'`,
          `OnboardingStep = 'waiting-for-customer-profile-vetting'`,
          `StartTime > '2026-10-31T22:00:00.000Z'`,
          `StartTime < '2026-11-09T00:00:00.500Z'`,
          `WaitingSince < '2026-11-07T12:00:00.000Z'`,
        ],
      },
    );
    assert.deepEqual(parseListQuery({}, NOW), { clauses: [] });
    assert.deepEqual(parseListQuery({ waitingLongerThan: `${MAX_WAITING_DAYS}d` }, NOW).errors, undefined);
  });

  test('refuses what has the shape and no meaning, every field at once, each with its rule', () => {
    const result = parseListQuery(
      {
        status: "running' OR WorkflowType != '",
        step: 'sleeping',
        startedAfter: '2026-01-01T23:59:60Z',
        startedBefore: '0000-01-01T00:00:00+01:00',
        waitingLongerThan: `${MAX_WAITING_DAYS + 1}d`,
      },
      NOW,
    );
    assert.deepEqual(
      result.errors?.map((e) => e.field),
      ['status', 'step', 'startedAfter', 'startedBefore', 'waitingLongerThan'],
    );
    const rule = (field: string) => result.errors?.find((e) => e.field === field)?.rule ?? '';
    assert.match(rule('status'), /must be one of: running, action-required/);
    assert.match(rule('step'), /waiting-for-corrections/);
    assert.match(rule('startedAfter'), /no leap second/);
    assert.match(rule('startedBefore'), /between 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z/);
    assert.match(rule('waitingLongerThan'), new RegExp(`at most ${MAX_WAITING_DAYS}d`));
    assert.equal(
      parseListQuery({ waitingLongerThan: '99999999999d' }, NOW).errors?.[0]?.field,
      'waitingLongerThan',
    );
  });
});

describe('listPageRequest', () => {
  test('the page the query asks for: its clauses, its size, and where its cursor goes on', () => {
    assert.deepEqual(listPageRequest({ limit: 50 }, NOW), {
      clauses: [],
      pageSize: 50,
      nextPageToken: new Uint8Array(0),
    });
    const token = Buffer.from('page two of visibility');
    const page = listPageRequest({ limit: 3, status: 'completed', cursor: encodeCursor(token) ?? '' }, NOW);
    assert.ok(!('refusal' in page));
    assert.deepEqual(page.clauses, [`OnboardingStatus = 'completed'`]);
    assert.equal(page.pageSize, 3);
    assert.deepEqual(Buffer.from(page.nextPageToken), token);
  });

  test("refuses the filters' errors first, then a cursor this API did not return", () => {
    const cursor = `${encodeCursor(Buffer.from('page two')) ?? ''}x`;
    assert.deepEqual(listPageRequest({ limit: 50, step: 'sleeping', cursor }, NOW), {
      refusal: {
        error: {
          code: 'invalid_request',
          message: `step must be one of: ${ONBOARDING_STEPS.join(', ')}`,
          fields: [{ field: 'step', rule: `must be one of: ${ONBOARDING_STEPS.join(', ')}` }],
        },
      },
    });
    assert.deepEqual(listPageRequest({ limit: 50, cursor }, NOW), {
      refusal: {
        error: {
          code: 'invalid_request',
          message: 'cursor is not one this API returned',
          fields: [{ field: 'cursor', rule: 'must be the nextCursor of an earlier page, unchanged' }],
        },
      },
    });
  });
});

describe('GET /v1/onboardings refuses meaningless filters with a 400', () => {
  const offline = useStack({ temporal: 'offline', sandbox: false });

  async function refused(query: string, field: string, rule: RegExp) {
    const response = await offline.api.inject({ method: 'GET', url: `/v1/onboardings?${query}` });
    assert.equal(response.statusCode, 400, `${query}: ${response.statusCode} ${response.body}`);
    const { error } = response.json<{ error: { code: string; fields: { field: string; rule: string }[] } }>();
    assert.equal(error.code, 'invalid_request');
    // The schema's rules name the field within the query string, the route's by itself.
    const named = error.fields.find((f) => f.field === field || f.field === `querystring.${field}`);
    assert.ok(named, `${query}: ${field} is named in ${JSON.stringify(error.fields)}`);
    assert.match(named.rule, rule);
  }

  test('a leap second, and an instant past year 9999 in UTC', async () => {
    await refused('startedAfter=2026-01-01T23:59:60Z', 'startedAfter', /no leap second/);
    await refused('startedBefore=9999-12-31T23:59:59-01:00', 'startedBefore', /9999-12-31T23:59:59Z/);
  });

  test('an age beyond ten years, however many digits it has', async () => {
    await refused(`waitingLongerThan=${MAX_WAITING_DAYS + 1}d`, 'waitingLongerThan', /at most/);
    await refused('waitingLongerThan=9999999999d', 'waitingLongerThan', /at most/);
    await refused('waitingLongerThan=99999999999d', 'waitingLongerThan', /must match pattern/);
  });

  test('a step or a status the workflow never has', async () => {
    await refused('step=sleeping', 'step', new RegExp(`must be one of: ${ONBOARDING_STEPS[0]}`));
    await refused(
      'status=paused',
      'status',
      /must be one of: running, action-required, completed, failed, cancelled/,
    );
  });
});
