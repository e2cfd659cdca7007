/**
 * The worker's vetting and evaluation counters carry the product (src/trusthub/metrics.ts): SHAKEN/STIR,
 * Voice Integrity and CNAM are all trust products, and without the label a run of CNAM rejections
 * would be hidden among SHAKEN/STIR approvals. The bundle activities label what they read: a fetched
 * trust product by its policy, an evaluation by the product it was asked for. A meter that records
 * stands in for Temporal's, and a client that answers one record stands in for Twilio.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MetricCounter, MetricMeter, MetricTags } from '@temporalio/common';
import { bundleActivities } from '../../src/activities/bundles.js';
import type { TwilioClient } from '../../src/trusthub/client.js';
import { metricProduct, TrustHubMetrics } from '../../src/trusthub/metrics.js';
import { POLICY } from '../../src/contract/vocabulary.js';

interface Added {
  counter: string;
  tags: MetricTags | undefined;
}

/** A meter whose counters write down every add, by counter name. */
function recordingMeter(): { meter: MetricMeter; added: Added[] } {
  const added: Added[] = [];
  const counter = (name: string): MetricCounter =>
    ({
      name,
      add: (_value: number, tags?: MetricTags) => added.push({ counter: name, tags }),
      withTags: () => counter(name),
    }) as unknown as MetricCounter;
  const meter = { createCounter: counter } as unknown as MetricMeter;
  return { meter, added };
}

/** What Twilio answers for any bundle: `policySid`'s, in `status`; evaluations compliant. */
function twilioAnswering(policySid: string, status: string): TwilioClient {
  const record = {
    sid: `BU${'1'.repeat(32)}`,
    friendlyName: 'onboarding-acme-dental',
    policySid,
    status,
    errors: null,
    validUntil: null,
    dateCreated: null,
  };
  const evaluation = { sid: `EL${'2'.repeat(32)}`, status: 'compliant', results: [] };
  const bundle = () => ({
    fetch: async () => record,
    trustProductsEvaluations: { create: async () => evaluation },
    customerProfilesEvaluations: { create: async () => evaluation },
  });
  return { trusthub: { v1: { trustProducts: bundle, customerProfiles: bundle } } } as unknown as TwilioClient;
}

describe('the Trust Hub counters', () => {
  test('count vetting decisions and evaluations by kind, product and status', () => {
    const { meter, added } = recordingMeter();
    const metrics = new TrustHubMetrics(meter);
    metrics.bundleRead('trust-product', 'cnam', 'twilio-rejected');
    metrics.bundleRead('trust-product', 'cnam', 'in-review');
    metrics.evaluated('trust-product', 'voice-integrity', 'noncompliant');
    assert.deepEqual(added, [
      {
        counter: 'trusthub_vetting_outcomes',
        tags: { kind: 'trust-product', product: 'cnam', status: 'twilio-rejected' },
      },
      {
        counter: 'trusthub_evaluations',
        tags: { kind: 'trust-product', product: 'voice-integrity', status: 'noncompliant' },
      },
    ]);
  });

  test("a bundle that names no product is the customer profile, or SHAKEN/STIR's trust product", () => {
    assert.equal(metricProduct('customer-profile', undefined), 'customer-profile');
    assert.equal(metricProduct('trust-product', undefined), 'shaken-stir');
    assert.equal(metricProduct('trust-product', 'cnam'), 'cnam');
  });
});

describe('the bundle activities label what they read', () => {
  const sid = `BU${'1'.repeat(32)}`;

  async function labelsOf(run: (a: ReturnType<typeof bundleActivities>) => Promise<unknown>, policy: string) {
    const { meter, added } = recordingMeter();
    const activities = bundleActivities({
      twilio: twilioAnswering(policy, 'twilio-approved'),
      metrics: new TrustHubMetrics(meter),
    });
    await run(activities);
    return added.map((a) => a.tags);
  }

  test('a fetched trust product by its policy', async () => {
    const fetch = (a: ReturnType<typeof bundleActivities>) => a.fetchBundle({ kind: 'trust-product', sid });
    for (const [policy, product] of [
      [POLICY.shakenStir, 'shaken-stir'],
      [POLICY.voiceIntegrity, 'voice-integrity'],
      [POLICY.cnam, 'cnam'],
    ] as const) {
      assert.deepEqual(await labelsOf(fetch, policy), [
        { kind: 'trust-product', product, status: 'twilio-approved' },
      ]);
    }
    const profile = (a: ReturnType<typeof bundleActivities>) =>
      a.fetchBundle({ kind: 'customer-profile', sid });
    assert.deepEqual(await labelsOf(profile, POLICY.customerProfile), [
      { kind: 'customer-profile', product: 'customer-profile', status: 'twilio-approved' },
    ]);
  });

  test('an evaluation by the product it was asked for', async () => {
    const evaluate = (a: ReturnType<typeof bundleActivities>) =>
      a.evaluateBundle({ kind: 'trust-product', sid, product: 'cnam' });
    assert.deepEqual(await labelsOf(evaluate, POLICY.cnam), [
      { kind: 'trust-product', product: 'cnam', status: 'compliant' },
    ]);
    const shakenStir = (a: ReturnType<typeof bundleActivities>) =>
      a.evaluateBundle({ kind: 'trust-product', sid });
    assert.deepEqual(await labelsOf(shakenStir, POLICY.shakenStir), [
      { kind: 'trust-product', product: 'shaken-stir', status: 'compliant' },
    ]);
  });
});
