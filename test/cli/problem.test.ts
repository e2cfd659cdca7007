/**
 * An onboarding's problem as the CLI prints it (src/cli/problem.ts): the kind, codes and message the
 * view carries today, and the remedy, request paths and fix from APIs that give them, on a terminal
 * and as CSV cells. Rendering only.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProblemView } from '../../src/cli/api-client.js';
import { PROBLEM_COLUMNS, problemBrief, problemCells, problemLines } from '../../src/cli/problem.js';

const rejection: ProblemView = {
  kind: 'rejection',
  bundle: 'customer-profile',
  message: 'Twilio rejected the customer profile.',
  codes: [
    { code: 18601, meaning: 'The business name and website could not be verified as belonging together.' },
  ],
  failures: [],
};

const withRemedy: ProblemView = {
  ...rejection,
  remedy: 'Send the website the business registered with.',
  fields: [
    { pointer: '/business/websiteUrl', twilio: 'customer_profile.website' },
    { pointer: '/business/name' },
  ],
  fix: { method: 'PATCH', path: '/v1/onboardings/onboarding-acme-dental' },
};

test('kind then codes, in brief', () => {
  assert.equal(problemBrief(rejection), 'rejection 18601');
  assert.equal(problemBrief({ ...rejection, kind: 'twilio-error', codes: [] }), 'twilio-error');
});

test('on a terminal: what is wrong, each code and failed field; the remedy, paths and fix when given', () => {
  assert.deepEqual(problemLines(null), ['  problem: none']);
  assert.deepEqual(
    problemLines({
      ...rejection,
      failures: [
        {
          requirement: 'Emails',
          objectType: 'authorized_representative_1',
          field: 'email',
          reason: 'off the domain',
        },
      ],
    }),
    [
      '  problem: rejection 18601 (customer-profile): Twilio rejected the customer profile.',
      '    18601: The business name and website could not be verified as belonging together.',
      '    authorized_representative_1 email: off the domain',
    ],
  );
  assert.deepEqual(problemLines(withRemedy).slice(2), [
    '    change /business/websiteUrl (Twilio: customer_profile.website)',
    '    change /business/name',
    '  remedy: Send the website the business registered with.',
    '  fix: PATCH /v1/onboardings/onboarding-acme-dental',
  ]);
});

test('as cells: one per column, all empty without a problem', () => {
  assert.deepEqual(problemCells(undefined), ['', '', '', '']);
  const cells = problemCells(withRemedy);
  assert.equal(cells.length, PROBLEM_COLUMNS.length);
  assert.deepEqual(cells, [
    'rejection 18601: Twilio rejected the customer profile.',
    '18601: The business name and website could not be verified as belonging together.; change /business/websiteUrl (Twilio: customer_profile.website); change /business/name',
    'Send the website the business registered with.',
    'PATCH /v1/onboardings/onboarding-acme-dental',
  ]);
});

test('a Twilio outage: since when, how many attempts, the last answer and the next try', () => {
  const outage: ProblemView = {
    kind: 'twilio-unavailable',
    message: 'Twilio is not answering this onboarding’s calls.',
    codes: [],
    failures: [],
    remedy: 'Nothing to send: the service retries.',
    fix: null,
    outage: {
      since: '2026-12-07T10:00:00.000Z',
      attempts: 4,
      operation: 'createBundle',
      lastError: { type: 'TwilioUnavailable', status: 500, code: null, message: 'HTTP 500' },
      nextAttemptAt: '2026-12-07T10:00:40.000Z',
    },
  };
  const lines = problemLines(outage);
  assert.ok(
    lines.includes(
      '    createBundle failing since 2026-12-07T10:00:00.000Z, 4 attempt(s), last: HTTP 500; next try 2026-12-07T10:00:40.000Z',
    ),
    lines.join('\n'),
  );
  assert.ok(lines.includes('  remedy: Nothing to send: the service retries.'));
  const under = problemLines({ ...outage, outage: { ...outage.outage!, nextAttemptAt: null } });
  assert.match(under.join('\n'), /4 attempt\(s\), last: HTTP 500; an attempt is under way/);
});
