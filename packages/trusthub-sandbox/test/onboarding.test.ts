/**
 * The guide's whole call sequence through the real `twilio` SDK against the sandbox: every create,
 * assignment, evaluation, submission and the "Additional API calls" lists, through approval, and
 * through rejection → correction → resubmission → approval. Every request and response is validated
 * against Twilio's OpenAPI documents; status callbacks must pass `twilio.validateRequest`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CUSTOMER_PROFILE_POLICY_SID, SHAKEN_STIR_POLICY_SID } from 'trusthub-sandbox';
import { acmeCustomer } from '../../../test/support/customers.js';
import {
  type CallbackServer,
  createSecondaryProfile,
  type SandboxHarness,
  startCallbackServer,
  startSandbox,
} from '../../../test/support/sandbox.js';

const YEAR_MS = 365 * 24 * 3_600_000;

describe('guide call sequence against the sandbox', () => {
  let h: SandboxHarness;
  let callbacks: CallbackServer;

  before(async () => {
    h = await startSandbox({ vetting: 'manual' });
    callbacks = await startCallbackServer(() => h.info.authToken);
  });

  after(async () => {
    await h.close();
    await callbacks.close();
  });

  test('secondary profile and SHAKEN/STIR trust product, evaluated, submitted, approved', async () => {
    const client = h.client;
    const primary = h.info.primaryCustomerProfileSid;
    const sids = await createSecondaryProfile(client, primary, acmeCustomer(), callbacks.url);
    const profile = client.trusthub.v1.customerProfiles(sids.profileSid);

    // Step 7: look the number up by E.164, then assign it.
    const [number] = await client.incomingPhoneNumbers.list({
      phoneNumber: h.info.phoneNumbers[0]!.phoneNumber,
    });
    assert.ok(number, 'the seeded number is found by PhoneNumber');
    assert.equal(number.sid, h.info.phoneNumbers[0]!.sid);
    const fetchedNumber = await client.incomingPhoneNumbers(number.sid).fetch();
    assert.equal(fetchedNumber.phoneNumber, number.phoneNumber);
    await profile.customerProfilesChannelEndpointAssignment.create({
      channelEndpointType: 'phone-number',
      channelEndpointSid: number.sid,
    });

    // Step 8: evaluate, then submit with Status alone.
    const evaluation = await profile.customerProfilesEvaluations.create({
      policySid: CUSTOMER_PROFILE_POLICY_SID,
    });
    assert.equal(evaluation.status, 'compliant', JSON.stringify(evaluation.results));
    assert.ok((evaluation.results as { passed: boolean }[]).every((r) => r.passed));
    assert.equal((await profile.customerProfilesEvaluations(evaluation.sid).fetch()).sid, evaluation.sid);
    assert.equal((await profile.customerProfilesEvaluations.list()).length, 1);
    const submitted = await profile.update({ status: 'pending-review' });
    assert.equal(submitted.status, 'pending-review');

    // The guide's "Additional API calls".
    const addresses = await client.addresses.list({ limit: 20 });
    assert.ok(addresses.some((a) => a.sid === sids.addressSid));
    const documents = await client.trusthub.v1.supportingDocuments.list({ limit: 20 });
    assert.ok(documents.some((d) => d.sid === sids.documentSid));
    const endUsers = await client.trusthub.v1.endUsers.list({ limit: 20 });
    assert.ok(endUsers.some((u) => u.sid === sids.businessInformationSid));
    assert.ok(endUsers.some((u) => u.sid === sids.representativeSid));
    const numbers = await client.incomingPhoneNumbers.list({ limit: 20 });
    assert.equal(numbers.length, h.info.phoneNumbers.length);
    const endpoints = await profile.customerProfilesChannelEndpointAssignment.list({ limit: 20 });
    assert.deepEqual(
      endpoints.map((e) => e.channelEndpointSid),
      [number.sid],
    );
    const filtered = await profile.customerProfilesChannelEndpointAssignment.list({
      channelEndpointSid: number.sid,
    });
    assert.equal(filtered.length, 1);
    const entities = await profile.customerProfilesEntityAssignments.list();
    assert.equal(entities.length, 4);
    const profiles = await client.trusthub.v1.customerProfiles.list({ limit: 20 });
    assert.ok(profiles.some((p) => p.sid === sids.profileSid));
    const drafts = await client.trusthub.v1.customerProfiles.list({ status: 'draft' });
    assert.ok(!drafts.some((p) => p.sid === sids.profileSid), 'the Status filter applies');

    // Step 9: trust product, linked to the secondary profile, same number, evaluated, submitted.
    const trustProduct = await client.trusthub.v1.trustProducts.create({
      friendlyName: 'Acme Widgets SHAKEN/STIR',
      email: 'compliance@acme-widgets.com',
      policySid: SHAKEN_STIR_POLICY_SID,
    });
    const tp = client.trusthub.v1.trustProducts(trustProduct.sid);
    const link = await tp.trustProductsEntityAssignments.create({ objectSid: sids.profileSid });
    assert.equal(link.objectSid, sids.profileSid);
    assert.equal((await tp.trustProductsEntityAssignments(link.sid).fetch()).sid, link.sid);
    const tpNumber = await tp.trustProductsChannelEndpointAssignment.create({
      channelEndpointType: 'phone-number',
      channelEndpointSid: number.sid,
    });
    assert.equal(
      (await tp.trustProductsChannelEndpointAssignment(tpNumber.sid).fetch()).channelEndpointSid,
      number.sid,
    );
    const tpEvaluation = await tp.trustProductsEvaluations.create({ policySid: SHAKEN_STIR_POLICY_SID });
    assert.equal(tpEvaluation.status, 'compliant', JSON.stringify(tpEvaluation.results));
    const tpSubmitted = await tp.update({ status: 'pending-review', statusCallback: callbacks.url });
    assert.equal(tpSubmitted.status, 'pending-review');
    assert.equal(tpSubmitted.statusCallback, callbacks.url);
    const trustProducts = await client.trusthub.v1.trustProducts.list({ policySid: SHAKEN_STIR_POLICY_SID });
    assert.deepEqual(
      trustProducts.map((t) => t.sid),
      [trustProduct.sid],
    );

    // Manual vetting: the trust product waits for its profile, which an operator approves.
    await h.admin('POST', `/__sandbox/bundles/${sids.profileSid}/decide`, { outcome: 'approve' });
    await h.admin('POST', `/__sandbox/bundles/${trustProduct.sid}/decide`, { outcome: 'rules' });

    const approvedProfile = await profile.fetch();
    assert.equal(approvedProfile.status, 'twilio-approved');
    assert.equal(approvedProfile.errors, null);
    assert.ok(approvedProfile.validUntil);
    assert.ok(Math.abs(approvedProfile.validUntil.getTime() - (Date.now() + YEAR_MS)) < 60_000);
    const approvedTp = await tp.fetch();
    assert.equal(approvedTp.status, 'twilio-approved');

    await callbacks.waitFor(
      (received) => received.filter((r) => r.params.Status === 'twilio-approved').length === 2,
    );
    await h.sandbox.context.callbacks.idle();
    for (const bundleSid of [sids.profileSid, trustProduct.sid]) {
      const statuses = callbacks.received
        .filter((r) => r.params.BundleSid === bundleSid)
        .map((r) => r.params.Status);
      assert.deepEqual(statuses, ['pending-review', 'in-review', 'twilio-approved']);
    }
    for (const received of callbacks.received) {
      assert.ok(
        received.valid,
        `signature of ${JSON.stringify(received.params)} passes twilio.validateRequest`,
      );
      assert.equal(received.params.AccountSid, h.info.accountSid);
    }
  });

  test('rejection with errors, correction, resubmission, approval (automatic vetting)', async () => {
    await h.admin('PUT', '/__sandbox/vetting/mode', { mode: 'auto' });
    const client = h.client;
    const data = acmeCustomer({
      // The representative's email is not on acme-widgets.com (18606); 94105 is not a Texas ZIP (18603).
      representative: { ...acmeCustomer().representative, email: 'jane.doe@gmail.com' },
      address: { ...acmeCustomer().address, postalCode: '94105' },
    });
    const sids = await createSecondaryProfile(client, h.info.primaryCustomerProfileSid, data, callbacks.url);
    const profile = client.trusthub.v1.customerProfiles(sids.profileSid);
    await profile.update({ status: 'pending-review' });

    const isDecided = (status: string) => status === 'twilio-rejected' || status === 'twilio-approved';
    await callbacks.waitFor((r) =>
      r.some((c) => c.params.BundleSid === sids.profileSid && isDecided(c.params.Status!)),
    );
    const rejected = await profile.fetch();
    assert.equal(rejected.status, 'twilio-rejected');
    assert.deepEqual(
      (rejected.errors as { code: number }[]).map((e) => e.code),
      [18603, 18606],
    );
    const rejection = callbacks.received.find(
      (r) => r.params.BundleSid === sids.profileSid && r.params.Status === 'twilio-rejected',
    );
    assert.ok(rejection?.valid);
    assert.match(rejection.params.FailureReason ?? '', /18603.*18606/);

    // Correct the representative and the address, then resubmit: vetted again.
    await client.trusthub.v1
      .endUsers(sids.representativeSid)
      .update({ attributes: acmeCustomer().representative });
    await client.addresses(sids.addressSid).update({ postalCode: '78701' });
    const resubmitted = await profile.update({ status: 'pending-review' });
    assert.equal(resubmitted.status, 'pending-review');
    assert.equal(resubmitted.errors, null);
    await callbacks.waitFor((r) =>
      r.some((c) => c.params.BundleSid === sids.profileSid && c.params.Status === 'twilio-approved'),
    );
    const approved = await profile.fetch();
    assert.equal(approved.status, 'twilio-approved');
    const statuses = callbacks.received
      .filter((r) => r.params.BundleSid === sids.profileSid)
      .map((r) => r.params.Status);
    assert.deepEqual(statuses, [
      'pending-review',
      'in-review',
      'twilio-rejected',
      'pending-review',
      'in-review',
      'twilio-approved',
    ]);
    await h.admin('PUT', '/__sandbox/vetting/mode', { mode: 'manual' });
  });

  test('every request and response matched the official OpenAPI documents', () => {
    h.contract.assertNoViolations();
    assert.ok(h.contract.counts.responses > 40);
    for (const operation of [
      'CreateCustomerProfile',
      'CreateCustomerProfileEntityAssignment',
      'CreateAddress',
      'CreateSupportingDocument',
      'CreateEndUser',
      'CreateCustomerProfileChannelEndpointAssignment',
      'CreateCustomerProfileEvaluation',
      'UpdateCustomerProfile',
      'CreateTrustProduct',
      'CreateTrustProductEntityAssignment',
      'CreateTrustProductChannelEndpointAssignment',
      'CreateTrustProductEvaluation',
      'UpdateTrustProduct',
      'ListAddress',
      'ListSupportingDocument',
      'ListEndUser',
      'ListIncomingPhoneNumber',
      'ListCustomerProfileChannelEndpointAssignment',
      'ListCustomerProfile',
      'ListTrustProduct',
      'UpdateEndUser',
      'UpdateAddress',
    ]) {
      assert.ok(h.contract.operations.has(operation), `${operation} was exercised and validated`);
    }
  });
});
