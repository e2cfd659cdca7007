/**
 * The callback policy (src/workflows/onboarding/inbox.ts) on its own: which of Twilio's status callbacks
 * are worth a read, and how many reads they may cause. The workflow tests show the same through the
 * whole stack; here each rule is one case, without a server.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CarriedState } from '../../../src/workflows/onboarding/carried.js';
import {
  CALLBACK_READS_PER_WINDOW,
  CALLBACK_READ_WINDOW_MS,
  Inbox,
} from '../../../src/workflows/onboarding/inbox.js';

const BUNDLE = `BU${'a'.repeat(32)}`;
const OTHER = `BU${'b'.repeat(32)}`;
const profile = (recorded?: string) => ({ recorded, addOn: false });

test('three callback reads per bundle in an hour; the fourth waits until the first leaves the window', () => {
  assert.equal(CALLBACK_READS_PER_WINDOW, 3);
  assert.equal(CALLBACK_READ_WINDOW_MS, 3_600_000);
  const carried: Pick<CarriedState, 'callbackReads'> = {};
  const inbox = new Inbox(carried);
  const start = Date.parse('2026-12-01T10:00:00Z');
  for (const minute of [0, 10, 20]) {
    assert.equal(inbox.msUntilCallbackRead(BUNDLE, start + minute * 60_000), 0, `read at +${minute} min`);
    inbox.noteCallbackRead(BUNDLE, start + minute * 60_000);
  }
  // The fourth, at +30 min, waits for the read at +0 to be an hour old.
  assert.equal(inbox.msUntilCallbackRead(BUNDLE, start + 30 * 60_000), 30 * 60_000);
  assert.equal(inbox.msUntilCallbackRead(BUNDLE, start + 60 * 60_000 + 1), 0);
  // Another bundle has its own budget.
  assert.equal(inbox.msUntilCallbackRead(OTHER, start + 30 * 60_000), 0);
  // The count is carried (a continued run keeps the bound), and only the window's reads are kept.
  inbox.noteCallbackRead(BUNDLE, start + 61 * 60_000);
  assert.deepEqual(carried.callbackReads?.[BUNDLE], [
    start + 10 * 60_000,
    start + 20 * 60_000,
    start + 61 * 60_000,
  ]);
});

test('a submission starts the bundle count afresh', () => {
  const inbox = new Inbox({});
  const now = Date.parse('2026-12-01T10:00:00Z');
  for (let i = 0; i < CALLBACK_READS_PER_WINDOW; i++) inbox.noteCallbackRead(BUNDLE, now);
  assert.ok(inbox.msUntilCallbackRead(BUNDLE, now) > 0);
  inbox.resetCallbackReads(BUNDLE);
  assert.equal(inbox.msUntilCallbackRead(BUNDLE, now), 0);
});

test('a callback repeating the status the record holds is dropped', () => {
  const inbox = new Inbox({});
  inbox.hint(BUNDLE, 'twilio-approved', profile('twilio-approved'));
  assert.equal(inbox.has(BUNDLE), false);
  assert.equal(inbox.arrived, false, 'nothing arrived that needs the serving loop');
  inbox.hint(BUNDLE, 'twilio-rejected', profile('twilio-approved'));
  assert.equal(inbox.take(BUNDLE), 'twilio-rejected');
  assert.equal(inbox.arrived, true);
  assert.equal(inbox.has(BUNDLE), false, 'taken out');
});

test('a decision is not overwritten by a late report of a step before it', () => {
  const inbox = new Inbox({});
  inbox.hint(BUNDLE, 'twilio-approved', profile('in-review'));
  inbox.hint(BUNDLE, 'pending-review', profile('in-review'));
  assert.equal(inbox.take(BUNDLE), 'twilio-approved');
});

test("an add-on's step on the way through vetting costs no read; the profile's still does", () => {
  const inbox = new Inbox({});
  inbox.hint(BUNDLE, 'in-review', { recorded: 'pending-review', addOn: true });
  assert.equal(inbox.has(BUNDLE), false);
  inbox.hint(BUNDLE, 'in-review', profile('pending-review'));
  assert.equal(inbox.has(BUNDLE), true);
});

test('a read answers a step on the way, not a decision; hints about bundles no longer held are dropped', () => {
  const inbox = new Inbox({});
  inbox.hint(BUNDLE, 'in-review', profile('draft'));
  inbox.hint(OTHER, 'twilio-rejected', profile('in-review'));
  inbox.read(BUNDLE);
  inbox.read(OTHER);
  assert.equal(inbox.has(BUNDLE), false);
  assert.equal(inbox.has(OTHER), true);
  inbox.keepOnly([BUNDLE]);
  assert.equal(inbox.size, 0);
  inbox.lookedAt();
  assert.equal(inbox.arrived, false);
});
