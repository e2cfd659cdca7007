/**
 * The state a run hands to the next (src/workflows/onboarding/carried.ts): what older code handed over
 * is read into this code's shape.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CarriedByOlderCode } from '../../src/workflows/onboarding/carried.js';
import { readCarried } from '../../src/workflows/onboarding/state.js';

test("older code's carried numbers are read into one shape, by bundle SID", () => {
  const older = {
    view: {
      resources: { customerProfileSid: 'BUprofile', trustProductSid: 'BUproduct', representativeSids: [] },
    },
    linked: { BUprofile: ['ITbusiness'], 'BUprofile:numbers': ['PN1', 'PN2'] },
    phoneNumbersOnTrustProduct: ['PN1'],
    revision: 1,
  } as unknown as CarriedByOlderCode;
  const carried = readCarried(older);
  assert.deepEqual(carried.numbers, { BUprofile: ['PN1', 'PN2'], BUproduct: ['PN1'] });
  assert.deepEqual(carried.linked, { BUprofile: ['ITbusiness'] });
  assert.ok(!('phoneNumbersOnTrustProduct' in carried));
  // What this code hands over is read as it is.
  assert.equal(readCarried(carried), carried);
});
