/**
 * The customer CSV's Voice Integrity and CNAM columns (src/cli/customers-csv.ts): they become the
 * request's `voiceIntegrity` and `cnam`, counts as numbers; a product half filled in is a problem
 * naming each missing column; and a display name Twilio would refuse is reported by line and column in
 * the API's own words, so nothing the API would refuse is started. Parsing only: no API, no Temporal.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parseCustomers } from '../../src/cli/customers-csv.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/customers.csv', import.meta.url));
const [HEADER, ACME, BLUE_RIVER] = readFileSync(EXAMPLE, 'utf8').trimEnd().split('\n') as [
  string,
  string,
  string,
];

const PRODUCT_COLUMNS = [
  'voice_integrity_use_case',
  'voice_integrity_employee_count',
  'voice_integrity_call_volume',
  'voice_integrity_notes',
  'cnam_display_name',
];

/** The example's first two customers with the product cells given (in PRODUCT_COLUMNS' order). */
function file(acme: string[], blueRiver: string[] = ['', '', '', '', '']): string {
  return [
    `${HEADER},${PRODUCT_COLUMNS.join(',')}`,
    `${ACME},${acme.join(',')}`,
    `${BLUE_RIVER},${blueRiver.join(',')}`,
  ].join('\n');
}

describe('the Voice Integrity and CNAM columns', () => {
  test('become voiceIntegrity and cnam, counts as numbers; empty cells ask for nothing', () => {
    const { rows, problems } = parseCustomers(
      // A cell with a comma is quoted, as a spreadsheet writes it.
      file(['Appointment Reminders', '12', '300', '"Reminders only, 9 to 5"', 'Acme Dental']),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(rows[0]!.request.voiceIntegrity, {
      useCase: 'Appointment Reminders',
      employeeCount: 12,
      averageBusinessDayCallVolume: 300,
      notes: 'Reminders only, 9 to 5',
    });
    assert.deepEqual(rows[0]!.request.cnam, { displayName: 'Acme Dental' });
    assert.equal(rows[1]!.request.voiceIntegrity, undefined);
    assert.equal(rows[1]!.request.cnam, undefined);
  });

  test('the columns are optional: the example file, without them, asks for neither product', () => {
    const { rows, problems } = parseCustomers(readFileSync(EXAMPLE, 'utf8'));
    assert.deepEqual(problems, []);
    assert.ok(
      rows.every((row) => row.request.voiceIntegrity === undefined && row.request.cnam === undefined),
    );
  });

  test('Voice Integrity half filled in names each missing column', () => {
    const { rows, problems } = parseCustomers(file(['Customer Support', '', '', 'notes', '']));
    assert.deepEqual(rows, []);
    assert.deepEqual(problems, [
      { line: 2, column: 'voice_integrity_employee_count', rule: 'is required' },
      { line: 2, column: 'voice_integrity_call_volume', rule: 'is required' },
    ]);
  });

  test("a count that is no whole number, and a use case that is not Twilio's, in the API's words", () => {
    const { problems } = parseCustomers(file(['Robocalls', 'a dozen', '300', '', '']));
    assert.deepEqual(
      problems.map((p) => [p.line, p.column]),
      [
        [2, 'voice_integrity_use_case'],
        [2, 'voice_integrity_employee_count'],
      ],
    );
    assert.match(problems[0]!.rule, /^must be one of: Appointment Reminders, Customer Support/);
    assert.equal(problems[1]!.rule, 'must be integer');
  });

  test("a display name Twilio would refuse is reported per row, like the schema's errors", () => {
    const { rows, problems } = parseCustomers(
      file(['', '', '', '', 'Globex'], ['', '', '', '', 'Plumbing Police']),
    );
    assert.deepEqual(rows, []);
    assert.deepEqual(
      problems.map((p) => [p.line, p.column]),
      [
        [2, 'cnam_display_name'],
        [3, 'cnam_display_name'],
      ],
    );
    assert.match(problems[0]!.rule, /^must resemble the business name/);
    assert.match(problems[1]!.rule, /^must not contain prohibited content \("police"/);
  });

  test('the format rules come from the schema, by column too', () => {
    const { problems } = parseCustomers(file(['', '', '', '', '1 Acme Dental Group LLC']));
    assert.deepEqual(
      problems.map((p) => [p.column, p.rule]),
      [
        ['cnam_display_name', 'must NOT have more than 15 characters'],
        ['cnam_display_name', 'must match pattern "^[A-Za-z][A-Za-z0-9., ]*$"'],
      ],
    );
  });
});

describe("the service's own pre-checks, every problem of a row, and numbers two rows share", () => {
  const CEDAR = readFileSync(EXAMPLE, 'utf8').trimEnd().split('\n')[3]!;

  test("an email off the website's domain is the workflow's 18606, named by its column, before anything starts", () => {
    const { rows, problems } = parseCustomers(
      [HEADER, ACME.replace('dana.reyes@acmedental.com', 'dana@gmail.com'), BLUE_RIVER].join('\n'),
    );
    assert.deepEqual(rows, []);
    assert.deepEqual(problems, [
      {
        line: 2,
        column: 'rep1Email',
        rule: 'The email is on gmail.com, the website on acmedental.com: Twilio rejects the profile with 18606. Use an address on acmedental.com.',
      },
    ]);
  });

  test('a row the schema refuses still gets every other check: one line per problem, not the first alone', () => {
    const { problems } = parseCustomers(
      file(
        ['', '', '', '', 'FBI Dental'],
        // Refused by the schema (the email's format): judged once, not a second time as off the domain.
        ['', '', '', '', ''],
      )
        .replace('12-3456789', '12-34')
        .replace('compliance@acmedental.com', 'owner@gmail.com')
        .replace('luis@blueriverplumbing.com', 'luis-at-home'),
    );
    assert.deepEqual(
      problems.map((p) => [p.line, p.column]),
      [
        [2, 'registrationNumber'],
        [2, 'cnam_display_name'],
        [2, 'email'],
        [3, 'rep1Email'],
      ],
    );
    assert.match(problems[2]!.rule, /18606/);
    assert.equal(problems[3]!.rule, 'must match format "email"');
  });

  test('a number on two rows is a problem on the second, naming the first', () => {
    // Acme's second number made Blue River's (the last cell but the empty customerProfileSid).
    const blueRivers = /(\+\d+),$/.exec(BLUE_RIVER)![1]!;
    const { rows, problems } = parseCustomers(
      [HEADER, BLUE_RIVER, ACME.replace('+14155550101', blueRivers)].join('\n'),
    );
    assert.deepEqual(rows, []);
    assert.deepEqual(problems, [
      {
        line: 3,
        column: 'phoneNumbers',
        rule: `item 2: ${blueRivers} is on line 2 too (a number goes on one customer's profile; Twilio refuses the second with 20409)`,
      },
    ]);
  });

  test("an adopted profile is not pre-checked (Twilio holds its emails); a made one's warnings are said, not refused", () => {
    const adopting = ACME.replace('dana.reyes@acmedental.com', 'dana@gmail.com').replace(
      /,$/,
      `,BU${'0'.repeat(32)}`,
    );
    const { rows, problems, warnings } = parseCustomers([HEADER, adopting, CEDAR].join('\n'));
    assert.deepEqual(problems, []);
    assert.equal(rows.length, 2);
    // Cedar Law is registered by DUNS: 18609 is likely, and the row is still imported.
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.line, 3);
    assert.match(warnings[0]!.warning, /^18609 \(ineligible business registration authority\) is likely/);
  });
});
