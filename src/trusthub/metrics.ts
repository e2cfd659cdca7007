/**
 * The worker's own counters of its conversation with Trust Hub. They go through the Temporal Core
 * runtime's metric meter (src/worker.ts), so they come out of the same Prometheus endpoint as the
 * SDK's worker metrics: one port and one scrape job per worker, and no second metrics library in a
 * process whose Rust core already runs an exporter. Like Temporal's own counters there, the names
 * carry no `_total` suffix.
 *
 * Requests are counted in the HTTP client (src/trusthub/client.ts), where every request passes: each
 * page of a list, each retry, and the worker's start-up check of the primary profile, which runs
 * outside any activity. Decisions and evaluations are counted by the activities that read them
 * (src/activities/bundles.ts).
 *
 * Labels come from fixed vocabularies only: the method and path with every identifier replaced by
 * `{Sid}`, the failure type of src/trusthub/errors.ts, a bundle's kind, product and status. The
 * product tells the three trust products apart (SHAKEN/STIR, Voice Integrity and CNAM share a kind),
 * so a run of CNAM rejections is not hidden among SHAKEN/STIR approvals. A SID names one
 * customer's resource, and list filters carry phone numbers: neither may reach a label, where it would
 * be kept for good and multiply the series.
 */
import type { MetricCounter, MetricMeter } from '@temporalio/common';
import { failureTypeOfStatus, isNetworkError } from './errors.js';
import { TrustHubFailureType } from '../contract/failures.js';
import {
  BUNDLE_DECISIONS,
  type BundleKind,
  type BundleStatus,
  type Product,
} from '../contract/vocabulary.js';
import type { EvaluationSummary } from '../contract/types.js';

/** What a bundle is for: one of the trust products, or the customer profile they all hang from. */
export type MetricProduct = Product | 'customer-profile';

/** The product label of a bundle: a trust product's own, SHAKEN/STIR's when it names none. */
export function metricProduct(kind: BundleKind, product: Product | undefined): MetricProduct {
  return product ?? (kind === 'customer-profile' ? 'customer-profile' : 'shaken-stir');
}

/** Path segments that name a kind of resource or an API version rather than one resource. */
const RESOURCE_SEGMENT = /^(v\d+|\d{4}-\d{2}-\d{2}|[A-Za-z]+(\.json)?)?$/;
const SID = /^[A-Z]{2}[0-9a-fA-F]{32}/;

/**
 * `GET https://trusthub.twilio.com/v1/CustomerProfiles/BU…/EntityAssignments?PageSize=50` →
 * `GET /v1/CustomerProfiles/{Sid}/EntityAssignments`. Anything that is not plainly a resource name or
 * a version becomes `{Sid}`, so an identifier of a shape not foreseen here cannot leak into a label.
 */
export function operationOf(method: string, url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return `${method.toUpperCase()} unknown`;
  }
  const template = path
    .split('/')
    .map((segment) =>
      RESOURCE_SEGMENT.test(segment) && !SID.test(segment)
        ? segment
        : segment.endsWith('.json')
          ? '{Sid}.json'
          : '{Sid}',
    )
    .join('/');
  return `${method.toUpperCase()} ${template}`;
}

export class TrustHubMetrics {
  readonly #requests: MetricCounter;
  readonly #rateLimited: MetricCounter;
  readonly #vettingOutcomes: MetricCounter;
  readonly #evaluations: MetricCounter;

  constructor(meter: MetricMeter) {
    this.#requests = meter.createCounter(
      'trusthub_requests',
      'requests',
      'Requests to Trust Hub by operation (method and path template) and outcome: success, or the failure type the answer is classified as (TwilioUnavailable, TwilioAuth, TwilioRejected), or error.',
    );
    this.#rateLimited = meter.createCounter(
      'trusthub_rate_limited',
      'requests',
      'Requests Twilio answered with 429 Too Many Requests, by operation.',
    );
    this.#vettingOutcomes = meter.createCounter(
      'trusthub_vetting_outcomes',
      'bundles',
      "Twilio's vetting decisions read by the worker, by bundle kind, product (shaken-stir, voice-integrity, cnam, customer-profile) and status (twilio-approved, twilio-rejected).",
    );
    this.#evaluations = meter.createCounter(
      'trusthub_evaluations',
      'evaluations',
      'Bundle evaluations (the dry run before submitting), by bundle kind, product (shaken-stir, voice-integrity, cnam, customer-profile) and status (compliant, noncompliant).',
    );
  }

  /** A request Twilio answered, with any status. */
  answered(method: string, url: string, status: number): void {
    const operation = operationOf(method, url);
    this.#requests.add(1, { operation, outcome: failureTypeOfStatus(status) ?? 'success' });
    if (status === 429) this.#rateLimited.add(1, { operation });
  }

  /** A request that got no answer: refused, reset or timed out (TwilioUnavailable), or a bug (error). */
  unanswered(method: string, url: string, error: unknown): void {
    const outcome = isNetworkError(error) ? TrustHubFailureType.Unavailable : 'error';
    this.#requests.add(1, { operation: operationOf(method, url), outcome });
  }

  /**
   * A bundle read in a decided state. The vetting wait reads each decision once; a later re-read of
   * the same bundle (an approved onboarding's periodic check, or a callback about it) counts again, so
   * the counter's rate matters, not its exact total.
   */
  bundleRead(kind: BundleKind, product: MetricProduct, status: BundleStatus): void {
    if (BUNDLE_DECISIONS.includes(status)) {
      this.#vettingOutcomes.add(1, { kind, product, status });
    }
  }

  evaluated(kind: BundleKind, product: MetricProduct, status: EvaluationSummary['status']): void {
    this.#evaluations.add(1, { kind, product, status });
  }
}
