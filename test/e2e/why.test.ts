/**
 * The why of every problem, where the ISV and its operators look (issue 27): the remedy, the request
 * paths to change (JSON pointers beside Twilio's names) and the call that applies it, in GET
 * /v1/onboardings/:id, in the Web UI's current details, and, in brief, in GET /v1/onboardings. A
 * rejection, an evaluation, a taken number (another customer of this service's, or outside it) and a
 * refused adoption, against the sandbox on the dev server (real visibility, which the list and the
 * number's owner are read from).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ADOPTION_REFUSED_MESSAGE } from '../../src/contract/messages.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import type { OnboardingView } from '../../src/contract/types.js';
import { CUSTOMER_PROFILE_POLICY_SID } from 'trusthub-sandbox';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';
import { recordHistory } from '../support/histories.js';
import { cli } from '../support/cli.js';

interface Listed {
  onboardings: { id: string; problem: string | null }[];
}

describe('the why of every problem, in the view, the Web UI and the list', { timeout: 600_000 }, () => {
  let numbers: { sid: string; phoneNumber: string }[];
  const stack = useStack({ temporal: 'dev', sandbox: { phoneNumbers: 8 } });
  before(() => {
    numbers = stack.info.phoneNumbers;
  });

  const post = async (payload: object, url = '/v1/onboardings') => {
    const reply = await stack.api.inject({ method: 'POST', url, payload });
    return { status: reply.statusCode, text: reply.body };
  };
  /** GET /v1/onboardings/:id as the ISV reads it. */
  const get = async (id: string) => {
    const reply = await stack.api.inject({ method: 'GET', url: `/v1/onboardings/${id}` });
    assert.equal(reply.statusCode, 200, reply.body);
    return reply.json<OnboardingView>();
  };
  /** What the Web UI shows as the run's current details. */
  const currentDetails = async (id: string) =>
    (
      await stack.env.client.workflow
        .getHandle(id)
        .query<{ currentDetails?: string }>('__temporal_workflow_metadata')
    ).currentDetails ?? '';
  /** What `trusthub-onboarding status --status <status>` prints about `customerId`: its block. */
  const cliBlock = async (status: string, customerId: string) => {
    const run = await cli(['status', '--status', status, '--limit', '100'], { API_URL: stack.apiUrl });
    assert.equal(run.code, 0, run.stderr);
    const start = run.stdout.search(new RegExp(`^${customerId}  ${status}  `, 'm'));
    assert.ok(start >= 0, run.stdout);
    const rest = run.stdout.slice(start);
    // The block ends where the next customer's line (unindented) begins.
    const end = rest.search(/\n\S/);
    return end < 0 ? rest : rest.slice(0, end);
  };
  /** The CLI says what is wrong, the request paths and the remedy, as the view does. */
  const assertCliShows = async (status: string, view: OnboardingView) => {
    const block = await cliBlock(status, view.customerId);
    const problem = view.problem!;
    assert.ok(
      block.includes(`problem: ${[problem.kind, ...problem.codes.map((c) => c.code)].join(' ')}`),
      block,
    );
    assert.ok(block.includes(problem.message), block);
    for (const field of problem.fields ?? []) assert.ok(block.includes(`change ${field.pointer}`), block);
    assert.ok(block.includes(`remedy: ${problem.remedy}`), block);
    return block;
  };
  /** GET /v1/onboardings' item for `id` once visibility shows `problem` (it is eventually consistent). */
  async function listedProblem(id: string, expected: string | null): Promise<string | null | undefined> {
    let problem: string | null | undefined;
    for (let tries = 0; tries < 100; tries += 1) {
      const reply = await stack.api.inject({ method: 'GET', url: '/v1/onboardings?limit=100' });
      problem = reply.json<Listed>().onboardings.find((o) => o.id === id)?.problem;
      if (problem === expected) return problem;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return problem;
  }

  test('a rejection (18601) names the remedy, the fields and the PATCH, in the view, the details and the list', async () => {
    const id = onboardingIdFor('why-rejected');
    assert.equal((await post(onboardingRequest('why-rejected', [numbers[0]!.phoneNumber]))).status, 202);
    const submitted = await stack.waitFor(id, (v) => v.customerProfile?.status === 'pending-review');
    await stack.admin('POST', `/__sandbox/bundles/${submitted.customerProfile!.sid}/decide`, {
      outcome: 'reject',
      codes: [18601],
    });
    await stack.waitFor(id, (v) => v.status === 'action-required');
    const { problem } = await get(id);
    assert.equal(problem?.kind, 'rejection');
    assert.match(problem.remedy ?? '', /legal name/);
    assert.deepEqual(problem.fields, [
      { pointer: '/business/name', twilio: 'customer_profile_business_information.business_name' },
      { pointer: '/business/websiteUrl', twilio: 'customer_profile_business_information.website_url' },
    ]);
    assert.deepEqual(problem.fix, { method: 'PATCH', path: `/v1/onboardings/${id}` });

    const details = await currentDetails(id);
    assert.match(details, /Remedy: .*legal name/);
    assert.match(
      details,
      /`\/business\/name` \(Twilio's customer_profile_business_information\.business_name\)/,
    );
    assert.ok(details.includes(`Fix: PATCH /v1/onboardings/${id}`), details);

    assert.equal(await listedProblem(id, 'rejection 18601'), 'rejection 18601');
  });

  test("an evaluation's failures carry the request's pointers beside Twilio's names", async () => {
    const id = onboardingIdFor('why-evaluation');
    const request = onboardingRequest('why-evaluation', [numbers[1]!.phoneNumber]);
    // Emails on the website's domain (the service's pre-check passes), but a domain without a dot:
    // Twilio's evaluation finds the website and the representative's email invalid. The API's schema
    // would refuse such emails, so the run is started as the API starts it, without the schema.
    request.business.websiteUrl = 'https://acmedental';
    request.email = 'compliance@acmedental';
    request.authorizedRepresentatives[0]!.email = 'dana.reyes@acmedental';
    await stack.startRun(request);
    await stack.waitFor(id, (v) => v.status === 'action-required');
    const { problem, latestEvaluation } = await get(id);
    assert.equal(problem?.kind, 'evaluation');
    const email = problem.failures.find((f) => f.objectType === 'authorized_representative_1');
    assert.equal(email?.field, 'email');
    assert.equal(email.pointer, '/authorizedRepresentatives/0/email');
    assert.deepEqual(problem.fields, [
      { pointer: '/business/websiteUrl', twilio: 'customer_profile_business_information.website_url' },
      { pointer: '/authorizedRepresentatives/0/email', twilio: 'authorized_representative_1.email' },
    ]);
    assert.equal(
      latestEvaluation?.failures.find((f) => f.field === 'email')?.pointer,
      '/authorizedRepresentatives/0/email',
    );
    assert.deepEqual(problem.fix, { method: 'PATCH', path: `/v1/onboardings/${id}` });
    assert.match(
      await currentDetails(id),
      /`\/authorizedRepresentatives\/0\/email` \(Twilio's authorized_representative_1\.email\)/,
    );
    assert.equal(await listedProblem(id, 'evaluation 22217'), 'evaluation 22217');
  });

  test('a number another customer of this service has says so, and never who', async () => {
    const owner = onboardingIdFor('why-owner');
    const taken = numbers[2]!;
    assert.equal((await post(onboardingRequest('why-owner', [taken.phoneNumber]))).status, 202);
    const ownerView = await stack.waitFor(owner, (v) => v.step === 'waiting-for-customer-profile-vetting');

    const id = onboardingIdFor('why-second');
    const request = onboardingRequest('why-second', [numbers[3]!.phoneNumber, taken.phoneNumber]);
    assert.equal((await post(request)).status, 202);
    await stack.waitFor(id, (v) => v.status === 'action-required');
    const view = await get(id);
    const { problem } = view;
    assert.equal(problem?.kind, 'phone-numbers');
    assert.match(problem.message, /another customer of this service/);
    assert.match(problem.remedy ?? '', /Another of your customers/);
    assert.deepEqual(
      problem.codes.map((c) => c.code),
      [20409],
    );
    assert.deepEqual(problem.fields, [
      { pointer: '/phoneNumbers/1', twilio: 'channel_endpoint_assignment.channel_endpoint_sid' },
    ]);
    assert.deepEqual(problem.fix, { method: 'PATCH', path: `/v1/onboardings/${id}` });
    const blocked = view.phoneNumbers.find((n) => n.sid === taken.sid);
    assert.match(blocked?.blockedBy ?? '', /another customer of this service \(20409\)/);
    assert.equal(
      view.phoneNumbers.find((n) => n.sid !== taken.sid)?.blockedBy,
      'customer profile not submitted yet',
    );
    // Never who: not the other customer's ID, nor its profile's SID, anywhere in what the ISV reads.
    const json = JSON.stringify(view) + (await currentDetails(id));
    assert.ok(!json.includes('why-owner'), json);
    assert.ok(!json.includes(ownerView.customerProfile!.sid), json);
    assert.ok(!json.includes("another customer's BU"), 'no garbled redaction either');
    assert.match(await currentDetails(id), /Another of your customers/);
    assert.equal(await listedProblem(id, 'phone-numbers 20409'), 'phone-numbers 20409');
    const block = await assertCliShows('action-required', view);
    assert.ok(!block.includes('why-owner'), block);
    await recordHistory(stack.env.client, '1.0-number-taken', id);
  });

  test('a number on a bundle the service did not make says it is outside this service', async () => {
    const outside = numbers[4]!;
    const profile = await stack.twilio.trusthub.v1.customerProfiles.create({
      friendlyName: 'made in the Console',
      email: 'ops@elsewhere.example',
      policySid: CUSTOMER_PROFILE_POLICY_SID,
    });
    await stack.twilio.trusthub.v1
      .customerProfiles(profile.sid)
      .customerProfilesChannelEndpointAssignment.create({
        channelEndpointType: 'phone-number',
        channelEndpointSid: outside.sid,
      });
    const id = onboardingIdFor('why-outside');
    assert.equal((await post(onboardingRequest('why-outside', [outside.phoneNumber]))).status, 202);
    await stack.waitFor(id, (v) => v.status === 'action-required');
    const view = await get(id);
    assert.equal(view.problem?.kind, 'phone-numbers');
    assert.match(view.problem.message, /outside this service/);
    assert.doesNotMatch(view.problem.message, /another customer/);
    assert.match(view.problem.remedy ?? '', /did not make/);
    assert.deepEqual(
      view.problem.fields?.map((f) => f.pointer),
      ['/phoneNumbers/0'],
    );
    assert.match(view.phoneNumbers[0]!.blockedBy ?? '', /outside this service/);
    assert.ok(!JSON.stringify(view).includes(profile.sid));
    assert.match(await assertCliShows('action-required', view), /outside this service/);
  });

  test("a refused adoption keeps its one 422 body; the run's view carries the remedy and the new start", async () => {
    const refusal = await post(
      {
        ...onboardingRequest('why-adoption', [numbers[5]!.phoneNumber]),
        customerProfileSid: stack.info.primaryCustomerProfileSid,
      },
      '/v1/adoptions',
    );
    assert.equal(refusal.status, 422, refusal.text);
    assert.deepEqual(JSON.parse(refusal.text), {
      error: { code: 'adoption_refused', message: ADOPTION_REFUSED_MESSAGE },
    });
    const id = onboardingIdFor('why-adoption');
    const view = await stack.waitFor(id, (v) => v.status === 'failed');
    assert.equal(view.problem?.kind, 'adoption');
    assert.match(view.problem.remedy ?? '', /without customerProfileSid/);
    assert.deepEqual(view.problem.fix, { method: 'POST', path: '/v1/onboardings' });
    assert.equal(await listedProblem(id, 'adoption'), 'adoption');
    assert.match(await assertCliShows('failed', view), /fix: POST \/v1\/onboardings/);
    assert.match(await currentDetails(id), /without customerProfileSid/);
  });
});
