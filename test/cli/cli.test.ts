/**
 * The `trusthub-onboarding` binary as an ISV runs it: a child process talking HTTP to the API, with the
 * real worker, the dev server and the sandbox behind it. examples/customers.csv is imported as shipped,
 * so the example file is known to onboard.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { HEADER } from '../../src/cli/report.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { WORKFLOW_TYPE } from '../../src/contract/messages.js';
import { CustomerId, OnboardingStatus } from '../../src/contract/search-attributes.js';
import { eventually } from '../support/sandbox.js';
import { useStack } from '../support/stack.js';
import { cli, type CliRun } from '../support/cli.js';
import { freePort } from '../../scripts/toolchain.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/customers.csv', import.meta.url));
const TOKEN = 'cli-test-token-0123456789abcdef';
const ADOPT_TOKEN = 'cli-test-operators-token-0123456789';

describe('trusthub-onboarding (the CLI)', { timeout: 300_000 }, () => {
  let run: (...args: string[]) => Promise<CliRun>;
  const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
  /** The example file's header and rows, to build variants of it from. */
  const exampleLines = (): string[] => readFileSync(EXAMPLE, 'utf8').trimEnd().split('\n');

  async function reportRows(): Promise<Record<string, string>[]> {
    const result = await run('report', '--csv');
    assert.equal(result.code, 0, result.stderr);
    return parse<Record<string, string>>(result.stdout, { columns: true });
  }

  const stack = useStack({ temporal: 'dev', apiToken: TOKEN, adoptToken: ADOPT_TOKEN });
  before(async () => {
    run = (...args) => cli(args, { API_URL: stack.apiUrl, API_TOKEN: TOKEN });
  });

  test('a file with mistakes is refused whole, each one named by line and column, and nothing starts', async () => {
    const [header, first, second] = exampleLines();
    const bad = [
      header,
      first!.replace('acme-dental,', 'bad-rows-1,').replace('12-3456789', '12-34'),
      second!
        .replace('blue-river-plumbing,', 'bad-rows-2,')
        .replace('luis@blueriverplumbing.com', 'luis-at-home'),
      second!.replace('blue-river-plumbing,', 'bad-rows-1,'),
    ].join('\n');
    const file = join(dir, 'bad.csv');
    writeFileSync(file, bad);

    for (const args of [
      ['import', file, '--dry-run'],
      ['import', file],
    ]) {
      const result = await run(...args);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /4 problem\(s\) in 3 of 3 row\(s\); nothing was started/);
      assert.match(result.stdout, /line 2, registrationNumber: must match pattern/);
      assert.match(result.stdout, /line 3, rep1Email: must match format "email"/);
      assert.match(result.stdout, /line 4, customerId: repeats line 2/);
      // Blue River's number, asked for again by the row under another customer's ID.
      const blueRivers = /(\+\d+),$/.exec(second!)![1]!;
      assert.ok(result.stdout.includes(`line 4, phoneNumbers: item 1: ${blueRivers} is on line 3 too`));
    }
    const described = await stack.env.client.workflow
      .getHandle(onboardingIdFor('bad-rows-2'))
      .describe()
      .then(
        () => 'started',
        () => 'absent',
      );
    assert.equal(described, 'absent');
  });

  test('an unknown column is refused rather than silently dropped', async () => {
    const [header, first] = exampleLines();
    const file = join(dir, 'typo.csv');
    writeFileSync(file, `${header!.replace('websiteUrl', 'website')}\n${first}\n`);
    const result = await run('import', file, '--dry-run');
    assert.equal(result.code, 1);
    assert.match(result.stdout, /line 1, website: is not a known column/);
  });

  test('the example imports, a re-run after an interruption starts only the rest, and nothing twice', async () => {
    // The "interrupted" first run got as far as the first customer.
    const [header, first] = exampleLines();
    const partial = join(dir, 'partial.csv');
    writeFileSync(partial, `${header}\n${first}\n`);
    const firstRun = await run('import', partial);
    assert.equal(firstRun.code, 0, firstRun.stdout + firstRun.stderr);
    assert.match(firstRun.stdout, /started +1\n/);
    const firstRunId = (await stack.env.client.workflow.getHandle(onboardingIdFor('acme-dental')).describe())
      .runId;

    const dryRun = await run('import', EXAMPLE, '--dry-run');
    assert.equal(dryRun.code, 0);
    assert.match(dryRun.stdout, /3 customer\(s\), all valid; nothing was started/);

    const rest = await run('import', EXAMPLE);
    assert.equal(rest.code, 0, rest.stdout + rest.stderr);
    assert.match(rest.stdout, /started +2\n/);
    assert.match(rest.stdout, /already-started +1\n/);

    const again = await run('import', EXAMPLE);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /started +0\n/);
    assert.match(again.stdout, /already-started +3\n/);
    const runId = (await stack.env.client.workflow.getHandle(onboardingIdFor('acme-dental')).describe())
      .runId;
    assert.equal(runId, firstRunId, 'the first customer was not started again');
  });

  test('status counts every customer by status and step', async () => {
    await stack.waitFor(
      onboardingIdFor('cedar-law'),
      (v) => v.step === 'waiting-for-customer-profile-vetting',
    );
    const result = await run('status');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^status +step +customers$/m);
    assert.match(result.stdout, /^total +3$/m);
  });

  test('report --csv: one row per number, B/C with the blocker until vetting approves, then A', async () => {
    const ids = ['acme-dental', 'blue-river-plumbing', 'cedar-law'].map(onboardingIdFor);
    for (const id of ids)
      await stack.waitFor(id, (v) => v.phoneNumbers.length > 0 && v.customerProfile !== null);

    const before = await reportRows();
    // Every column, the products' and the observed attestation's included (test/cli/report.test.ts).
    assert.deepEqual(Object.keys(before[0]!), HEADER);
    assert.deepEqual(
      before.map((r) => r.phoneNumber),
      // `'` keeps a spreadsheet from reading the `+` as a formula (src/cli/report.ts).
      ["'+14155550100", "'+14155550101", "'+14155550104", "'+14155550105"],
    );
    for (const row of before) {
      assert.notEqual(row.attestation, 'A');
      assert.match(row.blockedBy!, /customer profile/);
    }

    const acme = ids[0]!;
    await stack.approveBoth(acme);
    await stack.waitFor(acme, (v) => v.status === 'completed');

    const after = await reportRows();
    const acmeRows = after.filter((r) => r.customerId === 'acme-dental');
    assert.deepEqual(
      acmeRows.map((r) => [r.phoneNumber, r.attestation, r.blockedBy]),
      [
        ["'+14155550100", 'A', ''],
        ["'+14155550101", 'A', ''],
      ],
    );
    assert.ok(after.filter((r) => r.customerId !== 'acme-dental').every((r) => r.attestation !== 'A'));
  });

  test('a row adopting a profile goes to /v1/adoptions with ADOPT_TOKEN from the environment, and without it nothing starts', async () => {
    const [header, first] = exampleLines();
    const file = join(dir, 'adopting.csv');
    // A profile Twilio does not have: the adoption is refused, which only /v1/adoptions answers. Its
    // own number: acme-dental's are taken.
    const adopting = first!
      .replace('acme-dental,', 'cli-adopter,')
      .replace(/\+14155550100;\+14155550101/, '+14155550108')
      .replace(/,$/, `,BU${'0'.repeat(32)}`);
    const plain = first!
      .replace('acme-dental,', 'cli-plain,')
      .replace(/\+14155550100;\+14155550101/, '+14155550109');
    writeFileSync(file, `${header}\n${plain}\n${adopting}\n`);

    const without = await run('import', file);
    assert.equal(without.code, 1, without.stdout + without.stderr);
    assert.match(without.stdout, /1 row\(s\) adopt an existing customer profile .*line 3.*set ADOPT_TOKEN/);
    assert.match(without.stdout, /Nothing was started/);
    await assert.rejects(stack.env.client.workflow.getHandle(onboardingIdFor('cli-plain')).describe());

    const withToken = await cli(['import', file], {
      API_URL: stack.apiUrl,
      API_TOKEN: TOKEN,
      ADOPT_TOKEN,
    });
    assert.equal(withToken.code, 1, withToken.stdout + withToken.stderr);
    assert.match(withToken.stdout, /started +1\n/);
    assert.match(withToken.stdout, /^1 of 2 row\(s\) were not started:$/m);
    assert.match(
      withToken.stdout,
      /line 3 \(cli-adopter\): refused: 422 This customer profile cannot be adopted/,
    );
    // Cancelled again, so the example's customers are counted as before by the tests after this one.
    const cancelled = await fetch(`${stack.apiUrl}/v1/onboardings/${onboardingIdFor('cli-plain')}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.ok(cancelled.ok);
  });

  test('a re-run does not bring back a customer someone cancelled', async () => {
    const id = onboardingIdFor('cedar-law');
    const runId = (await stack.env.client.workflow.getHandle(id).describe()).runId;
    const cancelled = await fetch(`${stack.apiUrl}/v1/onboardings/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.ok(cancelled.ok, await cancelled.text());
    await stack.waitFor(id, (v) => v.status === 'cancelled');

    const again = await run('import', EXAMPLE);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /already-started +3\n/);
    assert.equal((await stack.env.client.workflow.getHandle(id).describe()).runId, runId, 'no new run');
  });

  test('a wrong token, an unreachable API and a bad flag stop with exit code 2 and say why', async () => {
    const wrongToken = await cli(['status'], { API_URL: stack.apiUrl, API_TOKEN: 'wrong' });
    assert.equal(wrongToken.code, 2);
    assert.match(wrongToken.stderr, /refused the token: set API_TOKEN/);

    const nowhere = await cli(['status'], { API_URL: `http://127.0.0.1:${await freePort()}` });
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /cannot reach the API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);

    const badFlag = await run('import', EXAMPLE, '--concurrency', 'lots');
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /--concurrency <n>' argument 'lots' is invalid\. must be a whole number/);

    const missing = await run('import', join(dir, 'nope.csv'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.csv: ENOENT/);
  });

  // Last: it starts one more customer, which the counts above do not expect.
  test('a run planted through Temporal under a customer ID does not make import skip that customer', async () => {
    // Started straight through Temporal, as anyone who reaches its port could: the onboarding's type
    // and search attributes, on a queue no worker polls, under an ID that is not the customer's.
    const planted = await stack.env.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: 'cli-planted-no-worker',
      workflowId: 'planted-dental-victim',
      args: [],
      typedSearchAttributes: [
        { key: CustomerId, value: 'dental-victim' },
        { key: OnboardingStatus, value: 'running' },
      ],
    });
    await eventually(async () => {
      const { count } = await stack.env.client.workflow.count(`WorkflowId = '${planted.workflowId}'`);
      return count === 1 ? true : undefined;
    }, 30_000);

    const [header, first] = exampleLines();
    const file = join(dir, 'victim.csv');
    // Its own number: acme-dental's are taken.
    const victim = first!
      .replace('acme-dental,', 'dental-victim,')
      .replace(/\+14155550100;\+14155550101/, '+14155550107');
    writeFileSync(file, `${header}\n${victim}\n`);
    const result = await run('import', file);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /started +1\n/);
    assert.match(result.stdout, /already-started +0\n/);
    const real = await stack.env.client.workflow.getHandle(onboardingIdFor('dental-victim')).describe();
    assert.equal(real.taskQueue, stack.taskQueue);
  });
});
