/**
 * `trusthub-onboarding report --csv`: one row per phone number, with its customer, the attestation its
 * calls get today and what stands between it and A, in words; where it stands in each of the
 * customer's trust products; and the attestation Twilio actually signed its last reported call with,
 * with what the service found when that differed; and the customer's problem, when it has one (the
 * kind, codes and message, each field at fault, and the remedy and fix from APIs that give them:
 * ./problem.ts). This is the sheet a support team sends around; every
 * cell comes from the workflow itself (GET /v1/onboardings/:id), the same derivation the API shows, so
 * the sheet and the service never disagree.
 *
 * Cells carry text the service did not write (Twilio's reasons, whatever a run's search attributes
 * say), and a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula: one reading
 * `=HYPERLINK(…)` becomes a link out of the support team's sheet. So every CSV the CLI writes goes
 * through `toCsv`, which has csv-stringify prefix such a cell with `'` (shown as text, run as nothing).
 * That includes E.164 numbers, which read `'+14155550100`; a spreadsheet would otherwise turn them
 * into the number 14155550100 anyway.
 */
import pMap from 'p-map';
import { stringify } from 'csv-stringify/sync';
import {
  readView,
  type ApiClient,
  type NumberInProduct,
  type OnboardingSummary,
  type OnboardingView,
  type PhoneNumberView,
  type ProblemView,
} from './api-client.js';
import { PROBLEM_COLUMNS, problemCells, problemLines } from './problem.js';
import { table } from './table.js';

export const HEADER = [
  'customerId',
  'onboardingId',
  'status',
  'step',
  'phoneNumber',
  'phoneNumberSid',
  'attestation',
  'blockedBy',
  'shakenStir',
  'voiceIntegrity',
  'cnam',
  'observedAttestation',
  'observedAt',
  'mismatch',
  ...PROBLEM_COLUMNS,
];

/** The table on a terminal leaves the problem's long cells out; they follow it, one block a customer. */
const TABLE_COLUMNS = HEADER.length - PROBLEM_COLUMNS.length;

/** Every CSV the CLI prints, with formula-looking cells made text (the file header says why). */
export function toCsv(rows: string[][]): string {
  return stringify(rows, { escape_formulas: true }).trimEnd();
}

/** A product's cell: its state, and why when there is a reason; empty when the customer lacks it. */
function productCell(product: NumberInProduct | undefined): string {
  if (!product) return '';
  return product.reason ? `${product.state}: ${product.reason}` : product.state;
}

/** The cells after blockedBy: each product, the observed level and when, and a mismatch's cause. */
function observedCells(n: PhoneNumberView): string[] {
  const mismatch = n.attestationMismatch;
  return [
    productCell(n.products?.['shaken-stir']),
    productCell(n.products?.['voice-integrity']),
    productCell(n.products?.cnam),
    n.observedAttestation?.level ?? '',
    n.observedAttestation?.at ?? '',
    mismatch
      ? `${mismatch.cause}: observed ${mismatch.observed}, inferred ${mismatch.inferred}; ${mismatch.detail}`
      : '',
  ];
}

/** A customer's line when there is no number to show: `why` in the blockedBy column. */
function customerLine(
  customerId: string,
  id: string,
  status: string,
  step: string,
  why: string,
  problem?: ProblemView | null,
): string[] {
  const row = [customerId, id, status, step, '', '', '', why];
  return [...row, ...Array<string>(TABLE_COLUMNS - row.length).fill(''), ...problemCells(problem)];
}

/** The report's rows for one customer's record, one per number (or one saying why there is none). */
export function numberRows(customerId: string, view: OnboardingView): string[][] {
  if (!view.phoneNumbers.length) {
    // Numbers are looked up early in the run; until then the customer still deserves a line.
    return [
      customerLine(
        customerId,
        view.id,
        view.status,
        view.step,
        'phone numbers not resolved yet',
        view.problem,
      ),
    ];
  }
  const problem = problemCells(view.problem);
  return view.phoneNumbers.map((n) => [
    customerId,
    view.id,
    view.status,
    view.step,
    n.phoneNumber,
    n.sid,
    n.attestation,
    n.blockedBy ?? '',
    ...observedCells(n),
    ...problem,
  ]);
}

interface CustomerReport {
  customerId: string;
  rows: string[][];
  problem?: ProblemView | null;
}

async function reportFor(api: ApiClient, onboarding: OnboardingSummary): Promise<CustomerReport> {
  const customerId = onboarding.customerId ?? '';
  // A customer the API could not answer for through its retries still gets its line, saying so.
  const answer = await readView(api, onboarding.id);
  if ('status' in answer) {
    const { id, status: lastStatus, step } = onboarding;
    const why = `state unavailable (HTTP ${answer.status})`;
    return { customerId, rows: [customerLine(customerId, id, lastStatus ?? '', step ?? '', why)] };
  }
  return { customerId, rows: numberRows(customerId, answer.view), problem: answer.view.problem };
}

export async function report(
  api: ApiClient,
  { csv, concurrency }: { csv: boolean; concurrency: number },
  out: (text: string) => void,
): Promise<number> {
  const onboardings: OnboardingSummary[] = [];
  for await (const onboarding of api.onboardings()) onboardings.push(onboarding);
  const customers = await pMap(onboardings, (o) => reportFor(api, o), { concurrency });
  const rows = customers.flatMap((c) => c.rows);
  rows.sort((a, b) => a[0]!.localeCompare(b[0]!) || a[4]!.localeCompare(b[4]!));
  if (csv) {
    out(toCsv([HEADER, ...rows]));
    return 0;
  }
  out(
    table(
      HEADER.slice(0, TABLE_COLUMNS),
      rows.map((row) => row.slice(0, TABLE_COLUMNS)),
    ),
  );
  const withProblems = customers
    .filter((c) => c.problem)
    .sort((a, b) => a.customerId.localeCompare(b.customerId));
  if (withProblems.length) {
    out(`\n${withProblems.length} customer(s) need you:`);
    out(withProblems.flatMap((c) => [c.customerId, ...problemLines(c.problem)]).join('\n'));
  }
  return 0;
}
