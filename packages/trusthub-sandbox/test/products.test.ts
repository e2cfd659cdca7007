/**
 * Voice Integrity and CNAM trust products through the real SDK: their policies, their end users'
 * attribute checks, their evaluations, each vetting rule and its Twilio code, the admin route's
 * judgement, CNAM's number eligibility and their status callbacks. Every exchange is checked against
 * Twilio's OpenAPI documents.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CNAM_POLICY_SID, SHAKEN_STIR_POLICY_SID, VOICE_INTEGRITY_POLICY_SID } from 'trusthub-sandbox';
import { acmeCustomer } from '../../../test/support/customers.js';
import { createSecondaryProfile, eventually, restError } from '../../../test/support/sandbox.js';
import {
  approvedProfile,
  cnamInformation,
  submitAndDecide,
  trustProduct,
  voiceIntegrityInformation,
  useSandboxWithCallbacks,
} from './products-fixtures.js';

const YEAR_MS = 365 * 24 * 3_600_000;

interface PolicyRequirements {
  end_user: { name: string; type: string; requirement_name: string; fields: string[] }[];
  supporting_document: unknown[];
  supporting_customer_profiles: { type: string; requirement_name: string }[];
}

interface EvaluationResult {
  requirement_name: string;
  passed: boolean;
  error_code: number | null;
  invalid: { object_field: string; error_code: number }[];
}

const byRequirement = (results: unknown) =>
  Object.fromEntries((results as EvaluationResult[]).map((r) => [r.requirement_name, r]));

describe('Voice Integrity and CNAM trust products', () => {
  const harness = useSandboxWithCallbacks(12);
  // Numbers are handed out once each: a number is on one customer profile at a time.
  let nextNumber = 0;
  const number = () => harness.h.info.phoneNumbers[nextNumber++]!.sid;

  test('both policies publish an end user and the secondary profile as requirements', async () => {
    const expected = [
      {
        sid: VOICE_INTEGRITY_POLICY_SID,
        friendlyName: 'Voice Integrity',
        type: 'voice_integrity_information',
        fields: ['use_case', 'business_employee_count', 'average_business_day_call_volume', 'notes'],
      },
      { sid: CNAM_POLICY_SID, friendlyName: 'CNAM', type: 'cnam_information', fields: ['cnam_display_name'] },
    ];
    for (const policy of expected) {
      const fetched = await harness.h.client.trusthub.v1.policies(policy.sid).fetch();
      assert.equal(fetched.friendlyName, policy.friendlyName);
      const requirements = fetched.requirements as PolicyRequirements;
      assert.deepEqual(
        requirements.end_user.map((u) => [u.type, u.requirement_name, u.fields]),
        [[policy.type, policy.type, policy.fields]],
      );
      assert.ok(requirements.end_user[0]?.name);
      assert.deepEqual(requirements.supporting_document.flat(), []);
      assert.deepEqual(
        requirements.supporting_customer_profiles.map((p) => p.type),
        ['secondary_customer_profile_type_business'],
      );
      const type = await harness.h.client.trusthub.v1.endUserTypes(policy.type).fetch();
      assert.equal(type.machineName, policy.type);
    }
    const listed = await harness.h.client.trusthub.v1.policies.list();
    assert.ok(listed.some((p) => p.sid === VOICE_INTEGRITY_POLICY_SID));
    assert.ok(listed.some((p) => p.sid === CNAM_POLICY_SID));
  });

  test('their end users are checked on create and update: 400 / 20001 for a malformed value', async () => {
    const endUsers = harness.h.client.trusthub.v1.endUsers;
    const create = (spec: { type: string; attributes: Record<string, unknown> }) =>
      endUsers.create({ friendlyName: 'checked', ...spec });
    for (const bad of [
      { use_case: 'appointment reminders' },
      { use_case: 'Appointment  Reminders' },
      { business_employee_count: '0' },
      { business_employee_count: '12.5' },
      { average_business_day_call_volume: 400 },
    ]) {
      const error = await restError(() => create(voiceIntegrityInformation(bad)));
      assert.deepEqual([error.status, error.code], [400, 20001], JSON.stringify(bad));
    }
    const nonString = await restError(() =>
      create({ type: 'cnam_information', attributes: { cnam_display_name: 7 } }),
    );
    assert.deepEqual([nonString.status, nonString.code], [400, 20001]);

    const good = await create(voiceIntegrityInformation());
    const update = await restError(() =>
      endUsers(good.sid).update({
        attributes: { ...voiceIntegrityInformation().attributes, use_case: 'Spam' },
      }),
    );
    assert.deepEqual([update.status, update.code], [400, 20001]);
    // Missing fields are left to the evaluation (22215), and a display name's format to vetting (11009).
    await create({ type: 'voice_integrity_information', attributes: { use_case: 'Surveys' } });
    await create(cnamInformation('1-800 FLOWERS!!'));
  });

  test('evaluation: 22214 for a missing end user or profile, 22215 for missing fields, 11005 / 11006 for an unapproved profile', async () => {
    const empty = await trustProduct(harness.h, { policySid: VOICE_INTEGRITY_POLICY_SID });
    const tp = harness.h.client.trusthub.v1.trustProducts(empty);
    let results = byRequirement(
      (await tp.trustProductsEvaluations.create({ policySid: VOICE_INTEGRITY_POLICY_SID })).results,
    );
    assert.equal(results.voice_integrity_information?.error_code, 22214);
    assert.equal(results.customer_profile?.error_code, 22214);

    const partial = await harness.h.client.trusthub.v1.endUsers.create({
      friendlyName: 'partial',
      type: 'voice_integrity_information',
      attributes: { use_case: 'Customer Support' },
    });
    await tp.trustProductsEntityAssignments.create({ objectSid: partial.sid });
    const { profileSid: draftProfile } = await createSecondaryProfile(
      harness.h.client,
      harness.h.info.primaryCustomerProfileSid,
      acmeCustomer(),
    );
    await tp.trustProductsEntityAssignments.create({ objectSid: draftProfile });
    const evaluation = await tp.trustProductsEvaluations.create({ policySid: VOICE_INTEGRITY_POLICY_SID });
    assert.equal(evaluation.status, 'noncompliant');
    results = byRequirement(evaluation.results);
    assert.deepEqual(
      results.voice_integrity_information?.invalid.map((i) => [i.object_field, i.error_code]),
      [
        ['business_employee_count', 22215],
        ['average_business_day_call_volume', 22215],
      ],
      'notes is optional',
    );
    assert.equal(results.customer_profile?.error_code, 11005, 'a draft profile is not approved');
    const submit = await restError(() => tp.update({ status: 'pending-review' }));
    assert.deepEqual([submit.status, submit.code], [400, 22215]);

    const cnam = await trustProduct(harness.h, {
      policySid: CNAM_POLICY_SID,
      endUser: cnamInformation('Acme Widgets'),
      profileSid: draftProfile,
    });
    const cnamTp = harness.h.client.trusthub.v1.trustProducts(cnam);
    results = byRequirement(
      (await cnamTp.trustProductsEvaluations.create({ policySid: CNAM_POLICY_SID })).results,
    );
    assert.equal(results.cnam_information?.passed, true);
    assert.equal(results.customer_profile?.error_code, 11006);
    const cnamSubmit = await restError(() => cnamTp.update({ status: 'pending-review' }));
    assert.deepEqual([cnamSubmit.status, cnamSubmit.code], [400, 11006]);
  });

  test('Voice Integrity is approved a year out, its numbers beside SHAKEN/STIR, and its status callbacks fire', async () => {
    const numbers = [number(), number()];
    const profileSid = await approvedProfile(harness.h, numbers);
    const shakenStir = await trustProduct(harness.h, {
      policySid: SHAKEN_STIR_POLICY_SID,
      profileSid,
      numberSids: numbers,
    });
    const sid = await trustProduct(harness.h, {
      policySid: VOICE_INTEGRITY_POLICY_SID,
      endUser: voiceIntegrityInformation(),
      profileSid,
      numberSids: numbers,
      statusCallback: harness.callbacks.url,
    });
    const evaluation = await harness.h.client.trusthub.v1
      .trustProducts(sid)
      .trustProductsEvaluations.create({ policySid: VOICE_INTEGRITY_POLICY_SID });
    assert.equal(evaluation.status, 'compliant', JSON.stringify(evaluation.results));
    const verdict = await submitAndDecide(harness.h, sid);
    assert.deepEqual([verdict.status, verdict.codes], ['twilio-approved', []]);
    const ahead = (verdict.validUntil?.getTime() ?? 0) - Date.now();
    assert.ok(Math.abs(ahead - YEAR_MS) < 60_000, `valid_until ${verdict.validUntil?.toISOString()}`);
    assert.deepEqual((await submitAndDecide(harness.h, shakenStir)).status, 'twilio-approved');

    await harness.callbacks.waitFor(
      (received) => received.filter((r) => r.params.BundleSid === sid).length >= 3,
    );
    const mine = harness.callbacks.received.filter((r) => r.params.BundleSid === sid);
    assert.deepEqual(
      mine.map((r) => r.params.Status),
      ['pending-review', 'in-review', 'twilio-approved'],
    );
    assert.ok(mine.every((r) => r.valid && r.params.AccountSid === harness.h.info.accountSid));
  });

  test('vetting rejects with 11005 / 11006 when the profile is no longer approved at decision time', async () => {
    const profileSid = await approvedProfile(harness.h);
    const voice = await trustProduct(harness.h, {
      policySid: VOICE_INTEGRITY_POLICY_SID,
      endUser: voiceIntegrityInformation(),
      profileSid,
    });
    const cnam = await trustProduct(harness.h, {
      policySid: CNAM_POLICY_SID,
      endUser: cnamInformation('Acme Widgets'),
      profileSid,
    });
    for (const sid of [voice, cnam])
      await harness.h.client.trusthub.v1.trustProducts(sid).update({ status: 'pending-review' });
    // The profile's approval lapses while both are in review.
    await harness.h.admin('PUT', `/__sandbox/bundles/${profileSid}/valid-until`, {
      validUntil: new Date(Date.now() - 1_000).toISOString(),
    });
    await eventually(async () => {
      const profile = await harness.h.client.trusthub.v1.customerProfiles(profileSid).fetch();
      return profile.status === 'twilio-rejected' ? true : undefined;
    });
    for (const [sid, code] of [
      [voice, 11005],
      [cnam, 11006],
    ] as const) {
      await harness.h.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome: 'rules' });
      const fetched = await harness.h.client.trusthub.v1.trustProducts(sid).fetch();
      assert.equal(fetched.status, 'twilio-rejected');
      assert.deepEqual(
        (fetched.errors as { code: number; message: string }[]).map((e) => e.code),
        [code],
      );
    }
  });

  test('vetting rejects with 18609 a US profile registered by neither EIN nor DUNS', async () => {
    const base = acmeCustomer();
    // Twilio's reviewers approved it (the admin route forces it past the profile's own 18609).
    const profileSid = await approvedProfile(harness.h, [], {
      data: acmeCustomer({
        businessInformation: { ...base.businessInformation, business_registration_identifier: 'CBN' },
      }),
      outcome: 'approve',
    });
    const voice = await trustProduct(harness.h, {
      policySid: VOICE_INTEGRITY_POLICY_SID,
      endUser: voiceIntegrityInformation(),
      profileSid,
    });
    assert.deepEqual((await submitAndDecide(harness.h, voice)).codes, [18609]);
    const cnam = await trustProduct(harness.h, {
      policySid: CNAM_POLICY_SID,
      endUser: cnamInformation('Acme Widgets'),
      profileSid,
    });
    assert.deepEqual((await submitAndDecide(harness.h, cnam)).codes, [18609]);
  });

  test('CNAM display names: 11008 prohibited term, 11007 not the business, 11009 format; words or initials pass', async () => {
    // The business name is "Acme Widgets LLC".
    const profileSid = await approvedProfile(harness.h);
    const cases: [string, string, number[]][] = [
      ['Acme Police', 'twilio-rejected', [11008]],
      ['acme social  security administration', 'twilio-rejected', [11008, 11009]],
      ['Zeta Corp', 'twilio-rejected', [11007]],
      ['Acme Widgets Limited', 'twilio-rejected', [11009]],
      ['1 Acme', 'twilio-rejected', [11009]],
      ['Acme-Widgets', 'twilio-rejected', [11009]],
      ['Acme Widgets', 'twilio-approved', []],
      ['WIDGETS, ACME', 'twilio-approved', []],
      ['A.W.L.', 'twilio-approved', []],
      ['First Acme', 'twilio-approved', []],
    ];
    for (const [displayName, status, codes] of cases) {
      const sid = await trustProduct(harness.h, {
        policySid: CNAM_POLICY_SID,
        endUser: cnamInformation(displayName),
        profileSid,
      });
      const verdict = await submitAndDecide(harness.h, sid);
      assert.deepEqual([verdict.status, verdict.codes], [status, codes], displayName);
    }
  });

  test('the admin route rejects with the codes a reviewer chooses', async () => {
    const profileSid = await approvedProfile(harness.h);
    const sid = await trustProduct(harness.h, {
      policySid: CNAM_POLICY_SID,
      endUser: cnamInformation('Acme Widgets'),
      profileSid,
    });
    const verdict = await submitAndDecide(harness.h, sid, { outcome: 'reject', codes: [11007] });
    assert.deepEqual([verdict.status, verdict.codes], ['twilio-rejected', [11007]]);
    const fetched = await harness.h.client.trusthub.v1.trustProducts(sid).fetch();
    assert.match((fetched.errors as { message: string }[])[0]?.message ?? '', /does not match/);
  });

  test('CNAM takes only US standard local numbers already on the linked profile', async () => {
    const added: string[] = [];
    for (const phoneNumber of ['+18885550100', '+14165550100', '+442071838750']) {
      const { sid } = await harness.h.admin<{ sid: string }>('POST', '/__sandbox/phone-numbers', {
        phoneNumber,
      });
      added.push(sid);
    }
    const tollFree = await harness.h.client.incomingPhoneNumbers(added[0]!).fetch();
    assert.equal(tollFree.type, 'toll-free');
    const local = number();
    const elsewhere = number();
    const profileSid = await approvedProfile(harness.h, [...added, local]);
    const sid = await trustProduct(harness.h, {
      policySid: CNAM_POLICY_SID,
      endUser: cnamInformation('Acme Widgets'),
      profileSid,
    });
    const endpoints = harness.h.client.trusthub.v1.trustProducts(sid).trustProductsChannelEndpointAssignment;
    const assign = (channelEndpointSid: string) =>
      endpoints.create({ channelEndpointType: 'phone-number', channelEndpointSid });
    for (const [numberSid, reason] of [
      [added[0]!, /toll-free/],
      [added[1]!, /Canadian/],
      [added[2]!, /US \(\+1\)/],
      [elsewhere, /must first be assigned to the secondary customer profile/],
    ] as const) {
      const error = await restError(() => assign(numberSid));
      assert.deepEqual([error.status, error.code], [400, 20001], error.message);
      assert.match(error.message, reason);
    }
    await assign(local);
    // Voice Integrity has no such limit; another CNAM trust product cannot take the same number.
    await trustProduct(harness.h, {
      policySid: VOICE_INTEGRITY_POLICY_SID,
      endUser: voiceIntegrityInformation(),
      profileSid,
      numberSids: [added[0]!, local],
    });
    const second = await trustProduct(harness.h, { policySid: CNAM_POLICY_SID, profileSid });
    const twice = await restError(() =>
      harness.h.client.trusthub.v1.trustProducts(second).trustProductsChannelEndpointAssignment.create({
        channelEndpointType: 'phone-number',
        channelEndpointSid: local,
      }),
    );
    assert.deepEqual([twice.status, twice.code], [409, 20409]);
  });
});
