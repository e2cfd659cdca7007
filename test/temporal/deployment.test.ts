/**
 * src/temporal/deployment.ts without a server: which version a worker runs as, from its configuration
 * and its workflow bundle. Promotion is the server's to answer: test/cluster/new-build.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, deploymentSettings, loadWorkerConfig } from '../../src/config.js';
import {
  bundleBuildId,
  deploymentOptions,
  packageVersion,
  workerDeploymentVersion,
  type DeploymentSettings,
} from '../../src/temporal/deployment.js';

const worker = {
  TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'secret',
  TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: `BU${'b'.repeat(32)}`,
  PUBLIC_BASE_URL: 'https://onboarding.example.com',
  PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};
const on: DeploymentSettings = { versioning: 'on', deploymentName: 'trusthub-onboarding', promote: 'first' };

describe('the worker deployment version', () => {
  test('by default the worker is versioned, named trusthub-onboarding, and promotes only the first build', () => {
    assert.deepEqual(deploymentSettings(loadWorkerConfig(worker)), {
      versioning: 'on',
      deploymentName: 'trusthub-onboarding',
      buildId: undefined,
      promote: 'first',
    });
  });

  test('the build ID is the package version and the bundle hash: the same code, the same ID', () => {
    const a = workerDeploymentVersion(on, '1.1.0', { code: 'workflow code A' });
    assert.deepEqual(a, { deploymentName: 'trusthub-onboarding', buildId: '1.1.0-cbf0c7ba3b2f' });
    assert.deepEqual(workerDeploymentVersion(on, '1.1.0', { code: 'workflow code A' }), a);
    assert.notEqual(workerDeploymentVersion(on, '1.1.0', { code: 'workflow code B' })?.buildId, a?.buildId);
    assert.notEqual(workerDeploymentVersion(on, '1.2.0', { code: 'workflow code A' })?.buildId, a?.buildId);
  });

  test('a prebuilt bundle on disk is hashed like the same code in memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deployment-test-'));
    try {
      const codePath = join(dir, 'workflow-bundle.js');
      writeFileSync(codePath, 'workflow code A');
      assert.equal(bundleBuildId('1.1.0', { codePath }), bundleBuildId('1.1.0', { code: 'workflow code A' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('TEMPORAL_WORKER_BUILD_ID overrides the hash; versioning off makes no version at all', () => {
    assert.equal(
      workerDeploymentVersion({ ...on, buildId: 'release-42' }, '1.1.0', { code: 'x' })?.buildId,
      'release-42',
    );
    assert.equal(workerDeploymentVersion({ ...on, versioning: 'off' }, '1.1.0', { code: 'x' }), undefined);
    assert.deepEqual(deploymentOptions(undefined), {});
    assert.deepEqual(deploymentOptions({ deploymentName: 'd', buildId: 'b' }), {
      workerDeploymentOptions: {
        version: { deploymentName: 'd', buildId: 'b' },
        useWorkerVersioning: true,
        defaultVersioningBehavior: 'PINNED',
      },
    });
  });

  test('the package version is the one in package.json', () => {
    assert.match(packageVersion(), /^\d+\.\d+\.\d+/);
  });

  test('a bad name, build ID or policy is refused, naming the variable', () => {
    for (const [name, value] of [
      ['TEMPORAL_DEPLOYMENT_NAME', 'has.dots'],
      ['TEMPORAL_WORKER_BUILD_ID', 'has spaces'],
      ['TEMPORAL_DEPLOYMENT_PROMOTE', 'sometimes'],
      ['TEMPORAL_WORKER_VERSIONING', 'yes'],
    ] as const) {
      assert.throws(
        () => loadWorkerConfig({ ...worker, [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.includes(name),
        `${name}=${value}`,
      );
    }
  });
});
