/**
 * `npm start` in sandbox mode gives the worker (and the API) the sandbox's Twilio account and nothing
 * of the caller's: an exported API key pair, auth token or base URL would otherwise ride along to the
 * sandbox with every request. Checked on the function scripts/start.ts builds every child's
 * environment with (scripts/start-env.ts), without starting anything.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { childEnvironment, usesSandbox, type SandboxAccount } from '../../scripts/start-env.js';
import { needsGeneratedCodecToken } from '../../scripts/start-kit.js';
import { TOKEN_VARIABLES } from '../../src/config.js';

const REAL = {
  TWILIO_API_KEY: `SK${'5'.repeat(32)}`,
  TWILIO_API_SECRET: 'real-api-secret-do-not-leak',
  TWILIO_AUTH_TOKEN: 'real-auth-token-do-not-leak',
  TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: `BU${'6'.repeat(32)}`,
  TWILIO_BASE_URL: 'https://trusthub.twilio.com',
  TWILIO_EDGE: 'dublin',
};
const SANDBOX: SandboxAccount = {
  accountSid: `AC${'0'.repeat(31)}1`,
  authToken: '0123456789abcdef0123456789abcdef',
  primaryCustomerProfileSid: `BU${'0'.repeat(31)}1`,
};
const SANDBOX_URL = 'http://127.0.0.1:4010';

const twilioVariables = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('TWILIO_')));

describe("npm start's child environments", () => {
  test('credentials without an account SID mean sandbox mode', () => {
    assert.equal(usesSandbox(REAL), true);
    assert.equal(usesSandbox({}), true);
    assert.equal(usesSandbox({ TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'x' }), false);
    assert.equal(
      usesSandbox({ TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}`, TWILIO_API_KEY: REAL.TWILIO_API_KEY }),
      false,
    );
  });

  test("in sandbox mode the worker gets the sandbox's account and none of the caller's Twilio variables", () => {
    const inherited = { ...REAL, PATH: '/usr/bin', TWILIO_REQUESTS_PER_SECOND: '25' };
    const worker = childEnvironment(
      inherited,
      { PUBLIC_BASE_URL: 'http://127.0.0.1:3000' },
      { from: 'sandbox', account: SANDBOX, baseUrl: SANDBOX_URL },
    );
    assert.deepEqual(twilioVariables(worker), {
      TWILIO_ACCOUNT_SID: SANDBOX.accountSid,
      TWILIO_AUTH_TOKEN: SANDBOX.authToken,
      TWILIO_BASE_URL: SANDBOX_URL,
      TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: SANDBOX.primaryCustomerProfileSid,
      // A request budget, not an account: the benchmarks set it to drive the sandbox.
      TWILIO_REQUESTS_PER_SECOND: '25',
    });
    const text = JSON.stringify(worker);
    for (const secret of [REAL.TWILIO_API_SECRET, REAL.TWILIO_AUTH_TOKEN, REAL.TWILIO_API_KEY]) {
      assert.ok(!text.includes(secret), `${secret} reaches the worker`);
    }
    // Everything else is inherited, and npm start's own settings apply.
    assert.equal(worker.PATH, '/usr/bin');
    assert.equal(worker.PUBLIC_BASE_URL, 'http://127.0.0.1:3000');
  });

  test('the processes that never call Twilio get no Twilio variable at all', () => {
    const sandbox = childEnvironment(REAL, { SANDBOX_PORT: '4010' }, { from: 'none' });
    assert.deepEqual(twilioVariables(sandbox), {});
    assert.equal(sandbox.SANDBOX_PORT, '4010');
  });

  test('with real Twilio credentials, the caller’s account is passed on as it is', () => {
    const real = { ...REAL, TWILIO_ACCOUNT_SID: `AC${'7'.repeat(32)}` };
    assert.deepEqual(twilioVariables(childEnvironment(real, {}, { from: 'caller' })), real);
  });
});

describe("npm start's development codec token", () => {
  test('is made whenever another scope is guarded, ADOPT_TOKEN alone included, and never over an exported one', () => {
    const token = 'x'.repeat(32);
    for (const variable of TOKEN_VARIABLES.filter((name) => name !== 'CODEC_TOKEN')) {
      assert.equal(needsGeneratedCodecToken({ [variable]: token }), true, variable);
      assert.equal(needsGeneratedCodecToken({ [variable]: token, CODEC_TOKEN: token }), false, variable);
    }
    assert.equal(needsGeneratedCodecToken({ ADOPT_TOKEN: token }), true);
    assert.equal(needsGeneratedCodecToken({}), false);
  });
});
