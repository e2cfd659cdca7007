/**
 * `/v1/Policies`, `/v1/EndUserTypes`, `/v1/SupportingDocumentTypes`: the read-only catalogue.
 * Types can be fetched by SID or by machine name (policies refer to them by machine name).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Params } from '../context.js';
import { baseUrl } from '../context.js';
import { notFound } from '../errors.js';
import { pageV1, readPageRequest } from '../paging.js';
import type { ItemType } from '../policies.js';
import { END_USER_TYPES, POLICIES, SUPPORTING_DOCUMENT_TYPES } from '../policies.js';
import { serializeItemType, serializePolicy } from '../serialize.js';

type SidRequest = FastifyRequest<{ Params: { Sid: string } }>;

/** Catalogue entries are static: their list order is their declaration order. */
const ordered = <T>(items: T[]) => items.map((item, index) => ({ item, seq: index + 1 }));

/** A plugin, registered in the Twilio scope (app.ts). */
export default async function catalogRoutes(app: FastifyInstance): Promise<void> {
  app.get('/v1/Policies', async (request) => {
    const base = baseUrl(request);
    return pageV1(
      base,
      '/v1/Policies',
      ordered(POLICIES),
      readPageRequest(request.query as Params),
      {},
      ({ item }) => serializePolicy(base, item),
    );
  });

  app.get('/v1/Policies/:Sid', async (request: SidRequest) => {
    const policy = POLICIES.find((p) => p.sid === request.params.Sid);
    if (!policy) throw notFound(`Policy ${request.params.Sid}`);
    return serializePolicy(baseUrl(request), policy);
  });

  const typeRoutes = (collection: 'EndUserTypes' | 'SupportingDocumentTypes', types: ItemType[]) => {
    app.get(`/v1/${collection}`, async (request) => {
      const base = baseUrl(request);
      return pageV1(
        base,
        `/v1/${collection}`,
        ordered(types),
        readPageRequest(request.query as Params),
        {},
        ({ item }) => serializeItemType(base, collection, item),
      );
    });
    app.get(`/v1/${collection}/:Sid`, async (request: SidRequest) => {
      const type = types.find((t) => t.sid === request.params.Sid || t.machineName === request.params.Sid);
      if (!type) throw notFound(`${collection} ${request.params.Sid}`);
      return serializeItemType(baseUrl(request), collection, type);
    });
  };
  typeRoutes('EndUserTypes', END_USER_TYPES);
  typeRoutes('SupportingDocumentTypes', SUPPORTING_DOCUMENT_TYPES);
}
