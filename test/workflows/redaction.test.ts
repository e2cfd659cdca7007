/**
 * The one redaction of Twilio's words (src/workflows/redaction.ts): another customer's SID is taken out
 * however it is embedded, the customer's own stay readable, and ordinary words are left alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactSids, redactTexts, sidsNamedIn } from '../../src/workflows/redaction.js';

const HEX = '0123456789abcdef0123456789abcdef';
const FOREIGN = `BU${HEX}`;
const OWN = `BU${'a'.repeat(32)}`;
const own = new Set([OWN]);

test('another customer’s SID is redacted however it is embedded', () => {
  for (const [text, expected] of [
    [`assigned to ${FOREIGN}.`, "assigned to another customer's BU…."],
    [`bundle_${FOREIGN}`, "bundle_another customer's BU…"],
    [`${FOREIGN}_x`, "another customer's BU…_x"],
    [`(${FOREIGN})`, "(another customer's BU…)"],
    [`"${FOREIGN}"`, `"another customer's BU…"`],
    [
      `/v1/CustomerProfiles/${FOREIGN}/Evaluations`,
      "/v1/CustomerProfiles/another customer's BU…/Evaluations",
    ],
    [`BU${HEX.toUpperCase()} is taken`, "another customer's BU… is taken"],
    [`9${FOREIGN}9`, "9another customer's BU…9"],
  ] as const) {
    assert.equal(redactSids(text, own), expected, text);
  }
});

test('any Twilio SID prefix is redacted, not only BU', () => {
  for (const prefix of ['PN', 'IT', 'RD', 'AD', 'AC', 'CA', 'EL', 'RN', 'ZZ']) {
    assert.equal(redactSids(`x ${prefix}${HEX} y`, own), `x another customer's ${prefix}… y`, prefix);
  }
});

test("the customer's own SIDs stay readable, in either case of hex", () => {
  assert.equal(redactSids(`${OWN} is pending-review`, own), `${OWN} is pending-review`);
  assert.equal(
    redactSids(`BU${'A'.repeat(32)} is pending-review`, own),
    `BU${'A'.repeat(32)} is pending-review`,
  );
});

test('ordinary words, codes and numbers are left alone', () => {
  const text =
    'Twilio error 20409 (CONFLICT): DEADBEEF CAFEBABE ABCDEF is not a SID; +14155550100 neither; see https://www.twilio.com/docs/errors/20409';
  assert.equal(redactSids(text, own), text);
  // 31 hex digits after the prefix are not a SID.
  assert.equal(redactSids(`BU${HEX.slice(1)}`, own), `BU${HEX.slice(1)}`);
});

test('redactTexts redacts every text of a view, keeps identifiers, and trusts the SIDs it names', () => {
  const customerId = `profile-${FOREIGN}`;
  const view = {
    id: `onboarding-${customerId}`,
    customerId,
    customerProfile: { sid: OWN, errors: [{ code: 99999, meaning: `Conflicts with ${FOREIGN}` }] },
    resources: { representativeSids: [`IT${HEX}`] },
    problem: { message: `Twilio refused: ${FOREIGN}_x`, codes: [{ code: 1, meaning: `(${FOREIGN})` }] },
    timeline: [{ event: `customer-profile ${OWN}: draft`, detail: `IT${HEX} and _${FOREIGN}` }],
    compensation: [
      { kind: 'address', sid: `AD${HEX}`, outcome: 'failed', reason: `AD${HEX} used by RD${HEX}` },
    ],
    corrections: 0,
    warnings: null,
  };
  const redacted = redactTexts(view, []);
  assert.equal(redacted.id, view.id, 'identifiers are not text');
  assert.equal(redacted.customerId, customerId);
  assert.equal(redacted.customerProfile.errors[0]!.meaning, "Conflicts with another customer's BU…");
  assert.equal(redacted.problem.message, "Twilio refused: another customer's BU…_x");
  assert.equal(redacted.problem.codes[0]!.meaning, "(another customer's BU…)");
  assert.equal(redacted.timeline[0]!.event, view.timeline[0]!.event, 'its own profile, named in a SID field');
  assert.equal(redacted.timeline[0]!.detail, `IT${HEX} and _another customer's BU…`);
  assert.equal(redacted.compensation[0]!.reason, `AD${HEX} used by another customer's RD…`);
  assert.equal(redacted.warnings, null);
  assert.equal(view.problem.message, `Twilio refused: ${FOREIGN}_x`, 'the original is not changed');
  assert.deepEqual([...sidsNamedIn(view)].sort(), [`AD${HEX}`, OWN, `IT${HEX}`].sort());
});
