/**
 * SANDBOX_STATE_FILE: a stopped and restarted sandbox keeps the same Twilio world — credentials,
 * resources — and resumes the vetting that was under way.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createTwilioClient } from '../../../src/trusthub/client.js';
import { acmeCustomer } from '../../../test/support/customers.js';
import { createSecondaryProfile, eventually, startSandbox } from '../../../test/support/sandbox.js';

describe('persistence', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'trusthub-sandbox-'));
  const stateFile = path.join(dir, 'state.json');
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('reload keeps account, resources and pending vetting, which resumes', async () => {
    const first = await startSandbox({ stateFile, profileReviewMs: 1_500, vetting: 'auto' });
    const sids = await createSecondaryProfile(
      first.client,
      first.info.primaryCustomerProfileSid,
      acmeCustomer(),
    );
    await first.client.trusthub.v1.customerProfiles(sids.profileSid).update({ status: 'pending-review' });
    first.contract.assertNoViolations();
    await first.close();

    const second = await startSandbox({ stateFile, profileReviewMs: 1_500, vetting: 'auto' });
    try {
      assert.equal(second.info.accountSid, first.info.accountSid);
      assert.equal(second.info.authToken, first.info.authToken);
      assert.equal(second.info.primaryCustomerProfileSid, first.info.primaryCustomerProfileSid);
      assert.deepEqual(second.info.phoneNumbers, first.info.phoneNumbers);
      // The old credentials work against the new process (new port).
      const client = createTwilioClient({
        accountSid: first.info.accountSid,
        authToken: first.info.authToken,
        baseUrl: second.baseUrl,
      });
      const profile = await client.trusthub.v1.customerProfiles(sids.profileSid).fetch();
      assert.ok(['pending-review', 'in-review'].includes(profile.status), profile.status);
      assert.equal(
        (await client.trusthub.v1.endUsers(sids.representativeSid).fetch()).type,
        'authorized_representative_1',
      );
      const approved = await eventually(async () => {
        const current = await client.trusthub.v1.customerProfiles(sids.profileSid).fetch();
        return current.status === 'twilio-approved' ? current : undefined;
      }, 5_000);
      assert.ok(approved.validUntil);
      second.contract.assertNoViolations();
    } finally {
      await second.close();
    }
  });
});
