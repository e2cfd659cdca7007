/**
 * `/v1/CustomerProfiles` and `/v1/TrustProducts` — the two kinds of Trust Hub bundle, which share one
 * implementation — with their EntityAssignments, ChannelEndpointAssignments and Evaluations.
 *
 * Twilio's rules enforced here:
 * - only draft and twilio-rejected bundles can be edited, get entity assignments, or be submitted
 *   (60711 otherwise);
 * - a submission (`Status=pending-review`) is sent on its own: FriendlyName/Email alongside are refused
 *   (StatusCallback is accepted with it, as the guide's own trust-product submission sends both);
 * - a noncompliant bundle cannot be submitted (the error carries the first failing requirement's code);
 * - a customer profile links only an approved ISV primary profile; a trust product links one secondary
 *   profile;
 * - a phone number is on at most one customer profile (and one trust product of each policy), and
 *   joins a trust product only once it is on the secondary profile linked to it;
 * - a CNAM trust product takes US standard local numbers only (numbers.ts);
 * - assigning the same object twice is refused (409, 20409).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Params, SandboxContext } from '../context.js';
import { baseUrl, formBody, optionalParam, optionalUrlParam, requiredParam } from '../context.js';
import { conflict, invalidParameter, notEditable, notFound, TwilioApiError } from '../errors.js';
import { businessIdentityOf, evaluateBundle, firstFailure } from '../evaluation.js';
import { newSid, SidPrefix, sidPrefixOf } from '../ids.js';
import { cnamIneligibility } from '../numbers.js';
import { CNAM_POLICY_SID, findPolicy } from '../policies.js';
import { pageV1, readPageRequest } from '../paging.js';
import {
  bundleCollection,
  serializeBundle,
  serializeChannelEndpointAssignment,
  serializeEntityAssignment,
  serializeEvaluation,
} from '../serialize.js';
import type { Bundle, BundleKind, BundleStatus } from '../state.js';
import { byCreation } from '../state.js';

const EDITABLE: BundleStatus[] = ['draft', 'twilio-rejected'];
const IN_VETTING: BundleStatus[] = ['pending-review', 'in-review'];

type SidRequest = FastifyRequest<{ Params: { Sid: string; BundleSid: string } }>;

export interface BundleRoutesOptions {
  context: SandboxContext;
  kind: BundleKind;
}

/** A plugin: the Twilio scope (app.ts) registers it once per bundle kind. */
export default async function bundleRoutes(
  app: FastifyInstance,
  { context: ctx, kind }: BundleRoutesOptions,
): Promise<void> {
  const collection = bundleCollection(kind);
  const root = `/v1/${collection}`;
  const { store } = ctx;
  const account = () => store.state.account.sid;
  const label = kind === 'customer-profile' ? 'CustomerProfile' : 'TrustProduct';

  const findBundle = (sid: string): Bundle => {
    const bundle = store.bundle(sid);
    if (!bundle || bundle.kind !== kind) throw notFound(`${label} ${sid}`);
    return bundle;
  };
  const requireEditable = (bundle: Bundle) => {
    if (!EDITABLE.includes(bundle.status)) throw notEditable(bundle.sid, bundle.status);
  };

  // ---- the bundle itself ----------------------------------------------------------------------

  app.post(root, async (request, reply) => {
    const body = formBody(request);
    const friendlyName = requiredParam(body, 'FriendlyName');
    const email = requiredParam(body, 'Email');
    const policySid = requiredParam(body, 'PolicySid');
    const statusCallback = optionalUrlParam(body, 'StatusCallback');
    const policy = findPolicy(policySid);
    if (!policy || policy.bundleKind !== kind) {
      throw invalidParameter(`PolicySid ${policySid} is not a ${label} policy`);
    }
    const now = new Date().toISOString();
    const bundle: Bundle = {
      sid: newSid(SidPrefix.bundle),
      kind,
      seq: store.nextSeq(),
      policySid,
      friendlyName,
      email,
      statusCallback: statusCallback ?? null,
      status: 'draft',
      validUntil: null,
      errors: null,
      primary: false,
      dateCreated: now,
      dateUpdated: now,
    };
    store.state.bundles[bundle.sid] = bundle;
    store.commit();
    return reply.code(201).send(serializeBundle(baseUrl(request), account(), bundle));
  });

  app.get(root, async (request) => {
    const query = request.query as Params;
    const status = optionalParam(query, 'Status');
    const friendlyName = optionalParam(query, 'FriendlyName');
    const policySid = optionalParam(query, 'PolicySid');
    const items = byCreation(store.state.bundles).filter(
      (b) =>
        b.kind === kind &&
        (status === undefined || b.status === status) &&
        (friendlyName === undefined || b.friendlyName === friendlyName) &&
        (policySid === undefined || b.policySid === policySid),
    );
    const base = baseUrl(request);
    return pageV1(
      base,
      root,
      items,
      readPageRequest(query),
      { Status: status, FriendlyName: friendlyName, PolicySid: policySid },
      (b) => serializeBundle(base, account(), b),
    );
  });

  app.get(`${root}/:Sid`, async (request: SidRequest) =>
    serializeBundle(baseUrl(request), account(), findBundle(request.params.Sid)),
  );

  app.post(`${root}/:Sid`, async (request: SidRequest) => {
    const bundle = findBundle(request.params.Sid);
    const body = formBody(request);
    const status = optionalParam(body, 'Status');
    const friendlyName = optionalParam(body, 'FriendlyName');
    const email = optionalParam(body, 'Email');
    const statusCallback = optionalUrlParam(body, 'StatusCallback');

    if (status !== undefined) {
      if (friendlyName !== undefined || email !== undefined) {
        throw invalidParameter(
          'Status must be updated on its own: send FriendlyName and Email in another request',
        );
      }
      if (status !== 'pending-review')
        throw invalidParameter(`Status can only be set to pending-review, not ${status}`);
      requireEditable(bundle);
      const policy = findPolicy(bundle.policySid);
      if (!policy) throw invalidParameter(`The bundle's policy ${bundle.policySid} is unknown`);
      const failure = firstFailure(evaluateBundle(store, bundle, policy));
      if (failure) {
        throw new TwilioApiError(
          400,
          failure.error_code ?? 20001,
          `Bundle ${bundle.sid} is not compliant and cannot be submitted: ${failure.failure_reason ?? failure.requirement_name}`,
        );
      }
      if (statusCallback !== undefined) bundle.statusCallback = statusCallback;
      ctx.vetting.submit(bundle);
      return serializeBundle(baseUrl(request), account(), bundle);
    }

    if (friendlyName !== undefined || email !== undefined || statusCallback !== undefined)
      requireEditable(bundle);
    if (friendlyName !== undefined) bundle.friendlyName = friendlyName;
    if (email !== undefined) bundle.email = email;
    if (statusCallback !== undefined) bundle.statusCallback = statusCallback;
    bundle.dateUpdated = new Date().toISOString();
    store.commit();
    return serializeBundle(baseUrl(request), account(), bundle);
  });

  app.delete(`${root}/:Sid`, async (request: SidRequest, reply: FastifyReply) => {
    const bundle = findBundle(request.params.Sid);
    if (IN_VETTING.includes(bundle.status)) throw notEditable(bundle.sid, bundle.status);
    const state = store.state;
    for (const a of Object.values(state.entityAssignments)) {
      if (a.bundleSid === bundle.sid || a.objectSid === bundle.sid) delete state.entityAssignments[a.sid];
    }
    for (const a of Object.values(state.channelEndpointAssignments)) {
      if (a.bundleSid === bundle.sid) delete state.channelEndpointAssignments[a.sid];
    }
    for (const e of Object.values(state.evaluations))
      if (e.bundleSid === bundle.sid) delete state.evaluations[e.sid];
    delete state.vettingJobs[bundle.sid];
    delete state.forcedOutcomes[bundle.sid];
    delete state.bundles[bundle.sid];
    store.commit();
    return reply.code(204).send();
  });

  // ---- EntityAssignments ----------------------------------------------------------------------

  const entities = `${root}/:BundleSid/EntityAssignments`;

  app.post(entities, async (request: SidRequest, reply) => {
    const bundle = findBundle(request.params.BundleSid);
    const objectSid = requiredParam(formBody(request), 'ObjectSid');
    requireEditable(bundle);
    checkAssignable(ctx, bundle, objectSid);
    const assignment = {
      sid: newSid(SidPrefix.entityAssignment),
      seq: store.nextSeq(),
      bundleSid: bundle.sid,
      objectSid,
      dateCreated: new Date().toISOString(),
    };
    store.state.entityAssignments[assignment.sid] = assignment;
    store.commit();
    return reply.code(201).send(serializeEntityAssignment(baseUrl(request), account(), bundle, assignment));
  });

  app.get(entities, async (request: SidRequest) => {
    const bundle = findBundle(request.params.BundleSid);
    const query = request.query as Params;
    const objectType = optionalParam(query, 'ObjectType');
    const items = store
      .entityAssignmentsOf(bundle.sid)
      .filter((a) => objectType === undefined || objectTypeOf(ctx, a.objectSid) === objectType);
    const base = baseUrl(request);
    return pageV1(
      base,
      `${root}/${bundle.sid}/EntityAssignments`,
      items,
      readPageRequest(query),
      { ObjectType: objectType },
      (a) => serializeEntityAssignment(base, account(), bundle, a),
    );
  });

  app.get(`${entities}/:Sid`, async (request: SidRequest) => {
    const bundle = findBundle(request.params.BundleSid);
    const assignment = store.state.entityAssignments[request.params.Sid];
    if (!assignment || assignment.bundleSid !== bundle.sid)
      throw notFound(`EntityAssignment ${request.params.Sid}`);
    return serializeEntityAssignment(baseUrl(request), account(), bundle, assignment);
  });

  app.delete(`${entities}/:Sid`, async (request: SidRequest, reply: FastifyReply) => {
    const bundle = findBundle(request.params.BundleSid);
    const assignment = store.state.entityAssignments[request.params.Sid];
    if (!assignment || assignment.bundleSid !== bundle.sid)
      throw notFound(`EntityAssignment ${request.params.Sid}`);
    requireEditable(bundle);
    delete store.state.entityAssignments[assignment.sid];
    store.commit();
    return reply.code(204).send();
  });

  // ---- ChannelEndpointAssignments -------------------------------------------------------------

  const endpoints = `${root}/:BundleSid/ChannelEndpointAssignments`;

  app.post(endpoints, async (request: SidRequest, reply) => {
    const bundle = findBundle(request.params.BundleSid);
    const body = formBody(request);
    const type = requiredParam(body, 'ChannelEndpointType');
    const endpointSid = requiredParam(body, 'ChannelEndpointSid');
    if (type !== 'phone-number')
      throw invalidParameter(`ChannelEndpointType must be phone-number, not ${type}`);
    const number = store.state.phoneNumbers[endpointSid];
    if (!number) {
      throw invalidParameter(`ChannelEndpointSid ${endpointSid} is not a phone number of this account`);
    }
    const ineligible = bundle.policySid === CNAM_POLICY_SID ? cnamIneligibility(number.phoneNumber) : null;
    if (ineligible) {
      throw invalidParameter(
        `${endpointSid} cannot be assigned to CNAM trust product ${bundle.sid}: ${ineligible}`,
      );
    }
    checkEndpointAssignable(ctx, bundle, endpointSid);
    const assignment = {
      sid: newSid(SidPrefix.channelEndpointAssignment),
      seq: store.nextSeq(),
      bundleSid: bundle.sid,
      channelEndpointType: type,
      channelEndpointSid: endpointSid,
      dateCreated: new Date().toISOString(),
    };
    store.state.channelEndpointAssignments[assignment.sid] = assignment;
    store.commit();
    return reply
      .code(201)
      .send(serializeChannelEndpointAssignment(baseUrl(request), account(), bundle, assignment));
  });

  app.get(endpoints, async (request: SidRequest) => {
    const bundle = findBundle(request.params.BundleSid);
    const query = request.query as Params;
    const single = optionalParam(query, 'ChannelEndpointSid');
    const many = optionalParam(query, 'ChannelEndpointSids');
    const wanted = many
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const items = store
      .channelEndpointAssignmentsOf(bundle.sid)
      .filter(
        (a) =>
          (single === undefined || a.channelEndpointSid === single) &&
          (wanted === undefined || wanted.includes(a.channelEndpointSid)),
      );
    const base = baseUrl(request);
    return pageV1(
      base,
      `${root}/${bundle.sid}/ChannelEndpointAssignments`,
      items,
      readPageRequest(query),
      { ChannelEndpointSid: single, ChannelEndpointSids: many },
      (a) => serializeChannelEndpointAssignment(base, account(), bundle, a),
    );
  });

  app.get(`${endpoints}/:Sid`, async (request: SidRequest) => {
    const bundle = findBundle(request.params.BundleSid);
    const assignment = store.state.channelEndpointAssignments[request.params.Sid];
    if (!assignment || assignment.bundleSid !== bundle.sid) {
      throw notFound(`ChannelEndpointAssignment ${request.params.Sid}`);
    }
    return serializeChannelEndpointAssignment(baseUrl(request), account(), bundle, assignment);
  });

  app.delete(`${endpoints}/:Sid`, async (request: SidRequest, reply: FastifyReply) => {
    const bundle = findBundle(request.params.BundleSid);
    const assignment = store.state.channelEndpointAssignments[request.params.Sid];
    if (!assignment || assignment.bundleSid !== bundle.sid) {
      throw notFound(`ChannelEndpointAssignment ${request.params.Sid}`);
    }
    delete store.state.channelEndpointAssignments[assignment.sid];
    store.commit();
    return reply.code(204).send();
  });

  // ---- Evaluations ----------------------------------------------------------------------------

  const evaluations = `${root}/:BundleSid/Evaluations`;

  app.post(evaluations, async (request: SidRequest, reply) => {
    const bundle = findBundle(request.params.BundleSid);
    const policySid = requiredParam(formBody(request), 'PolicySid');
    const policy = findPolicy(policySid);
    if (!policy) throw invalidParameter(`PolicySid ${policySid} is not a known policy`);
    const outcome = evaluateBundle(store, bundle, policy);
    const evaluation = {
      sid: newSid(SidPrefix.evaluation),
      seq: store.nextSeq(),
      bundleSid: bundle.sid,
      policySid,
      status: outcome.status,
      results: outcome.results,
      dateCreated: new Date().toISOString(),
    };
    store.state.evaluations[evaluation.sid] = evaluation;
    store.commit();
    return reply.code(201).send(serializeEvaluation(baseUrl(request), account(), bundle, evaluation));
  });

  app.get(evaluations, async (request: SidRequest) => {
    const bundle = findBundle(request.params.BundleSid);
    const query = request.query as Params;
    const items = byCreation(store.state.evaluations).filter((e) => e.bundleSid === bundle.sid);
    const base = baseUrl(request);
    return pageV1(base, `${root}/${bundle.sid}/Evaluations`, items, readPageRequest(query), {}, (e) =>
      serializeEvaluation(base, account(), bundle, e),
    );
  });

  app.get(`${evaluations}/:Sid`, async (request: SidRequest) => {
    const bundle = findBundle(request.params.BundleSid);
    const evaluation = store.state.evaluations[request.params.Sid];
    if (!evaluation || evaluation.bundleSid !== bundle.sid)
      throw notFound(`Evaluation ${request.params.Sid}`);
    return serializeEvaluation(baseUrl(request), account(), bundle, evaluation);
  });
}

/** What an assigned object is, for the ObjectType filter. */
function objectTypeOf(ctx: SandboxContext, objectSid: string): string {
  const state = ctx.store.state;
  return (
    state.endUsers[objectSid]?.type ??
    state.supportingDocuments[objectSid]?.type ??
    (state.bundles[objectSid] ? 'customer_profile' : 'unknown')
  );
}

function checkAssignable(ctx: SandboxContext, bundle: Bundle, objectSid: string): void {
  const { store } = ctx;
  const state = store.state;
  const assigned = store.entityAssignmentsOf(bundle.sid);
  if (assigned.some((a) => a.objectSid === objectSid)) {
    throw conflict(`${objectSid} is already assigned to ${bundle.sid}`);
  }
  const prefix = sidPrefixOf(objectSid);
  if (prefix === SidPrefix.endUser && state.endUsers[objectSid]) {
    const type = state.endUsers[objectSid].type;
    if (store.attachedEndUsers(bundle.sid).some((u) => u.type === type)) {
      throw conflict(`${bundle.sid} already has an end user of type ${type}`);
    }
    return;
  }
  if (prefix === SidPrefix.supportingDocument && state.supportingDocuments[objectSid]) {
    const type = state.supportingDocuments[objectSid].type;
    if (store.attachedDocuments(bundle.sid).some((d) => d.type === type)) {
      throw conflict(`${bundle.sid} already has a supporting document of type ${type}`);
    }
    return;
  }
  const profile = prefix === SidPrefix.bundle ? state.bundles[objectSid] : undefined;
  if (profile && profile.kind === 'customer-profile' && profile.sid !== bundle.sid) {
    if (bundle.kind === 'customer-profile') {
      // A secondary profile links the ISV's primary, which must be approved and of ISV identity
      // (Twilio refuses secondaries under a direct_customer primary: twilio-node issue #965).
      if (!profile.primary) throw invalidParameter(`${objectSid} is not a primary customer profile`);
      if (profile.status !== 'twilio-approved') {
        throw invalidParameter(
          `Primary customer profile ${objectSid} is ${profile.status}, not twilio-approved`,
        );
      }
      if (businessIdentityOf(store, profile) !== 'isv_reseller_or_partner') {
        throw invalidParameter(
          `Primary customer profile ${objectSid} has not the business identity isv_reseller_or_partner`,
        );
      }
      return;
    }
    if (profile.primary)
      throw invalidParameter(`${objectSid} is a primary profile: link a secondary customer profile`);
    if (store.attachedProfiles(bundle.sid).length)
      throw conflict(`${bundle.sid} already has a customer profile`);
    return;
  }
  throw invalidParameter(
    `ObjectSid ${objectSid} is not an end user, supporting document or customer profile`,
  );
}

function checkEndpointAssignable(ctx: SandboxContext, bundle: Bundle, numberSid: string): void {
  const state = ctx.store.state;
  const holders = Object.values(state.channelEndpointAssignments)
    .filter((a) => a.channelEndpointSid === numberSid)
    .map((a) => state.bundles[a.bundleSid])
    .filter((b): b is Bundle => b !== undefined);
  if (holders.some((b) => b.sid === bundle.sid))
    throw conflict(`${numberSid} is already assigned to ${bundle.sid}`);
  // One customer profile per number; trust products only exclude their own policy, since the same
  // numbers take SHAKEN/STIR, Voice Integrity and CNAM side by side.
  const sameKind = holders.find(
    (b) => b.kind === bundle.kind && (b.kind === 'customer-profile' || b.policySid === bundle.policySid),
  );
  if (sameKind) {
    throw conflict(
      `${numberSid} is already assigned to ${bundle.kind === 'customer-profile' ? 'customer profile' : 'trust product'} ${sameKind.sid}`,
    );
  }
  if (bundle.kind === 'trust-product') {
    const profiles = ctx.store.attachedProfiles(bundle.sid).map((p) => p.sid);
    const onLinkedProfile = holders.some((b) => b.kind === 'customer-profile' && profiles.includes(b.sid));
    if (!onLinkedProfile) {
      throw invalidParameter(
        `${numberSid} must first be assigned to the secondary customer profile linked to trust product ${bundle.sid}`,
      );
    }
  }
}
