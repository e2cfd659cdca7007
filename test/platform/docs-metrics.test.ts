/**
 * docs/operations.md names metrics and labels an operator pastes into Prometheus: in its metric table
 * and in its PromQL alerts. Every one must exist, or the dashboard stays empty and the alert can never
 * fire. What exists is read from the code, not from another list:
 * - the API's: the metrics plugin (src/api/plugins/metrics.ts) registered on a bare Fastify app, as
 *   buildApp registers it, its prom-client Registry read after one request to a route;
 * - the worker's own: src/trusthub/metrics.ts, built on a recording MetricMeter (the worker hands it
 *   the Temporal Core runtime's) and driven through every answer, failure, decision and evaluation.
 * Temporal's own worker metrics (`temporal_*`) come from the SDK's Rust core and are not listed by
 * anything in this repository: they are skipped here (test/platform/worker-metrics.test.ts scrapes a
 * real worker for them). So is `up`, which Prometheus adds to every scrape.
 * No server is started: nothing listens.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import Fastify from 'fastify';
import type { MetricMeter, MetricTags } from '@temporalio/common';
import metricsPlugin from '../../src/api/plugins/metrics.js';
import { metricProduct, TrustHubMetrics } from '../../src/trusthub/metrics.js';
import { BUNDLE_KINDS, BUNDLE_STATUSES, PRODUCTS } from '../../src/contract/vocabulary.js';

/** A metric's label names, and the values each label was seen with. */
type Labels = Map<string, Set<string>>;

function record(metrics: Map<string, Labels>, name: string, labels: Record<string, unknown>) {
  const known = metrics.get(name) ?? new Map<string, Set<string>>();
  metrics.set(name, known);
  for (const [label, value] of Object.entries(labels)) {
    const values = known.get(label) ?? new Set<string>();
    known.set(label, values);
    values.add(String(value));
  }
}

async function apiMetrics(): Promise<Map<string, Labels>> {
  const app = Fastify();
  await app.register(metricsPlugin);
  // A route of the API's shape, requested once, so the request histogram has a series to read.
  app.get('/v1/onboardings/:id', async () => ({}));
  await app.ready();
  await app.inject({ method: 'GET', url: '/v1/onboardings/onboarding-acme' });
  const metrics = new Map<string, Labels>();
  for (const metric of await app.apiMetrics.registry.getMetricsAsJSON()) {
    record(metrics, metric.name, {});
    for (const { labels } of metric.values) record(metrics, metric.name, labels);
  }
  await app.close();
  return metrics;
}

function workerMetrics(): Map<string, Labels> {
  const metrics = new Map<string, Labels>();
  const counter = (name: string) => {
    record(metrics, name, {});
    const make = (base: MetricTags) => ({
      add: (_value: number, tags: MetricTags = {}) => record(metrics, name, { ...base, ...tags }),
      withTags: (tags: MetricTags) => make({ ...base, ...tags }),
    });
    return make({});
  };
  const unused = () => {
    throw new Error('src/trusthub/metrics.ts makes a metric kind this test does not record');
  };
  const meter = { createCounter: counter, createHistogram: unused, createGauge: unused };
  const trusthub = new TrustHubMetrics(meter as unknown as MetricMeter);
  const url = 'https://trusthub.twilio.com/v1/CustomerProfiles/BU0123456789abcdef0123456789abcdef';
  for (const status of [200, 201, 204, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503])
    trusthub.answered('GET', url, status);
  trusthub.unanswered('GET', url, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
  trusthub.unanswered('GET', url, new TypeError('a bug'));
  for (const kind of BUNDLE_KINDS) {
    for (const product of [undefined, ...PRODUCTS]) {
      for (const status of BUNDLE_STATUSES) trusthub.bundleRead(kind, metricProduct(kind, product), status);
      for (const status of ['compliant', 'noncompliant'] as const)
        trusthub.evaluated(kind, metricProduct(kind, product), status);
    }
  }
  return metrics;
}

/** Prometheus's own, and the SDK core's: not this repository's to list (see above). */
const notOurs = (name: string) => name === 'up' || name.startsWith('temporal_');
/** A histogram's series are its name with these suffixes, and `le` its buckets' label. */
const HISTOGRAM_SUFFIXES = /_(bucket|count|sum)$/;

const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');

/** The metric table's rows: the metric, and every backticked name or value in its labels cell. */
function tableRows() {
  return doc
    .split('\n')
    .map((line) => /^\|\s*`([a-z_:][a-z0-9_:]*)`\s*\|[^|]*\|(.*)\|\s*$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ metric: match[1]!, tokens: [...match[2]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) }));
}

/** The PromQL of the alerts, line by line, comments dropped. */
function promqlLines(): string[] {
  const blocks = [...doc.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

test('docs/operations.md has a metric table and PromQL alerts to check', () => {
  assert.ok(tableRows().length >= 5, 'the metric table was not found');
  assert.ok(promqlLines().length >= 5, 'the PromQL block was not found');
});

test('every metric, label and label value in the metric table of docs/operations.md exists', async () => {
  const known = new Map([...(await apiMetrics()), ...workerMetrics()]);
  const problems: string[] = [];
  for (const { metric, tokens } of tableRows()) {
    if (notOurs(metric)) continue;
    const labels = known.get(metric);
    if (!labels) {
      problems.push(`${metric}: no such metric`);
      continue;
    }
    const values = new Set([...labels.values()].flatMap((set) => [...set]));
    for (const token of tokens) {
      // `_count` and the like: the series a histogram is read by.
      if (/^_(bucket|count|sum)$/.test(token) && labels.has('le')) continue;
      if (!labels.has(token) && !values.has(token))
        problems.push(`${metric}: \`${token}\` is neither one of its labels nor a value they take`);
    }
  }
  assert.deepEqual(problems, []);
});

test('every metric, label and label value in the PromQL of docs/operations.md exists', async () => {
  const known = new Map([...(await apiMetrics()), ...workerMetrics()]);
  const problems: string[] = [];
  for (const line of promqlLines()) {
    // A series is named before its selector or its range: `name{…}`, `name[5m]`.
    const selectors = [...line.matchAll(/\b([a-z_:][a-z0-9_:]*)(?:(\{[^}]*\})|(?=\[))/g)];
    const ours = selectors.filter((m) => !notOurs(m[1]!));
    if (selectors.some((m) => notOurs(m[1]!)) && ours.length === 0) continue;
    const lineLabels = new Set<string>();
    for (const [, series, matchers] of ours) {
      const name = series!;
      const base = known.has(name) ? name : name.replace(HISTOGRAM_SUFFIXES, '');
      const labels = known.get(base);
      if (!labels) {
        problems.push(`${line}: ${name}: no such metric`);
        continue;
      }
      for (const label of labels.keys()) lineLabels.add(label);
      for (const [, label, op, value] of (matchers ?? '').matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)) {
        const values = labels.get(label!);
        if (!values) {
          problems.push(`${line}: ${name} has no label ${label}`);
          continue;
        }
        const wanted = op === '=~' || op === '!~' ? value!.split('|') : [value!];
        for (const v of wanted)
          if (!values.has(v)) problems.push(`${line}: ${name}{${label}="${v}"}: ${label} never takes "${v}"`);
      }
    }
    for (const [, list] of line.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g))
      for (const label of list!.split(',').map((l) => l.trim()))
        if (label && !lineLabels.has(label))
          problems.push(`${line}: by (${label}): no metric here has that label`);
  }
  assert.deepEqual(problems, []);
});
