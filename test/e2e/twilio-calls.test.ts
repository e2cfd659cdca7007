/**
 * What one onboarding costs in Twilio requests, counted at the sandbox: the ISV's budget and Twilio's
 * rate limit are spent on these. The happy path makes the guide's calls, two evaluations, one number
 * look-up and one read per vetting decision (plus one early read of the trust product), and no
 * look-ups before creates or assignments: those happen only on a retry.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recordHistory } from '../support/histories.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';

describe('Twilio requests per onboarding', { timeout: 120_000 }, () => {
  const stack = useStack({ temporal: 'dev' });

  const requests = async () =>
    (await stack.admin<{ requests: { byRoute: Record<string, number> } }>('GET', '/__sandbox/state')).requests
      .byRoute;

  test('a happy-path onboarding makes 21 requests, none of them a look-up', async () => {
    const before = await requests();
    const reply = await stack.api.inject({
      method: 'POST',
      url: '/v1/onboardings',
      payload: onboardingRequest('counted', [stack.info.phoneNumbers[0]!.phoneNumber]),
    });
    const { id } = reply.json<{ id: string }>();
    let view = await stack.waitFor(id, (v) => v.step === 'waiting-for-customer-profile-vetting');
    await stack.admin('POST', `/__sandbox/bundles/${view.customerProfile!.sid}/decide`, {
      outcome: 'approve',
    });
    view = await stack.waitFor(id, (v) => v.step === 'waiting-for-trust-product-vetting');
    await stack.admin('POST', `/__sandbox/bundles/${view.trustProduct!.sid}/decide`, { outcome: 'approve' });
    await stack.waitFor(id, (v) => v.status === 'completed');

    const after = await requests();
    const made = Object.fromEntries(
      Object.entries(after)
        .map(([route, n]) => [route, n - (before[route] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    const lookUps = Object.keys(made).filter((route) =>
      /^GET .*(EntityAssignments|ChannelEndpointAssignments)$|^GET \/v1\/(CustomerProfiles|TrustProducts|EndUsers|SupportingDocuments)$/.test(
        route,
      ),
    );
    assert.deepEqual(lookUps, [], 'no look-ups on a first attempt');
    // The in-review callbacks cost nothing; the decision callbacks one read each.
    assert.equal(made['GET /v1/CustomerProfiles/:Sid'], 1, JSON.stringify(made));
    assert.equal(made['GET /v1/TrustProducts/:Sid'], 2, JSON.stringify(made));
    const total = Object.values(made).reduce((sum, n) => sum + n, 0);
    assert.equal(total, 21, JSON.stringify(made, null, 1));
    await recordHistory(stack.env.client, '1.0-decision-reads-only', id);
  });
});
