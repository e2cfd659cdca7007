/// <reference lib="dom" />
/**
 * The Temporal Web UI in a real browser (headless Chromium from Debian's packages), against `npm start`:
 * an operator whose browser presents the codec's token (CODEC_TOKEN) reads a workflow's input through
 * the codec endpoint; one without it sees only ciphertext. The test asserts on the page's text and keeps both
 * screenshots in test-artifacts/web-ui/.
 *
 * `npm start` runs here with API_TOKEN and CODEC_TOKEN set, so "without access" is the API really
 * refusing the codec call. The Web UI itself sends a token only when it has one (its own login, with
 * TEMPORAL_CODEC_PASS_ACCESS_TOKEN); the browser adds it here, as a proxy in front of the UI would.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { onboardingIdFor } from '../../src/workflows/contract.js';
import { startService, type RunningService } from '../support/npm-start.js';
import { onboardingRequest } from '../support/stack.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const artifacts = join(repoRoot, 'test-artifacts', 'web-ui');
const TOKEN = 'web-ui-test-token-0123456789';
const CODEC_TOKEN = 'web-ui-test-codec-token-0123456789';
/** "binary/encrypted" as the UI shows an undecoded payload's metadata: base64. */
const ENCRYPTED_MARKER = Buffer.from('binary/encrypted').toString('base64');

const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => Boolean(path && existsSync(path)),
);
// CI installs Chromium (.ci/run): there a missing browser fails the test instead of skipping it.
const skip = chromium || process.env.CI ? false : 'Chromium is not installed (apt-get install chromium)';

describe('the Temporal Web UI under npm start', { skip, timeout: 240_000 }, () => {
  let service: RunningService;
  let browser: Browser;
  const id = onboardingIdFor('web-ui');
  const request = onboardingRequest('web-ui', ['+14155550100']);
  request.email = 'compliance.webui@acmedental.com';
  request.business.registrationNumber = '97-1357924';
  request.authorizedRepresentatives[0]!.lastName = 'Quillfeather-Reyes';

  before(async () => {
    assert.ok(chromium, 'set CHROMIUM_PATH or apt-get install chromium');
    service = await startService({ API_TOKEN: TOKEN, CODEC_TOKEN });
    const started = await fetch(api('/v1/onboardings'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(request),
    });
    assert.equal(started.status, 202, await started.text());
    browser = await puppeteer.launch({ executablePath: chromium, args: ['--no-sandbox', '--headless=new'] });
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  const api = (path: string) => `${service.apiUrl}${path}`;

  async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) {
        assert.fail(`gave up waiting for ${what}; npm start said:\n${service.output().slice(-3_000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /**
   * The workflow's page once `expected` shows (and, when `gone` is given, it no longer does) and the
   * codec calls it made have been answered, its
   * text, and a screenshot. (The UI draws payloads raw first and decoded once the codec answers.)
   */
  async function workflowPage(
    name: string,
    { withToken, expected, gone }: { withToken: boolean; expected: string; gone?: string },
  ) {
    const page: Page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
    const codecCalls: number[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(api('/v1/codec/')) && response.request().method() === 'POST') {
        codecCalls.push(response.status());
      }
    });
    if (withToken) {
      await page.setRequestInterception(true);
      page.on('request', (call) => {
        const toCodec = call.url().startsWith(api('/v1/codec/')) && call.method() === 'POST';
        void call.continue(
          toCodec ? { headers: { ...call.headers(), authorization: `Bearer ${CODEC_TOKEN}` } } : undefined,
        );
      });
    }
    await page.goto(`${service.uiUrl}/namespaces/default/workflows/${id}`, {
      waitUntil: 'domcontentloaded',
    });
    await page
      .waitForFunction(
        (shown: string, hidden: string | null) =>
          document.body.innerText.includes(shown) && !(hidden && document.body.innerText.includes(hidden)),
        { timeout: 60_000 },
        expected,
        gone ?? null,
      )
      .catch(() => undefined);
    await until(async () => codecCalls.length > 0, 30_000, 'the UI to call the codec endpoint');
    await new Promise((r) => setTimeout(r, 1_000));
    const text = await page.evaluate(() => document.body.innerText);
    const screenshot = join(artifacts, `${name}.png`);
    await page.screenshot({ path: screenshot });
    await page.close();
    return { text, codecCalls, screenshot };
  }

  const personal = () => [
    request.email,
    request.business.registrationNumber,
    request.authorizedRepresentatives[0]!.lastName,
    request.authorizedRepresentatives[0]!.email,
  ];

  test("with the codec endpoint and the token, the workflow's input is readable", async () => {
    const { text, codecCalls, screenshot } = await workflowPage('decoded', {
      withToken: true,
      expected: request.email,
      // The UI draws every payload raw first: wait until it has decoded them all.
      gone: ENCRYPTED_MARKER,
    });
    assert.ok(text.includes('Input'), `the workflow page rendered (${screenshot})`);
    for (const value of personal()) assert.ok(text.includes(value), `${value} is shown (${screenshot})`);
    assert.ok(!text.includes(ENCRYPTED_MARKER), `no payload is left encrypted on the page (${screenshot})`);
    assert.ok(codecCalls.length > 0 && codecCalls.every((status) => status === 200), String(codecCalls));
  });

  test('without the token, the UI shows only ciphertext', async () => {
    const { text, codecCalls, screenshot } = await workflowPage('encrypted', {
      withToken: false,
      expected: ENCRYPTED_MARKER,
    });
    assert.ok(text.includes('Input'), `the workflow page rendered (${screenshot})`);
    assert.ok(text.includes(ENCRYPTED_MARKER), `the input is shown encrypted (${screenshot})`);
    for (const value of personal()) assert.ok(!text.includes(value), `${value} is shown (${screenshot})`);
    assert.ok(codecCalls.length > 0 && codecCalls.every((status) => status === 401), String(codecCalls));
  });
});
