/**
 * Claims (src/activities/temporal-claims.ts) against a real Temporal dev server, tried as an attacker
 * would: a customer whose ID spells another key's claim, and a workflow planted at a claim's ID with
 * the victim's CustomerId. A claim is decided by the server alone (no worker runs it: it is started with
 * a century's delay), so no worker is needed here. Claims live in a namespace of their own
 * (TEMPORAL_CLAIMS_NAMESPACE), which the test server is started with, as npm start's is.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  claim,
  claimClients,
  releaseClaimOf,
  type ClaimClients,
  type ClaimRequest,
} from '../../src/activities/temporal-claims.js';
import { DEFAULT_CLAIMS_NAMESPACE, claimIdFor } from '../../src/contract/ids.js';
import { CustomerId } from '../../src/contract/search-attributes.js';
import { devServerEnvironment } from '../support/temporal.js';

const TASK_QUEUE = 'claims-test';
const PROFILE_SID = `BU${'c0ffee'.repeat(5)}ab`;

describe('claims that cannot collide', { timeout: 300_000 }, () => {
  let env: TestWorkflowEnvironment;
  let clients: ClaimClients;
  before(async () => {
    env = await devServerEnvironment();
    clients = claimClients(env.client, DEFAULT_CLAIMS_NAMESPACE);
  });
  after(async () => {
    await env?.teardown();
  });
  const claimOf = (request: Omit<ClaimRequest, 'taskQueue'>, onImpostor?: Parameters<typeof claim>[2]) =>
    claim(clients, { ...request, taskQueue: TASK_QUEUE }, onImpostor);

  test("a customer named profile-BU… does not hold the profile BU…'s claim", async () => {
    const squatter = `profile-${PROFILE_SID}`;
    assert.equal(await claimOf({ kind: 'customer', key: squatter, customerId: squatter }), 'claimed');

    // The profile's real owner adopts it: the claim is free, and then it is the owner's.
    assert.equal(
      await claimOf({ kind: 'customer-profile', key: PROFILE_SID, customerId: 'rightful-owner' }),
      'claimed',
    );
    assert.equal(
      await claimOf({ kind: 'customer-profile', key: PROFILE_SID, customerId: 'rightful-owner' }),
      'already-ours',
    );
    assert.equal(
      await claimOf({ kind: 'customer-profile', key: PROFILE_SID, customerId: squatter }),
      'owned-by-another',
    );
    assert.equal(await claimOf({ kind: 'customer', key: squatter, customerId: squatter }), 'already-ours');
    await releaseClaimOf(clients, 'customer-profile', PROFILE_SID);
    await releaseClaimOf(clients, 'customer', squatter);
  });

  test("a workflow planted at a claim's ID, with the victim's CustomerId, is never taken as the claim", async () => {
    const victim = 'planted-victim';
    const workflowId = claimIdFor('customer', victim);
    // Anyone with Temporal's port can start any type at any ID; this one never runs (no worker).
    await clients.claims.workflow.start('notAClaim', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [],
      typedSearchAttributes: [{ key: CustomerId, value: victim }],
      startDelay: '1 day',
    });
    const reported: { workflowId: string; workflowType: string }[] = [];
    const outcome = await claimOf({ kind: 'customer', key: victim, customerId: victim }, (found) =>
      reported.push(found),
    );
    assert.equal(outcome, 'owned-by-another');
    assert.deepEqual(reported, [{ workflowId, workflowType: 'notAClaim' }], 'the plant is reported');
    await clients.claims.workflow.getHandle(workflowId).terminate('test over');
  });

  test('a claim of another kind, or of another key, at the ID is not ours either', async () => {
    const key = 'claim-kind-check';
    const workflowId = claimIdFor('customer', key);
    // A trustHubClaim whose memo says it claims a profile, squatting a customer's claim ID.
    await clients.claims.workflow.start('trustHubClaim', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ kind: 'customer-profile', key: PROFILE_SID }],
      memo: { claim: { kind: 'customer-profile', key: PROFILE_SID } },
      typedSearchAttributes: [{ key: CustomerId, value: key }],
      startDelay: '1 day',
    });
    assert.equal(await claimOf({ kind: 'customer', key, customerId: key }), 'owned-by-another');
    await clients.claims.workflow.getHandle(workflowId).terminate('test over');
  });

  test('a plant whose memo says it is the claim, in plain text, is not taken as the claim either', async () => {
    const victim = 'plaintext-victim';
    const workflowId = claimIdFor('customer', victim);
    // Temporal's port, but not the payload keys: the memo goes in unencrypted.
    const keyless = new Client({ connection: env.connection, namespace: DEFAULT_CLAIMS_NAMESPACE });
    await keyless.workflow.start('trustHubClaim', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [{ kind: 'customer', key: victim }],
      memo: { claim: { kind: 'customer', key: victim } },
      typedSearchAttributes: [{ key: CustomerId, value: victim }],
      startDelay: '1 day',
    });
    const reported: { workflowId: string }[] = [];
    const outcome = await claimOf({ kind: 'customer', key: victim, customerId: victim }, (found) =>
      reported.push(found),
    );
    assert.equal(outcome, 'owned-by-another');
    assert.deepEqual(
      reported.map((r) => r.workflowId),
      [workflowId],
    );
    await clients.claims.workflow.getHandle(workflowId).terminate('test over');
  });

  test("a claim is made in the claims' namespace: the onboardings' list holds none", async () => {
    const key = 'listed-apart';
    assert.equal(await claimOf({ kind: 'customer', key, customerId: key }), 'claimed');
    const workflowId = claimIdFor('customer', key);
    const held = await clients.claims.workflow.getHandle(workflowId).describe();
    assert.equal(held.status.name, 'RUNNING');
    await assert.rejects(env.client.workflow.getHandle(workflowId).describe(), WorkflowNotFoundError);
    await releaseClaimOf(clients, 'customer', key);
    assert.equal((await clients.claims.workflow.getHandle(workflowId).describe()).status.name, 'TERMINATED');
  });
});
