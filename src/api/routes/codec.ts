/**
 * /v1/codec/decode (and /v1/codec/encode with CODEC_ENCODE=true): the remote codec the Temporal Web UI (and `temporal … --codec-endpoint`)
 * calls to show an operator what is behind the ciphertext Temporal stores (src/temporal/codec.ts). It
 * speaks Temporal's remote-codec protocol: `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`
 * in and out.
 *
 * It sits in its own scope with its own bearer token, CODEC_TOKEN (app.ts) — it decrypts every payload
 * and encrypts chosen ones, which is not the ISV's system's business — so an operator without the
 * token sees only ciphertext, and with CORS for the Web UI's origin (TEMPORAL_UI_URL), because the
 * browser, not the UI's server, makes the call.
 *
 * Encode is off unless CODEC_ENCODE=true: ciphertext made with the active key is what the worker
 * trusts as input, so an encode endpoint would let the codec's token (a Web UI operator's) write a
 * start or a signal no API check saw, given any write path to Temporal. The Web UI needs encode only
 * for its write actions, which compose turns off; reading histories needs decode alone.
 * Registered under the /v1/codec prefix (app.ts), so the paths here are relative to it.
 *
 * Unlike the worker's, this codec passes an unencrypted payload back as it is: it only shows payloads
 * to a person, and a history holding one (a start someone made without the codec, which the worker
 * refused) must still be drawn, not fail as a whole.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { payloadKeys } from '../../config.js';
import {
  EncryptionCodec,
  PayloadDecryptionError,
  payloadFromJson,
  payloadToJson,
} from '../../temporal/codec.js';
import { ErrorBody } from '../schemas.js';

const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'base64' });
const JsonPayload = Type.Object({
  metadata: Type.Optional(Type.Record(Type.String(), Base64)),
  data: Type.Optional(Base64),
});
const Payloads = Type.Object({ payloads: Type.Array(JsonPayload, { maxItems: 10_000 }) });

/** Temporal payloads are up to 2 MB each and the UI sends a history's worth at once. */
const CODEC_BODY_LIMIT = 32 * 1024 * 1024;

export default async function codecRoutes(instance: FastifyInstance) {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const codec = new EncryptionCodec(payloadKeys(app.deps.config), { plaintext: 'pass' });
  const schema = (summary: string) => ({
    tags: ['operators'],
    summary,
    headers: Type.Object({
      'x-namespace': Type.Optional(Type.String({ description: 'Sent by the Temporal Web UI; not used.' })),
    }),
    body: Payloads,
    response: { 200: Payloads, 422: ErrorBody },
  });

  if (app.deps.config.CODEC_ENCODE) {
    app.post(
      '/encode',
      {
        bodyLimit: CODEC_BODY_LIMIT,
        schema: schema('Encrypt payloads (for the Temporal Web UI; only with CODEC_ENCODE=true)'),
      },
      async (request) => ({
        payloads: (await codec.encode(request.body.payloads.map(payloadFromJson))).map(payloadToJson),
      }),
    );
  }

  app.post(
    '/decode',
    { bodyLimit: CODEC_BODY_LIMIT, schema: schema('Decrypt payloads (for the Temporal Web UI)') },
    async (request, reply) => {
      try {
        return {
          payloads: (await codec.decode(request.body.payloads.map(payloadFromJson))).map(payloadToJson),
        };
      } catch (error) {
        if (!(error instanceof PayloadDecryptionError)) throw error;
        return reply.code(422).send({ error: { code: 'undecodable_payload', message: error.message } });
      }
    },
  );
}
