import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  apiTokens,
  bearerTokens,
  ConfigError,
  configDefault,
  durationToMs,
  isLoopbackHost,
  loadApiConfig,
  loadWorkerConfig,
  signatureBaseUrl,
  statusCallbackUrl,
  workerRequestsPerSecond,
} from '../src/config.js';
import { loadSandboxConfig } from 'trusthub-sandbox';

/** A well-formed key entry: 32 bytes in base64. */
const KEY = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const keys = { PAYLOAD_ENCRYPTION_KEYS: KEY };
const account = `AC${'a'.repeat(32)}`;
const primary = `BU${'b'.repeat(32)}`;
const worker = {
  TWILIO_ACCOUNT_SID: account,
  TWILIO_AUTH_TOKEN: 'secret',
  TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: primary,
  PUBLIC_BASE_URL: 'https://onboarding.example.com',
  ...keys,
};

function configError(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration', () => {
  test('the API starts on loopback port 3000 with nothing set but the payload keys', () => {
    const config = loadApiConfig(keys);
    assert.equal(config.HOST, '127.0.0.1');
    assert.equal(config.PORT, 3000);
    assert.equal(config.API_TOKEN, undefined);
  });

  test('PORT must be a port number, and the message says which variable', () => {
    assert.match(
      configError(() => loadApiConfig({ ...keys, PORT: 'eighty' })),
      /PORT/,
    );
    assert.match(
      configError(() => loadApiConfig({ ...keys, PORT: '70000' })),
      /PORT .*65535/,
    );
  });

  test('the API refuses to listen beyond loopback without API_TOKEN', () => {
    assert.match(
      configError(() => loadApiConfig({ ...keys, HOST: '0.0.0.0' })),
      /API_TOKEN is required when the API is public \(HOST=0\.0\.0\.0 is not a loopback address/,
    );
    const exposed = { ...keys, HOST: '0.0.0.0', PUBLIC_BASE_URL: 'https://onboarding.example.com' };
    assert.equal(loadApiConfig({ ...exposed, API_TOKEN: 'x'.repeat(32) }).HOST, '0.0.0.0');
  });

  test('beyond loopback the API needs PUBLIC_BASE_URL, the URL callback signatures are checked against', () => {
    const message = configError(() => loadApiConfig({ ...keys, HOST: '0.0.0.0', API_TOKEN: 'x'.repeat(32) }));
    assert.match(message, /PUBLIC_BASE_URL is required when HOST=0\.0\.0\.0/);
    assert.match(message, /headers/, 'the message says why');
    // On loopback it may stay unset: the signature URL is then the address the API listens on.
    for (const HOST of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) {
      assert.equal(loadApiConfig({ ...keys, HOST }).PUBLIC_BASE_URL, undefined, HOST);
    }
  });

  test('behind a proxy on this machine the API is public: a public URL requires API_TOKEN, whatever HOST is', () => {
    // The usual VM: nginx or Caddy on :443 forwards to the API on HOST=127.0.0.1 (the default).
    const behindProxy = { ...keys, PUBLIC_BASE_URL: 'https://onboarding.example.com' };
    const message = configError(() => loadApiConfig(behindProxy));
    assert.match(message, /API_TOKEN is required when the API is public/);
    assert.match(message, /PUBLIC_BASE_URL names onboarding\.example\.com, not loopback/);
    assert.match(message, /proxy/, 'the message says why');
    assert.match(
      configError(() => loadApiConfig({ ...keys, TEMPORAL_UI_URL: 'https://temporal.example.com' })),
      /API_TOKEN is required when the API is public \(TEMPORAL_UI_URL names temporal\.example\.com/,
    );
    // With API_TOKEN it loads, and the scopes without their own token stay closed (test/api).
    const guarded = loadApiConfig({ ...behindProxy, API_TOKEN: 'x'.repeat(32) });
    assert.equal(guarded.HOST, '127.0.0.1');
    assert.equal(guarded.PUBLIC_BASE_URL, 'https://onboarding.example.com');
  });

  test('open mode (no token at all) loads only while nothing names a host beyond this machine', () => {
    for (const env of [
      {},
      { PUBLIC_BASE_URL: 'http://127.0.0.1:3000' },
      { PUBLIC_BASE_URL: 'http://localhost:3000/base', TEMPORAL_UI_URL: 'http://[::1]:8233' },
      { HOST: '::1', TEMPORAL_UI_URL: 'http://127.0.0.1:8233/' },
    ]) {
      assert.equal(loadApiConfig({ ...keys, ...env }).API_TOKEN, undefined, JSON.stringify(env));
    }
    for (const env of [
      { PUBLIC_BASE_URL: 'https://127.0.0.1.nip.io' },
      { TEMPORAL_UI_URL: 'https://localhost.example.com' },
      { PUBLIC_BASE_URL: 'https://10.0.0.5' },
    ]) {
      assert.match(
        configError(() => loadApiConfig({ ...keys, ...env })),
        /API_TOKEN is required/,
      );
    }
  });

  test('every URL the service calls or signs is https unless its host is loopback', () => {
    const token = { API_TOKEN: 'x'.repeat(32) };
    const cases: [string, (url: string) => unknown][] = [
      ['PUBLIC_BASE_URL', (url) => loadApiConfig({ ...keys, ...token, PUBLIC_BASE_URL: url })],
      ['TEMPORAL_UI_URL', (url) => loadApiConfig({ ...keys, ...token, TEMPORAL_UI_URL: url })],
      ['PUBLIC_BASE_URL', (url) => loadWorkerConfig({ ...worker, PUBLIC_BASE_URL: url })],
      [
        'EVENTS_URL',
        (url) =>
          loadWorkerConfig({
            ...worker,
            EVENTS_URL: url,
            EVENTS_SECRET: `whsec_${Buffer.alloc(32, 9).toString('base64')}`,
          }),
      ],
    ];
    for (const [variable, load] of cases) {
      for (const url of [
        'https://x.example.com/a',
        'http://127.0.0.1:3000',
        'http://localhost/',
        'http://[::1]:80',
      ]) {
        assert.doesNotThrow(() => load(url), `${variable}=${url}`);
      }
      for (const url of [
        'http://x.example.com',
        'http://api:3000',
        'http://10.0.0.5/a',
        'http://127.0.0.1.nip.io',
      ]) {
        const message = configError(() => load(url));
        assert.match(
          message,
          new RegExp(`${variable} must be https:// unless its host is loopback`),
          `${variable}=${url}`,
        );
        assert.match(message, /is not loopback\)/, 'the message names the host it refused');
      }
    }
  });

  test('the codec serves no encode unless CODEC_ENCODE=true', () => {
    assert.equal(loadApiConfig(keys).CODEC_ENCODE, false);
    assert.equal(loadApiConfig({ ...keys, CODEC_ENCODE: 'true' }).CODEC_ENCODE, true);
    assert.match(
      configError(() => loadApiConfig({ ...keys, CODEC_ENCODE: 'sometimes' })),
      /CODEC_ENCODE/,
    );
  });

  test("Twilio's callbacks are checked against PUBLIC_BASE_URL, or on loopback the API's own address", () => {
    const at = (env: Record<string, string>) => signatureBaseUrl(loadApiConfig({ ...keys, ...env }));
    const public_ = { PUBLIC_BASE_URL: 'https://onb.example.com/base/', API_TOKEN: 'x'.repeat(32) };
    assert.equal(at(public_), 'https://onb.example.com/base');
    assert.equal(at({}), 'http://127.0.0.1:3000');
    assert.equal(at({ HOST: 'localhost', PORT: '8080' }), 'http://localhost:8080');
    assert.equal(at({ HOST: '::1', PORT: '8080' }), 'http://[::1]:8080');
  });

  test('loopback means 127.0.0.0/8, localhost and ::1, by address and not by spelling', () => {
    for (const host of ['127.0.0.1', '127.255.0.9', 'localhost', 'LOCALHOST', '::1', '[::1]']) {
      assert.ok(isLoopbackHost(host), host);
    }
    for (const host of [
      '0.0.0.0',
      '10.0.0.1',
      '128.0.0.1',
      '::',
      'sandbox',
      '127.0.0.1.nip.io',
      'localhost.evil.com',
    ]) {
      assert.ok(!isLoopbackHost(host), host);
    }
  });

  test('METRICS_TOKEN and CODEC_TOKEN rotate like API_TOKEN, and no token may open two scopes', () => {
    const [isv, metrics, codec, next] = ['i', 'm', 'c', 'n'].map((c) => c.repeat(20));
    const config = loadApiConfig({
      ...keys,
      API_TOKEN: isv!,
      METRICS_TOKEN: `${metrics},${next}`,
      CODEC_TOKEN: codec!,
    });
    assert.deepEqual(bearerTokens(config, 'METRICS_TOKEN'), [metrics, next]);
    assert.deepEqual(bearerTokens(config, 'CODEC_TOKEN'), [codec]);
    assert.match(
      configError(() => loadApiConfig({ ...keys, CODEC_TOKEN: 'short' })),
      /CODEC_TOKEN .*16 characters/,
    );
    assert.match(
      configError(() => loadApiConfig({ ...keys, API_TOKEN: isv!, CODEC_TOKEN: `${codec},${isv}` })),
      /CODEC_TOKEN repeats a token of API_TOKEN/,
    );
  });

  test('API_TOKEN takes several tokens while one is rotated, each at least 16 characters', () => {
    const [current, retiring] = ['c'.repeat(20), 'r'.repeat(16)];
    assert.deepEqual(apiTokens(loadApiConfig({ ...keys, API_TOKEN: `${current},${retiring}` })), [
      current,
      retiring,
    ]);
    assert.deepEqual(apiTokens(loadApiConfig(keys)), []);
    assert.match(
      configError(() => loadApiConfig({ ...keys, API_TOKEN: `${current},short` })),
      /API_TOKEN .*16 characters/,
    );
  });

  test('the worker names every missing variable at once', () => {
    const message = configError(() => loadWorkerConfig({}));
    for (const name of [
      'TWILIO_ACCOUNT_SID',
      'TWILIO_PRIMARY_CUSTOMER_PROFILE_SID',
      'PUBLIC_BASE_URL',
      'PAYLOAD_ENCRYPTION_KEYS',
    ]) {
      assert.match(message, new RegExp(`${name} is required`));
    }
  });

  test('TWILIO_BASE_URL is https unless it is this machine: the credentials go with every request', () => {
    for (const url of [
      'https://trusthub.example.com',
      'http://127.0.0.1:4010',
      'http://127.8.0.1',
      'http://localhost:4010/',
      'http://[::1]:4010',
    ]) {
      assert.equal(loadWorkerConfig({ ...worker, TWILIO_BASE_URL: url }).TWILIO_BASE_URL, url);
    }
    for (const url of [
      'http://sandbox:4010',
      'http://10.0.0.5:4010',
      'http://127.0.0.1.nip.io',
      'http://localhost.evil.com',
    ]) {
      const message = configError(() => loadWorkerConfig({ ...worker, TWILIO_BASE_URL: url }));
      assert.match(message, /TWILIO_BASE_URL must be https:\/\/ unless its host is loopback/, url);
      assert.ok(!message.includes(worker.TWILIO_AUTH_TOKEN), 'the message never quotes the credentials');
    }
  });

  test('the worker checks the shape of SIDs', () => {
    const message = configError(() =>
      loadWorkerConfig({ ...worker, TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: 'BU123' }),
    );
    assert.match(message, /TWILIO_PRIMARY_CUSTOMER_PROFILE_SID must match \^BU/);
    assert.match(message, /primary customer profile/);
  });

  test('the worker needs an auth token or an API key pair', () => {
    const { TWILIO_AUTH_TOKEN: _, ...noToken } = worker;
    assert.match(
      configError(() => loadWorkerConfig(noToken)),
      /TWILIO_AUTH_TOKEN \(or TWILIO_API_KEY/,
    );
    const withKey = { ...noToken, TWILIO_API_KEY: `SK${'c'.repeat(32)}`, TWILIO_API_SECRET: 'secret' };
    assert.equal(loadWorkerConfig(withKey).TWILIO_API_KEY, withKey.TWILIO_API_KEY);
  });

  test('events are signed or not sent: EVENTS_URL needs a whsec_ EVENTS_SECRET, which is never echoed', () => {
    const url = { ...worker, EVENTS_URL: 'https://isv.example.com/hooks/trusthub' };
    assert.match(
      configError(() => loadWorkerConfig(url)),
      /EVENTS_SECRET is required with EVENTS_URL/,
    );
    const notWhsec = configError(() =>
      loadWorkerConfig({ ...url, EVENTS_SECRET: 'plain-secret-value-1234567890' }),
    );
    assert.match(notWhsec, /EVENTS_SECRET/);
    assert.doesNotMatch(notWhsec, /plain-secret-value/);
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    assert.equal(loadWorkerConfig({ ...url, EVENTS_SECRET: secret }).EVENTS_SECRET, secret);
    assert.equal(loadWorkerConfig(worker).EVENTS_URL, undefined, 'no events unless asked for');
  });

  test('the worker has a 30 minute reconciliation poll and a request budget by default', () => {
    const config = loadWorkerConfig(worker);
    assert.equal(durationToMs(config.VETTING_POLL_INTERVAL), 30 * 60_000);
    assert.equal(config.TWILIO_REQUESTS_PER_SECOND, 10);
  });

  test('one worker spends the whole budget; with WORKER_REPLICAS each spends a whole share', () => {
    const share = (env: Record<string, string>) =>
      workerRequestsPerSecond(loadWorkerConfig({ ...worker, ...env }));
    assert.equal(loadWorkerConfig(worker).WORKER_REPLICAS, 1);
    assert.equal(share({}), 10);
    assert.equal(share({ TWILIO_REQUESTS_PER_SECOND: '0.5' }), 0.5, 'one worker keeps a fractional budget');
    assert.equal(share({ WORKER_REPLICAS: '2' }), 5);
    // 10 / 4 = 2.5 would let each worker fit 3 into some second, and 4 × 3 > 10.
    assert.equal(share({ WORKER_REPLICAS: '4' }), 2);
    assert.equal(share({ TWILIO_REQUESTS_PER_SECOND: '5', WORKER_REPLICAS: '5' }), 1);
    for (const shares of [1, 2, 3, 4, 7, 10]) {
      const config = loadWorkerConfig({ ...worker, WORKER_REPLICAS: String(shares) });
      assert.ok(shares * workerRequestsPerSecond(config) <= 10, `${shares} shares stay within the budget`);
    }
  });

  test('WORKER_REPLICAS is a whole number from 1 to the budget, and the message names it', () => {
    for (const bad of ['0', '-1', '1.5', 'two']) {
      assert.match(
        configError(() => loadWorkerConfig({ ...worker, WORKER_REPLICAS: bad })),
        /WORKER_REPLICAS/,
        bad,
      );
    }
    assert.match(
      configError(() => loadWorkerConfig({ ...worker, WORKER_REPLICAS: '11' })),
      /WORKER_REPLICAS=11 must be at most TWILIO_REQUESTS_PER_SECOND=10/,
    );
  });

  test('durations are checked', () => {
    assert.match(
      configError(() => loadWorkerConfig({ ...worker, VETTING_POLL_INTERVAL: 'often' })),
      /VETTING_POLL_INTERVAL/,
    );
    assert.equal(durationToMs('24h'), 86_400_000);
    assert.equal(durationToMs('500ms'), 500);
  });

  test('without payload keys neither the API nor the worker starts: there is no plain-text fallback', () => {
    const { PAYLOAD_ENCRYPTION_KEYS: _, ...noKeys } = worker;
    assert.match(
      configError(() => loadWorkerConfig(noKeys)),
      /PAYLOAD_ENCRYPTION_KEYS is required/,
    );
    assert.match(
      configError(() => loadApiConfig({})),
      /PAYLOAD_ENCRYPTION_KEYS is required/,
    );
    assert.match(
      configError(() => loadApiConfig({ PAYLOAD_ENCRYPTION_KEYS: '' })),
      /PAYLOAD_ENCRYPTION_KEYS is required/,
    );
  });

  test('a malformed payload key names the variable, the rule and the entry, and never quotes a key', () => {
    const short = `k2:${Buffer.alloc(16, 9).toString('base64')}`;
    const cases: [string, RegExp][] = [
      [short, /entry 1 is not/],
      [`${KEY},${short}`, /entry 2 is not/],
      [Buffer.alloc(32, 7).toString('base64'), /entry 1 is not/],
      [`${KEY},${KEY}`, /key ID k1 appears twice/],
    ];
    for (const [value, reason] of cases) {
      const message = configError(() => loadWorkerConfig({ ...worker, PAYLOAD_ENCRYPTION_KEYS: value }));
      assert.match(message, /PAYLOAD_ENCRYPTION_KEYS must be "id:key\[,id:key…\]", each key 32 random bytes/);
      assert.match(message, reason);
      assert.ok(!message.includes(value.split(':').at(-1)!), `the message quotes a key: ${message}`);
      assert.match(
        configError(() => loadApiConfig({ PAYLOAD_ENCRYPTION_KEYS: value })),
        reason,
      );
    }
  });

  test('an empty variable counts as unset', () => {
    assert.equal(loadSandboxConfig({ SANDBOX_PORT: '' }).SANDBOX_PORT, 4010);
  });

  test('status callbacks go to the webhook under the public URL, keeping any path prefix', () => {
    assert.equal(statusCallbackUrl('https://x.example.com/'), 'https://x.example.com/v1/webhooks/trusthub');
    assert.equal(
      statusCallbackUrl('https://x.example.com/onb'),
      'https://x.example.com/onb/v1/webhooks/trusthub',
    );
  });
});

describe('configDefault', () => {
  test('is what loading the configuration gives a variable left unset', () => {
    assert.equal(configDefault('api', 'PORT'), loadApiConfig({ ...keys }).PORT);
    assert.equal(configDefault('api', 'HOST'), loadApiConfig({ ...keys }).HOST);
  });

  test('throws for a variable without a default', () => {
    assert.throws(() => configDefault('worker', 'TWILIO_ACCOUNT_SID'), /has no default/);
  });
});
