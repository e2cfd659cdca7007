/**
 * The worker's start-up check of the ISV's primary profile, a plain function since it left the
 * activities: against the sandbox, through the real twilio SDK, and outside any activity.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { createTwilioClient } from '../../src/trusthub/client.js';
import { TrustHubFailureType } from '../../src/contract/failures.js';
import { checkPrimaryProfile, untilTwilioAnswers } from '../../src/trusthub/primary-profile.js';
import { acmeCustomer } from '../support/customers.js';
import { createSecondaryProfile } from '../support/sandbox.js';
import { useFreshHarness, type Harness } from '../activities/support.js';

describe('checkPrimaryProfile', () => {
  const harness = useFreshHarness();
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('approved primary ok; a draft or unknown profile is not, with the reason', async () => {
    assert.deepEqual(await checkPrimaryProfile(h.twilio, h.info.primaryCustomerProfileSid), {
      sid: h.info.primaryCustomerProfileSid,
      status: 'twilio-approved',
      ok: true,
      businessIdentity: 'isv_reseller_or_partner',
      // The seeded ISV has no SHAKEN/STIR trust product of its own: its customers start at C.
      trustProductApproved: false,
    });
    const draft = await h.createDraft('onb-cust-9-profile');
    const notApproved = await checkPrimaryProfile(h.twilio, draft.sid);
    assert.equal(notApproved.ok, false);
    assert.equal(notApproved.status, 'draft');
    assert.match(notApproved.problem ?? '', /not twilio-approved/);

    const missing = await checkPrimaryProfile(h.twilio, `BU${'0'.repeat(32)}`);
    assert.equal(missing.ok, false);
    assert.equal(missing.status, null);
    assert.match(missing.problem ?? '', /does not exist/);
  });

  it("an approved profile whose identity is not isv_reseller_or_partner cannot be the ISV's primary", async () => {
    // A customer's own profile (identity direct_customer), approved: what an ISV might paste by mistake.
    const sids = await createSecondaryProfile(h.twilio, h.info.primaryCustomerProfileSid, acmeCustomer());
    await h.twilio.trusthub.v1.customerProfiles(sids.profileSid).update({ status: 'pending-review' });
    await h.admin('POST', `/__sandbox/bundles/${sids.profileSid}/decide`, { outcome: 'approve' });
    const check = await checkPrimaryProfile(h.twilio, sids.profileSid);
    assert.equal(check.ok, false);
    assert.equal(check.businessIdentity, 'direct_customer');
    assert.match(check.problem ?? '', /not isv_reseller_or_partner \(twilio-node#965\)/);
  });

  it('a wrong auth token is thrown as a classified TwilioAuth failure', async () => {
    const wrong = createTwilioClient({
      accountSid: h.info.accountSid,
      authToken: 'f'.repeat(32),
      baseUrl: h.baseUrl,
    });
    await assert.rejects(
      checkPrimaryProfile(wrong, h.info.primaryCustomerProfileSid),
      (error: unknown) => error instanceof ApplicationFailure && error.type === TrustHubFailureType.Auth,
    );
  });
});

describe('untilTwilioAnswers', () => {
  const unavailable = () =>
    ApplicationFailure.create({ type: TrustHubFailureType.Unavailable, message: '503' });

  it('waits out TwilioUnavailable, and throws anything else at once', async () => {
    const retries: number[] = [];
    let calls = 0;
    const answer = await untilTwilioAnswers(
      () => (++calls < 2 ? Promise.reject(unavailable()) : Promise.resolve('ok')),
      (_reason, retryInMs) => retries.push(retryInMs),
    );
    assert.equal(answer, 'ok');
    assert.deepEqual(retries, [1_000]);

    const refused = ApplicationFailure.create({ type: TrustHubFailureType.Auth, message: '401' });
    await assert.rejects(
      untilTwilioAnswers(
        () => Promise.reject(refused),
        () => assert.fail('not retried'),
      ),
      (error) => error === refused,
    );
  });

  it('gives up once the next wait would pass its budget', async () => {
    await assert.rejects(
      untilTwilioAnswers(
        () => Promise.reject(unavailable()),
        () => assert.fail('no budget left'),
        500,
      ),
      (error: unknown) =>
        error instanceof ApplicationFailure && error.type === TrustHubFailureType.Unavailable,
    );
  });
});
