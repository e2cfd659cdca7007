/**
 * The why, where the CLI's user looks (issue 27): `status --status action-required` names the
 * customers with their problems, `report` shows each customer's problem, and `import --dry-run`
 * applies the service's own pre-checks and the numbers already taken, reports every problem of every
 * row, starts nothing and exits 1. The binary as an ISV runs it, against the real API, worker, dev
 * server and sandbox. What the CLI prints of a problem is compared with what the API's view says, so
 * these hold as the view's words change.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { onboardingIdFor } from '../../src/contract/ids.js';
import type { OnboardingRequest, OnboardingView } from '../../src/contract/types.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';
import { cli, type CliRun } from '../support/cli.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/customers.csv', import.meta.url));
const TOKEN = 'cli-problems-token-0123456789abcdef';

describe('the why in the CLI: status, report and a dry-run import', { timeout: 300_000 }, () => {
  const stack = useStack({ temporal: 'dev', apiToken: TOKEN });
  const dir = mkdtempSync(join(tmpdir(), 'cli-problems-'));
  const run = (...args: string[]): Promise<CliRun> => cli(args, { API_URL: stack.apiUrl, API_TOKEN: TOKEN });

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as OnboardingView };
  };
  const start = async (request: OnboardingRequest) =>
    assert.equal((await api('POST', '/v1/onboardings', request)).status, 202);

  /** The example file's header, with the CNAM column, and rows made from its first two customers. */
  const [HEADER, ACME, BLUE_RIVER] = readFileSync(EXAMPLE, 'utf8').trimEnd().split('\n') as [
    string,
    string,
    string,
  ];
  const row = (base: string, customerId: string, numbers: string, cnam = '') =>
    `${base.replace(/^[^,]+,/, `${customerId},`).replace(/,\+1415555010\d(;\+1415555010\d)?,$/, `,${numbers},`)},${cnam}`;
  const csv = (name: string, rows: string[]) => {
    const file = join(dir, name);
    writeFileSync(file, [`${HEADER},cnam_display_name`, ...rows].join('\n'));
    return file;
  };

  /** Views as the API gives them, once each customer is where the tests need it. */
  let precheck: OnboardingView;
  let rejected: OnboardingView;

  before(async () => {
    // Stops before submitting: a representative's email off the website's domain (18606).
    const offDomain = onboardingRequest('why-precheck', ['+14155550104']);
    offDomain.authorizedRepresentatives[0]!.email = 'dana.reyes@gmail.com';
    await start(offDomain);
    // Rejected by Twilio's reviewers (18601).
    await start(onboardingRequest('why-rejected', ['+14155550105']));
    // Running, waiting for Twilio's vetting: it holds +14155550106.
    await start(onboardingRequest('why-held', ['+14155550106']));

    await stack.waitFor(onboardingIdFor('why-precheck'), (v) => v.status === 'action-required');
    const submitted = await stack.waitFor(
      onboardingIdFor('why-rejected'),
      (v) => v.customerProfile?.status === 'pending-review',
    );
    await stack.admin('POST', `/__sandbox/bundles/${submitted.customerProfile!.sid}/decide`, {
      outcome: 'reject',
      codes: [18601],
    });
    await stack.waitFor(onboardingIdFor('why-rejected'), (v) => v.status === 'action-required');
    await stack.waitFor(onboardingIdFor('why-held'), (v) => v.phoneNumbers.length > 0);
    precheck = (await api('GET', `/v1/onboardings/${onboardingIdFor('why-precheck')}`)).body;
    rejected = (await api('GET', `/v1/onboardings/${onboardingIdFor('why-rejected')}`)).body;
    assert.equal(precheck.problem?.kind, 'pre-check');
    assert.equal(rejected.problem?.kind, 'rejection');
  });

  test('status --status action-required names each customer with its problem, not just a count', async () => {
    const result = await run('status', '--status', 'action-required');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^total +2$/m);
    for (const view of [precheck, rejected]) {
      assert.match(
        result.stdout,
        new RegExp(`^${view.customerId}  action-required  ${view.step}  ${view.id}$`, 'm'),
      );
      const problem = view.problem!;
      const brief = [problem.kind, ...problem.codes.map((c) => c.code)].join(' ');
      assert.ok(result.stdout.includes(`problem: ${brief} (${problem.bundle}): ${problem.message}`), brief);
      for (const { code, meaning } of problem.codes) assert.ok(result.stdout.includes(`${code}: ${meaning}`));
      // The remedy, the request paths to change and the call that applies them, as the view gives them.
      assert.ok(problem.remedy, `${view.customerId} has a remedy`);
      assert.ok(result.stdout.includes(`  remedy: ${problem.remedy}`), problem.remedy);
      for (const f of problem.fields ?? [])
        assert.ok(result.stdout.includes(`change ${f.pointer}`), f.pointer);
      assert.ok(result.stdout.includes(`  fix: ${problem.fix!.method} ${problem.fix!.path}`));
    }
    assert.match(
      result.stdout,
      /change \/authorizedRepresentatives\/0\/email \(Twilio: authorized_representative_1\.email\)/,
    );
    assert.match(result.stdout, /pre-check 18606 \(customer-profile\)/);
    assert.match(result.stdout, /rejection 18601 \(customer-profile\)/);
    // The field at fault, as the pre-check names it.
    assert.ok(
      result.stdout.includes(`authorized_representative_1 email: ${precheck.problem!.failures[0]!.reason}`),
    );
    assert.doesNotMatch(result.stdout, /why-held/);
  });

  test('status --limit bounds the names and says how many more; --json is the same for a script', async () => {
    const limited = await run('status', '--status', 'action-required', '--limit', '1');
    assert.equal(limited.code, 0, limited.stderr);
    assert.equal(limited.stdout.match(/^why-\S+ {2}action-required/gm)?.length, 1);
    assert.match(limited.stdout, /…and 1 more: --limit 2 names them all\./);

    const json = await run('status', '--status', 'action-required', '--json');
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as {
      total: number;
      more: number;
      customers: { customerId: string; status: string; problem: OnboardingView['problem'] }[];
    };
    assert.equal(parsed.total, 2);
    assert.equal(parsed.more, 0);
    const byCustomer = Object.fromEntries(parsed.customers.map((c) => [c.customerId, c.problem]));
    assert.deepEqual(byCustomer, { 'why-precheck': precheck.problem, 'why-rejected': rejected.problem });
  });

  test("report shows each customer's problem: after the table, and in the CSV's columns", async () => {
    const table = await run('report');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^2 customer\(s\) need you:$/m);
    assert.match(table.stdout, /^why-precheck\n {2}problem: pre-check 18606 \(customer-profile\): /m);
    assert.match(table.stdout, /^why-rejected\n {2}problem: rejection 18601 \(customer-profile\): /m);

    const result = await run('report', '--csv');
    assert.equal(result.code, 0, result.stderr);
    const rows = parse<Record<string, string>>(result.stdout, { columns: true });
    const problemOf = (customerId: string) => rows.find((r) => r.customerId === customerId)!.problem;
    assert.equal(problemOf('why-rejected'), `rejection 18601: ${rejected.problem!.message}`);
    const rejectedRow = rows.find((r) => r.customerId === 'why-rejected')!;
    const fix = rejected.problem!.fix!;
    assert.equal(rejectedRow.remedy, rejected.problem!.remedy);
    assert.equal(rejectedRow.fix, `${fix.method} ${fix.path}`);
    assert.equal(problemOf('why-precheck'), `pre-check 18606: ${precheck.problem!.message}`);
    assert.equal(problemOf('why-held'), '');
    const detail = rows.find((r) => r.customerId === 'why-precheck')!.problemDetail!;
    assert.ok(detail.includes(precheck.problem!.failures[0]!.reason), detail);
  });

  test('a dry run reports every problem of every row, the taken numbers included, starts nothing and exits 1', async () => {
    const file = csv('needs-action.csv', [
      // Line 2: four problems in one row: a schema error, two emails off the domain, a CNAM name.
      row(
        ACME.replace('12-3456789', '12-34')
          .replace('compliance@acmedental.com', 'acme.owner@gmail.com')
          .replace('dana.reyes@acmedental.com', 'dana@acme-mail.com'),
        'dry-many',
        '+14155550100',
        'FBI Dental',
      ),
      // Line 3: valid by the schema, and 18606 before Twilio sees it.
      row(
        BLUE_RIVER.replace('luis@blueriverplumbing.com', 'luis.ortega@gmail.com'),
        'dry-18606',
        '+14155550101',
      ),
      // Lines 4 and 5: one number for two customers.
      row(ACME, 'dry-pair-a', '+14155550102'),
      row(BLUE_RIVER, 'dry-pair-b', '+14155550102'),
      // Line 6: a number the service already onboards for why-held.
      row(ACME, 'dry-held', '+14155550106'),
      // Line 7: nothing wrong.
      row(BLUE_RIVER, 'dry-clean', '+14155550103'),
    ]);
    for (const args of [
      ['import', file, '--dry-run'],
      ['import', file],
    ]) {
      const result = await run(...args);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      const out = result.stdout;
      assert.match(out, /7 problem\(s\) in 4 of 6 row\(s\); nothing was started\./);
      assert.match(out, /line 2, registrationNumber: must match pattern/);
      assert.match(out, /line 2, cnam_display_name: must not contain prohibited content \("fbi"/);
      assert.match(
        out,
        /line 2, email: The email is on gmail\.com, the website on acmedental\.com: Twilio rejects the profile with 18606/,
      );
      assert.match(out, /line 2, rep1Email: The email is on acme-mail\.com, .*18606/);
      assert.match(
        out,
        /line 3, rep1Email: The email is on gmail\.com, the website on blueriverplumbing\.com: .*18606/,
      );
      assert.match(out, /line 5, phoneNumbers: item 1: \+14155550102 is on line 4 too .*20409/);
      assert.match(
        out,
        /line 6, phoneNumbers: item 1: \+14155550106 is taken: the service already onboards it for customer why-held .*20409/,
      );
      assert.doesNotMatch(out, /line 7/);
      assert.doesNotMatch(out, /^started/m);
    }
    for (const customerId of ['dry-many', 'dry-18606', 'dry-pair-a', 'dry-pair-b', 'dry-held', 'dry-clean']) {
      assert.equal(
        (await api('GET', `/v1/onboardings/${onboardingIdFor(customerId)}`)).status,
        404,
        customerId,
      );
    }
  });

  test("a clean dry run exits 0, and a customer's own number is not taken from it", async () => {
    const file = csv('clean.csv', [
      row(BLUE_RIVER, 'dry-clean', '+14155550103'),
      // The customer already onboarding, with its own number: a re-run, not a taken number.
      row(ACME, 'why-held', '+14155550106'),
    ]);
    const result = await run('import', file, '--dry-run');
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /2 customer\(s\), all valid; nothing was started \(--dry-run\)\./);
    assert.equal((await api('GET', `/v1/onboardings/${onboardingIdFor('dry-clean')}`)).status, 404);
  });
});
