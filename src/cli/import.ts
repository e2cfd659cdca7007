/**
 * `trusthub-onboarding import customers.csv`: checks every row first and starts nothing if one is bad
 * (a half-imported list is harder to fix than a refused one), then starts the onboardings a few at a
 * time with a live progress bar. The checks are the service's own (./customers-csv.ts: the API's
 * schema and product rules, the workflow's pre-submit check) and the numbers other customers'
 * onboardings already hold (./numbers-in-use.ts): a row that would start only to stop at
 * action-required is a problem, reported with every other of its row. `--dry-run` runs the same
 * checks and stops; the exit code says whether any row would need action.
 *
 * A re-run after an interruption starts nothing twice, in two layers: the customers the service already
 * lists are skipped before any request, and POST /v1/onboardings is itself idempotent per customer (the
 * workflow ID is the customer's), which covers a row that was in flight when the first run stopped.
 *
 * The listing only ever saves a request the start would answer the same way: a customer is skipped for
 * a listed run whose ID is the one the start itself would meet (`onboardingIdFor`), never for a run
 * that merely carries the customer's ID in a search attribute (anyone with Temporal's port can plant
 * one; the API drops those too, an older one may not).
 *
 * A row with a customerProfileSid adopts that profile: it goes to POST /v1/adoptions with the
 * operators' ADOPT_TOKEN, read from the environment only. Without it, when the API takes tokens at all,
 * nothing is started and the import says so.
 */
import { readFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import pMap from 'p-map';
import { ApiBusy, type ApiClient, type ErrorBody, type OnboardingSummary } from './api-client.js';
import { parseCustomers, type CustomerRow, type RowProblem, type RowWarning } from './customers-csv.js';
import { numbersInUse } from './numbers-in-use.js';
import { table } from './table.js';
import { onboardingIdFor } from '../contract/ids.js';

export interface ImportOptions {
  dryRun: boolean;
  concurrency: number;
  /** Draw the live bar (a terminal); otherwise only the summary is printed. */
  progress: boolean;
}

/** What happened to one row. */
type Outcome = 'started' | 'already-started' | 'refused' | 'failed';
const OUTCOMES: readonly Outcome[] = ['started', 'already-started', 'refused', 'failed'];

interface RowResult {
  row: CustomerRow;
  outcome: Outcome;
  detail?: string;
}

export class UsageError extends Error {}

async function readCsv(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function describeProblems(problems: RowProblem[]): string {
  return problems.map((p) => `  line ${p.line}, ${p.column}: ${p.rule}`).join('\n');
}

function describeWarnings(warnings: RowWarning[]): string {
  return [
    `${warnings.length} warning(s): Twilio often refuses these, though not always.`,
    ...warnings.map((w) => `  line ${w.line}: ${w.warning}`),
  ].join('\n');
}

/** Where a row goes: a new profile (API_TOKEN), or the adoption of the one it names (ADOPT_TOKEN). */
interface Routes {
  start: ApiClient;
  adopt: ApiClient;
}

async function startOne(routes: Routes, row: CustomerRow): Promise<RowResult> {
  const adopts = row.request.customerProfileSid !== undefined;
  try {
    const { status, body } = await (adopts ? routes.adopt : routes.start).request<Partial<ErrorBody>>(
      'POST',
      // Bulk: the import's thousand starts queue behind the work of customers already served.
      `${adopts ? '/v1/adoptions' : '/v1/onboardings'}?priority=bulk`,
      row.request,
    );
    if (status === 202) return { row, outcome: 'started' };
    // 200: the same request was already onboarding; already_onboarded: it finished long ago. Either
    // way the import's job for this row is done. A 409 different_request is a row that disagrees with
    // what the service holds: refused, with the fields, for the ISV to look at.
    if (status === 200) return { row, outcome: 'already-started' };
    if (status === 409 && body.error?.code === 'already_onboarded') {
      return { row, outcome: 'already-started', detail: body.error.message };
    }
    const fields = body.error?.fields?.map((f) => `${f.field} ${f.rule}`).join('; ');
    return { row, outcome: 'refused', detail: `${status} ${fields ?? body.error?.message ?? ''}`.trim() };
  } catch (error) {
    // A row the API could not take through all its retries; an unreachable API stops the import.
    if (error instanceof ApiBusy) return { row, outcome: 'failed', detail: error.message };
    throw error;
  }
}

/** Runs the import; resolves to the process exit code (0: every row accepted). */
export async function importCustomers(
  api: ApiClient,
  file: string,
  options: ImportOptions,
  out: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseCustomers(await readCsv(file));
  // One listing serves both the numbers check and, below, the customers to skip.
  const listed: OnboardingSummary[] = [];
  if (parsed.read.length) for await (const onboarding of api.onboardings()) listed.push(onboarding);
  const taken = await numbersInUse(api, parsed.read, listed, options.concurrency);
  // By line, each row's problems together (a stable sort keeps each row's own order).
  const problems = [...parsed.problems, ...taken.problems].sort((a, b) => a.line - b.line);
  const { rows, warnings } = parsed;
  if (taken.unchecked) {
    out(
      `${file}: the numbers of ${taken.unchecked} onboarding(s) could not be read (the API did not answer); a number one of them holds is not caught here.`,
    );
  }
  if (problems.length) {
    const lines = new Set(problems.map((p) => p.line)).size;
    // A file refused at its header or its CSV syntax has no rows to count.
    const where = parsed.read.length ? ` in ${lines} of ${parsed.read.length} row(s)` : '';
    out(
      `${file}: ${problems.length} problem(s)${where}; nothing was started.\n${describeProblems(problems)}`,
    );
    if (warnings.length) out(describeWarnings(warnings));
    return 1;
  }
  if (warnings.length) out(describeWarnings(warnings));
  const adopting = rows.filter((row) => row.request.customerProfileSid !== undefined);
  const routes: Routes = { start: api, adopt: adopting.length ? api.adopting(env) : api };
  // With API_TOKEN set the API takes tokens, and its adoption route takes ADOPT_TOKEN alone: refused
  // up front, rather than as one 401 per row half-way through the file.
  if (adopting.length && api.hasToken && !routes.adopt.hasToken) {
    out(
      `${file}: ${adopting.length} row(s) adopt an existing customer profile (customerProfileSid, line ${adopting[0]!.line} first), which takes the operators' ADOPT_TOKEN: set ADOPT_TOKEN in the environment, or leave customerProfileSid out to have profiles made. Nothing was started.`,
    );
    return 1;
  }
  if (options.dryRun) {
    out(`${file}: ${rows.length} customer(s), all valid; nothing was started (--dry-run).`);
    return 0;
  }

  const started = Date.now();
  // Customers the service already has, skipped; a failed onboarding is started again (the API allows
  // it), a cancelled one is not: cancelling was someone's decision.
  const known = new Set<string>();
  for (const onboarding of listed) {
    const { customerId } = onboarding;
    if (!customerId || onboarding.id !== onboardingIdFor(customerId)) continue;
    if (onboarding.status !== 'failed') known.add(customerId);
  }
  const results: RowResult[] = rows
    .filter((row) => known.has(row.request.customerId))
    .map((row) => ({ row, outcome: 'already-started' }));
  const pending = rows.filter((row) => !known.has(row.request.customerId));

  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const result of results) counts[result.outcome]++;
  const bar = new SingleBar({
    format:
      'importing [{bar}] {value}/{total} | started {started} | already {already} | refused {refused} | failed {failed} | {duration_formatted}',
    hideCursor: true,
    noTTYOutput: false,
    stream: process.stderr,
  });
  const payload = () => ({
    started: counts.started,
    already: counts['already-started'],
    refused: counts.refused,
    failed: counts.failed,
  });
  if (options.progress) bar.start(rows.length, results.length, payload());

  // Ctrl-C stops handing out rows and lets the ones in flight finish, so the summary is true.
  let interrupted = false;
  const onSignal = () => (interrupted = true);
  process.once('SIGINT', onSignal);
  let notTried = 0;
  try {
    await pMap(
      pending,
      async (row) => {
        if (interrupted) return void notTried++;
        const result = await startOne(routes, row);
        results.push(result);
        counts[result.outcome]++;
        if (options.progress) bar.increment(1, payload());
      },
      { concurrency: options.concurrency },
    );
  } finally {
    process.off('SIGINT', onSignal);
    if (options.progress) bar.stop();
  }

  const seconds = (Date.now() - started) / 1000;
  const summary = OUTCOMES.map((o) => [o, String(counts[o])]);
  if (notTried) summary.push(['not tried (interrupted)', String(notTried)]);
  out(table(['outcome', 'customers'], summary));
  out(`${rows.length} row(s) from ${file} in ${seconds.toFixed(1)} s.`);
  const bad = results.filter((r) => r.outcome === 'refused' || r.outcome === 'failed');
  if (bad.length) {
    out(`${bad.length} of ${rows.length} row(s) were not started:`);
    out(
      bad
        .map((r) => `  line ${r.row.line} (${r.row.request.customerId}): ${r.outcome}: ${r.detail}`)
        .join('\n'),
    );
  }
  if (notTried) out('Interrupted: run the same command again to start the rest; nothing starts twice.');
  return bad.length || notTried ? 1 : 0;
}
