/**
 * `trusthub-onboarding status`: how many customers are at each status and step, over every onboarding
 * the service has (paged through with the API's cursor), so an operator sees at a glance where a batch
 * stands: how many wait on Twilio, how many need corrections, how many are done.
 *
 * With a filter (`--status action-required`, `--step`, `--waiting-longer-than`) it also names the
 * customers, newest first, each with its problem as the API's view gives it (./problem.ts): a count
 * alone tells an operator there is work, not which or what. The names are bounded by `--limit`, and
 * the output says how many more there are; each named customer costs one GET of its record.
 * `--json` prints the same as one JSON document, for a script.
 */
import pMap from 'p-map';
import { readView, type ApiClient, type OnboardingSummary, type ProblemView } from './api-client.js';
import { problemLines } from './problem.js';
import { table } from './table.js';

export interface StatusFilters {
  status?: string;
  step?: string;
  waitingLongerThan?: string;
}

export interface StatusOptions {
  /** How many customers to name at most. */
  limit: number;
  json: boolean;
  concurrency: number;
}

/** A customer as listed, with its problem, or why its record could not be read. */
interface ListedCustomer {
  id: string;
  customerId: string | null;
  status: string | null;
  step: string | null;
  startedAt: string;
  problem: ProblemView | null;
  unavailable?: string;
}

async function withProblem(api: ApiClient, onboarding: OnboardingSummary): Promise<ListedCustomer> {
  const { id, customerId, status, step, startedAt } = onboarding;
  const answer = await readView(api, id);
  if ('status' in answer) {
    return { id, customerId, status, step, startedAt, problem: null, unavailable: `HTTP ${answer.status}` };
  }
  // The record is newer than the listing (visibility lags a little): its status and step win.
  const { view } = answer;
  return { id, customerId, status: view.status, step: view.step, startedAt, problem: view.problem ?? null };
}

function customerLines(customer: ListedCustomer): string[] {
  const head = [
    customer.customerId ?? '(no customer ID)',
    customer.status ?? '(starting)',
    customer.step ?? '(not picked up yet)',
    customer.id,
  ].join('  ');
  if (customer.unavailable) return [head, `  state unavailable (${customer.unavailable})`];
  return [head, ...problemLines(customer.problem)];
}

export async function showStatus(
  api: ApiClient,
  filters: StatusFilters,
  options: StatusOptions,
  out: (line: string) => void,
): Promise<number> {
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const filtered = Object.keys(query).length > 0;
  const counts = new Map<string, { status: string; step: string; customers: number }>();
  const first: OnboardingSummary[] = [];
  let total = 0;
  for await (const onboarding of api.onboardings(query)) {
    const status = onboarding.status ?? '(starting)';
    const step = onboarding.step ?? '(not picked up yet)';
    const key = `${status}\0${step}`;
    const entry = counts.get(key) ?? { status, step, customers: 0 };
    entry.customers++;
    counts.set(key, entry);
    if (first.length < options.limit) first.push(onboarding);
    total++;
  }
  const sorted = [...counts.values()].sort(
    (a, b) => a.status.localeCompare(b.status) || b.customers - a.customers,
  );
  const named = filtered || options.json;
  const customers = named
    ? await pMap(first, (o) => withProblem(api, o), { concurrency: options.concurrency })
    : [];
  const more = named ? total - customers.length : 0;

  if (options.json) {
    out(JSON.stringify({ total, counts: sorted, customers, more }, null, 2));
    return 0;
  }
  const rows = sorted.map((e) => [e.status, e.step, String(e.customers)]);
  out(table(['status', 'step', 'customers'], [...rows, ['total', '', String(total)]]));
  if (!named) {
    out('\n`status --status action-required` names the customers that need you, with their problems.');
    return 0;
  }
  if (customers.length) out(`\n${customers.flatMap(customerLines).join('\n')}`);
  if (more) out(`\n…and ${more} more: --limit ${total} names them all.`);
  return 0;
}
