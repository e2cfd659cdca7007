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
 *
 * An operator's view: the default list shows one row per customer (claims live in their own namespace)
 * with the columns docs/operations.md sets (the UI keeps columns per browser, in localStorage), and a
 * stuck run's page says why in its User Metadata (summary, current details). Screenshots: list.png and
 * stuck-run.png, beside the others (test-artifacts/ is not committed).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { onboardingIdFor } from '../../src/contract/ids.js';
import { startService, type RunningService } from '../support/npm-start.js';
import { onboardingRequest } from '../support/customers.js';

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
  const stuckId = onboardingIdFor('web-ui-stuck');
  const stuckRequest = onboardingRequest('web-ui-stuck', ['+14155550103']);
  stuckRequest.authorizedRepresentatives[0]!.email = 'dana.reyes@gmail.com';

  before(async () => {
    assert.ok(chromium, 'set CHROMIUM_PATH or apt-get install chromium');
    service = await startService({ API_TOKEN: TOKEN, CODEC_TOKEN });
    const started = await fetch(api('/v1/onboardings'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(request),
    });
    assert.equal(started.status, 202, await started.text());
    // A customer whose representative's email is not on the business's domain: the pre-check stops it
    // before submission (18606), and it waits for the ISV's corrections.
    const stuckStart = await fetch(api('/v1/onboardings'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(stuckRequest),
    });
    assert.equal(stuckStart.status, 202, await stuckStart.text());
    // Pages are read once both runs are at rest: a run still making progress adds events while the page
    // is read, and the UI draws each new payload raw for a moment before the codec answers.
    const statusOf = async (onboardingId: string) =>
      (
        (await (await fetch(api(`/v1/onboardings/${onboardingId}`), { headers: auth })).json()) as {
          status?: string;
        }
      ).status;
    await until(async () => (await statusOf(id)) === 'completed', 120_000, 'the onboarding to complete');
    await until(
      async () => (await statusOf(stuckId)) === 'action-required',
      120_000,
      'the stuck run to wait',
    );
    browser = await puppeteer.launch({ executablePath: chromium, args: ['--no-sandbox', '--headless=new'] });
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  const api = (path: string) => `${service.apiUrl}${path}`;
  const auth = { authorization: `Bearer ${TOKEN}` };

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

  /**
   * The UI at the address the dev server's banner prints, localhost, while npm start configures
   * 127.0.0.1: the codec answers the UI under either name (src/api/app.ts, codecOrigins), so the
   * summary, which is a payload, is decoded there too.
   */
  const operatorUi = () => service.uiUrl.replace('//127.0.0.1:', '//localhost:');

  /** A page whose codec calls carry the codec's token, as a proxy in front of the UI would add it. */
  async function operatorPage(): Promise<Page & { codec: { answered: number[]; refused: number } }> {
    const page = Object.assign(await browser.newPage(), { codec: { answered: [] as number[], refused: 0 } });
    // The codec's answers, and the calls the browser gave up on (a CORS refusal is one).
    const toCodec = (url: string, method: string) => url.startsWith(api('/v1/codec/')) && method === 'POST';
    page.on('response', (response) => {
      if (toCodec(response.url(), response.request().method())) page.codec.answered.push(response.status());
    });
    page.on('requestfailed', (call) => {
      if (toCodec(call.url(), call.method())) page.codec.refused += 1;
    });
    await page.setViewport({ width: 1600, height: 1000 });
    // The columns docs/operations.md ("Saved views") has the operator set once per browser.
    await page.evaluateOnNewDocument(
      (columns: string) => {
        localStorage.setItem('namespace-workflow-table-columns', columns);
      },
      JSON.stringify({ default: OPERATOR_COLUMNS }),
    );
    await page.setRequestInterception(true);
    page.on('request', (call) => {
      const toCodec = call.url().startsWith(api('/v1/codec/')) && call.method() === 'POST';
      void call.continue(
        toCodec ? { headers: { ...call.headers(), authorization: `Bearer ${CODEC_TOKEN}` } } : undefined,
      );
    });
    return page;
  }

  /** Everything the page shows, its frames included (the UI renders user metadata in frames). */
  async function shown(page: Page): Promise<string> {
    const texts = await Promise.all(
      page.frames().map((frame) => frame.evaluate(() => document.body?.innerText ?? '').catch(() => '')),
    );
    return texts.join('\n');
  }

  test('the default list shows one row per customer, no claims, with why each one stands', async () => {
    await until(
      async () =>
        (
          (await (await fetch(api(`/v1/onboardings/${stuckId}`), { headers: auth })).json()) as {
            status: string;
          }
        ).status === 'action-required',
      90_000,
      'the stuck customer to need action',
    );
    const page = await operatorPage();
    await page.goto(`${operatorUi()}/namespaces/default/workflows`, { waitUntil: 'domcontentloaded' });
    await page
      .waitForFunction(
        (ids: string[]) =>
          ids.every((id) => document.body.innerText.includes(id)) &&
          document.body.innerText.includes('action-required'),
        { timeout: 60_000 },
        [id, stuckId],
      )
      .catch(() => undefined);
    const text = await shown(page);
    const screenshot = join(artifacts, 'list.png');
    await page.screenshot({ path: screenshot });
    await page.close();
    // Each row's checkbox is labelled "Select Workflow <its ID>".
    const rows = [...text.matchAll(/Select Workflow (\S+)/g)].map((match) => match[1]).sort();
    assert.deepEqual(rows, [id, stuckId].sort(), `one row per customer (${screenshot})`);
    assert.ok(!text.includes('claim:'), `no claim is listed (${screenshot})`);
    for (const column of ['OnboardingStatus', 'OnboardingStep', 'WaitingSince'])
      assert.ok(text.includes(column), `the ${column} column is shown (${screenshot})`);
    assert.match(
      text,
      /action-required\s+waiting-for-corrections/,
      `the stuck run's row says so (${screenshot})`,
    );
  });

  test("the stuck run's page says why: its summary and current details", async () => {
    const page = await operatorPage();
    await page.goto(`${operatorUi()}/namespaces/default/workflows/${stuckId}`, {
      waitUntil: 'domcontentloaded',
    });
    // The run's page opens on its history; the why is on its User Metadata tab.
    const tab = await page.waitForSelector('a[href$="/user-metadata"]', { timeout: 60_000 });
    await tab!.click();
    const deadline = Date.now() + 60_000;
    let text = await shown(page);
    while (!(text.includes('18606') && text.includes('web-ui-stuck')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      text = await shown(page);
    }
    const screenshot = join(artifacts, 'stuck-run.png');
    await page.screenshot({ path: screenshot });
    await page.close();
    const { answered, refused } = page.codec;
    assert.ok(answered.length > 0 && answered.every((status) => status === 200), String(answered));
    assert.equal(refused, 0, 'the browser let the UI at localhost call the codec');
    assert.ok(text.includes(`customer web-ui-stuck`), `the summary names the customer (${screenshot})`);
    assert.ok(text.includes('action-required'), `the current details say it needs action (${screenshot})`);
    assert.ok(text.includes('18606'), `and why: Twilio's code (${screenshot})`);
    assert.ok(!text.includes(ENCRYPTED_MARKER), `nothing is left encrypted (${screenshot})`);
  });
});

/** The list's columns for operators (docs/operations.md, "Saved views"). */
const OPERATOR_COLUMNS = [
  { label: 'Status', pinned: true },
  { label: 'Workflow ID', pinned: true },
  { label: 'OnboardingStatus', pinned: false },
  { label: 'OnboardingStep', pinned: false },
  { label: 'OnboardingProblem', pinned: false },
  { label: 'WaitingSince', pinned: false },
  { label: 'Start', pinned: false },
];
