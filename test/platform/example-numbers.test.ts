/**
 * The examples compose: no two customers in the README, `docs/` and `examples/` share a phone number.
 * Following the docs on one `npm start` otherwise breaks: a number already on one customer's bundles
 * turns the next customer `action-required` with Twilio's 20409. The README says how two examples are
 * the same customer: they name the same customer ID. So every number belongs to one customer ID, and
 * two start bodies for one customer ID are the same body (a second start with another would be a 409).
 *
 * An example is a file in examples/ (a JSON body, or a row of customers.csv) or a fenced block of the
 * README or a doc. A block's customer is the customer ID it names (`acme-dental`,
 * `onboarding-acme-dental`), or the block's it shows the output of; a body without a customer ID (a correction) belongs to the customer of the
 * block that sends it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { parseCustomers } from '../../src/cli/customers-csv.js';
import { fencedBlocks } from '../support/markdown.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

interface Example {
  where: string;
  text: string;
  /** The customer IDs it names; for a body, its own. */
  customers: Set<string>;
}

/** E.164 numbers, written plainly or URL-encoded (`%2B…` in a DELETE's path). */
const numbersIn = (text: string) =>
  new Set([...text.matchAll(/(?:\+|%2B)([1-9]\d{9,14})(?!\d)/g)].map((m) => `+${m[1]}`));

function examples(): Example[] {
  const found: Example[] = [];
  const jsonFiles = readdirSync(join(repoRoot, 'examples')).filter((f) => f.endsWith('.json'));
  for (const file of jsonFiles) {
    const text = read(`examples/${file}`);
    const { customerId } = JSON.parse(text) as { customerId?: string };
    found.push({ where: `examples/${file}`, text, customers: new Set(customerId ? [customerId] : []) });
  }
  const csv = parseCustomers(read('examples/customers.csv'));
  for (const row of csv.rows) {
    found.push({
      where: `examples/customers.csv:${row.line}`,
      text: JSON.stringify(row.request),
      customers: new Set([row.request.customerId]),
    });
  }
  const docs = ['README.md', ...readdirSync(join(repoRoot, 'docs')).map((f) => `docs/${f}`)].filter((f) =>
    f.endsWith('.md'),
  );
  const blocks = docs.flatMap((doc) =>
    fencedBlocks(read(doc)).map((block) => ({
      where: `${doc}:${block.line}`,
      text: block.body,
      followsBlock: block.followsBlock,
    })),
  );
  // The customer IDs the docs use: the bodies', and those a block names in a path or a body.
  const ids = new Set(found.flatMap((e) => [...e.customers]));
  for (const { text } of blocks) {
    for (const m of text.matchAll(/\/v1\/onboardings\/onboarding-([a-z0-9-]+)|customerId"?: "([a-z0-9-]+)"/g))
      ids.add((m[1] ?? m[2])!);
  }
  const named = (text: string) =>
    new Set([...ids].filter((id) => new RegExp(`(?<![\\w-])(?:onboarding-)?${id}(?![\\w-])`).test(text)));
  // What a block prints (the README's `text` block right after it) is about the block's customer.
  let previous = new Set<string>();
  for (const { where, text, followsBlock } of blocks) {
    const customers = named(text);
    previous = customers.size === 0 && followsBlock ? previous : customers;
    found.push({ where, text, customers: previous });
  }
  // A body without a customer ID is the customer's whose block sends it.
  for (const body of found.filter((e) => e.where.startsWith('examples/') && e.customers.size === 0)) {
    for (const block of blocks.filter((b) => b.text.includes(`@${body.where}`)))
      for (const id of named(block.text)) body.customers.add(id);
  }
  return found;
}

test('every phone number in the README, docs/ and examples/ belongs to one customer', () => {
  const owners = new Map<string, Map<string, string>>(); // number → customer → where
  const all = examples();
  for (const example of all) {
    const numbers = numbersIn(example.text);
    if (numbers.size === 0) continue;
    assert.equal(
      example.customers.size,
      1,
      `${example.where} has phone numbers (${[...numbers].join(', ')}) and names ` +
        `${example.customers.size === 0 ? 'no customer' : `several: ${[...example.customers].join(', ')}`}; ` +
        'name the one customer they belong to',
    );
    const [customer] = example.customers;
    for (const number of numbers) {
      const byCustomer = owners.get(number) ?? new Map<string, string>();
      if (!byCustomer.has(customer!)) byCustomer.set(customer!, example.where);
      owners.set(number, byCustomer);
    }
  }
  const shared = [...owners].filter(([, byCustomer]) => byCustomer.size > 1);
  assert.deepEqual(
    shared.map(
      ([number, byCustomer]) => `${number}: ${[...byCustomer].map(([c, w]) => `${c} (${w})`).join(', ')}`,
    ),
    [],
    'numbers used by more than one customer',
  );
  // The test must see the examples it is about.
  assert.ok(owners.size >= 8, `found ${owners.size} numbers`);
  for (const id of ['acme-dental', 'globex-plumbing', 'initech-clinic', 'blue-river-plumbing', 'cedar-law'])
    assert.ok(
      [...owners.values()].some((byCustomer) => byCustomer.has(id)),
      `${id}'s numbers are checked`,
    );
});

test('two start bodies for one customer ID are the same body, so the second start is a repeat', () => {
  const bodies = new Map<string, { where: string; body: unknown }>();
  const starts = examples().filter(
    (e) => e.where.startsWith('examples/') && (JSON.parse(e.text) as { customerId?: string }).customerId,
  );
  for (const start of starts) {
    const body = JSON.parse(start.text) as { customerId: string };
    const first = bodies.get(body.customerId);
    if (first)
      assert.deepEqual(body, first.body, `${start.where} and ${first.where}: one customer, two bodies`);
    else bodies.set(body.customerId, { where: start.where, body });
  }
  assert.ok(bodies.size >= 5);
});
