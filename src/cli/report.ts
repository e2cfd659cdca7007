/**
 * `trusthub-onboarding report --csv`: one row per phone number, with its customer, the attestation its
 * calls get today and what stands between it and A, in words. This is the sheet a support team sends
 * around; the attestation and the blocker come from the workflow itself (GET /v1/onboardings/:id), the
 * same derivation the API shows, so the sheet and the service never disagree.
 */
import pMap from 'p-map';
import { stringify } from 'csv-stringify/sync';
import { ApiBusy, type ApiClient, type OnboardingSummary, type OnboardingView } from './api-client.js';
import { table } from './table.js';

const HEADER = [
  'customerId',
  'onboardingId',
  'status',
  'step',
  'phoneNumber',
  'phoneNumberSid',
  'attestation',
  'blockedBy',
];

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
    return [
      [
        customerId,
        onboarding.id,
        onboarding.status ?? '',
        onboarding.step ?? '',
        '',
        '',
        '',
        `state unavailable (HTTP ${status})`,
      ],
    ];
  }
  if (!body.phoneNumbers.length) {
    // Numbers are looked up early in the run; until then the customer still deserves a line.
    return [[customerId, body.id, body.status, body.step, '', '', '', 'phone numbers not resolved yet']];
  }
  return body.phoneNumbers.map((n) => [
    customerId,
    body.id,
    body.status,
    body.step,
    n.phoneNumber,
    n.sid,
    n.attestation,
    n.blockedBy ?? '',
  ]);
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
  out(csv ? stringify([HEADER, ...rows]).trimEnd() : table(HEADER, rows));
  return 0;
}
