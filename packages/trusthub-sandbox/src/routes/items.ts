/**
 * `/v1/EndUsers` and `/v1/SupportingDocuments`: the items a bundle is made of. Their lists take no
 * filter (as on Twilio — which is why the onboarding must remember SIDs, or page through everything).
 * An item attached to a bundle in review or approved is locked (60711), as Twilio vets its content.
 * The Voice Integrity and CNAM end users' attributes are checked when written (400 / 20001).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseAttributes } from '../attributes.js';
import type { Params, SandboxContext } from '../context.js';
import { baseUrl, formBody, optionalParam, requiredParam } from '../context.js';
import { conflict, invalidParameter, notEditable, notFound } from '../errors.js';
import { attributesProblem } from '../evaluation.js';
import { newSid, SidPrefix } from '../ids.js';
import { pageV1, readPageRequest } from '../paging.js';
import type { ItemType } from '../policies.js';
import { findEndUserType, findSupportingDocumentType } from '../policies.js';
import { serializeEndUser, serializeSupportingDocument } from '../serialize.js';
import type { EndUser, SupportingDocument } from '../state.js';
import { byCreation } from '../state.js';

type SidRequest = FastifyRequest<{ Params: { Sid: string } }>;

function readAttributes(body: Params): Record<string, unknown> | undefined {
  const raw = body.Attributes;
  if (raw === undefined) return undefined;
  const parsed = parseAttributes(Array.isArray(raw) ? raw[0] : raw);
  if (parsed === 'invalid') throw invalidParameter('Attributes must be a JSON object');
  return parsed;
}

function checkAttributes(type: ItemType | undefined, attributes: Record<string, unknown>): void {
  const problem = type ? attributesProblem(type, attributes) : null;
  if (problem) throw invalidParameter(`Attributes of a ${type?.machineName} end user: ${problem}`);
}

function requireUnlocked(ctx: SandboxContext, sid: string): void {
  const locked = ctx.store.bundlesHolding(sid).find((b) => !['draft', 'twilio-rejected'].includes(b.status));
  if (locked) throw notEditable(locked.sid, locked.status);
}

function requireUnassigned(ctx: SandboxContext, sid: string): void {
  const holder = ctx.store.bundlesHolding(sid)[0];
  if (holder) throw conflict(`${sid} is assigned to ${holder.sid}: remove the assignment first`);
}

/** A plugin, registered in the Twilio scope (app.ts). */
export default async function itemRoutes(
  app: FastifyInstance,
  { context: ctx }: { context: SandboxContext },
): Promise<void> {
  const { store } = ctx;
  const account = () => store.state.account.sid;

  // ---- EndUsers --------------------------------------------------------------------------------

  const findEndUser = (sid: string): EndUser => {
    const endUser = store.state.endUsers[sid];
    if (!endUser) throw notFound(`EndUser ${sid}`);
    return endUser;
  };

  app.post('/v1/EndUsers', async (request, reply) => {
    const body = formBody(request);
    const friendlyName = requiredParam(body, 'FriendlyName');
    const type = requiredParam(body, 'Type');
    const endUserType = findEndUserType(type);
    if (!endUserType) throw invalidParameter(`Type ${type} is not a known end-user type`);
    const attributes = readAttributes(body) ?? {};
    checkAttributes(endUserType, attributes);
    const now = new Date().toISOString();
    const endUser: EndUser = {
      sid: newSid(SidPrefix.endUser),
      seq: store.nextSeq(),
      friendlyName,
      type,
      attributes,
      dateCreated: now,
      dateUpdated: now,
    };
    store.state.endUsers[endUser.sid] = endUser;
    store.commit();
    return reply.code(201).send(serializeEndUser(baseUrl(request), account(), endUser));
  });

  app.get('/v1/EndUsers', async (request) => {
    const base = baseUrl(request);
    return pageV1(
      base,
      '/v1/EndUsers',
      byCreation(store.state.endUsers),
      readPageRequest(request.query as Params),
      {},
      (u) => serializeEndUser(base, account(), u),
    );
  });

  app.get('/v1/EndUsers/:Sid', async (request: SidRequest) =>
    serializeEndUser(baseUrl(request), account(), findEndUser(request.params.Sid)),
  );

  app.post('/v1/EndUsers/:Sid', async (request: SidRequest) => {
    const endUser = findEndUser(request.params.Sid);
    const body = formBody(request);
    const friendlyName = optionalParam(body, 'FriendlyName');
    const attributes = readAttributes(body);
    if (friendlyName !== undefined || attributes !== undefined) requireUnlocked(ctx, endUser.sid);
    if (attributes !== undefined) checkAttributes(findEndUserType(endUser.type), attributes);
    if (friendlyName !== undefined) endUser.friendlyName = friendlyName;
    // Twilio replaces the attributes as a whole.
    if (attributes !== undefined) endUser.attributes = attributes;
    endUser.dateUpdated = new Date().toISOString();
    store.commit();
    return serializeEndUser(baseUrl(request), account(), endUser);
  });

  app.delete('/v1/EndUsers/:Sid', async (request: SidRequest, reply: FastifyReply) => {
    const endUser = findEndUser(request.params.Sid);
    requireUnassigned(ctx, endUser.sid);
    delete store.state.endUsers[endUser.sid];
    store.commit();
    return reply.code(204).send();
  });

  // ---- SupportingDocuments ---------------------------------------------------------------------

  const findDocument = (sid: string): SupportingDocument => {
    const document = store.state.supportingDocuments[sid];
    if (!document) throw notFound(`SupportingDocument ${sid}`);
    return document;
  };

  app.post('/v1/SupportingDocuments', async (request, reply) => {
    const body = formBody(request);
    const friendlyName = requiredParam(body, 'FriendlyName');
    const type = requiredParam(body, 'Type');
    if (!findSupportingDocumentType(type))
      throw invalidParameter(`Type ${type} is not a known supporting document type`);
    const now = new Date().toISOString();
    const document: SupportingDocument = {
      sid: newSid(SidPrefix.supportingDocument),
      seq: store.nextSeq(),
      friendlyName,
      type,
      attributes: readAttributes(body) ?? {},
      status: 'DRAFT',
      dateCreated: now,
      dateUpdated: now,
    };
    store.state.supportingDocuments[document.sid] = document;
    store.commit();
    return reply.code(201).send(serializeSupportingDocument(baseUrl(request), account(), document));
  });

  app.get('/v1/SupportingDocuments', async (request) => {
    const base = baseUrl(request);
    return pageV1(
      base,
      '/v1/SupportingDocuments',
      byCreation(store.state.supportingDocuments),
      readPageRequest(request.query as Params),
      {},
      (d) => serializeSupportingDocument(base, account(), d),
    );
  });

  app.get('/v1/SupportingDocuments/:Sid', async (request: SidRequest) =>
    serializeSupportingDocument(baseUrl(request), account(), findDocument(request.params.Sid)),
  );

  app.post('/v1/SupportingDocuments/:Sid', async (request: SidRequest) => {
    const document = findDocument(request.params.Sid);
    const body = formBody(request);
    const friendlyName = optionalParam(body, 'FriendlyName');
    const attributes = readAttributes(body);
    if (friendlyName !== undefined || attributes !== undefined) requireUnlocked(ctx, document.sid);
    if (friendlyName !== undefined) document.friendlyName = friendlyName;
    if (attributes !== undefined) document.attributes = attributes;
    document.dateUpdated = new Date().toISOString();
    store.commit();
    return serializeSupportingDocument(baseUrl(request), account(), document);
  });

  app.delete('/v1/SupportingDocuments/:Sid', async (request: SidRequest, reply: FastifyReply) => {
    const document = findDocument(request.params.Sid);
    requireUnassigned(ctx, document.sid);
    delete store.state.supportingDocuments[document.sid];
    store.commit();
    return reply.code(204).send();
  });
}
