/**
 * docs/operations.md's saved views (stuck, action required, Twilio failing) are queries an operator pastes
 * into the Web UI or `temporal workflow list --query`: each one, as written in the doc, is run against a
 * real dev server, and must find the run it describes and leave out one it does not. The runs are
 * started with a day's start delay and no worker: visibility sees them Running with the search
 * attributes an onboarding upserts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import {
  OnboardingStatus,
  SEARCH_ATTRIBUTE_CLI_TYPES,
  WaitingSince,
} from '../../src/contract/search-attributes.js';
import { devServerEnvironment } from '../support/temporal.js';

const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
const section = /^### Saved views\n([\s\S]*?)(?=^##)/m.exec(doc)?.[1] ?? '';
/** The section's queries: its code blocks without a language. */
const queries = [...section.matchAll(/^```\n(.+)\n```$/gm)].map((match) => match[1]!.trim());
const view = (words: string) => {
  const found = queries.find((query) => query.includes(words));
  assert.ok(found, `docs/operations.md's saved views have a query with ${words}`);
  return found;
};

/** The why's search attribute (src/contract/search-attributes.ts once it is there). */
const OnboardingProblem = defineSearchAttributeKey('OnboardingProblem', SearchAttributeType.KEYWORD);

describe("docs/operations.md's saved views, on a real server", { timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await devServerEnvironment({
      extraArgs:
        'OnboardingProblem' in SEARCH_ATTRIBUTE_CLI_TYPES
          ? []
          : ['--search-attribute', 'OnboardingProblem=Keyword'],
    });
    const longAgo = new Date(Date.now() - 30 * 86_400_000);
    const runs = {
      // Waiting for the ISV for a month, because Twilio rejected the profile.
      'saved-view-rejected': [
        { key: OnboardingStatus, value: 'action-required' },
        { key: WaitingSince, value: longAgo },
        { key: OnboardingProblem, value: 'rejection 18601' },
      ],
      // Working (nothing awaited), its Twilio calls failing.
      'saved-view-outage': [
        { key: OnboardingStatus, value: 'running' },
        { key: OnboardingProblem, value: 'twilio-unavailable 20500' },
      ],
      // Waiting for Twilio's vetting since a minute ago: nothing wrong.
      'saved-view-fine': [
        { key: OnboardingStatus, value: 'running' },
        { key: WaitingSince, value: new Date() },
      ],
    } as const;
    for (const [workflowId, typedSearchAttributes] of Object.entries(runs)) {
      await env.client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: 'saved-views',
        workflowId,
        args: [],
        typedSearchAttributes: [...typedSearchAttributes],
        startDelay: '1 day',
      });
    }
  });
  after(async () => {
    await env?.teardown();
  });

  /** The IDs a query lists, once visibility has all three runs (it is eventually consistent). */
  async function listed(query: string): Promise<string[]> {
    const all = `WorkflowId STARTS_WITH 'saved-view-'`;
    for (let tries = 0; (await env.client.workflow.count(all)).count < 3; tries += 1) {
      assert.ok(tries < 200, 'visibility never listed the three runs');
      await new Promise((r) => setTimeout(r, 50));
    }
    const ids: string[] = [];
    for await (const run of env.client.workflow.list({ query })) ids.push(run.workflowId);
    return ids.sort();
  }

  test('there are three, each a query the server takes', async () => {
    assert.equal(queries.length, 3, section);
    for (const query of queries) await env.client.workflow.count(query);
  });

  test('"stuck" finds the run waiting for a month, not the one waiting for a minute', async () => {
    // The doc's timestamp is "now minus 3 days" on the day it was written; today's is put in its place.
    const query = view('WaitingSince <').replace(
      /WaitingSince < '[^']+'/,
      `WaitingSince < '${new Date(Date.now() - 3 * 86_400_000).toISOString()}'`,
    );
    assert.deepEqual(await listed(query), ['saved-view-rejected']);
  });

  test('"action required" finds the run waiting for the ISV', async () => {
    assert.deepEqual(await listed(view("OnboardingStatus = 'action-required'")), ['saved-view-rejected']);
  });

  test('"Twilio failing" finds the run whose Trust Hub calls fail', async () => {
    assert.deepEqual(await listed(view('OnboardingProblem STARTS_WITH')), ['saved-view-outage']);
  });
});
