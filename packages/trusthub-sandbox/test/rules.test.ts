/**
 * Twilio's rules as the sandbox enforces them, seen through the real SDK: auth, 60711, submissions,
 * assignments, evaluations' codes, vetting rejection codes, paging across pages, unknown resources.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CUSTOMER_PROFILE_POLICY_SID, SHAKEN_STIR_POLICY_SID } from 'trusthub-sandbox';
import { createTwilioClient } from '../../../src/trusthub/client.js';
import { acmeCustomer } from '../../../test/support/customers.js';
import {
  createSecondaryProfile,
  restError,
  type SandboxHarness,
  startSandbox,
} from '../../../test/support/sandbox.js';

interface EvaluationResult {
  requirement_name: string;
  passed: boolean;
  error_code: number | null;
  invalid: { object_field: string; error_code: number }[];
}

describe('Trust Hub rules', () => {
  let h: SandboxHarness;

  before(async () => {
    h = await startSandbox({ vetting: 'manual', phoneNumbers: 12 });
  });

  after(async () => {
    await h.close();
    h.contract.assertNoViolations();
  });

  test('wrong credentials get 401 with code 20003; the seeded API key works', async () => {
    const wrong = createTwilioClient({
      accountSid: h.info.accountSid,
      authToken: 'f'.repeat(32),
      baseUrl: h.baseUrl,
    });
    const error = await restError(() => wrong.trusthub.v1.customerProfiles.list());
    assert.deepEqual([error.status, error.code], [401, 20003]);
    const keyed = createTwilioClient({
      accountSid: h.info.accountSid,
      apiKey: h.info.apiKeySid,
      apiSecret: h.info.apiKeySecret,
      baseUrl: h.baseUrl,
    });
    const profiles = await keyed.trusthub.v1.customerProfiles.list();
    assert.ok(profiles.some((p) => p.sid === h.info.primaryCustomerProfileSid));
  });

  test('a bundle in review or approved cannot be edited, assigned to or resubmitted (60711)', async () => {
    const sids = await createSecondaryProfile(h.client, h.info.primaryCustomerProfileSid, acmeCustomer());
    const profile = h.client.trusthub.v1.customerProfiles(sids.profileSid);
    await profile.update({ status: 'pending-review' });
    const extra = await h.client.trusthub.v1.endUsers.create({
      friendlyName: 'second representative',
      type: 'authorized_representative_2',
      attributes: acmeCustomer().representative,
    });
    for (const attempt of [
      () => profile.update({ friendlyName: 'renamed' }),
      () => profile.update({ status: 'pending-review' }),
      () => profile.customerProfilesEntityAssignments.create({ objectSid: extra.sid }),
      () => h.client.trusthub.v1.endUsers(sids.representativeSid).update({ attributes: { first_name: 'X' } }),
    ]) {
      const error = await restError(attempt);
      assert.deepEqual([error.status, error.code], [400, 60711], error.message);
    }
    await h.admin('POST', `/__sandbox/bundles/${sids.profileSid}/decide`, { outcome: 'approve' });
    const error = await restError(() => profile.update({ email: 'other@acme-widgets.com' }));
    assert.equal(error.code, 60711);
  });

  test('Status goes alone (with StatusCallback at most) and only to pending-review', async () => {
    const sids = await createSecondaryProfile(h.client, h.info.primaryCustomerProfileSid, acmeCustomer());
    const profile = h.client.trusthub.v1.customerProfiles(sids.profileSid);
    const combined = await restError(() =>
      profile.update({ status: 'pending-review', friendlyName: 'new name' }),
    );
    assert.deepEqual([combined.status, combined.code], [400, 20001]);
    const approve = await restError(() => profile.update({ status: 'twilio-approved' }));
    assert.deepEqual([approve.status, approve.code], [400, 20001]);
    assert.equal((await profile.fetch()).status, 'draft');
  });

  test('evaluations report what is missing or invalid, with field-level codes', async () => {
    const profile = await h.client.trusthub.v1.customerProfiles.create({
      friendlyName: 'incomplete',
      email: 'a@incomplete.example.com',
      policySid: CUSTOMER_PROFILE_POLICY_SID,
    });
    const bundle = h.client.trusthub.v1.customerProfiles(profile.sid);
    const empty = await bundle.customerProfilesEvaluations.create({ policySid: CUSTOMER_PROFILE_POLICY_SID });
    assert.equal(empty.status, 'noncompliant');
    const byName = (results: unknown) =>
      Object.fromEntries((results as EvaluationResult[]).map((r) => [r.requirement_name, r]));
    let results = byName(empty.results);
    assert.equal(results.customer_profile_business_information?.error_code, 22214);
    assert.ok(results.customer_profile_business_information?.invalid.every((i) => i.error_code === 22215));
    assert.equal(results.customer_profile_address?.error_code, 22216);
    assert.equal(results.customer_profile_address?.invalid[0]?.error_code, 22219);
    assert.equal(results.primary_customer_profile?.passed, false);
    assert.equal(results.authorized_representative_2?.passed, true, 'the second representative is optional');

    // A noncompliant bundle cannot be submitted; the error carries the first failing code.
    const submit = await restError(() => bundle.update({ status: 'pending-review' }));
    assert.deepEqual([submit.status, submit.code], [400, 22214]);

    // Present but invalid values are 22217; a document without an existing address is 22219.
    const info = await h.client.trusthub.v1.endUsers.create({
      friendlyName: 'bad info',
      type: 'customer_profile_business_information',
      attributes: {
        ...acmeCustomer().businessInformation,
        business_type: 'Empire',
        website_url: 'not a url',
      },
    });
    const document = await h.client.trusthub.v1.supportingDocuments.create({
      friendlyName: 'no address',
      type: 'customer_profile_address',
      attributes: { address_sids: 'AD00000000000000000000000000000000' },
    });
    await bundle.customerProfilesEntityAssignments.create({ objectSid: info.sid });
    await bundle.customerProfilesEntityAssignments.create({ objectSid: document.sid });
    const second = await bundle.customerProfilesEvaluations.create({
      policySid: CUSTOMER_PROFILE_POLICY_SID,
    });
    results = byName(second.results);
    const invalidInfo = results.customer_profile_business_information?.invalid ?? [];
    assert.deepEqual(invalidInfo.map((i) => [i.object_field, i.error_code]).sort(), [
      ['business_type', 22217],
      ['website_url', 22217],
    ]);
    assert.deepEqual(
      results.customer_profile_address?.invalid.map((i) => i.error_code),
      [22219],
    );
    const listed = await bundle.customerProfilesEvaluations.list();
    assert.equal(listed.length, 2);
  });

  test('assigning the same object twice is refused with 409 / 20409', async () => {
    const sids = await createSecondaryProfile(h.client, h.info.primaryCustomerProfileSid, acmeCustomer());
    const assignments = h.client.trusthub.v1.customerProfiles(
      sids.profileSid,
    ).customerProfilesEntityAssignments;
    for (const objectSid of [sids.businessInformationSid, h.info.primaryCustomerProfileSid]) {
      const error = await restError(() => assignments.create({ objectSid }));
      assert.deepEqual([error.status, error.code], [409, 20409]);
    }
    const endpoints = h.client.trusthub.v1.customerProfiles(
      sids.profileSid,
    ).customerProfilesChannelEndpointAssignment;
    const number = h.info.phoneNumbers[5]!.sid;
    await endpoints.create({ channelEndpointType: 'phone-number', channelEndpointSid: number });
    const twice = await restError(() =>
      endpoints.create({ channelEndpointType: 'phone-number', channelEndpointSid: number }),
    );
    assert.deepEqual([twice.status, twice.code], [409, 20409]);
    assert.equal((await endpoints.list()).length, 1);
  });

  test('a number is on one customer profile at a time', async () => {
    const a = await createSecondaryProfile(h.client, h.info.primaryCustomerProfileSid, acmeCustomer());
    const b = await createSecondaryProfile(h.client, h.info.primaryCustomerProfileSid, acmeCustomer());
    const number = h.info.phoneNumbers[6]!.sid;
    await h.client.trusthub.v1
      .customerProfiles(a.profileSid)
      .customerProfilesChannelEndpointAssignment.create({
        channelEndpointType: 'phone-number',
        channelEndpointSid: number,
      });
    const error = await restError(() =>
      h.client.trusthub.v1.customerProfiles(b.profileSid).customerProfilesChannelEndpointAssignment.create({
        channelEndpointType: 'phone-number',
        channelEndpointSid: number,
      }),
    );
    assert.deepEqual([error.status, error.code], [409, 20409]);
    assert.match(error.message, new RegExp(a.profileSid));
  });

  test('a number joins the trust product only after it is on the linked secondary profile', async () => {
    const sids = await createSecondaryProfile(h.client, h.info.primaryCustomerProfileSid, acmeCustomer());
    const trustProduct = await h.client.trusthub.v1.trustProducts.create({
      friendlyName: 'tp',
      email: 'compliance@acme-widgets.com',
      policySid: SHAKEN_STIR_POLICY_SID,
    });
    const tp = h.client.trusthub.v1.trustProducts(trustProduct.sid);
    await tp.trustProductsEntityAssignments.create({ objectSid: sids.profileSid });
    const number = h.info.phoneNumbers[7]!.sid;
    const early = await restError(() =>
      tp.trustProductsChannelEndpointAssignment.create({
        channelEndpointType: 'phone-number',
        channelEndpointSid: number,
      }),
    );
    assert.deepEqual([early.status, early.code], [400, 20001]);
    await h.client.trusthub.v1
      .customerProfiles(sids.profileSid)
      .customerProfilesChannelEndpointAssignment.create({
        channelEndpointType: 'phone-number',
        channelEndpointSid: number,
      });
    const assigned = await tp.trustProductsChannelEndpointAssignment.create({
      channelEndpointType: 'phone-number',
      channelEndpointSid: number,
    });
    assert.equal(assigned.channelEndpointSid, number);
    // A draft secondary profile does not satisfy the SHAKEN/STIR policy yet.
    const evaluation = await tp.trustProductsEvaluations.create({ policySid: SHAKEN_STIR_POLICY_SID });
    assert.equal(evaluation.status, 'noncompliant');
    // The primary cannot stand in for the secondary.
    const primary = await restError(() =>
      tp.trustProductsEntityAssignments.create({ objectSid: h.info.primaryCustomerProfileSid }),
    );
    assert.equal(primary.code, 20001);
  });

  test('vetting rejects with 18604 and 18609 for an unverifiable representative and a non-EIN US business', async () => {
    const base = acmeCustomer();
    const sids = await createSecondaryProfile(
      h.client,
      h.info.primaryCustomerProfileSid,
      acmeCustomer({
        businessInformation: { ...base.businessInformation, business_registration_identifier: 'CBN' },
        representative: { ...base.representative, phone_number: '555-0123' },
      }),
    );
    const profile = h.client.trusthub.v1.customerProfiles(sids.profileSid);
    await profile.update({ status: 'pending-review' });
    await h.admin('POST', `/__sandbox/bundles/${sids.profileSid}/decide`, { outcome: 'rules' });
    const rejected = await profile.fetch();
    assert.equal(rejected.status, 'twilio-rejected');
    assert.deepEqual(
      (rejected.errors as { code: number }[]).map((e) => e.code),
      [18604, 18609],
    );
  });

  test('missing parameters are refused with 20001, and the contract check sees the invalid request', async () => {
    const response = await fetch(`${h.baseUrl}/v1/CustomerProfiles`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${h.info.accountSid}:${h.info.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ FriendlyName: 'no email, no policy' }).toString(),
    });
    const body = (await response.json()) as { code: number; status: number; message: string };
    assert.equal(response.status, 400);
    assert.equal(body.code, 20001);
    assert.match(body.message, /Email/);
    const violations = h.contract.takeViolations();
    assert.equal(violations.length, 1);
    assert.equal(violations[0]?.operationId, 'CreateCustomerProfile');
    assert.equal(violations[0]?.part, 'request');
  });

  test('unknown resources are 404 / 20404', async () => {
    const error = await restError(() => h.client.trusthub.v1.trustProducts(`BU${'0'.repeat(32)}`).fetch());
    assert.deepEqual([error.status, error.code], [404, 20404]);
    const address = await restError(() => h.client.addresses(`AD${'0'.repeat(32)}`).fetch());
    assert.deepEqual([address.status, address.code], [404, 20404]);
  });

  test('lists page through the SDK: more than 50 items, and small page sizes, on both APIs', async () => {
    const before = (await h.client.trusthub.v1.endUsers.list()).length;
    const created: string[] = [];
    for (let i = 0; i < 55; i += 1) {
      const endUser = await h.client.trusthub.v1.endUsers.create({
        friendlyName: `paging ${i}`,
        type: 'authorized_representative_1',
        attributes: {},
      });
      created.push(endUser.sid);
    }
    const all = await h.client.trusthub.v1.endUsers.list();
    assert.equal(all.length, before + 55, 'the default page size is 50: list() followed next_page_url');
    assert.deepEqual(
      all.slice(-55).map((u) => u.sid),
      created,
    );

    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      h.client.trusthub.v1.endUsers.each(
        {
          pageSize: 7,
          done: (error?: Error) => (error ? reject(error) : resolve()),
        },
        (u) => {
          seen.push(u.sid);
        },
      );
    });
    assert.deepEqual(
      seen,
      all.map((u) => u.sid),
    );

    const page = await h.client.trusthub.v1.endUsers.page({ pageSize: 10 });
    assert.equal(page.instances.length, 10);
    assert.ok(page.nextPageUrl?.startsWith(`${h.baseUrl}/v1/EndUsers?`), page.nextPageUrl);
    const next = await page.nextPage();
    assert.equal(next?.instances[0]?.sid, all[10]?.sid);

    const numbers = await h.client.incomingPhoneNumbers.list({ pageSize: 5 });
    assert.deepEqual(
      numbers.map((n) => n.sid),
      h.info.phoneNumbers.map((n) => n.sid),
    );
    const limited = await h.client.incomingPhoneNumbers.list({ pageSize: 5, limit: 7 });
    assert.equal(limited.length, 7);
  });
  test('admin: a forced next outcome is used once, fast-forward, then reset to the seeded world', async () => {
    await h.admin('PUT', '/__sandbox/vetting/mode', { mode: 'auto' });
    const sids = await createSecondaryProfile(h.client, h.info.primaryCustomerProfileSid, acmeCustomer());
    await h.admin('PUT', `/__sandbox/bundles/${sids.profileSid}/next-outcome`, {
      outcome: 'reject',
      codes: [18606],
    });
    const profile = h.client.trusthub.v1.customerProfiles(sids.profileSid);
    await profile.update({ status: 'pending-review' });
    const { steps } = await h.admin<{ steps: number }>('POST', '/__sandbox/vetting/fast-forward');
    assert.ok(steps >= 2, `pending-review → in-review → decision, got ${steps} steps`);
    const rejected = await profile.fetch();
    assert.equal(
      rejected.status,
      'twilio-rejected',
      'the forced outcome beats the rules, which would approve',
    );
    assert.deepEqual(
      (rejected.errors as { code: number }[]).map((e) => e.code),
      [18606],
    );
    // Used once: the resubmission is vetted on its merits (the rules approve this customer).
    await profile.update({ status: 'pending-review' });
    await h.admin('POST', '/__sandbox/vetting/fast-forward');
    assert.equal((await profile.fetch()).status, 'twilio-approved');

    await h.admin('POST', '/__sandbox/reset');
    const view = await h.admin<{ countsExcludingSeed: Record<string, number>; account: { sid: string } }>(
      'GET',
      '/__sandbox/state',
    );
    assert.equal(view.account.sid, h.info.accountSid);
    assert.ok(
      Object.values(view.countsExcludingSeed).every((n) => n === 0),
      JSON.stringify(view.countsExcludingSeed),
    );
    const gone = await restError(() => profile.fetch());
    assert.equal(gone.code, 20404);
    const primary = await h.client.trusthub.v1.customerProfiles(h.info.primaryCustomerProfileSid).fetch();
    assert.equal(primary.status, 'twilio-approved');
    await h.admin('PUT', '/__sandbox/vetting/mode', { mode: 'manual' });
  });
});
