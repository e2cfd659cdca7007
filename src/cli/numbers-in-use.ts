/**
 * Numbers a customer file asks for that another customer's onboarding already holds. Twilio puts a
 * number on one customer's profile only, so such a row would start, and then stop at action-required
 * with 20409: the import says so before anything starts. The CLI asks the API, as any client would
 * (it never reads Temporal): the onboardings listed, then the record of each that may hold numbers.
 *
 * What is read, and what is not:
 * - failed and cancelled onboardings gave their numbers back; they are not read;
 * - customers of the file are not read: their own numbers are theirs (a re-run reads nothing), and
 *   another row asking for one of them is already a shared number within the file (./customers-csv.ts);
 * - only the API's own onboardings count (the ID derived from the customer's, as `import` skips them);
 * - an onboarding in its first moments, before it has looked its numbers up, shows none yet;
 * - a number on a profile outside the service is Twilio's to know, not the service's.
 * A record the API cannot answer for is counted as unchecked, and the import says how many.
 */
import pMap from 'p-map';
import { readView, type ApiClient, type OnboardingSummary } from './api-client.js';
import type { CustomerRow, RowProblem } from './customers-csv.js';
import { onboardingIdFor } from '../contract/ids.js';

const RELEASED = new Set(['failed', 'cancelled']);

export interface NumbersInUse {
  problems: RowProblem[];
  /** Onboardings whose numbers could not be read. */
  unchecked: number;
}

export async function numbersInUse(
  api: Pick<ApiClient, 'request'>,
  rows: CustomerRow[],
  listed: OnboardingSummary[],
  concurrency: number,
): Promise<NumbersInUse> {
  const inFile = new Set(rows.map((row) => row.request.customerId));
  const holding = listed.filter(
    ({ id, customerId, status }) =>
      customerId !== null &&
      id === onboardingIdFor(customerId) &&
      !RELEASED.has(status ?? '') &&
      !inFile.has(customerId),
  );
  const holder = new Map<string, string>();
  let unchecked = 0;
  await pMap(
    holding,
    async ({ id, customerId }) => {
      const answer = await readView(api, id);
      if ('status' in answer) return void unchecked++;
      // A row may name a number as E.164 or as its PN SID, as the request may.
      for (const n of answer.view.phoneNumbers)
        for (const name of [n.phoneNumber, n.sid, n.input]) holder.set(name, customerId!);
    },
    { concurrency },
  );

  const problems: RowProblem[] = [];
  for (const { line, request } of rows) {
    const numbers = Array.isArray(request.phoneNumbers) ? (request.phoneNumbers as unknown[]) : [];
    numbers.forEach((number, index) => {
      const customer = typeof number === 'string' ? holder.get(number) : undefined;
      if (customer === undefined) return;
      problems.push({
        line,
        column: 'phoneNumbers',
        rule: `item ${index + 1}: ${String(number)} is taken: the service already onboards it for customer ${customer} (Twilio refuses a number on a second customer's profile with 20409)`,
      });
    });
  }
  return { problems, unchecked };
}
