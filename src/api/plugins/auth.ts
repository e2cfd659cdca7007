/**
 * Bearer-token auth for /v1/onboardings* when API_TOKEN is set. (Without a token the API only listens on
 * loopback: src/config.ts refuses anything else.) The webhook is not covered: Twilio proves itself with
 * X-Twilio-Signature instead.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

const digest = (value: string) => createHash('sha256').update(value).digest();

async function auth(app: FastifyInstance) {
  const token = app.deps.config.API_TOKEN;
  if (!token) return;
  const expected = digest(token);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/onboardings')) return;
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    // Compare digests so the comparison takes the same time whatever the token's length.
    if (!presented || !timingSafeEqual(digest(presented), expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <API_TOKEN>.' } });
    }
  });
}

export default fp(auth, { name: 'auth' });
