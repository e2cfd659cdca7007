/**
 * GET /v1/onboardings on the dev server's real visibility: pages that hand back an opaque cursor
 * (Temporal's page token) until every onboarding has been seen once, and filters on status, step and
 * age. The runs are started without a worker, so they stay exactly as started.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { loadApiConfig } from '../../src/config.js';
import { onboardingIdFor, WORKFLOW_TYPE } from '../../src/workflows/contract.js';
import {
  CustomerId,
  OnboardingStatus,
  OnboardingStep,
  WaitingSince,
} from '../../src/workflows/search-attributes.js';
import { eventually } from '../support/sandbox.js';
import { devServerEnvironment, TEST_PAYLOAD_ENCRYPTION_KEYS } from '../support/temporal.js';

const config = loadApiConfig({ LOG_LEVEL: 'silent', PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_ENCRYPTION_KEYS });

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
  let env: TestWorkflowEnvironment;
  let app: FastifyInstance;
  const startedAt = new Date();

  before(async () => {
    env = await devServerEnvironment();
    app = await buildApp({ config, temporal: env.client });
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
  after(async () => {
    await app?.close();
    await env?.teardown();
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
});
