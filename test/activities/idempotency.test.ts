/**
 * Every create is idempotent: the sandbox applies the create and then drops the connection instead of
 * answering ("lost response"); the retried attempt finds what the first one made.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { businessInformationAttributes, representativeAttributes } from '../../src/trusthub/attributes.js';
import { TrustHubFailureType } from '../../src/contract/failures.js';
import {
  ADDRESSES_PATH,
  CALLBACK,
  PERSONAL_DATA,
  loseNextResponse,
  useFreshHarness,
  type Harness,
} from './support.js';
import {
  PLUMBING_EMAIL as EMAIL,
  plumbingAddress as address,
  plumbingBusiness as business,
  plumbingRepresentative as representative,
} from '../support/customers.js';

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof ApplicationFailure &&
    error.type === TrustHubFailureType.Unavailable &&
    !error.nonRetryable
  );
}

describe('creates are idempotent across a lost response', () => {
  const harness = useFreshHarness();
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  for (const kind of ['customer-profile', 'trust-product'] as const) {
    it(`createBundle (${kind})`, async () => {
      const path = kind === 'customer-profile' ? '/v1/CustomerProfiles' : '/v1/TrustProducts';
      await h.faults([loseNextResponse(path)]);
      const input = { kind, friendlyName: `onb-cust-42-${kind}`, email: EMAIL, statusCallback: CALLBACK };

      await assert.rejects(h.run(h.activities.createBundle, input, 1), isUnavailable);
      const retried = await h.run(h.activities.createBundle, input, 2);

      const state = await h.state();
      const bundles =
        kind === 'customer-profile' ? state.resources.customerProfiles : state.resources.trustProducts;
      const created = bundles.filter((b) => b.friendlyName === input.friendlyName);
      assert.equal(created.length, 1);
      assert.equal(retried.sid, created[0]?.sid);
      assert.equal(retried.kind, kind);
      assert.equal(retried.status, 'draft');
      assert.equal(
        kind === 'customer-profile'
          ? state.countsExcludingSeed.customerProfiles
          : state.countsExcludingSeed.trustProducts,
        1,
      );
      // A third attempt (another lost response, say) still finds the same bundle.
      assert.equal((await h.run(h.activities.createBundle, input, 3)).sid, retried.sid);
      assert.equal(
        (await h.state()).countsExcludingSeed[
          kind === 'customer-profile' ? 'customerProfiles' : 'trustProducts'
        ],
        1,
      );
    });
  }

  it('createAddress', async () => {
    await h.faults([loseNextResponse(ADDRESSES_PATH)]);
    const input = { friendlyName: 'onb-cust-42-address', address };

    await assert.rejects(h.run(h.activities.createAddress, input, 1), isUnavailable);
    const retried = await h.run(h.activities.createAddress, input, 2);

    const state = await h.state();
    assert.equal(state.countsExcludingSeed.addresses, 1);
    const created = state.resources.addresses.filter((a) => a.friendlyName === input.friendlyName);
    assert.deepEqual(
      created.map((a) => a.sid),
      [retried.sid],
    );
  });

  it('createSupportingDocument', async () => {
    const { sid: addressSid } = await h.run(h.activities.createAddress, { friendlyName: 'onb-a', address });
    await h.faults([loseNextResponse('/v1/SupportingDocuments')]);
    const input = { friendlyName: 'onb-cust-42-address-doc', addressSid };

    await assert.rejects(h.run(h.activities.createSupportingDocument, input, 1), isUnavailable);
    const retried = await h.run(h.activities.createSupportingDocument, input, 2);

    const state = await h.state();
    assert.equal(state.countsExcludingSeed.supportingDocuments, 1);
    assert.equal(
      state.resources.supportingDocuments.find((d) => d.friendlyName === input.friendlyName)?.sid,
      retried.sid,
    );
  });

  it('createEndUser, matching friendly name and type', async () => {
    await h.faults([loseNextResponse('/v1/EndUsers')]);
    const input = {
      friendlyName: 'onb-cust-42-business',
      type: 'customer_profile_business_information' as const,
      attributes: businessInformationAttributes(business),
    };

    await assert.rejects(h.run(h.activities.createEndUser, input, 1), isUnavailable);
    const retried = await h.run(h.activities.createEndUser, input, 2);
    let state = await h.state();
    assert.equal(state.countsExcludingSeed.endUsers, 1);
    assert.equal(
      state.resources.endUsers.find((u) => u.friendlyName === input.friendlyName)?.sid,
      retried.sid,
    );

    // Same friendly name, other type: a different resource, not the one above.
    const rep = await h.run(
      h.activities.createEndUser,
      {
        friendlyName: input.friendlyName,
        type: 'authorized_representative_1',
        attributes: representativeAttributes(representative),
      },
      2,
    );
    assert.notEqual(rep.sid, retried.sid);
    state = await h.state();
    assert.equal(state.countsExcludingSeed.endUsers, 2);
  });

  it('a retry with nothing to find creates the resource', async () => {
    const made = await h.run(
      h.activities.createEndUser,
      {
        friendlyName: 'onb-cust-43-rep-1',
        type: 'authorized_representative_1',
        attributes: representativeAttributes(representative),
      },
      2,
    );
    assert.match(made.sid, /^IT/);
    assert.equal((await h.state()).countsExcludingSeed.endUsers, 1);
  });

  it('several resources with the name (an old bug): the oldest is returned, with a warning naming SIDs only', async () => {
    const input = {
      friendlyName: 'onb-cust-44-rep-1',
      type: 'authorized_representative_1' as const,
      attributes: representativeAttributes(representative),
    };
    const first = await h.run(h.activities.createEndUser, input, 1);
    const second = await h.run(h.activities.createEndUser, input, 1);
    assert.notEqual(first.sid, second.sid);

    const found = await h.run(h.activities.createEndUser, input, 2);
    assert.equal(found.sid, first.sid);
    const warning = h.logger.entries.find((e) => e.level === 'WARN');
    assert.ok(warning, 'a warning is logged');
    assert.deepEqual(warning.meta?.duplicates, [second.sid]);
    assert.equal(warning.meta?.kept, first.sid);
  });

  it('assignToBundle across a lost response, and when called twice', async () => {
    const profile = await h.createDraft('onb-cust-45-profile');
    const input = {
      kind: 'customer-profile' as const,
      bundleSid: profile.sid,
      objectSid: h.info.primaryCustomerProfileSid,
    };
    await h.faults([loseNextResponse(`/v1/CustomerProfiles/${profile.sid}/EntityAssignments`)]);

    await assert.rejects(h.run(h.activities.assignToBundle, input, 1), isUnavailable);
    const retried = await h.run(h.activities.assignToBundle, input, 2);
    const again = await h.run(h.activities.assignToBundle, input, 1);

    assert.equal(again.assignmentSid, retried.assignmentSid);
    const state = await h.state();
    assert.equal(state.countsExcludingSeed.entityAssignments, 1);
    assert.equal(state.resources.entityAssignments.at(-1)?.sid, retried.assignmentSid);
  });

  it('assignPhoneNumber across a lost response, and when called twice', async () => {
    const profile = await h.createDraft('onb-cust-46-profile');
    const phoneNumberSid = h.info.phoneNumbers[0]?.sid ?? assert.fail('the sandbox seeds phone numbers');
    const input = { kind: 'customer-profile' as const, bundleSid: profile.sid, phoneNumberSid };
    await h.faults([loseNextResponse(`/v1/CustomerProfiles/${profile.sid}/ChannelEndpointAssignments`)]);

    await assert.rejects(h.run(h.activities.assignPhoneNumber, input, 1), isUnavailable);
    const retried = await h.run(h.activities.assignPhoneNumber, input, 2);
    const again = await h.run(h.activities.assignPhoneNumber, input, 1);

    assert.equal(again.assignmentSid, retried.assignmentSid);
    assert.equal((await h.state()).countsExcludingSeed.channelEndpointAssignments, 1);
  });

  it('unassignFromBundle removes the assignment once and then reports nothing to remove', async () => {
    const profile = await h.createDraft('onb-cust-47-profile');
    const input = {
      kind: 'customer-profile' as const,
      bundleSid: profile.sid,
      objectSid: h.info.primaryCustomerProfileSid,
    };
    await h.run(h.activities.assignToBundle, input);
    assert.deepEqual(await h.run(h.activities.unassignFromBundle, input), { removed: true });
    assert.equal((await h.state()).countsExcludingSeed.entityAssignments, 0);
    assert.deepEqual(await h.run(h.activities.unassignFromBundle, input), { removed: false });
  });

  it('logs no personal data', async () => {
    const rep = { friendlyName: 'onb-cust-48-rep', type: 'authorized_representative_1' as const };
    await h.run(
      h.activities.createEndUser,
      { ...rep, attributes: representativeAttributes(representative) },
      2,
    );
    await h.run(h.activities.createAddress, { friendlyName: 'onb-cust-48-address', address }, 2);
    await h.createDraft('onb-cust-48-profile');
    assert.ok(h.logger.entries.length >= 3, 'the activities log what they do');
    const logged = h.logger.text();
    for (const value of PERSONAL_DATA)
      assert.equal(logged.includes(value), false, `the logs contain ${value}`);
  });
});
