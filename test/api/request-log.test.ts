/**
 * The API's request log lines name the route template, never the URL as sent: a phone number in a
 * path (DELETE …/phone-numbers/%2B1415…) or a query string is personal data, and redaction, which
 * works on field names, cannot find it inside a URL. The API runs here with its real logger
 * configuration, writing JSON into the test instead of stdout.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { type Stack, startStack } from '../support/stack.js';

const NUMBER = '+14155550123';
/** The number as a path or a query string may carry it. */
const SPELLINGS = [
  NUMBER,
  encodeURIComponent(NUMBER),
  encodeURIComponent(NUMBER).toLowerCase(),
  NUMBER.slice(1),
];

describe('request log lines', () => {
  let offline: Stack;
  let app: FastifyInstance;
  const lines: string[] = [];

  before(async () => {
    // None of these requests reaches Temporal.
    const logStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    offline = await startStack({
      temporal: 'offline',
      sandbox: false,
      api: { env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, logStream },
    });
    app = offline.api;
  });
  after(async () => {
    await offline?.close();
  });

  /** The log lines `send` caused, parsed. */
  async function logged(
    send: () => Promise<unknown>,
  ): Promise<{ text: string; entries: Record<string, unknown>[] }> {
    const from = lines.length;
    await send();
    const mine = lines.slice(from);
    return {
      text: mine.join('\n'),
      entries: mine.map((line) => JSON.parse(line) as Record<string, unknown>),
    };
  }

  test('a number in the path or the query string is not logged; the route template is', async () => {
    const { text, entries } = await logged(async () => {
      // The id is not an onboarding ID, so the route answers 400 without asking Temporal.
      const response = await app.inject({
        method: 'DELETE',
        url: `/v1/onboardings/x/phone-numbers/${encodeURIComponent(NUMBER)}?reason=${encodeURIComponent(NUMBER)}`,
      });
      assert.equal(response.statusCode, 400);
    });
    for (const spelling of SPELLINGS)
      assert.ok(!text.includes(spelling), `${spelling} is in the log:\n${text}`);
    const completed = entries.find((entry) => entry.msg === 'request completed');
    assert.ok(completed, `a completion line:\n${text}`);
    assert.deepEqual(completed.req, { method: 'DELETE', route: '/v1/onboardings/:id/phone-numbers/:number' });
    assert.deepEqual(completed.res, { statusCode: 400 });
    assert.equal(typeof completed.responseTime, 'number');
    for (const entry of entries.filter((e) => e.req)) {
      assert.deepEqual(Object.keys(entry.req as object).sort(), ['method', 'route'], JSON.stringify(entry));
    }
  });

  test('a path that matches no route is logged without it', async () => {
    const { text, entries } = await logged(async () => {
      const response = await app.inject({ method: 'GET', url: `/wp-admin/${encodeURIComponent(NUMBER)}` });
      assert.equal(response.statusCode, 404);
    });
    for (const spelling of SPELLINGS)
      assert.ok(!text.includes(spelling), `${spelling} is in the log:\n${text}`);
    assert.ok(!text.includes('wp-admin'), text);
    const completed = entries.find((entry) => entry.msg === 'request completed');
    assert.deepEqual(completed?.req, { method: 'GET', route: null });
    assert.deepEqual(completed?.res, { statusCode: 404 });
  });
});
