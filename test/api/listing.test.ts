/**
 * GET /v1/onboardings on the dev server's real visibility: pages that hand back an opaque cursor
 * (Temporal's page token) until every onboarding has been seen once, and filters on status, step and
 * age. The runs are started without a worker, so they stay exactly as started.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { before, describe, test } from 'node:test';
import type { SearchAttributePair } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import {
  CustomerId,
  OnboardingStatus,
  OnboardingStep,
  WaitingSince,
} from '../../src/contract/search-attributes.js';
import { eventually } from '../support/sandbox.js';
import { startStack, useStack } from '../support/stack.js';

interface Page {
  onboardings: { id: string; customerId: string | null; status: string | null; temporalStatus: string }[];
  nextCursor: string | null;
}

const DAY = 86_400_000;
const CUSTOMERS = [
  { id: 'list-1', status: 'running', step: 'waiting-for-customer-profile-vetting', waitingDays: 4 },
  { id: 'list-2', status: 'running', step: 'waiting-for-trust-product-vetting', waitingDays: 1 },
  { id: 'list-3', status: 'action-required', step: 'waiting-for-corrections', waitingDays: 5 },
  { id: 'list-4', status: 'running', step: 'creating-customer-profile', waitingDays: null },
  { id: 'list-5', status: 'running', step: 'waiting-for-customer-profile-vetting', waitingDays: 0.5 },
];

describe('GET /v1/onboardings', () => {
  const stack = useStack({ temporal: 'dev', sandbox: false });
  let env: TestWorkflowEnvironment;
  let app: FastifyInstance;
  const startedAt = new Date();

  before(async () => {
    env = stack.env;
    app = stack.api;
    for (const customer of CUSTOMERS) {
      await env.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: 'listing-no-worker',
        workflowId: onboardingIdFor(customer.id),
        args: [],
        typedSearchAttributes: [
          { key: CustomerId, value: customer.id },
          { key: OnboardingStatus, value: customer.status },
          { key: OnboardingStep, value: customer.step },
          ...(customer.waitingDays === null
            ? []
            : [{ key: WaitingSince, value: new Date(Date.now() - customer.waitingDays * DAY) }]),
        ],
      });
    }
    // Visibility is eventually consistent: wait until all of them are listed.
    await eventually(
      async () => ((await list('limit=200')).onboardings.length === 5 ? true : undefined),
      30_000,
    );
  });

  async function list(query: string): Promise<Page> {
    const response = await app.inject({ method: 'GET', url: `/v1/onboardings?${query}` });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Page>();
  }

  test('pages of 2 with a cursor visit every onboarding once, newest first, and end with null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.onboardings.length <= 2);
      seen.push(...page.onboardings.map((o) => o.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    assert.deepEqual(
      seen,
      [...CUSTOMERS].reverse().map((c) => onboardingIdFor(c.id)),
    );
    assert.ok(pages >= 3, `5 onboardings in pages of 2 took ${pages} page(s)`);
  });

  test('filters on status, step, start time and how long an onboarding has been waiting', async () => {
    const ids = async (query: string) => (await list(query)).onboardings.map((o) => o.customerId).sort();
    assert.deepEqual(await ids('status=action-required'), ['list-3']);
    assert.deepEqual(await ids('step=waiting-for-customer-profile-vetting'), ['list-1', 'list-5']);
    assert.deepEqual(await ids('waitingLongerThan=3d'), ['list-1', 'list-3']);
    assert.deepEqual(await ids('waitingLongerThan=3d&status=running'), ['list-1']);
    assert.deepEqual(await ids(`startedBefore=${startedAt.toISOString()}`), []);
    assert.equal((await ids(`startedAfter=${startedAt.toISOString()}`)).length, 5);
  });

  test('a cursor that is not one the API returned, and a bad age, get a 400 naming the field', async () => {
    const forged = await app.inject({
      method: 'GET',
      url: '/v1/onboardings?cursor=bm90LWEtdG9rZW4.AAAAAAAAAAAAAAAA',
    });
    assert.equal(forged.statusCode, 400);
    assert.equal(forged.json<{ error: { fields: { field: string }[] } }>().error.fields[0]?.field, 'cursor');
    const age = await app.inject({ method: 'GET', url: '/v1/onboardings?waitingLongerThan=three-days' });
    assert.equal(age.statusCode, 400);
    assert.match(age.body, /waitingLongerThan/);
  });

  // Last: the runs it plants must not count in the tests above (on a build that lists them).
  test('a run planted through Temporal is not listed, whatever search attributes it carries', async () => {
    const running = { key: OnboardingStatus, value: 'running' } as const;
    const planted: { type: string; id: string; attributes: SearchAttributePair[] }[] = [
      // The victim's customer ID under an ID that is not an onboarding's.
      {
        type: WORKFLOW_TYPE,
        id: 'planted-list-victim',
        attributes: [{ key: CustomerId, value: 'list-victim' }, running],
      },
      // An onboarding's ID format, but another customer's.
      {
        type: WORKFLOW_TYPE,
        id: onboardingIdFor('list-decoy'),
        attributes: [{ key: CustomerId, value: 'list-victim' }, running],
      },
      // Its own customer, with a status and a step the workflow never writes.
      {
        type: WORKFLOW_TYPE,
        id: onboardingIdFor('list-formula'),
        attributes: [
          { key: CustomerId, value: 'list-formula' },
          { key: OnboardingStatus, value: '=HYPERLINK("https://evil.example")' },
        ],
      },
      {
        type: WORKFLOW_TYPE,
        id: onboardingIdFor('list-odd-step'),
        attributes: [
          { key: CustomerId, value: 'list-odd-step' },
          running,
          { key: OnboardingStep, value: 'wire-the-money' },
        ],
      },
      // Another workflow type dressed as an onboarding.
      {
        type: 'notAnOnboarding',
        id: onboardingIdFor('list-other-type'),
        attributes: [{ key: CustomerId, value: 'list-other-type' }, running],
      },
    ];
    for (const run of planted) {
      await env.client.workflow.start(run.type, {
        taskQueue: 'listing-planted',
        workflowId: run.id,
        args: [],
        typedSearchAttributes: run.attributes,
      });
    }
    // Wait until Temporal's own visibility has every planted run, so their absence below is the API's.
    const ids = planted.map((p) => `'${p.id}'`).join(', ');
    await eventually(async () => {
      const { count } = await env.client.workflow.count(`WorkflowId IN (${ids})`);
      return count === planted.length ? true : undefined;
    }, 30_000);

    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').trim().split('\n'));
        done();
      },
    });
    // A second API on the same server, logging at warn.
    const logged = await startStack({
      temporal: env,
      sandbox: false,
      api: { env: { LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }, logStream },
    });
    try {
      const response = await logged.api.inject({ method: 'GET', url: '/v1/onboardings?limit=200' });
      assert.equal(response.statusCode, 200, response.body);
      const listed = response.json<Page>().onboardings;
      assert.deepEqual(
        listed.map((o) => o.id),
        [...CUSTOMERS].reverse().map((c) => onboardingIdFor(c.id)),
      );
      assert.equal(response.body.includes('list-victim'), false);
      assert.equal(response.body.includes('HYPERLINK'), false);

      // Counted at warn, by reason, without the planted IDs or attributes.
      const warning = lines
        .map((line) => JSON.parse(line) as { level: number; msg: string; dropped?: Record<string, number> })
        .find((entry) => entry.msg?.includes('not listed'));
      assert.equal(warning?.level, 40);
      assert.deepEqual(warning?.dropped, { 'workflow-id': 2, status: 1, step: 1 });
      const log = lines.join('\n');
      for (const text of ['list-victim', 'list-decoy', 'HYPERLINK', 'wire-the-money']) {
        assert.equal(log.includes(text), false, `${text} is not logged`);
      }
    } finally {
      await logged.close();
    }
  });
});
