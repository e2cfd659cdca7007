/**
 * `trusthub-onboarding report --csv`: one row per phone number, with its customer, the attestation its
 * calls get today and what stands between it and A, in words; where it stands in each of the
 * customer's trust products; and the attestation Twilio actually signed its last reported call with,
 * with what the service found when that differed. This is the sheet a support team sends around; every
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
  ApiBusy,
  type ApiClient,
  type NumberInProduct,
  type OnboardingSummary,
  type OnboardingView,
  type PhoneNumberView,
} from './api-client.js';
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
];

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
function customerLine(customerId: string, id: string, status: string, step: string, why: string): string[] {
  const row = [customerId, id, status, step, '', '', '', why];
  return [...row, ...Array<string>(HEADER.length - row.length).fill('')];
}

/** The report's rows for one customer's record, one per number (or one saying why there is none). */
export function numberRows(customerId: string, view: OnboardingView): string[][] {
  if (!view.phoneNumbers.length) {
    // Numbers are looked up early in the run; until then the customer still deserves a line.
    return [customerLine(customerId, view.id, view.status, view.step, 'phone numbers not resolved yet')];
  }
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
  ]);
}

async function rowsFor(api: ApiClient, onboarding: OnboardingSummary): Promise<string[][]> {
  const customerId = onboarding.customerId ?? '';
  // A customer the API could not answer for through its retries still gets its line, saying so.
  const answer = await api
    .request<OnboardingView>('GET', `/v1/onboardings/${onboarding.id}`)
    .catch((error: unknown) => {
      if (error instanceof ApiBusy) return { status: 503, body: undefined };
      throw error;
    });
  const { status, body } = answer;
  if (status !== 200 || !body) {
    const { id, status: lastStatus, step } = onboarding;
    return [customerLine(customerId, id, lastStatus ?? '', step ?? '', `state unavailable (HTTP ${status})`)];
  }
  return numberRows(customerId, body);
}

export async function report(
  api: ApiClient,
  { csv, concurrency }: { csv: boolean; concurrency: number },
  out: (text: string) => void,
): Promise<number> {
  const onboardings: OnboardingSummary[] = [];
  for await (const onboarding of api.onboardings()) onboardings.push(onboarding);
  const rows = (await pMap(onboardings, (o) => rowsFor(api, o), { concurrency })).flat();
  rows.sort((a, b) => a[0]!.localeCompare(b[0]!) || a[4]!.localeCompare(b[4]!));
  out(csv ? toCsv([HEADER, ...rows]) : table(HEADER, rows));
  return 0;
}
