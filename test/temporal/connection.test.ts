/**
 * Where the API and the worker connect, from the Temporal CLI's own variables and config profiles
 * (src/temporal/connection.ts): the dev server by default, Temporal Cloud by API key or by mTLS, and a
 * TOML profile the variables override. The loader's answer is what both processes hand the SDK.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { temporalConnectConfig } from '../../src/temporal/connection.js';

const dir = mkdtempSync(join(tmpdir(), 'temporal-connection-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
// No real file at the CLI's default location may leak into these answers.
const isolated = { TEMPORAL_CONFIG_FILE: file('empty.toml', '[profile.default]\n') };

describe('the Temporal connection', () => {
  test('with nothing set: the dev server on localhost:7233, namespace default, no TLS', () => {
    const { connectionOptions, namespace } = temporalConnectConfig(isolated);
    assert.equal(connectionOptions.address, 'localhost:7233');
    assert.equal(namespace, 'default');
    assert.ok(!connectionOptions.tls, 'plain gRPC');
    assert.equal(connectionOptions.apiKey, undefined);
  });

  test('Temporal Cloud with an API key: TLS turns on by itself', () => {
    const { connectionOptions, namespace } = temporalConnectConfig({
      ...isolated,
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'trusthub.a1b2c',
      TEMPORAL_API_KEY: 'an-api-key',
    });
    assert.equal(connectionOptions.address, 'us-east-1.aws.api.temporal.io:7233');
    assert.equal(namespace, 'trusthub.a1b2c');
    assert.equal(connectionOptions.apiKey, 'an-api-key');
    assert.ok(connectionOptions.tls, 'an API key goes over TLS');
  });

  test('Temporal Cloud with mTLS: the client certificate and key from their files', () => {
    const crt = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const key = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
    const { connectionOptions, namespace } = temporalConnectConfig({
      ...isolated,
      TEMPORAL_ADDRESS: 'trusthub.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'trusthub.a1b2c',
      TEMPORAL_TLS_CLIENT_CERT_PATH: file('client.pem', crt),
      TEMPORAL_TLS_CLIENT_KEY_PATH: file('client.key', key),
    });
    assert.equal(namespace, 'trusthub.a1b2c');
    const tls = connectionOptions.tls;
    assert.ok(tls && typeof tls === 'object', 'TLS with a client certificate');
    assert.equal(Buffer.from(tls.clientCertPair!.crt).toString(), crt);
    assert.equal(Buffer.from(tls.clientCertPair!.key).toString(), key);
    assert.equal(connectionOptions.apiKey, undefined);
  });

  test('a profile of the CLI config file, and a variable overriding one of its settings', () => {
    const config = file(
      'temporal.toml',
      [
        '[profile.cloud]',
        'address = "eu-west-1.aws.api.temporal.io:7233"',
        'namespace = "trusthub.eu123"',
        'api_key = "profile-key"',
      ].join('\n'),
    );
    const fromProfile = temporalConnectConfig({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'cloud' });
    assert.equal(fromProfile.connectionOptions.address, 'eu-west-1.aws.api.temporal.io:7233');
    assert.equal(fromProfile.namespace, 'trusthub.eu123');
    assert.equal(fromProfile.connectionOptions.apiKey, 'profile-key');

    const overridden = temporalConnectConfig({
      TEMPORAL_CONFIG_FILE: config,
      TEMPORAL_PROFILE: 'cloud',
      TEMPORAL_NAMESPACE: 'trusthub.staging',
    });
    assert.equal(overridden.namespace, 'trusthub.staging');
    assert.equal(overridden.connectionOptions.apiKey, 'profile-key', 'what is not overridden stays');
  });
});
