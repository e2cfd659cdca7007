/**
 * One code path for both kinds of Trust Hub bundle. Customer profiles (`/v1/CustomerProfiles`) and trust
 * products (`/v1/TrustProducts`) have the same shape on the wire but distinct SDK accessors; `bundleApi`
 * hides the difference, and the mappers below turn SDK instances into the domain's plain snapshots.
 */
import type { TwilioClient } from './client.js';
import {
  POLICY,
  PRODUCT_POLICY,
  describeTwilioCode,
  productOfPolicy,
  type Product,
  type BundleKind,
  type BundleStatus,
} from '../contract/vocabulary.js';
import type {
  BundleError,
  BundleSnapshot,
  EvaluationFieldResult,
  EvaluationSummary,
} from '../contract/types.js';

/** The fields of a CustomerProfilesInstance / TrustProductsInstance the onboarding uses. */
export interface BundleRecord {
  sid: string;
  friendlyName: string;
  policySid: string;
  status: string;
  errors: unknown[] | null;
  validUntil: Date | null;
  dateCreated: Date | null;
  /** Where Twilio writes about the bundle's vetting: a profile's email is part of its identity. */
  email?: string | null;
}

export interface EntityAssignmentRecord {
  sid: string;
  objectSid: string;
  dateCreated: Date | null;
}

export interface ChannelEndpointAssignmentRecord {
  sid: string;
  channelEndpointSid: string;
  channelEndpointType: string;
  dateCreated: Date | null;
}

export interface EvaluationRecord {
  sid: string;
  status: string;
  results: unknown[] | null;
}

export interface BundleCreateParams {
  friendlyName: string;
  email: string;
  policySid: string;
  statusCallback?: string;
}

export interface BundleUpdateParams {
  status?: 'pending-review';
  email?: string;
  statusCallback?: string;
  friendlyName?: string;
}

export interface BundleApi {
  kind: BundleKind;
  /** The policy a bundle of this kind is created and evaluated with. */
  policySid: string;
  create(params: BundleCreateParams): Promise<BundleRecord>;
  /** Every bundle of this kind matching the filters (all pages). */
  list(filter: { friendlyName?: string; policySid?: string }): Promise<BundleRecord[]>;
  fetch(sid: string): Promise<BundleRecord>;
  update(sid: string, params: BundleUpdateParams): Promise<BundleRecord>;
  remove(sid: string): Promise<boolean>;
  entityAssignments(bundleSid: string): {
    list(): Promise<EntityAssignmentRecord[]>;
    create(objectSid: string): Promise<EntityAssignmentRecord>;
    remove(assignmentSid: string): Promise<boolean>;
  };
  channelEndpointAssignments(bundleSid: string): {
    list(filter: { channelEndpointSid?: string }): Promise<ChannelEndpointAssignmentRecord[]>;
    create(params: {
      channelEndpointType: string;
      channelEndpointSid: string;
    }): Promise<ChannelEndpointAssignmentRecord>;
    remove(assignmentSid: string): Promise<boolean>;
  };
  evaluate(bundleSid: string): Promise<EvaluationRecord>;
}

/** Page size for list look-ups: Twilio's maximum, so most look-ups are one request. */
export const LIST_PAGE_SIZE = 1000;

/**
 * The bundle API of a kind; trust products of `product`'s policy (SHAKEN/STIR unless said): Voice
 * Integrity and CNAM are trust products on the same endpoints, created, listed and evaluated with their
 * own policy.
 */
export function bundleApi(
  client: TwilioClient,
  kind: BundleKind,
  product: Product = 'shaken-stir',
): BundleApi {
  const v1 = client.trusthub.v1;
  if (kind === 'customer-profile') {
    return {
      kind,
      policySid: POLICY.customerProfile,
      create: (params) => v1.customerProfiles.create(params),
      list: (filter) => v1.customerProfiles.list({ ...filter, pageSize: LIST_PAGE_SIZE }),
      fetch: (sid) => v1.customerProfiles(sid).fetch(),
      update: (sid, params) => v1.customerProfiles(sid).update(params),
      remove: (sid) => v1.customerProfiles(sid).remove(),
      entityAssignments: (bundleSid) => {
        const bundle = v1.customerProfiles(bundleSid);
        return {
          list: () => bundle.customerProfilesEntityAssignments.list({ pageSize: LIST_PAGE_SIZE }),
          create: (objectSid) => bundle.customerProfilesEntityAssignments.create({ objectSid }),
          remove: (sid) => bundle.customerProfilesEntityAssignments(sid).remove(),
        };
      },
      channelEndpointAssignments: (bundleSid) => {
        const bundle = v1.customerProfiles(bundleSid);
        return {
          list: (filter) =>
            bundle.customerProfilesChannelEndpointAssignment.list({ ...filter, pageSize: LIST_PAGE_SIZE }),
          create: (params) => bundle.customerProfilesChannelEndpointAssignment.create(params),
          remove: (sid) => bundle.customerProfilesChannelEndpointAssignment(sid).remove(),
        };
      },
      evaluate: (bundleSid) =>
        v1
          .customerProfiles(bundleSid)
          .customerProfilesEvaluations.create({ policySid: POLICY.customerProfile }),
    };
  }
  const policySid = PRODUCT_POLICY[product];
  return {
    kind,
    policySid,
    create: (params) => v1.trustProducts.create(params),
    list: (filter) => v1.trustProducts.list({ ...filter, pageSize: LIST_PAGE_SIZE }),
    fetch: (sid) => v1.trustProducts(sid).fetch(),
    update: (sid, params) => v1.trustProducts(sid).update(params),
    remove: (sid) => v1.trustProducts(sid).remove(),
    entityAssignments: (bundleSid) => {
      const bundle = v1.trustProducts(bundleSid);
      return {
        list: () => bundle.trustProductsEntityAssignments.list({ pageSize: LIST_PAGE_SIZE }),
        create: (objectSid) => bundle.trustProductsEntityAssignments.create({ objectSid }),
        remove: (sid) => bundle.trustProductsEntityAssignments(sid).remove(),
      };
    },
    channelEndpointAssignments: (bundleSid) => {
      const bundle = v1.trustProducts(bundleSid);
      return {
        list: (filter) =>
          bundle.trustProductsChannelEndpointAssignment.list({ ...filter, pageSize: LIST_PAGE_SIZE }),
        create: (params) => bundle.trustProductsChannelEndpointAssignment.create(params),
        remove: (sid) => bundle.trustProductsChannelEndpointAssignment(sid).remove(),
      };
    },
    evaluate: (bundleSid) => v1.trustProducts(bundleSid).trustProductsEvaluations.create({ policySid }),
  };
}

const BUNDLE_STATUSES: readonly BundleStatus[] = [
  'draft',
  'pending-review',
  'in-review',
  'twilio-approved',
  'twilio-rejected',
];

/** Statuses in which a bundle has been submitted and must not be submitted again. */
export const SUBMITTED_STATUSES: readonly BundleStatus[] = ['pending-review', 'in-review', 'twilio-approved'];

export function toBundleStatus(status: string): BundleStatus {
  if ((BUNDLE_STATUSES as readonly string[]).includes(status)) return status as BundleStatus;
  throw new Error(`Unknown Trust Hub bundle status "${status}"`);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function asCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A rejected bundle's `errors: [{code, …}]`, each with its meaning. */
export function toBundleErrors(errors: unknown[] | null | undefined): BundleError[] {
  const result: BundleError[] = [];
  for (const item of errors ?? []) {
    const record = asRecord(item);
    const code = asCode(record?.code ?? item);
    const message = typeof record?.message === 'string' ? record.message : undefined;
    if (code !== undefined) result.push({ code, meaning: describeTwilioCode(code, message) });
  }
  return result;
}

function isoOrNull(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A trust product of Voice Integrity or CNAM says which (`product`); SHAKEN/STIR's stays as it always was. */
export function toBundleSnapshot(kind: BundleKind, record: BundleRecord): BundleSnapshot {
  const product = kind === 'trust-product' ? productOfPolicy(record.policySid) : 'shaken-stir';
  return {
    kind,
    sid: record.sid,
    status: toBundleStatus(record.status),
    errors: toBundleErrors(record.errors),
    validUntil: isoOrNull(record.validUntil),
    ...(product !== 'shaken-stir' ? { product } : {}),
  };
}

/** Requirement-level codes meaning the required end user (or profile) or document is absent altogether. */
const MISSING_OBJECT_CODES = new Set([22214, 22216]);

/**
 * Flattens an evaluation's `results` into what stops the bundle from being compliant, one entry per
 * failing field — or one per failing requirement when the required end user, profile or document is
 * missing altogether (22214, 22216: listing its every field as missing would say nothing more) or when
 * Twilio names no field. Each result looks like
 * `{ requirement_name, requirement_friendly_name, object_type, passed, error_code, failure_reason,
 * valid: […], invalid: [{ object_field, friendly_name, error_code, failure_reason }] }`.
 */
export function flattenEvaluationResults(results: unknown[] | null | undefined): EvaluationFieldResult[] {
  const failures: EvaluationFieldResult[] = [];
  for (const raw of results ?? []) {
    const result = asRecord(raw);
    if (!result || result.passed === true) continue;
    const requirement =
      asText(result.requirement_friendly_name) ??
      asText(result.requirement_name) ??
      asText(result.friendly_name) ??
      'unknown requirement';
    const objectType = asText(result.object_type);
    const invalid = Array.isArray(result.invalid) ? result.invalid : [];
    const entries = invalid.map(asRecord).filter((entry) => entry !== undefined);
    const requirementCode = asCode(result.error_code);
    if (requirementCode !== undefined && MISSING_OBJECT_CODES.has(requirementCode)) {
      // The end user or document itself is missing: its fields are all "missing" too, which says nothing more.
      failures.push(failure(requirement, objectType, undefined, result));
      continue;
    }
    if (entries.length === 0) {
      if (result.passed !== false && asCode(result.error_code) === undefined) continue;
      failures.push(failure(requirement, objectType, undefined, result));
      continue;
    }
    for (const entry of entries) {
      failures.push(failure(requirement, objectType, asText(entry.object_field), entry, result));
    }
  }
  return failures;
}

function failure(
  requirement: string,
  objectType: string | undefined,
  field: string | undefined,
  entry: Record<string, unknown>,
  parent?: Record<string, unknown>,
): EvaluationFieldResult {
  const errorCode = asCode(entry.error_code) ?? asCode(parent?.error_code);
  const reason =
    asText(entry.failure_reason) ??
    (errorCode !== undefined ? describeTwilioCode(errorCode) : undefined) ??
    asText(parent?.failure_reason) ??
    'Requirement not met.';
  return {
    requirement,
    ...(objectType !== undefined ? { objectType } : {}),
    ...(field !== undefined ? { field } : {}),
    ...(errorCode !== undefined ? { errorCode } : {}),
    reason,
  };
}

export function toEvaluationSummary(record: EvaluationRecord): EvaluationSummary {
  const status = record.status === 'compliant' ? 'compliant' : 'noncompliant';
  const failures = flattenEvaluationResults(record.results);
  return { sid: record.sid, status, failures: status === 'compliant' ? [] : failures };
}
