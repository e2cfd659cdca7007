/**
 * Activities on bundles — customer profiles and trust products alike — and on what is assigned to them.
 */
import {
  SUBMITTED_STATUSES,
  bundleApi,
  toBundleSnapshot,
  toBundleStatus,
  toEvaluationSummary,
} from '../trusthub/bundles.js';
import { addressApi } from '../trusthub/addresses.js';
import type { TwilioClient } from '../trusthub/client.js';
import {
  SUPPORTING_DOCUMENT_ADDRESS_TYPE,
  documentAddressSid,
  supportingDocumentApi,
} from '../trusthub/documents.js';
import { BUSINESS_INFORMATION_TYPE, endUserApi, textAttribute } from '../trusthub/end-users.js';
import { isNotFound } from '../trusthub/errors.js';
import { withNumberHolder } from './number-holder.js';
import { DEFAULT_CLAIMS_NAMESPACE } from '../contract/ids.js';
import { metricProduct, type TrustHubMetrics } from '../trusthub/metrics.js';
import type { BundleKind, Product } from '../contract/vocabulary.js';
import type { BundleSnapshot, EvaluationSummary } from '../contract/types.js';
import { activityLog, isRetry, twilioCall } from './context.js';
import { findOrCreate, isRefusal } from './idempotency.js';

export interface CreateBundleInput {
  kind: BundleKind;
  /** A trust product's product (its policy); SHAKEN/STIR when left out. */
  product?: Product;
  /** Deterministic and unique per bundle: a retried attempt finds the bundle by it. */
  friendlyName: string;
  email: string;
  statusCallback: string;
  /** An earlier run of this customer may have made it (see findOrCreate). */
  lookUpFirst?: boolean;
}

export interface BundleRef {
  kind: BundleKind;
  sid: string;
  /** Evaluations name the policy: a trust product's product, SHAKEN/STIR when left out. */
  product?: Product;
}

/** What Twilio has assigned to a bundle right now: how drift (a change made in the Console) is found. */
export interface BundleAssignments {
  /** EntityAssignments' ObjectSids: end users, documents, profiles. */
  entities: string[];
  /** ChannelEndpointAssignments' phone-number SIDs. */
  phoneNumberSids: string[];
}

export interface UpdateBundleEmailInput extends BundleRef {
  email: string;
}

export interface AssignToBundleInput {
  kind: BundleKind;
  bundleSid: string;
  /** An end user (IT…), supporting document (RD…) or customer profile (BU…). */
  objectSid: string;
}

export interface AssignPhoneNumberInput {
  kind: BundleKind;
  bundleSid: string;
  phoneNumberSid: string;
}

export interface AssignmentResult {
  assignmentSid: string;
}

export interface ExistingProfile {
  snapshot: BundleSnapshot;
  /** What is assigned to it: end users and documents by type (a document with its address), profiles. */
  entities: { sid: string; type: string; addressSid?: string }[];
  phoneNumberSids: string[];
  /**
   * What its business information says of who the business is, compared with the request before the
   * profile is adopted (src/workflows/onboarding/adoption-identity.ts). Returned to the workflow only
   * (whose history is encrypted), never logged.
   */
  business?: {
    name: string | null;
    registrationNumber: string | null;
    registrationIdentifier?: string | null;
    websiteUrl?: string | null;
  };
  /** The profile's own email, whose domain is compared with the request's email. */
  email?: string | null;
  /** The address behind its `customer_profile_address` document (the first, if it has several). */
  address?: { isoCountry: string | null; region: string | null; postalCode: string | null };
}

/** Deletes each assignment; one already gone was removed by an earlier attempt whose response was lost. */
async function removeAssignments(
  assignments: { sid: string }[],
  remove: (sid: string) => Promise<boolean>,
): Promise<void> {
  for (const assignment of assignments) {
    try {
      await twilioCall(() => remove(assignment.sid));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

export function bundleActivities({
  twilio,
  metrics,
  claimsNamespace = DEFAULT_CLAIMS_NAMESPACE,
}: {
  twilio: TwilioClient;
  metrics?: TrustHubMetrics | undefined;
  /** Where claims are (TEMPORAL_CLAIMS_NAMESPACE): a 20409's holder is looked up there. */
  claimsNamespace?: string | undefined;
}) {
  return {
    /** POST /v1/CustomerProfiles or /v1/TrustProducts, with the kind's policy and a StatusCallback. */
    createBundle: async ({
      kind,
      product,
      friendlyName,
      email,
      statusCallback,
      lookUpFirst,
    }: CreateBundleInput): Promise<BundleSnapshot> => {
      const api = bundleApi(twilio, kind, product);
      const { record } = await findOrCreate({
        what: `${kind} bundle`,
        lookUpFirst,
        find: () => api.list({ friendlyName, policySid: api.policySid }),
        matches: (b) => b.friendlyName === friendlyName && b.policySid === api.policySid,
        create: () => api.create({ friendlyName, email, policySid: api.policySid, statusCallback }),
      });
      return toBundleSnapshot(kind, record);
    },

    /** GET the bundle: how the workflow learns Twilio's vetting decision, which is counted here. */
    fetchBundle: async ({ kind, sid }: BundleRef): Promise<BundleSnapshot> => {
      const record = await twilioCall(() => bundleApi(twilio, kind).fetch(sid));
      const snapshot = toBundleSnapshot(kind, record);
      metrics?.bundleRead(kind, metricProduct(kind, snapshot.product), snapshot.status);
      return snapshot;
    },

    updateBundleEmail: async ({ kind, sid, email }: UpdateBundleEmailInput): Promise<BundleSnapshot> => {
      const record = await twilioCall(() => bundleApi(twilio, kind).update(sid, { email }));
      activityLog.info('Trust Hub bundle email updated', { kind, sid });
      return toBundleSnapshot(kind, record);
    },

    /**
     * Status=pending-review, sent alone. A bundle already submitted (pending-review, in-review or
     * approved) is returned as it is: a retry after a lost response must not fail with 60711. A retry
     * reads the bundle first; the first attempt submits at once and reads only if Twilio refuses.
     */
    submitBundle: async ({ kind, sid }: BundleRef): Promise<BundleSnapshot> => {
      const api = bundleApi(twilio, kind);
      const alreadySubmitted = async () => {
        const current = await twilioCall(() => api.fetch(sid));
        if (!SUBMITTED_STATUSES.includes(toBundleStatus(current.status))) return undefined;
        activityLog.info('Trust Hub bundle already submitted', { kind, sid, status: current.status });
        return toBundleSnapshot(kind, current);
      };
      if (isRetry()) {
        const current = await alreadySubmitted();
        if (current) return current;
      }
      try {
        const submitted = await twilioCall(() => api.update(sid, { status: 'pending-review' }));
        activityLog.info('Trust Hub bundle submitted', { kind, sid, status: submitted.status });
        return toBundleSnapshot(kind, submitted);
      } catch (error) {
        if (isRefusal(error)) {
          const current = await alreadySubmitted();
          if (current) return current;
        }
        throw error;
      }
    },

    /** POST …/Evaluations with the kind's policy: a dry run with field-level results. */
    evaluateBundle: async ({ kind, sid, product }: BundleRef): Promise<EvaluationSummary> => {
      const evaluation = await twilioCall(() => bundleApi(twilio, kind, product).evaluate(sid));
      const summary = toEvaluationSummary(evaluation);
      metrics?.evaluated(kind, metricProduct(kind, product), summary.status);
      activityLog.info('Trust Hub bundle evaluated', {
        kind,
        sid,
        evaluationSid: summary.sid,
        status: summary.status,
        failures: summary.failures.length,
      });
      return summary;
    },

    /**
     * EntityAssignments: assigns `objectSid`, or returns its existing assignment. The first attempt
     * assigns without looking (the workflow assigns only what it has not linked); a retry, or Twilio
     * refusing a second assignment, looks the existing one up.
     */
    assignToBundle: async ({
      kind,
      bundleSid,
      objectSid,
    }: AssignToBundleInput): Promise<AssignmentResult> => {
      const assignments = bundleApi(twilio, kind).entityAssignments(bundleSid);
      const { record } = await findOrCreate({
        what: `${kind} entity assignment`,
        find: () => assignments.list(),
        matches: (a) => a.objectSid === objectSid,
        create: () => assignments.create(objectSid),
        refusedWhenExists: true,
      });
      activityLog.info('Trust Hub entity assigned', {
        kind,
        bundleSid,
        objectSid,
        assignmentSid: record.sid,
      });
      return { assignmentSid: record.sid };
    },

    /** Removes every entity assignment of `objectSid` from the bundle; `removed` is false when there was none. */
    unassignFromBundle: async ({
      kind,
      bundleSid,
      objectSid,
    }: AssignToBundleInput): Promise<{ removed: boolean }> => {
      const assignments = bundleApi(twilio, kind).entityAssignments(bundleSid);
      const found = await twilioCall(() => assignments.list());
      const matching = found.filter((a) => a.objectSid === objectSid);
      await removeAssignments(matching, (sid) => assignments.remove(sid));
      activityLog.info('Trust Hub entity unassigned', {
        kind,
        bundleSid,
        objectSid,
        removed: matching.length,
      });
      return { removed: matching.length > 0 };
    },

    /** ChannelEndpointAssignments (phone-number): as assignToBundle, looked up by ChannelEndpointSid. */
    assignPhoneNumber: async ({
      kind,
      bundleSid,
      phoneNumberSid,
    }: AssignPhoneNumberInput): Promise<AssignmentResult> => {
      const assignments = bundleApi(twilio, kind).channelEndpointAssignments(bundleSid);
      const { record } = await findOrCreate({
        what: `${kind} channel endpoint assignment`,
        find: () => assignments.list({ channelEndpointSid: phoneNumberSid }),
        matches: (a) => a.channelEndpointSid === phoneNumberSid,
        create: () =>
          assignments.create({ channelEndpointType: 'phone-number', channelEndpointSid: phoneNumberSid }),
        refusedWhenExists: true,
      }).catch(async (error: unknown) => {
        throw await withNumberHolder(error, bundleSid, phoneNumberSid, claimsNamespace);
      });
      activityLog.info('Trust Hub phone number assigned', {
        kind,
        bundleSid,
        phoneNumberSid,
        assignmentSid: record.sid,
      });
      return { assignmentSid: record.sid };
    },

    /**
     * An existing secondary customer profile, read to be adopted: its status, what is assigned to it
     * (end users by type, supporting documents with their address) and its numbers, and the identity a
     * vetting team compares: its email, its business information, and the address its address document
     * points at (one more read, GET /2010-04-01/Accounts/{AC}/Addresses/{AD}.json).
     */
    describeCustomerProfile: async ({ sid }: { sid: string }): Promise<ExistingProfile> => {
      const api = bundleApi(twilio, 'customer-profile');
      const endUsers = endUserApi(twilio);
      const documents = supportingDocumentApi(twilio);
      const profile = await twilioCall(() => api.fetch(sid));
      const snapshot = toBundleSnapshot('customer-profile', profile);
      const entities: ExistingProfile['entities'] = [];
      let business: ExistingProfile['business'];
      let address: ExistingProfile['address'];
      for (const { objectSid } of await twilioCall(() => api.entityAssignments(sid).list())) {
        if (objectSid.startsWith('IT')) {
          const endUser = await twilioCall(() => endUsers.fetch(objectSid));
          entities.push({ sid: objectSid, type: endUser.type });
          if (endUser.type === BUSINESS_INFORMATION_TYPE) {
            business = {
              name: textAttribute(endUser, 'business_name'),
              registrationNumber: textAttribute(endUser, 'business_registration_number'),
              registrationIdentifier: textAttribute(endUser, 'business_registration_identifier'),
              websiteUrl: textAttribute(endUser, 'website_url'),
            };
          }
        } else if (objectSid.startsWith('RD')) {
          const document = await twilioCall(() => documents.fetch(objectSid));
          const addressSid = documentAddressSid(document);
          entities.push({ sid: objectSid, type: document.type, ...(addressSid ? { addressSid } : {}) });
          if (document.type === SUPPORTING_DOCUMENT_ADDRESS_TYPE && addressSid && !address) {
            const held = await twilioCall(() => addressApi(twilio).fetch(addressSid));
            address = { isoCountry: held.isoCountry, region: held.region, postalCode: held.postalCode };
          }
        } else {
          entities.push({ sid: objectSid, type: 'customer-profile' });
        }
      }
      const numbers = await twilioCall(() => api.channelEndpointAssignments(sid).list({}));
      activityLog.info('Existing customer profile read', {
        sid,
        status: snapshot.status,
        entities: entities.length,
      });
      return {
        snapshot,
        entities,
        phoneNumberSids: numbers.map((n) => n.channelEndpointSid),
        ...(business ? { business } : {}),
        email: profile.email ?? null,
        ...(address ? { address } : {}),
      };
    },

    /**
     * Two list requests: every entity and number Twilio has on the bundle now. The serving loop compares
     * them with what it assigned, to find what was taken off outside the service (in the Console).
     */
    readAssignments: async ({ kind, sid }: BundleRef): Promise<BundleAssignments> => {
      const api = bundleApi(twilio, kind);
      const entities = await twilioCall(() => api.entityAssignments(sid).list());
      const numbers = await twilioCall(() => api.channelEndpointAssignments(sid).list({}));
      return {
        entities: entities.map((e) => e.objectSid),
        phoneNumberSids: numbers.map((n) => n.channelEndpointSid),
      };
    },

    /** Removes the number's ChannelEndpointAssignments from the bundle; none left is success (idempotent). */
    unassignPhoneNumber: async ({
      kind,
      bundleSid,
      phoneNumberSid,
    }: AssignPhoneNumberInput): Promise<{ removed: boolean }> => {
      const assignments = bundleApi(twilio, kind).channelEndpointAssignments(bundleSid);
      const found = await twilioCall(() => assignments.list({ channelEndpointSid: phoneNumberSid }));
      const matching = found.filter((a) => a.channelEndpointSid === phoneNumberSid);
      await removeAssignments(matching, (sid) => assignments.remove(sid));
      activityLog.info('Trust Hub phone number unassigned', {
        kind,
        bundleSid,
        phoneNumberSid,
        removed: matching.length,
      });
      return { removed: matching.length > 0 };
    },
  };
}
