/**
 * Error classification end to end: the real twilio SDK's errors from the sandbox's faults become the
 * ApplicationFailures the workflow's retry policy relies on. Also phone-number resolution, updates and
 * deletes.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../src/activities/index.js';
import { businessInformationAttributes } from '../../src/trusthub/attributes.js';
import { createTwilioClient } from '../../src/trusthub/client.js';
import { AUTH_RETRY_DELAY } from '../../src/trusthub/errors.js';
import { TrustHubFailureType, twilioErrorDetails } from '../../src/contract/failures.js';
import { useFreshHarness, type Harness } from './support.js';
import {
  PLUMBING_EMAIL as EMAIL,
  plumbingAddress as address,
  plumbingBusiness as business,
} from '../support/customers.js';

function failureOf(type: string, check?: (failure: ApplicationFailure) => void) {
  return (error: unknown) => {
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
    assert.equal(error.type, type);
    check?.(error);
    return true;
  };
}

describe('failures from the sandbox', () => {
  const harness = useFreshHarness();
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('429 (20429) → retryable TwilioUnavailable, and nothing was created', async () => {
    await h.faults([{ kind: '429', count: 1, method: 'POST', path: '/v1/CustomerProfiles' }]);
    await assert.rejects(
      h.createDraft('onb-cust-1-profile'),
      failureOf(TrustHubFailureType.Unavailable, (failure) => {
        assert.equal(failure.nonRetryable, false);
        assert.equal(twilioErrorDetails(failure)?.status, 429);
        assert.equal(twilioErrorDetails(failure)?.code, 20429);
      }),
    );
    assert.equal((await h.state()).countsExcludingSeed.customerProfiles, 0);
    // The retry goes through.
    assert.match((await h.createDraft('onb-cust-1-profile')).sid, /^BU/);
  });

  it('500 → retryable TwilioUnavailable', async () => {
    await h.faults([{ kind: '500', count: 1, method: 'GET', path: '/v1/CustomerProfiles' }]);
    await assert.rejects(
      h.run(h.activities.fetchBundle, { kind: 'customer-profile', sid: h.info.primaryCustomerProfileSid }),
      failureOf(TrustHubFailureType.Unavailable, (failure) => {
        assert.equal(failure.nonRetryable, false);
        assert.equal(twilioErrorDetails(failure)?.status, 500);
      }),
    );
  });

  it('a connection dropped before an answer → retryable TwilioUnavailable', async () => {
    await h.faults([{ kind: 'drop', count: 1, path: '/v1/EndUsers' }]);
    await assert.rejects(
      h.run(h.activities.createEndUser, {
        friendlyName: 'onb-cust-1-business',
        type: 'customer_profile_business_information',
        attributes: businessInformationAttributes(business),
      }),
      failureOf(TrustHubFailureType.Unavailable, (failure) => {
        assert.equal(failure.nonRetryable, false);
        assert.equal(twilioErrorDetails(failure)?.status, null);
      }),
    );
  });

  it('a wrong auth token → TwilioAuth, retryable with a slow nextRetryDelay', async () => {
    const wrong = createActivities({
      twilio: createTwilioClient({
        accountSid: h.info.accountSid,
        authToken: 'f'.repeat(32),
        baseUrl: h.baseUrl,
      }),
    });
    await assert.rejects(
      h.run(wrong.fetchBundle, { kind: 'customer-profile', sid: h.info.primaryCustomerProfileSid }),
      failureOf(TrustHubFailureType.Auth, (failure) => {
        assert.equal(failure.nonRetryable, false);
        assert.equal(failure.nextRetryDelay, AUTH_RETRY_DELAY);
        assert.equal(twilioErrorDetails(failure)?.status, 401);
      }),
    );
  });

  it('a validation error → non-retryable TwilioRejected with Twilio’s code', async () => {
    await assert.rejects(
      h.run(h.activities.createBundle, {
        kind: 'customer-profile',
        friendlyName: 'onb-cust-2-profile',
        email: EMAIL,
        statusCallback: 'not a url',
      }),
      failureOf(TrustHubFailureType.Rejected, (failure) => {
        assert.equal(failure.nonRetryable, true);
        const details = twilioErrorDetails(failure);
        assert.equal(details?.status, 400);
        assert.equal(typeof details?.code, 'number');
        assert.match(details?.message ?? '', /StatusCallback/);
      }),
    );
  });

  describe('resolvePhoneNumbers', () => {
    it('resolves E.164 numbers and PN… SIDs the account owns, in order', async () => {
      const [first, second] = h.info.phoneNumbers;
      assert.ok(first && second);
      const refs = await h.run(h.activities.resolvePhoneNumbers, {
        numbers: [second.phoneNumber, first.sid],
      });
      assert.deepEqual(refs, [
        { input: second.phoneNumber, sid: second.sid, phoneNumber: second.phoneNumber },
        { input: first.sid, sid: first.sid, phoneNumber: first.phoneNumber },
      ]);
    });

    it('a number the account does not own → non-retryable PhoneNumberNotOwned naming its position', async () => {
      const owned = h.info.phoneNumbers[0]?.phoneNumber ?? assert.fail('seeded numbers');
      const stranger = '+12025550123';
      // A prefix of an owned number must not match it.
      const prefix = owned.slice(0, -1);
      const unknownSid = `PN${'a'.repeat(32)}`;
      await assert.rejects(
        h.run(h.activities.resolvePhoneNumbers, {
          numbers: [owned, stranger, prefix, unknownSid, 'call me'],
        }),
        failureOf(TrustHubFailureType.PhoneNumberNotOwned, (failure) => {
          assert.equal(failure.nonRetryable, true);
          assert.deepEqual(failure.details, [
            { position: 1, reason: 'not-owned' },
            { position: 2, reason: 'not-owned' },
            { position: 3, reason: 'not-owned' },
            { position: 4, reason: 'invalid' },
          ]);
          assert.match(failure.message, /#2 is not an incoming number/);
          assert.match(failure.message, /#5 is neither an E\.164 number nor a PN… SID/);
          // Neither the failure (logged by the worker, kept in history) nor the logs carry the numbers.
          assert.equal(JSON.stringify([failure.message, failure.details]).includes(stranger), false);
        }),
      );
      const logged = h.logger.text();
      assert.match(logged, /PhoneNumberNotOwned/);
      for (const number of [owned, stranger, prefix]) {
        assert.equal(logged.includes(number), false, `${number} is not logged`);
      }
    });
  });

  describe('updates', () => {
    it('updateAddress changes the address in place; a country change is refused without retry', async () => {
      const { sid } = await h.run(h.activities.createAddress, {
        friendlyName: 'onb-cust-3-address',
        address,
      });
      const corrected = { ...address, street: '1 Corrected Rd', streetSecondary: 'Suite 9' };
      assert.deepEqual(await h.run(h.activities.updateAddress, { sid, address: corrected }), { sid });
      const stored = (await h.state()).resources.addresses.find((a) => a.sid === sid) as
        { street?: string; streetSecondary?: string | null } | undefined;
      assert.equal(stored?.street, '1 Corrected Rd');
      assert.equal(stored?.streetSecondary, 'Suite 9');

      await assert.rejects(
        h.run(h.activities.updateAddress, { sid, address: { ...address, isoCountry: 'CA' } }),
        failureOf(TrustHubFailureType.AddressCountryChanged, (failure) =>
          assert.equal(failure.nonRetryable, true),
        ),
      );
    });

    it('updateEndUser replaces the attributes', async () => {
      const { sid } = await h.run(h.activities.createEndUser, {
        friendlyName: 'onb-cust-3-business',
        type: 'customer_profile_business_information',
        attributes: businessInformationAttributes(business),
      });
      const attributes = businessInformationAttributes({
        ...business,
        websiteUrl: 'https://acme.example.org',
      });
      assert.deepEqual(await h.run(h.activities.updateEndUser, { sid, attributes }), { sid });
      const stored = (await h.state()).resources.endUsers.find((u) => u.sid === sid) as
        { attributes?: Record<string, unknown> } | undefined;
      assert.equal(stored?.attributes?.website_url, 'https://acme.example.org');
    });
  });

  describe('deleteResource', () => {
    it('deletes each kind; deleting again counts as already deleted', async () => {
      const profile = await h.createDraft('onb-cust-4-profile');
      const product = await h.createDraft('onb-cust-4-product', 'trust-product');
      const { sid: addressSid } = await h.run(h.activities.createAddress, {
        friendlyName: 'onb-cust-4-address',
        address,
      });
      const document = await h.run(h.activities.createSupportingDocument, {
        friendlyName: 'onb-cust-4-doc',
        addressSid,
      });
      const endUser = await h.run(h.activities.createEndUser, {
        friendlyName: 'onb-cust-4-business',
        type: 'customer_profile_business_information',
        attributes: businessInformationAttributes(business),
      });
      const targets = [
        { kind: 'trust-product', sid: product.sid },
        { kind: 'end-user', sid: endUser.sid },
        { kind: 'supporting-document', sid: document.sid },
        { kind: 'address', sid: addressSid },
        { kind: 'customer-profile', sid: profile.sid },
      ] as const;
      for (const target of targets) {
        assert.deepEqual(await h.run(h.activities.deleteResource, target), {
          deleted: true,
          alreadyGone: false,
        });
        assert.deepEqual(await h.run(h.activities.deleteResource, target, 2), {
          deleted: true,
          alreadyGone: true,
        });
      }
      const { countsExcludingSeed } = await h.state();
      assert.equal(countsExcludingSeed.customerProfiles, 0);
      assert.equal(countsExcludingSeed.trustProducts, 0);
      assert.equal(countsExcludingSeed.endUsers, 0);
      assert.equal(countsExcludingSeed.supportingDocuments, 0);
      assert.equal(countsExcludingSeed.addresses, 0);
    });
  });
});
