/**
 * Personal data a correction replaced does not stay at Twilio: a second representative the ISV drops,
 * and an address whose country changed with the document that pointed at it, are deleted once unlinked,
 * and the timeline says so by kind and SID. What Twilio refuses to delete while something still holds it
 * is tried again later (after the next vetting decision, at the serving loop's approval checks). On the
 * time-skipping server with the real stack (test/support/stack.ts); vetting is manual.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { bundleStatusChanged, submitCorrections } from '../../src/contract/messages.js';
import type {
  OnboardingView,
  AuthorizedRepresentative,
  OnboardingRequest,
  PostalAddress,
} from '../../src/contract/types.js';
import { CUSTOMER_PROFILE_POLICY_SID } from 'trusthub-sandbox';

import { businessInformationAttributes, representativeAttributes } from '../../src/trusthub/attributes.js';

import { onboardingRequest } from '../support/customers.js';
import { createSecondaryProfile } from '../support/sandbox.js';
import { useStack } from '../support/stack.js';

import { recordHistory } from '../support/histories.js';

const DELETED = 'personal data deleted at Twilio';
const KEPT = 'personal data kept at Twilio for now';

const secondRepresentative: AuthorizedRepresentative = {
  firstName: 'Sam',
  lastName: 'Okafor',
  email: 'sam.okafor@acmedental.com',
  phoneNumber: '+14155550124',
  businessTitle: 'Chief Financial Officer',
  jobPosition: 'CFO',
};

const torontoAddress: PostalAddress = {
  customerName: 'Acme Dental Group LLC',
  street: '100 King St W',
  city: 'Toronto',
  region: 'ON',
  postalCode: 'M5X 1A9',
  isoCountry: 'CA',
};

describe('replaced personal data is deleted at Twilio (time-skipping server)', { timeout: 300_000 }, () => {
  let numbers: { sid: string; phoneNumber: string }[];

  const stack = useStack({ temporal: 'time-skipping', sandbox: { phoneNumbers: 4 } });
  before(async () => {
    numbers = stack.info.phoneNumbers;
  });

  const start = (request: OnboardingRequest) => stack.startRun(request);
  const decide = (sid: string, outcome: 'approve' | 'reject', codes?: number[]) =>
    stack.admin('POST', `/__sandbox/bundles/${sid}/decide`, { outcome, ...(codes ? { codes } : {}) });

  /** What the sandbox holds under these SIDs, read through the twilio SDK: false once it answers 404. */
  const atTwilio = async (sids: { endUser?: string; document?: string; address?: string }) => {
    const v1 = stack.twilio.trusthub.v1;
    const exists = (fetch: () => Promise<unknown>) =>
      fetch().then(
        () => true,
        (error: { status?: number }) => {
          if (error.status === 404) return false;
          throw error;
        },
      );
    return {
      ...(sids.endUser ? { endUser: await exists(() => v1.endUsers(sids.endUser!).fetch()) } : {}),
      ...(sids.document
        ? { document: await exists(() => v1.supportingDocuments(sids.document!).fetch()) }
        : {}),
      ...(sids.address ? { address: await exists(() => stack.twilio.addresses(sids.address!).fetch()) } : {}),
    };
  };
  const entries = (view: OnboardingView, event: string) =>
    view.timeline.filter((e) => e.event === event).map((e) => e.detail);

  /** Another bundle of the account that holds one of the onboarding's items, as the ISV might in the Console. */
  const holdOnAnotherBundle = async (objectSid: string) => {
    const v1 = stack.twilio.trusthub.v1;
    const holder = await v1.customerProfiles.create({
      friendlyName: `holder of ${objectSid}`,
      email: 'compliance@acmedental.com',
      policySid: CUSTOMER_PROFILE_POLICY_SID,
    });
    const assignments = v1.customerProfiles(holder.sid).customerProfilesEntityAssignments;
    const assignment = await assignments.create({ objectSid });
    return {
      release: () =>
        v1.customerProfiles(holder.sid).customerProfilesEntityAssignments(assignment.sid).remove(),
    };
  };

  test('a rejection corrected by dropping the second representative and moving the address abroad leaves none of the old data at Twilio', async () => {
    const request = onboardingRequest('replaced', [numbers[0]!.phoneNumber]);
    request.authorizedRepresentatives.push(secondRepresentative);
    const handle = await start(request);
    let view = await stack.waitFor(
      handle.workflowId,
      (v) => v.step === 'waiting-for-customer-profile-vetting',
    );
    const [, representative2] = view.resources.representativeSids;
    const { supportingDocumentSid: document, addressSid: address } = view.resources;
    assert.ok(representative2 && document && address);

    await decide(view.customerProfile!.sid, 'reject', [18603, 18605]);
    view = await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    assert.deepEqual(
      view.problem?.codes.map((c) => c.code),
      [18603, 18605],
    );

    view = await handle.executeUpdate(submitCorrections, {
      args: [{ authorizedRepresentatives: [request.authorizedRepresentatives[0]!], address: torontoAddress }],
    });
    assert.equal(view.step, 'waiting-for-customer-profile-vetting');
    assert.equal(view.resources.representativeSids.length, 1);
    assert.notEqual(view.resources.addressSid, address, 'a new address');
    assert.notEqual(view.resources.supportingDocumentSid, document, 'a new document');
    assert.deepEqual(await atTwilio({ endUser: representative2, document, address }), {
      endUser: false,
      document: false,
      address: false,
    });
    // Each deletion is on the timeline, by kind and SID only; the document went before its address.
    assert.deepEqual(entries(view, DELETED), [
      `end-user ${representative2}`,
      `supporting-document ${document}`,
      `address ${address}`,
    ]);
    assert.deepEqual(entries(view, KEPT), []);
    const current = await stack.twilio.addresses(view.resources.addressSid!).fetch();
    assert.equal(current.isoCountry, 'CA');

    await decide(view.customerProfile!.sid, 'approve');
    view = await stack.waitFor(handle.workflowId, (v) => v.step === 'waiting-for-trust-product-vetting');
    await decide(view.trustProduct!.sid, 'approve');
    view = await stack.waitFor(handle.workflowId, (v) => v.status === 'completed');
    assert.equal(view.phoneNumbers[0]!.attestation, 'A');
    await recordHistory(stack.env.client, '1.0-replaced-personal-data-deleted', handle.workflowId);
  });

  test('a document and address Twilio refuses to delete while another bundle holds the document go after the next vetting decision', async () => {
    const handle = await start(onboardingRequest('held-document', [numbers[1]!.phoneNumber]));
    let view = await stack.waitFor(
      handle.workflowId,
      (v) => v.step === 'waiting-for-customer-profile-vetting',
    );
    const { supportingDocumentSid: document, addressSid: address } = view.resources;
    assert.ok(document && address);
    const hold = await holdOnAnotherBundle(document);

    await decide(view.customerProfile!.sid, 'reject', [18603]);
    await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    view = await handle.executeUpdate(submitCorrections, { args: [{ address: torontoAddress }] });
    assert.equal(
      view.step,
      'waiting-for-customer-profile-vetting',
      'the refusal did not stop the onboarding',
    );
    assert.equal(view.status, 'running');
    assert.deepEqual(await atTwilio({ document, address }), { document: true, address: true });
    assert.deepEqual(entries(view, DELETED), []);
    assert.deepEqual(entries(view, KEPT), [
      `supporting-document ${document}: Twilio refused (HTTP 409, code 20409); tried again later`,
      `address ${address}: Twilio refused (HTTP 409, code 20409); tried again later`,
    ]);

    // The other bundle lets go; Twilio's next decision brings the onboarding back, and the deletes are retried.
    await hold.release();
    await decide(view.customerProfile!.sid, 'reject', [18603]);
    view = await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    assert.deepEqual(await atTwilio({ document, address }), { document: false, address: false });
    assert.deepEqual(entries(view, DELETED), [`supporting-document ${document}`, `address ${address}`]);
    assert.equal(entries(view, KEPT).length, 2, 'a refusal is noted once');
    await recordHistory(stack.env.client, '1.0-personal-data-deletion-retried', handle.workflowId);
    await handle.cancel();
  });

  test("what was adopted is the customer's own: replaced, it is unlinked and never deleted", async () => {
    const request = onboardingRequest('adopted-kept', [numbers[3]!.phoneNumber]);
    request.authorizedRepresentatives.push(secondRepresentative);
    // The customer's own draft profile, holding exactly what the request says.
    const v1 = stack.twilio.trusthub.v1;
    const own = await createSecondaryProfile(stack.twilio, stack.info.primaryCustomerProfileSid, {
      email: request.email,
      businessInformation: { ...businessInformationAttributes(request.business) },
      representative: { ...representativeAttributes(request.authorizedRepresentatives[0]!) },
      address: request.address,
    });
    const ownRepresentative2 = await v1.endUsers.create({
      friendlyName: 'their second representative',
      type: 'authorized_representative_2',
      attributes: representativeAttributes(secondRepresentative),
    });
    await v1.customerProfiles(own.profileSid).customerProfilesEntityAssignments.create({
      objectSid: ownRepresentative2.sid,
    });
    const handle = await start({ ...request, customerProfileSid: own.profileSid });
    let view = await stack.waitFor(
      handle.workflowId,
      (v) => v.step === 'waiting-for-customer-profile-vetting',
    );
    assert.deepEqual(view.resources.representativeSids, [own.representativeSid, ownRepresentative2.sid]);
    assert.equal(view.resources.addressSid, own.addressSid);

    await decide(own.profileSid, 'reject', [18603, 18605]);
    // Their profile calls back nowhere (no StatusCallback of ours on it): say what the poll would find.
    await handle.signal(bundleStatusChanged, { bundleSid: own.profileSid, status: 'twilio-rejected' });
    await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    view = await handle.executeUpdate(submitCorrections, {
      args: [{ authorizedRepresentatives: [request.authorizedRepresentatives[0]!], address: torontoAddress }],
    });
    assert.equal(view.step, 'waiting-for-customer-profile-vetting');
    assert.notEqual(view.resources.addressSid, own.addressSid, 'a new address of its own');
    assert.deepEqual(
      await atTwilio({ endUser: ownRepresentative2.sid, document: own.documentSid, address: own.addressSid }),
      { endUser: true, document: true, address: true },
    );
    assert.deepEqual(entries(view, DELETED), []);
    assert.deepEqual(entries(view, KEPT), []);
    await handle.cancel();
  });

  test('a dropped representative Twilio refuses to delete is deleted at an approval check once serving', async () => {
    const request = onboardingRequest('held-representative', [numbers[2]!.phoneNumber]);
    // Off the website's domain: caught before submission, and the ISV drops the representative.
    request.authorizedRepresentatives.push({ ...secondRepresentative, email: 'sam.okafor@gmail.com' });
    const handle = await start(request);
    let view = await stack.waitFor(handle.workflowId, (v) => v.status === 'action-required');
    assert.equal(view.problem?.kind, 'pre-check');
    const representative2 = view.resources.representativeSids[1]!;
    const hold = await holdOnAnotherBundle(representative2);

    view = await handle.executeUpdate(submitCorrections, {
      args: [{ authorizedRepresentatives: [request.authorizedRepresentatives[0]!] }],
    });
    assert.equal(view.step, 'waiting-for-customer-profile-vetting');
    assert.deepEqual(entries(view, KEPT), [
      `end-user ${representative2}: Twilio refused (HTTP 409, code 20409); tried again later`,
    ]);
    view = await stack.approveBoth(handle.workflowId);
    view = await stack.waitFor(handle.workflowId, (v) => v.step === 'serving');
    assert.deepEqual(await atTwilio({ endUser: representative2 }), { endUser: true });

    await hold.release();
    // The serving loop's weekly re-check of the approvals (a callback repeating the approval would be
    // dropped: the workflow knows it already).
    await stack.env.sleep(8 * 24 * 3_600_000);
    view = await stack.waitFor(handle.workflowId, (v) => entries(v, DELETED).length > 0);
    assert.deepEqual(entries(view, DELETED), [`end-user ${representative2}`]);
    assert.deepEqual(await atTwilio({ endUser: representative2 }), { endUser: false });
    assert.equal(view.status, 'completed');
    await handle.cancel();
  });
});
