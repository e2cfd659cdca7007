/**
 * Twilio's words never name another customer's resources, whichever way they reach the ISV: the trust
 * product's wait note, a clean-up's reason, an unknown code's meaning. The redaction
 * (src/workflows/redaction.ts) is applied where text leaves the workflow, so each path here is driven
 * end to end and the view is checked whole.
 *
 * The sandbox's own messages name only the bundles a request touched, so Twilio answering with another
 * customer's SID is played by stand-ins for single activities: each answers as the real one would, with
 * the real SDK's exception classified by the real classifier (or the real conversion of a bundle's
 * errors), only with a message that names someone else's profile.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import twilio from 'twilio';
import type { Activities } from '../../src/activities/index.js';
import { classifyTwilioError } from '../../src/trusthub/errors.js';
import { toBundleErrors } from '../../src/trusthub/bundles.js';
import { onboardingIdFor } from '../../src/contract/ids.js';
import type { OnboardingView } from '../../src/contract/types.js';
import { onboardingRequest } from '../support/customers.js';
import { useStack } from '../support/stack.js';

/** Another customer's customer profile, as Twilio would name it in a message. */
const FOREIGN = `BU${'f00d'.repeat(8)}`;
const REDACTED = /another customer's BU…/;

/** What Twilio says next, for the one call a test drives; 'nothing' is the sandbox's own answer. */
let twilioSays: 'nothing' | 'trust-product-refused' | 'delete-refused' | 'unknown-code' = 'nothing';

/** A 4xx from Twilio, as the SDK throws it and the activities classify it. */
function twilioRefusal(message: string, status = 400, code = 20001): unknown {
  return classifyTwilioError(
    new twilio.RestException({
      statusCode: status,
      body: JSON.stringify({
        code,
        message,
        more_info: `https://www.twilio.com/docs/errors/${code}`,
        status,
      }),
    }),
  );
}

function assertNoForeignSid(view: OnboardingView): void {
  const json = JSON.stringify(view);
  assert.ok(!json.includes(FOREIGN), `another customer's SID is in the view: ${json}`);
  assert.ok(!json.toLowerCase().includes(FOREIGN.slice(2)), 'nor its hex, in any case');
}

describe("Twilio's words never name another customer's resources", { timeout: 600_000 }, () => {
  let real: Activities | undefined;
  const realActivities = async (): Promise<Activities> => {
    const { createActivities } = await import('../../src/activities/index.js');
    return (real ??= createActivities({ twilio: stack.twilio }));
  };
  const stack = useStack({
    temporal: 'dev',
    sandbox: { phoneNumbers: 6 },
    activities: {
      evaluateBundle: async (input) => {
        if (twilioSays === 'trust-product-refused' && input.kind === 'trust-product') {
          throw twilioRefusal(`The customer profile is not approved: it is linked to ${FOREIGN}_primary`);
        }
        return (await realActivities()).evaluateBundle(input);
      },
      deleteResource: async (input) => {
        if (twilioSays === 'delete-refused') {
          throw twilioRefusal(
            `${input.sid} is assigned to ${FOREIGN}: remove the assignment first`,
            409,
            20409,
          );
        }
        return (await realActivities()).deleteResource(input);
      },
      fetchBundle: async (input) => {
        const snapshot = await (await realActivities()).fetchBundle(input);
        if (twilioSays !== 'unknown-code' || snapshot.status !== 'twilio-rejected') return snapshot;
        // A code this service has no words for: its meaning is Twilio's message, as Twilio sent it.
        const errors = toBundleErrors([
          {
            code: 99_999,
            message: `This business is already vetted as (${FOREIGN.replace(/[a-f]/g, (c) => c.toUpperCase())})`,
          },
        ]);
        return { ...snapshot, errors };
      },
    },
  });
  const post = async (customerId: string, number: number, change: (r: object) => object = (r) => r) => {
    const request = onboardingRequest(customerId, [stack.info.phoneNumbers[number]!.phoneNumber]);
    const reply = await stack.api.inject({
      method: 'POST',
      url: '/v1/onboardings',
      payload: change(request),
    });
    assert.equal(reply.statusCode, 202, reply.body);
    return onboardingIdFor(customerId);
  };

  test("the trust product's wait note", async () => {
    twilioSays = 'trust-product-refused';
    try {
      const id = await post('redact-wait-note', 0);
      const view = await stack.waitFor(id, (v) =>
        v.timeline.some((e) => e.event === 'trust product waits for the profile'),
      );
      const note = view.timeline.find((e) => e.event === 'trust product waits for the profile')!;
      assert.match(note.detail ?? '', REDACTED);
      assertNoForeignSid(view);
    } finally {
      twilioSays = 'nothing';
    }
  });

  test("a clean-up's reasons", async () => {
    // The representative's email is off the website's domain: the pre-check stops the run with every
    // draft made, which a cancel then removes.
    const id = await post('redact-compensation', 1, (request) => {
      const r = request as ReturnType<typeof onboardingRequest>;
      return {
        ...r,
        authorizedRepresentatives: [{ ...r.authorizedRepresentatives[0]!, email: 'dana@gmail.com' }],
      };
    });
    await stack.waitFor(id, (v) => v.step === 'waiting-for-corrections');
    twilioSays = 'delete-refused';
    try {
      await stack.env.client.workflow.getHandle(id).cancel();
      const view = await stack.waitFor(id, (v) => v.status === 'cancelled');
      const failed = view.compensation.filter((c) => c.outcome === 'failed');
      assert.ok(failed.length > 0, JSON.stringify(view.compensation));
      for (const entry of failed) {
        assert.match(entry.reason ?? '', REDACTED);
        // The customer's own resource, named in the same words, stays readable.
        assert.ok(entry.reason?.includes(entry.sid), entry.reason);
      }
      assertNoForeignSid(view);
    } finally {
      twilioSays = 'nothing';
    }
  });

  test("an unknown code's meaning", async () => {
    const id = await post('redact-unknown-code', 2);
    const submitted = await stack.waitFor(id, (v) => v.customerProfile?.status === 'pending-review');
    twilioSays = 'unknown-code';
    try {
      await stack.admin('POST', `/__sandbox/bundles/${submitted.customerProfile!.sid}/decide`, {
        outcome: 'reject',
        codes: [18601],
      });
      const view = await stack.waitFor(id, (v) => v.status === 'action-required');
      assert.deepEqual(
        view.problem?.codes.map((c) => c.code),
        [99_999],
      );
      assert.match(view.problem.codes[0]!.meaning, REDACTED);
      assert.match(view.customerProfile?.errors[0]?.meaning ?? '', REDACTED);
      assertNoForeignSid(view);
    } finally {
      twilioSays = 'nothing';
    }
  });
});
