/**
 * `trusthub-onboarding status`: how many customers are at each status and step, over every onboarding
 * the service has (paged through with the API's cursor), so an operator sees at a glance where a batch
 * stands: how many wait on Twilio, how many need corrections, how many are done.
 */
import type { ApiClient } from './api-client.js';
import { table } from './table.js';

export interface StatusFilters {
  status?: string;
  step?: string;
  waitingLongerThan?: string;
}

export async function showStatus(
  api: ApiClient,
  filters: StatusFilters,
  out: (line: string) => void,
): Promise<number> {
  const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  const counts = new Map<string, { status: string; step: string; customers: number }>();
  let total = 0;
  for await (const onboarding of api.onboardings(query)) {
    const status = onboarding.status ?? '(starting)';
    const step = onboarding.step ?? '(not picked up yet)';
    const key = `${status}\0${step}`;
    const entry = counts.get(key) ?? { status, step, customers: 0 };
    entry.customers++;
    counts.set(key, entry);
    total++;
  }
  const rows = [...counts.values()]
    .sort((a, b) => a.status.localeCompare(b.status) || b.customers - a.customers)
    .map((e) => [e.status, e.step, String(e.customers)]);
  out(table(['status', 'step', 'customers'], [...rows, ['total', '', String(total)]]));
  return 0;
}
