// Docker does not run on the machines this project is built on, so docker-compose.yml is loaded and
// validated by compose-go — the Compose Specification's reference loader, which checks the file against
// the specification's JSON schema — and then checked against the project's own facts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { ensureComposeCheck } from '../../scripts/toolchain.js';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../src/workflows/search-attributes.js';

const composeFile = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));
const checker = ensureComposeCheck({ quiet: true });

interface Project {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      environment?: Record<string, string | null>;
      command?: string[] | null;
      depends_on?: Record<string, { condition?: string }>;
      healthcheck?: { test?: string[] | string };
      volumes?: { type?: string; source?: string; target?: string }[];
    }
  >;
}

/** What an operator exports before `docker compose up` (README): compose has no default key. */
const PAYLOAD_KEYS = `k1:${Buffer.alloc(32, 1).toString('base64')}`;

function load(
  file: string,
  { payloadKeys = PAYLOAD_KEYS }: { payloadKeys?: string | null } = {},
): { ok: boolean; project?: Project; error: string } {
  // The loader interpolates ${VARS}: run it with none of the caller's TWILIO_* so defaults are checked.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(TWILIO|API_TOKEN|PUBLIC_BASE|PAYLOAD_ENCRYPTION|TEMPORAL_)/.test(key),
    ),
  );
  if (payloadKeys) env.PAYLOAD_ENCRYPTION_KEYS = payloadKeys;
  const result = spawnSync(checker!, [file], { encoding: 'utf8', env });
  return result.status === 0
    ? { ok: true, project: JSON.parse(result.stdout) as Project, error: '' }
    : { ok: false, error: result.stderr };
}

describe(
  'docker-compose.yml',
  { skip: checker ? false : 'Go is not installed: compose-check cannot be built' },
  () => {
    test('is valid Compose: the reference loader accepts it', () => {
      const { ok, error } = load(composeFile);
      assert.ok(ok, error);
    });

    test('the loader rejects a file that breaks the specification, so the check above can fail', () => {
      const dir = mkdtempSync(join(tmpdir(), 'compose-'));
      const broken = join(dir, 'docker-compose.yml');
      writeFileSync(
        broken,
        readFileSync(composeFile, 'utf8').replace('restart: unless-stopped', 'restart: [oops]'),
      );
      const { ok, error } = load(broken);
      assert.equal(ok, false);
      assert.match(error, /restart/);
    });

    test('runs PostgreSQL, Temporal, the Temporal UI, the API and the worker from official images', () => {
      const { services } = load(composeFile).project!;
      assert.match(services.postgresql?.image ?? '', /^postgres:/);
      assert.match(services.temporal?.image ?? '', /^temporalio\/auto-setup:/);
      assert.match(services['temporal-ui']?.image ?? '', /^temporalio\/ui:/);
      assert.ok(services.api?.build && services.worker?.build, 'api and worker are built from this repo');
    });

    test("registers every one of the onboarding's search attributes with its type", () => {
      const command = JSON.stringify(
        load(composeFile).project!.services['temporal-search-attributes']?.command,
      );
      for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES)) {
        assert.ok(command.includes(`${name}=${type}`), `${name}=${type} is registered by docker-compose`);
      }
    });

    test('points the worker at the sandbox by default, with the credentials the sandbox is seeded with', () => {
      const { services } = load(composeFile).project!;
      const worker = services.worker?.environment ?? {};
      const sandbox = services.sandbox?.environment ?? {};
      assert.equal(worker.TWILIO_BASE_URL, 'http://sandbox:4010');
      assert.equal(worker.TWILIO_ACCOUNT_SID, sandbox.SANDBOX_ACCOUNT_SID);
      assert.equal(worker.TWILIO_AUTH_TOKEN, sandbox.SANDBOX_AUTH_TOKEN);
      assert.equal(worker.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID, sandbox.SANDBOX_PRIMARY_CUSTOMER_PROFILE_SID);
    });

    test('waits on real health: the worker starts once the sandbox answers, and reports its own state', () => {
      const { services } = load(composeFile).project!;
      const worker = services.worker!;
      assert.equal(worker.depends_on?.sandbox?.condition, 'service_healthy');
      assert.ok(services.sandbox?.healthcheck?.test, 'the sandbox has a healthcheck');
      const port = worker.environment?.WORKER_HEALTH_PORT;
      assert.ok(port, 'the worker serves its health endpoint');
      assert.match(JSON.stringify(worker.healthcheck?.test), new RegExp(`127\\.0\\.0\\.1:${port}/healthz`));
    });

    test('refuses to start without PAYLOAD_ENCRYPTION_KEYS, and gives the API and the worker the same keys', () => {
      const missing = load(composeFile, { payloadKeys: null });
      assert.equal(missing.ok, false);
      assert.match(missing.error, /PAYLOAD_ENCRYPTION_KEYS/);
      const { services } = load(composeFile).project!;
      assert.equal(services.api?.environment?.PAYLOAD_ENCRYPTION_KEYS, PAYLOAD_KEYS);
      assert.equal(services.worker?.environment?.PAYLOAD_ENCRYPTION_KEYS, PAYLOAD_KEYS);
    });

    test("points the Web UI at the API's codec endpoint, and lets the UI's origin call it", () => {
      const { services } = load(composeFile).project!;
      const codec = new URL(services['temporal-ui']?.environment?.TEMPORAL_CODEC_ENDPOINT ?? '');
      assert.equal(codec.pathname, '/v1/codec');
      assert.equal(codec.port, services.api?.environment?.PORT);
      const ui = new URL(services.api?.environment?.TEMPORAL_UI_URL ?? '');
      assert.equal(ui.port, '8080');
    });

    test('the sandbox keeps its state on a volume the image has made writable for the node user', () => {
      const sandbox = load(composeFile).project!.services.sandbox!;
      const volume = sandbox.volumes?.find((v) => v.type === 'volume');
      assert.ok(volume?.target, 'the sandbox mounts a named volume');
      assert.ok(sandbox.environment?.SANDBOX_STATE_FILE?.startsWith(`${volume.target}/`));
      // A new named volume takes the ownership of the image's directory it mounts on: without this
      // line, /data is root's and the sandbox (running as node) cannot write its state.
      const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8').split('\n');
      const made = dockerfile.findIndex((line) =>
        new RegExp(`^RUN mkdir -p ${volume.target} && chown node:node ${volume.target}$`).test(line),
      );
      const user = dockerfile.findIndex((line) => line === 'USER node');
      assert.ok(
        made >= 0 && user > made,
        `the Dockerfile creates ${volume.target} for node before USER node`,
      );
    });

    test('gives the API a token, since it listens beyond loopback there', () => {
      const env = load(composeFile).project!.services.api?.environment ?? {};
      assert.equal(env.HOST, '0.0.0.0');
      assert.ok((env.API_TOKEN ?? '').length >= 16, 'API_TOKEN is long enough for the config rule');
    });
  },
);
