/**
 * Bearer-token auth for the ISV-facing API, enforced by route scope: `app.ts` registers this plugin
 * inside the encapsulated plugin that owns `/v1/onboardings*`, so its `onRequest` hook runs for every
 * route registered there, however a client spells the path. (An earlier hook compared the raw URL text,
 * and `/v1/%6Fnboardings` walked past it because the router decodes what the hook did not.)
 *
 * `@fastify/bearer-auth` compares keys in constant time and accepts several, so a token can be rotated:
 * set `API_TOKEN=new,old`, move the clients to the new one, then drop the old. Without `API_TOKEN` the
 * API only listens on loopback (src/config.ts refuses anything else). The Twilio webhook lives outside
 * this scope: Twilio proves itself with X-Twilio-Signature instead.
 */
import bearerAuth from '@fastify/bearer-auth';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { apiTokens } from '../../config.js';

const unauthorized = () => ({
  error: { code: 'unauthorized', message: 'Send Authorization: Bearer <API_TOKEN>.' },
});

async function requireBearerToken(scope: FastifyInstance): Promise<void> {
  const keys = apiTokens(scope.deps.config);
  if (!keys.length) return;
  await scope.register(bearerAuth, {
    keys,
    addHook: 'onRequest',
    // A wrong token is the client's mistake, not the server's: keep it out of the error log.
    verifyErrorLogLevel: 'info',
    // The API's one error shape ({ error: { code, message } }); the plugin's types only know a string.
    errorResponse: unauthorized as unknown as (error: Error) => { error: string },
  });
}

// fastify-plugin lends the hook to the scope that registers this plugin (and only to it), as an
// autohooks file does in fastify/demo.
export default fp(requireBearerToken, { name: 'require-bearer-token' });
