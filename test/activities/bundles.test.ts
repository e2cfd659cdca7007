/**
 * A secondary customer profile and its SHAKEN/STIR trust product built through the activities against
 * the sandbox: evaluation results, idempotent submission, Twilio's 60711 as a non-retryable failure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { businessInformationAttributes, representativeAttributes } from '../../src/trusthub/attributes.js';
import { TrustHubFailureType, twilioErrorDetails } from '../../src/contract/failures.js';
import {
  acmeCustomer,
  plumbingAddress as address,
  plumbingBusiness as business,
  plumbingRepresentative as representative,
} from '../support/customers.js';
import { createSecondaryProfile } from '../support/sandbox.js';
import { loseNextResponse, startHarness, type Harness } from './support.js';

describe('bundle activities against the sandbox', () => {
  let h: Harness;
  let profileSid: string;
  let trustProductSid: string;
  let phoneNumberSid: string;

  before(async () => {
    h = await startHarness();
    phoneNumberSid = h.info.phoneNumbers[0]?.sid ?? assert.fail('the sandbox seeds phone numbers');
  });
  after(async () => {
    await h.close();
  });

  it('evaluates an empty profile as noncompliant with field-level failures', async () => {
    const profile = await h.createDraft('onb-cust-7-profile');
    profileSid = profile.sid;
    assert.match(profileSid, /^BU/);
    assert.deepEqual({ status: profile.status, errors: profile.errors }, { status: 'draft', errors: [] });

    const evaluation = await h.run(h.activities.evaluateBundle, {
      kind: 'customer-profile',
      sid: profileSid,
    });
    assert.equal(evaluation.status, 'noncompliant');
    // One entry per absent end user, document or profile, not one per field of something absent.
    assert.deepEqual(
      evaluation.failures.map((f) => [f.requirement, f.errorCode]),
      [
        ['Business Information', 22214],
        ['Authorized Representative 1', 22214],
        ['Physical Business Address', 22216],
        ['Primary Customer Profile Bundle', 22214],
      ],
    );
    for (const failure of evaluation.failures) {
      assert.ok(failure.requirement.length > 0);
      assert.ok(failure.reason.length > 0);
    }
  });

  it('assembles the profile and evaluates it as compliant', async () => {
    const kind = 'customer-profile' as const;
    const assign = (objectSid: string) =>
      h.run(h.activities.assignToBundle, { kind, bundleSid: profileSid, objectSid });

    await assign(h.info.primaryCustomerProfileSid);
    const { sid: addressSid } = await h.run(h.activities.createAddress, {
      friendlyName: 'onb-cust-7-address',
      address,
    });
    const document = await h.run(h.activities.createSupportingDocument, {
      friendlyName: 'onb-cust-7-address-doc',
      addressSid,
    });
    await assign(document.sid);
    const info = await h.run(h.activities.createEndUser, {
      friendlyName: 'onb-cust-7-business',
      type: 'customer_profile_business_information',
      attributes: businessInformationAttributes(business),
    });
    await assign(info.sid);
    const rep = await h.run(h.activities.createEndUser, {
      friendlyName: 'onb-cust-7-rep-1',
      type: 'authorized_representative_1',
      attributes: representativeAttributes(representative),
    });
    await assign(rep.sid);
    await h.run(h.activities.assignPhoneNumber, { kind, bundleSid: profileSid, phoneNumberSid });

    const evaluation = await h.run(h.activities.evaluateBundle, { kind, sid: profileSid });
    assert.deepEqual(evaluation.failures, []);
    assert.equal(evaluation.status, 'compliant');
    assert.match(evaluation.sid, /^EL/);
  });

  it('submits once, and a retry after the lost response returns the submitted bundle', async () => {
    await h.faults([loseNextResponse(`/v1/CustomerProfiles/${profileSid}`, true)]);
    await assert.rejects(
      h.run(h.activities.submitBundle, { kind: 'customer-profile', sid: profileSid }, 1),
      (error: unknown) =>
        error instanceof ApplicationFailure && error.type === TrustHubFailureType.Unavailable,
    );
    const retried = await h.run(h.activities.submitBundle, { kind: 'customer-profile', sid: profileSid }, 2);
    assert.equal(retried.status, 'pending-review');
    const fetched = await h.run(h.activities.fetchBundle, { kind: 'customer-profile', sid: profileSid });
    assert.equal(fetched.status, 'pending-review');
  });

  it('editing a submitted bundle fails without retry, carrying 60711 in the details', async () => {
    await assert.rejects(
      h.run(h.activities.updateBundleEmail, {
        kind: 'customer-profile',
        sid: profileSid,
        email: 'ops@acme-plumbing.example.com',
      }),
      (error: unknown) => {
        assert.ok(error instanceof ApplicationFailure);
        assert.equal(error.type, TrustHubFailureType.Rejected);
        assert.equal(error.nonRetryable, true);
        const details = twilioErrorDetails(error);
        assert.equal(details?.code, 60711);
        assert.equal(details?.status, 400);
        assert.ok(details?.message);
        return true;
      },
    );
  });

  it('updates the email of a draft bundle', async () => {
    const draft = await h.createDraft('onb-cust-8-profile');
    const updated = await h.run(h.activities.updateBundleEmail, {
      kind: 'customer-profile',
      sid: draft.sid,
      email: 'ops@acme-plumbing.example.com',
    });
    assert.equal(updated.sid, draft.sid);
    const state = await h.state();
    const stored = state.resources.customerProfiles.find((b) => b.sid === draft.sid) as
      { email?: string } | undefined;
    assert.equal(stored?.email, 'ops@acme-plumbing.example.com');
  });

  it('builds the trust product once the profile is approved', async () => {
    const decided = await fetch(`${h.baseUrl}/__sandbox/bundles/${profileSid}/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'approve' }),
    });
    assert.equal(decided.status, 200);
    assert.equal(
      (await h.run(h.activities.fetchBundle, { kind: 'customer-profile', sid: profileSid })).status,
      'twilio-approved',
    );

    const product = await h.createDraft('onb-cust-7-shaken-stir', 'trust-product');
    trustProductSid = product.sid;
    const kind = 'trust-product' as const;
    await h.run(h.activities.assignToBundle, { kind, bundleSid: trustProductSid, objectSid: profileSid });
    await h.run(h.activities.assignPhoneNumber, { kind, bundleSid: trustProductSid, phoneNumberSid });
    const evaluation = await h.run(h.activities.evaluateBundle, { kind, sid: trustProductSid });
    assert.deepEqual(evaluation, { sid: evaluation.sid, status: 'compliant', failures: [] });

    const submitted = await h.run(h.activities.submitBundle, { kind, sid: trustProductSid });
    assert.equal(submitted.status, 'pending-review');
    // Submitting again (a retry whose first answer arrived after all) changes nothing and does not fail.
    assert.equal(
      (await h.run(h.activities.submitBundle, { kind, sid: trustProductSid }, 2)).status,
      'pending-review',
    );
  });

  it('shows the rejection codes of a rejected bundle with their meanings', async () => {
    const decided = await fetch(`${h.baseUrl}/__sandbox/bundles/${trustProductSid}/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'reject', codes: [18606] }),
    });
    assert.equal(decided.status, 200);
    const rejected = await h.run(h.activities.fetchBundle, { kind: 'trust-product', sid: trustProductSid });
    assert.equal(rejected.status, 'twilio-rejected');
    assert.deepEqual(
      rejected.errors.map((e) => e.code),
      [18606],
    );
    assert.match(rejected.errors[0]?.meaning ?? '', /domain/);
  });
});

describe('describeCustomerProfile reads the identity a vetting team compares', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  it("the profile's email, its business information's website, and its address document's address", async () => {
    const profile = await createSecondaryProfile(h.twilio, h.info.primaryCustomerProfileSid, acmeCustomer());
    const read = await h.run(h.activities.describeCustomerProfile, { sid: profile.profileSid });
    assert.equal(read.email, 'compliance@acme-widgets.com');
    assert.deepEqual(read.business, {
      name: 'Acme Widgets LLC',
      registrationNumber: '12-3456789',
      registrationIdentifier: 'EIN',
      websiteUrl: 'https://www.acme-widgets.com',
    });
    // GET /2010-04-01/Accounts/{AC}/Addresses/{AD}.json, behind the customer_profile_address document.
    assert.deepEqual(read.address, { isoCountry: 'US', region: 'TX', postalCode: '78701' });
    // Read to compare in the workflow (encrypted history), never logged.
    const logged = JSON.stringify(h.logger.entries);
    assert.doesNotMatch(logged, /acme-widgets|78701|12-3456789/);
  });
});
