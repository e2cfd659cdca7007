/**
 * The Voice Integrity and CNAM rules of src/contract/product-checks.ts, one by one: what the API, the
 * CSV import and the workflow's validators refuse before Twilio's reviewers would (11007, 11008, 11009,
 * 18609), and which numbers a product takes. Pure functions: no Temporal, no Twilio.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CNAM_FORMAT,
  CNAM_NAME_MISMATCH,
  CNAM_PROHIBITED,
  INELIGIBLE_REGISTRATION_AUTHORITY,
  cnamDisplayNameFailures,
  describeFailures,
  numberIneligibility,
  productFailures,
  resemblesBusinessName,
} from '../../src/contract/product-checks.js';

const BUSINESS = 'Acme Dental Group LLC';
const codes = (displayName: string, business = BUSINESS) =>
  cnamDisplayNameFailures(displayName, business).map((f) => f.code);

describe('a CNAM display name', () => {
  test('that follows every rule passes', () => {
    assert.deepEqual(cnamDisplayNameFailures('Acme Dental', BUSINESS), []);
    assert.deepEqual(cnamDisplayNameFailures('Acme Dental, Co', BUSINESS), []);
  });

  test('is at most 15 characters', () => {
    assert.deepEqual(cnamDisplayNameFailures('Acme Dental Group', BUSINESS), [
      { field: 'cnam.displayName', rule: 'must be at most 15 characters', code: CNAM_FORMAT },
    ]);
    assert.deepEqual(codes('Acme Dental Grp'), []);
  });

  test('starts with a letter', () => {
    assert.deepEqual(codes('1 Acme Dental'), [CNAM_FORMAT]);
    assert.deepEqual(codes(' Acme Dental'), [CNAM_FORMAT]);
    assert.match(cnamDisplayNameFailures('.Acme', BUSINESS)[0]!.rule, /must start with a letter/);
  });

  test('has only letters, digits, periods, commas and spaces', () => {
    for (const name of ['Acme & Dental', 'Acme-Dental', 'Acme_Dental', "Acme's", 'Acmé Dental', 'Acme!']) {
      assert.deepEqual(codes(name), [CNAM_FORMAT], name);
    }
    assert.deepEqual(codes('Acme Dental 24'), []);
  });

  test('breaks both format rules at once, each said', () => {
    assert.deepEqual(codes('1 Acme Dental Group!'), [CNAM_FORMAT, CNAM_FORMAT]);
  });

  test('has no prohibited content (11008), as a whole word in any case', () => {
    for (const [name, word] of [
      ['Acme Police', 'police'],
      ['FBI Dental', 'fbi'],
      ['medicare acme', 'medicare'],
      ['Acme IRS Help', 'irs'],
      ['Social Security', 'social security'],
    ] as const) {
      const failures = cnamDisplayNameFailures(name, BUSINESS);
      assert.deepEqual(
        failures.map((f) => f.code),
        [CNAM_PROHIBITED],
        name,
      );
      assert.match(failures[0]!.rule, new RegExp(`"${word}" impersonates an authority`), name);
    }
    // Inside another word it is not the word: "Firstate" holds no "irs".
    assert.deepEqual(codes('Firstate Dental', 'Firstate Dental LLC'), []);
  });

  test('is not generic (11008) when that is the whole name', () => {
    for (const name of ['Unknown', 'SALES', 'Support', 'Toll Free', 'Wireless Caller']) {
      const failures = cnamDisplayNameFailures(name, BUSINESS);
      assert.deepEqual(
        failures.map((f) => f.code),
        [CNAM_PROHIBITED],
        name,
      );
      assert.match(failures[0]!.rule, /must name the business, not be generic/);
    }
    assert.deepEqual(codes('Acme Sales', 'Acme Sales Inc'), []);
  });

  test('resembles the business name (11007)', () => {
    assert.deepEqual(codes('Globex'), [CNAM_NAME_MISMATCH]);
    assert.match(cnamDisplayNameFailures('Globex', BUSINESS)[0]!.rule, /must resemble the business name/);
    // Legal forms say nothing of which business it is.
    assert.deepEqual(codes('LLC Group', 'Acme LLC'), [CNAM_NAME_MISMATCH]);
  });

  test('names its field where the caller says it is', () => {
    assert.equal(cnamDisplayNameFailures('Globex', BUSINESS, 'row.cnam')[0]!.field, 'row.cnam');
  });
});

describe('resemblance to the business name', () => {
  test('a word of it', () => {
    assert.ok(resemblesBusinessName('Dental', BUSINESS));
    assert.ok(resemblesBusinessName('acme', BUSINESS));
  });

  test('the start of a word, three letters or more', () => {
    assert.ok(resemblesBusinessName('Acme Dent', BUSINESS));
    assert.ok(resemblesBusinessName('Acme Plumb', 'Acme Plumbing LLC'));
    assert.ok(resemblesBusinessName('Plu', 'Blue River Plumbing Inc'));
    assert.ok(!resemblesBusinessName('Pl', 'Blue River Plumbing Inc'));
  });

  test("the business's initials, without the legal forms", () => {
    assert.ok(resemblesBusinessName('ADG', BUSINESS));
    assert.ok(resemblesBusinessName('A.D.G.', BUSINESS));
    assert.ok(resemblesBusinessName('BRP', 'Blue River Plumbing Inc'));
    assert.ok(!resemblesBusinessName('ADGL', BUSINESS), 'LLC is no initial');
    // One letter is nobody's initials.
    assert.ok(!resemblesBusinessName('A', 'Acme LLC'));
  });

  test('neither', () => {
    assert.ok(!resemblesBusinessName('Globex', BUSINESS));
    assert.ok(!resemblesBusinessName('The Co', 'The Acme Co'));
  });
});

describe('the products a customer asks for', () => {
  const us = { businessName: BUSINESS, registrationIdentifier: 'EIN', usBusiness: true };
  const voiceIntegrity = { useCase: 'Customer Support' };

  test('nothing asked, nothing to refuse, whatever the registration', () => {
    assert.deepEqual(productFailures({}, { ...us, registrationIdentifier: null }), []);
  });

  test('EIN or DUNS in the US takes both', () => {
    assert.deepEqual(productFailures({ voiceIntegrity, cnam: { displayName: 'Acme Dental' } }, us), []);
    const duns = { ...us, registrationIdentifier: 'DUNS' };
    assert.deepEqual(productFailures({ voiceIntegrity, cnam: { displayName: 'Acme Dental' } }, duns), []);
  });

  test('a US profile registered by anything else is refused for each product asked (18609)', () => {
    const failures = productFailures(
      { voiceIntegrity, cnam: { displayName: 'Acme Dental' } },
      { ...us, registrationIdentifier: 'Other' },
    );
    assert.deepEqual(
      failures.map(({ field, code }) => ({ field, code })),
      [
        { field: 'voiceIntegrity', code: INELIGIBLE_REGISTRATION_AUTHORITY },
        { field: 'cnam', code: INELIGIBLE_REGISTRATION_AUTHORITY },
      ],
    );
    assert.match(failures[0]!.rule, /registered by EIN or DUNS \(this one: Other\)/);
    const none = productFailures({ voiceIntegrity }, { ...us, registrationIdentifier: null });
    assert.match(none[0]!.rule, /this one: none/);
  });

  test('outside the US the registration rule does not apply', () => {
    assert.deepEqual(
      productFailures({ voiceIntegrity }, { ...us, registrationIdentifier: 'Other', usBusiness: false }),
      [],
    );
  });

  test("the display name's rules, under the prefix", () => {
    const failures = productFailures({ cnam: { displayName: 'Globex' } }, us, 'corrections.');
    assert.deepEqual(
      failures.map((f) => [f.field, f.code]),
      [['corrections.cnam.displayName', CNAM_NAME_MISMATCH]],
    );
    assert.match(describeFailures(failures)[0]!, /^corrections\.cnam\.displayName must resemble/);
  });
});

describe('which numbers a product takes', () => {
  test('SHAKEN/STIR and Voice Integrity take every number', () => {
    for (const number of ['+14155550100', '+16135550100', '+18005550100', '+447700900123']) {
      assert.equal(numberIneligibility('shaken-stir', number), null);
      assert.equal(numberIneligibility('voice-integrity', number), null);
    }
  });

  test('CNAM takes US local numbers', () => {
    assert.equal(numberIneligibility('cnam', '+14155550100'), null);
    assert.equal(numberIneligibility('cnam', '+12125550100'), null);
  });

  test('CNAM does not take Canadian numbers', () => {
    for (const number of ['+16135550100', '+14165550100', '+16045550100', '+15145550100']) {
      assert.equal(numberIneligibility('cnam', number), 'CNAM takes US numbers only, not Canadian', number);
    }
  });

  test('CNAM does not take toll-free numbers', () => {
    for (const number of ['+18005550100', '+18335550100', '+18885550100']) {
      assert.equal(
        numberIneligibility('cnam', number),
        'CNAM takes local numbers only, not toll-free',
        number,
      );
    }
  });

  test('CNAM does not take numbers outside the NANP', () => {
    assert.equal(numberIneligibility('cnam', '+447700900123'), 'CNAM takes US numbers only');
    assert.equal(numberIneligibility('cnam', '+1415555010'), 'CNAM takes US numbers only', 'too short');
  });
});
