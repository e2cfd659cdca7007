/**
 * When `npm start` says "is up": only once the worker polls Temporal and has checked the primary
 * customer profile (its health endpoint, src/temporal/worker-health.ts), so a worker that cannot start
 * stops everything with the reason and exit code 1 instead of reading as up and being restarted for
 * ever. The ready summary also says how to run the Temporal CLI it used, against its server, as
 * docs/operations.md's commands need.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { freePort } from '../../scripts/toolchain.js';
import { startService } from '../support/npm-start.js';

describe('npm start is up once its worker is', { timeout: 300_000 }, () => {
  test('a worker that cannot start stops npm start with exit code 1, never "is up"', async () => {
    // Twilio (the sandbox) answers every request with a 500: the worker polls, but its check of the
    // primary customer profile waits Twilio out for two minutes and then stops it. The API is up long
    // before: "is up" must wait for the worker all the same.
    const service = await startService({ SANDBOX_FAULT_500_RATE: '1' }, { waitForReady: false });
    try {
      const exited = service.exited.then((code) => ({ code }));
      let outcome: { code: number | null } | undefined;
      while (!outcome && !/is up/.test(service.output())) {
        outcome = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(r, 250))]);
      }
      assert.doesNotMatch(service.output(), /is up/, 'npm start said "is up" with its worker not started');
      assert.equal(outcome?.code, 1, service.output().slice(-3_000));
      assert.match(service.output(), /waiting for the worker to poll Temporal and check the primary profile/);
      assert.match(service.output(), /worker exited \(code 1\); stopping everything/);
    } finally {
      await service.stop();
    }
  });

  test('"is up" comes once the worker polls, with the line that runs the Temporal CLI', async () => {
    const healthPort = await freePort();
    const service = await startService({ WORKER_HEALTH_PORT: String(healthPort) });
    try {
      for (let tries = 0; !/is up/.test(service.output()); tries += 1) {
        assert.ok(tries < 600 && service.running(), service.output().slice(-3_000));
        await new Promise((r) => setTimeout(r, 100));
      }
      const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { state: 'RUNNING', primaryProfile: 'ok' });

      // The alias line as printed, run as a shell would run the alias.
      const alias = /alias temporal='TEMPORAL_ADDRESS=(\S+) (\S+)'/.exec(service.output());
      assert.ok(alias, service.output().slice(-3_000));
      assert.equal(alias[1], `127.0.0.1:${service.ports.temporal}`);
      const count = execFileSync(
        alias[2]!,
        ['workflow', 'count', '--query', "WorkflowType = 'shakenStirOnboarding'"],
        { env: { ...process.env, TEMPORAL_ADDRESS: alias[1] }, encoding: 'utf8' },
      );
      assert.match(count, /Total: 0/);
    } finally {
      await service.stop();
    }
  });
});
