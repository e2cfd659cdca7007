/**
 * Where the CLI sends its token (src/cli/api-url.ts), and how it gets it: from API_TOKEN only, over
 * https:// or to a loopback http:// API. The binary runs as a child process, against a local server
 * that records what reaches it; `http://0.0.0.0:port` reaches that server on this machine while not
 * being a loopback name, so it stands for a remote plain-http API without leaving the host.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { TOKEN_URL_RULE, tokenUrlProblem } from '../../src/cli/api-url.js';
import { cli } from '../support/cli.js';

const TOKEN = 'cli-url-test-token-0123456789abcdef';

describe('tokenUrlProblem', () => {
  test('https anywhere, and http to a loopback host, may carry the token', () => {
    for (const url of [
      'https://onboarding.example.com',
      'http://127.0.0.1:3000',
      'http://127.8.9.10:3000',
      'http://localhost:3000',
      'http://[::1]:3000',
    ]) {
      assert.equal(tokenUrlProblem(url, TOKEN), undefined, url);
    }
  });

  test('http to any other host is refused with the rule, naming the URL', () => {
    for (const url of [
      'http://onboarding.example.com',
      'http://10.0.0.5:3000',
      'http://0.0.0.0:3000',
      'http://localhost.example.com',
    ]) {
      const problem = tokenUrlProblem(url, TOKEN);
      assert.ok(problem?.includes(new URL(url).origin), `${url}: ${problem}`);
      assert.ok(problem?.includes(TOKEN_URL_RULE));
    }
  });

  test('without a token there is nothing to protect', () => {
    assert.equal(tokenUrlProblem('http://onboarding.example.com', undefined), undefined);
    assert.equal(tokenUrlProblem('http://onboarding.example.com', ''), undefined);
  });
});

describe('the CLI and its token', { timeout: 120_000 }, () => {
  /** The authorization header of every request that reached the API. */
  const seen: (string | undefined)[] = [];
  let http: Server;
  let port: number;
  before(async () => {
    http = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ onboardings: [], nextCursor: null }));
    });
    await new Promise<void>((done) => http.listen(0, '0.0.0.0', done));
    port = (http.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((done) => http?.close(() => done()));
  });

  test('a token is not sent to a plain-http API that is not loopback: exit 2, the rule named', async () => {
    seen.length = 0;
    const result = await cli(['status'], { API_URL: `http://0.0.0.0:${port}`, API_TOKEN: TOKEN });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, new RegExp(`refusing to send API_TOKEN to http://0\\.0\\.0\\.0:${port}`));
    assert.ok(result.stderr.includes(TOKEN_URL_RULE), result.stderr);
    assert.equal(result.stderr.includes(TOKEN), false, 'the token is not printed');
    assert.deepEqual(seen, [], 'nothing reached the API');
  });

  test('the same API over loopback gets the token; without a token any http API may be used', async () => {
    seen.length = 0;
    const loopback = await cli(['status'], { API_URL: `http://127.0.0.1:${port}`, API_TOKEN: TOKEN });
    assert.equal(loopback.code, 0, loopback.stderr);
    const open = await cli(['status'], { API_URL: `http://0.0.0.0:${port}` });
    assert.equal(open.code, 0, open.stderr);
    assert.deepEqual(seen, [`Bearer ${TOKEN}`, undefined]);
  });

  test('there is no --token flag: the token comes from API_TOKEN only, never the command line', async () => {
    seen.length = 0;
    const result = await cli(['--token', TOKEN, 'status'], { API_URL: `http://127.0.0.1:${port}` });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /unknown option '--token'/);
    assert.deepEqual(seen, []);
    const help = await cli(['--help'], {});
    assert.equal(help.code, 0);
    assert.doesNotMatch(help.stdout, /--token/);
    assert.match(help.stdout, /API_TOKEN environment variable/);
  });
});
