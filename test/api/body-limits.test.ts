/**
 * Request bodies cost what a real one costs, whatever is sent (finding 5): a hostile body is refused
 * with a small answer, and the API keeps answering everyone else meanwhile. Before the limits, a
 * 400 KB POST /v1/onboardings whose regionsOfOperation held thousands of made-up regions was checked
 * pairwise for uniqueness (seconds with the event loop blocked) and answered with every one of its
 * errors: megabytes. `npm run bench:limits` prints what each body costs.
 *
 * Over a real socket, as a client elsewhere would send them. None of these bodies reaches Temporal,
 * so the API's client is a lazy one connected to nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { BODY_LIMIT } from '../../src/api/app.js';
import { MAX_FIELD_ERRORS } from '../../src/api/plugins/errors.js';
import { REGIONS_OF_OPERATION } from '../../src/contract/vocabulary.js';
import { freePort } from '../../scripts/toolchain.js';
import { onboardingRequest } from '../support/customers.js';
import { type Stack, startStack } from '../support/stack.js';

/** A small answer, whatever was sent: a few field errors and a count. */
const SMALL_ANSWER = 8 * 1024;

interface ErrorAnswer {
  error: { code: string; message: string; fields?: { field: string; rule: string }[] };
}

/** An onboarding whose regionsOfOperation is padded with distinct made-up regions to about `bytes`. */
function withRegions(bytes: number): string {
  const request = onboardingRequest('hostile', ['+14155550100']);
  const regions: string[] = [];
  for (let size = JSON.stringify(request).length, i = 0; size < bytes; i += 1) {
    regions.push(`REGION_${i}`);
    size += `REGION_${i}`.length + 3;
  }
  return JSON.stringify({ ...request, business: { ...request.business, regionsOfOperation: regions } });
}

describe('request bodies are bounded', () => {
  let offline: Stack;
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    offline = await startStack({ temporal: 'offline', sandbox: false });
    app = offline.api;
    const port = await freePort();
    await app.listen({ host: '127.0.0.1', port });
    url = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await offline?.close();
  });

  const post = (body: string) =>
    fetch(`${url}/v1/onboardings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  test('a 400 KB regionsOfOperation is refused with a small answer while /healthz is served', async () => {
    const body = withRegions(400 * 1024);
    const { business } = JSON.parse(body) as { business: { regionsOfOperation: string[] } };
    assert.ok(business.regionsOfOperation.length > 20_000, 'thousands of items');
    const [refused, health] = await Promise.all([post(body), fetch(`${url}/healthz`)]);
    const text = await refused.text();
    assert.ok([400, 413].includes(refused.status), `${refused.status}: ${text.slice(0, 200)}`);
    assert.ok(Buffer.byteLength(text) < SMALL_ANSWER, `the answer is ${Buffer.byteLength(text)} bytes`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
  });

  test('a body under the size limit with thousands of bad items gets the first errors and a count', async () => {
    const body = withRegions(BODY_LIMIT - 4 * 1024);
    const items = (JSON.parse(body) as { business: { regionsOfOperation: string[] } }).business
      .regionsOfOperation.length;
    assert.ok(items > 4_000, `${items} items`);
    const response = await post(body);
    const text = await response.text();
    assert.equal(response.status, 400, text.slice(0, 200));
    assert.ok(Buffer.byteLength(text) < SMALL_ANSWER, `the answer is ${Buffer.byteLength(text)} bytes`);
    const { error } = JSON.parse(text) as ErrorAnswer;
    assert.equal(error.code, 'invalid_request');
    assert.equal(error.fields?.length, MAX_FIELD_ERRORS);
    // The rule an ISV acts on comes first: no more regions than there are.
    assert.deepEqual(error.fields?.[0], {
      field: 'business.regionsOfOperation',
      rule: `must NOT have more than ${REGIONS_OF_OPERATION.length} items`,
    });
    const more = Number(/and (\d+) more error\(s\) not listed/.exec(error.message)?.[1]);
    // Every made-up region is one error, and the count covers those not listed.
    assert.equal(more + MAX_FIELD_ERRORS, items + 1, error.message.slice(-120));
  });

  test('regionsOfOperation holds each region at most once, and no more than there are', async () => {
    const request = onboardingRequest('regions', ['+14155550100']);
    const send = (regionsOfOperation: string[]) =>
      post(JSON.stringify({ ...request, business: { ...request.business, regionsOfOperation } })).then(
        async (r) => ({ status: r.status, error: ((await r.json()) as ErrorAnswer).error }),
      );
    const repeated = await send(['EUROPE', 'ASIA', 'EUROPE']);
    assert.equal(repeated.status, 400);
    assert.match(repeated.error.message, /business\.regionsOfOperation must NOT have duplicate items/);
    const tooMany = await send([...REGIONS_OF_OPERATION, 'EUROPE']);
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.error.message, /business\.regionsOfOperation must NOT have more than 5 items/);
  });

  test('a 1 MB body is refused before it is parsed; the largest onboarding the schemas accept is not', async () => {
    const request = onboardingRequest('large', ['+14155550100']);
    const huge = await post(JSON.stringify({ ...request, friendlyName: 'x'.repeat(1024 * 1024) }));
    assert.equal(huge.status, 413);
    assert.ok(Buffer.byteLength(await huge.text()) < SMALL_ANSWER);

    // Every field at its longest, ten 2 KB profile URLs, 100 numbers: over the limit only if it were
    // set too low. An invalid customerId keeps it from Temporal; a 400 means it was read and checked.
    const long = (n: number) => 'x'.repeat(n);
    const url = (n: number) => `https://www.acmedental.com/${long(n - 27)}`;
    const largest = {
      ...request,
      customerId: 'not valid!',
      friendlyName: long(48),
      business: {
        ...request.business,
        name: long(255),
        regionsOfOperation: [...REGIONS_OF_OPERATION],
        websiteUrl: url(2048),
        socialMediaProfileUrls: Array.from({ length: 10 }, () => url(2048)),
      },
      address: { ...request.address, customerName: long(255), street: long(255), streetSecondary: long(255) },
      authorizedRepresentatives: [0, 1].map(() => ({
        ...request.authorizedRepresentatives[0]!,
        firstName: long(100),
        lastName: long(100),
        businessTitle: long(100),
      })),
      phoneNumbers: Array.from({ length: 100 }, (_, i) => `PN${i.toString(16).padStart(32, '0')}`),
    };
    const body = JSON.stringify(largest);
    assert.ok(body.length > 24 * 1024, `${body.length} bytes`);
    const checked = await post(body);
    const answer = (await checked.json()) as ErrorAnswer;
    assert.equal(checked.status, 400, JSON.stringify(answer));
    assert.deepEqual(
      answer.error.fields?.map((f) => f.field),
      ['customerId'],
    );
  });
});
