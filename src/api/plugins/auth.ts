/**
 * Bearer-token auth, enforced by route scope: `app.ts` registers this plugin inside each encapsulated
 * plugin that owns a set of routes (the ISV's `/v1/onboardings*`, the codec, `/metrics`), each with
 * its own variable's tokens, so its `onRequest` hook runs for every route registered there, however a
 * client spells the path. (An earlier hook compared the raw URL text, and `/v1/%6Fnboardings` walked
 * past it because the router decodes what the hook did not.)
 *
 * One credential per scope, because they are held by different parties: the ISV's system, Prometheus
 * and the operators' Web UI. A scraper's token that also started onboardings, or a codec token (it
 * decrypts every payload) that the ISV's system also holds, would give each party the others' power.
 *
 * `@fastify/bearer-auth` compares keys in constant time and accepts several, so a token can be rotated:
 * set `API_TOKEN=new,old`, move the clients to the new one, then drop the old. A scope whose variable
 * is unset is open only when no variable is set at all (the loopback development case: src/config.ts
 * refuses to listen beyond loopback without API_TOKEN); otherwise it refuses every request and says
 * which variable to set. The Twilio webhook lives outside these scopes: Twilio proves itself with
 * X-Twilio-Signature instead.
 */
import bearerAuth from '@fastify/bearer-auth';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { TokenVariable } from '../../config.js';

export interface BearerTokenOptions {
  /** The tokens this scope accepts; empty when its variable is unset. */
  keys: string[];
  /** The variable they come from, named in the 401 so a client knows what it lacks. */
  variable: TokenVariable;
  /** Whether an empty `keys` leaves the scope open: only when no token is configured for any scope. */
  openWithoutKeys: boolean;
}

const unauthorized = (message: string) => ({ error: { code: 'unauthorized', message } });

async function requireBearerToken(
  scope: FastifyInstance,
  { keys, variable, openWithoutKeys }: BearerTokenOptions,
): Promise<void> {
  if (!keys.length) {
    if (openWithoutKeys) return;
    // Other scopes are guarded, so this one must not be the way around them: nothing opens it.
    scope.addHook('onRequest', async (_request, reply) =>
      reply
        .code(401)
        .send(
          unauthorized(`These routes take their own token, and ${variable} is not set: set it on the API.`),
        ),
    );
    return;
  }
  const refusal = unauthorized(`Send Authorization: Bearer <${variable}>.`);
  await scope.register(bearerAuth, {
    keys,
    addHook: 'onRequest',
    // A wrong token is the client's mistake, not the server's: keep it out of the error log.
    verifyErrorLogLevel: 'info',
    // The API's one error shape ({ error: { code, message } }); the plugin's types only know a string.
    errorResponse: (() => refusal) as unknown as (error: Error) => { error: string },
  });
}

// fastify-plugin lends the hook to the scope that registers this plugin (and only to it), as an
// autohooks file does in fastify/demo.
export default fp(requireBearerToken, { name: 'require-bearer-token' });
