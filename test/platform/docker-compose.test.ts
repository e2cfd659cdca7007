// Docker does not run on the machines this project is built on, so docker-compose.yml is loaded and
// validated by compose-go — the Compose Specification's reference loader, which checks the file against
// the specification's JSON schema — and then checked against the project's own facts, alone (what
// runs in production) and with docker-compose.sandbox.yml (sandbox mode). The one-shot
// setup jobs' shell scripts (scripts/cluster, which compose mounts into admin-tools) are run here too,
// as their containers run them: the schema job against a stand-in temporal-sql-tool, the namespace job
// against the Temporal CLI's dev server. test/cluster runs the same scripts against the real tools.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import {
  ensureComposeCheck,
  ensureTemporalCli,
  PRIORITY_DYNAMIC_CONFIG,
  PRIORITY_DYNAMIC_CONFIG_FILE,
} from '../../scripts/toolchain.js';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../src/contract/search-attributes.js';
import { loadApiConfig, loadWorkerConfig } from '../../src/config.js';
import { uiServerConfig } from '../../scripts/cluster.js';
import { devServerEnvironment } from '../support/temporal.js';

const composeFile = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));
const sandboxFile = fileURLToPath(new URL('../../docker-compose.sandbox.yml', import.meta.url));
const checker = ensureComposeCheck({ quiet: true });

interface Project {
  services: Record<
    string,
    {
      image?: string;
      build?: unknown;
      environment?: Record<string, string | null>;
      network_mode?: string;
      ports?: { host_ip?: string; target?: number; published?: string }[];
      command?: string[] | null;
      entrypoint?: string[] | null;
      depends_on?: Record<string, { condition?: string }>;
      healthcheck?: { test?: string[] | string };
      volumes?: { type?: string; source?: string; target?: string; read_only?: boolean }[];
    }
  >;
}

/** What an operator exports before `docker compose up` (README): compose has no default for any. */
const PAYLOAD_KEYS = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const REQUIRED_SECRETS = {
  PAYLOAD_ENCRYPTION_KEYS: PAYLOAD_KEYS,
  API_TOKEN: 'compose-test-api-token-0123456789',
  POSTGRES_PASSWORD: 'compose-test-postgres-password',
};

function load(
  file: string | string[],
  {
    payloadKeys = PAYLOAD_KEYS,
    env: extra = {},
    without = [],
  }: { payloadKeys?: string | null; env?: Record<string, string>; without?: string[] } = {},
): { ok: boolean; project?: Project; error: string } {
  // The loader interpolates ${VARS}: run it with none of the caller's settings so defaults are checked.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(TWILIO|API_TOKEN|ADOPT_TOKEN|METRICS_TOKEN|CODEC_TOKEN|POSTGRES_|PUBLIC_BASE|PAYLOAD_ENCRYPTION|TEMPORAL_|EVENTS_|COMPOSE_)/.test(
          key,
        ),
    ),
  );
  Object.assign(env, REQUIRED_SECRETS, extra);
  delete env.PAYLOAD_ENCRYPTION_KEYS;
  if (payloadKeys) env.PAYLOAD_ENCRYPTION_KEYS = payloadKeys;
  for (const name of without) delete env[name];
  const result = spawnSync(checker!, [file].flat(), { encoding: 'utf8', env });
  return result.status === 0
    ? { ok: true, project: JSON.parse(result.stdout) as Project, error: '' }
    : { ok: false, error: result.stderr };
}

/** Where compose mounts scripts/cluster in the admin-tools containers, read-only. */
const SCRIPTS_MOUNT = '/etc/trusthub/cluster';
const scriptsDir = fileURLToPath(new URL('../../scripts/cluster/', import.meta.url));

/**
 * The script a one-shot service runs: its entrypoint is `/bin/sh <mount>/<name>`, with scripts/cluster
 * mounted there read-only, so the file is the one `npm run start:cluster` runs. Returns its host path.
 */
function serviceScript(service: Project['services'][string]): string {
  const [shell, script, ...rest] = service.entrypoint ?? [];
  assert.equal(shell, '/bin/sh');
  assert.deepEqual(rest, []);
  assert.equal(service.command ?? null, null, 'no command: the script is the whole job');
  assert.ok(script?.startsWith(`${SCRIPTS_MOUNT}/`), `${script} is under ${SCRIPTS_MOUNT}`);
  const mount = (service.volumes ?? []).find((v) => v.target === SCRIPTS_MOUNT);
  assert.equal(mount?.type, 'bind');
  assert.equal(mount?.source, scriptsDir.replace(/\/$/, ''));
  assert.equal(mount?.read_only, true);
  const file = join(scriptsDir, script!.slice(SCRIPTS_MOUNT.length + 1));
  assert.ok(existsSync(file), `${file} exists`);
  return file;
}

/**
 * Runs a one-shot service's script the way its container does (`/bin/sh <script>`), from the host's
 * scripts/cluster, with `bin` first on PATH in place of the image's tools.
 */
function runScript(
  service: Project['services'][string],
  bin: string,
  env: Record<string, string>,
): { status: number | null; output: string } {
  const result = spawnSync('/bin/sh', [serviceScript(service)], {
    encoding: 'utf8',
    env: { PATH: `${bin}:${process.env.PATH}`, ...env },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

/**
 * A stand-in for temporal-sql-tool: logs each call, and answers create-database for a database listed
 * in EXISTING as PostgreSQL does when it is there already, or fails it with FAIL_CREATE's message.
 */
const FAKE_SQL_TOOL = `#!/bin/sh
echo "$*" >> "$CALLS"
case "$*" in
  *create-database*)
    db=$2
    if [ -n "\${FAIL_CREATE:-}" ]; then echo "$FAIL_CREATE" >&2; exit 1; fi
    case " $EXISTING " in *" $db "*) echo "pq: database \\"$db\\" already exists" >&2; exit 1;; esac;;
esac
`;

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
      assert.match(services.temporal?.image ?? '', /^temporalio\/server:/);
      assert.match(services['temporal-ui']?.image ?? '', /^temporalio\/ui:/);
      assert.ok(services.api?.build && services.worker?.build, 'api and worker are built from this repo');
    });

    test('uses no temporalio/auto-setup (deprecated), and one Temporal version throughout', () => {
      const { services } = load(composeFile).project!;
      const images = Object.values(services).map((service) => service.image ?? '');
      assert.deepEqual(
        images.filter((image) => image.includes('auto-setup')),
        [],
      );
      const server = /^temporalio\/server:(\d+\.\d+\.\d+)$/.exec(services.temporal?.image ?? '')?.[1];
      assert.ok(server, 'the server image has a release tag');
      const adminTools = images.filter((image) => image.startsWith('temporalio/admin-tools:'));
      assert.ok(adminTools.length >= 2, 'the schema and namespace jobs run admin-tools');
      for (const image of adminTools) assert.ok(image.startsWith(`temporalio/admin-tools:${server}`), image);
    });

    test("the server reads the cluster's dynamic config, with task priorities on as on the dev server", () => {
      const { services } = load(composeFile).project!;
      const server = services.temporal!;
      const path = server.environment?.DYNAMIC_CONFIG_FILE_PATH;
      const mount = (server.volumes ?? []).find((v) => v.target === path);
      assert.equal(mount?.type, 'bind');
      assert.equal(mount?.source, PRIORITY_DYNAMIC_CONFIG_FILE);
      assert.equal(mount?.read_only, true);
      const file = parseYaml(readFileSync(PRIORITY_DYNAMIC_CONFIG_FILE, 'utf8')) as Record<
        string,
        { value: unknown }[]
      >;
      for (const [key, value] of Object.entries(PRIORITY_DYNAMIC_CONFIG)) {
        assert.deepEqual(file[key], [{ value }], `${key} as the dev server's flags set it`);
      }
    });

    test('the server starts only after the schema job has set up both databases', () => {
      const { services } = load(composeFile).project!;
      const schema = services['temporal-schema'];
      assert.match(schema?.image ?? '', /^temporalio\/admin-tools:/);
      assert.equal(schema?.depends_on?.postgresql?.condition, 'service_healthy');
      assert.equal(
        services.temporal?.depends_on?.['temporal-schema']?.condition,
        'service_completed_successfully',
      );
      // The server reaches PostgreSQL as the schema job does.
      const server = services.temporal?.environment ?? {};
      const tool = schema?.environment ?? {};
      assert.equal(server.DB, tool.SQL_PLUGIN);
      assert.equal(server.POSTGRES_SEEDS, tool.SQL_HOST);
      assert.equal(server.DB_PORT, tool.SQL_PORT);
      assert.equal(server.POSTGRES_USER, tool.SQL_USER);
      assert.equal(server.POSTGRES_PWD, tool.SQL_PASSWORD);
    });

    test('the schema job creates, sets up and updates both databases, and can run again', () => {
      const schema = load(composeFile).project!.services['temporal-schema']!;
      const bin = mkdtempSync(join(tmpdir(), 'compose-schema-'));
      try {
        writeFileSync(join(bin, 'temporal-sql-tool'), FAKE_SQL_TOOL, { mode: 0o755 });
        const calls = join(bin, 'calls');
        const run = (env: Record<string, string>) => {
          rmSync(calls, { force: true });
          const result = runScript(schema, bin, { CALLS: calls, EXISTING: '', ...env });
          return {
            ...result,
            calls: existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [],
          };
        };
        const steps = (db: string, dir: string) => [
          `--db ${db} create-database`,
          `--db ${db} setup-schema -v 0.0`,
          `--db ${db} update-schema -d /etc/temporal/schema/postgresql/v12/${dir}/versioned`,
        ];
        const all = [...steps('temporal', 'temporal'), ...steps('temporal_visibility', 'visibility')];

        // First start: PostgreSQL has made "temporal" itself (POSTGRES_USER), not the other.
        const first = run({ EXISTING: 'temporal' });
        assert.equal(first.status, 0, first.output);
        assert.deepEqual(first.calls, all);
        // Every later `up`: both exist.
        const again = run({ EXISTING: 'temporal temporal_visibility' });
        assert.equal(again.status, 0, again.output);
        assert.deepEqual(again.calls, all);
        // Any other failure stops the job, and so the server.
        const down = run({ FAIL_CREATE: 'dial tcp: connection refused' });
        assert.notEqual(down.status, 0);
        assert.match(down.output, /connection refused/);
        assert.deepEqual(down.calls, ['--db temporal create-database']);
      } finally {
        rmSync(bin, { recursive: true, force: true });
      }
    });

    test('creates the namespace before registering search attributes, against a real server, twice', async () => {
      const { services } = load(composeFile).project!;
      const job = services['temporal-search-attributes']!;
      assert.equal(job.environment?.TEMPORAL_NAMESPACE, services.worker?.environment?.TEMPORAL_NAMESPACE);
      assert.equal(job.environment?.TEMPORAL_NAMESPACE, services.api?.environment?.TEMPORAL_NAMESPACE);
      assert.equal(
        job.environment?.TEMPORAL_CLAIMS_NAMESPACE,
        services.worker?.environment?.TEMPORAL_CLAIMS_NAMESPACE,
        "the job makes the worker's claims' namespace",
      );
      const env = await devServerEnvironment();
      const bin = mkdtempSync(join(tmpdir(), 'compose-namespace-'));
      try {
        const cli = ensureTemporalCli({ quiet: true });
        symlinkSync(cli, join(bin, 'temporal'));
        // A namespace the dev server does not have, as the server image has none.
        const jobEnv = {
          HOME: bin,
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_NAMESPACE: 'compose-job',
          TEMPORAL_CLAIMS_NAMESPACE: 'compose-job-claims',
        };
        for (const attempt of ['first', 'second']) {
          const { status, output } = runScript(job, bin, jobEnv);
          assert.equal(status, 0, `${attempt} run: ${output}`);
        }
        const listed = execFileSync(
          cli,
          ['operator', 'search-attribute', 'list', '--address', env.address, '--namespace', 'compose-job'],
          { encoding: 'utf8' },
        );
        for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES)) {
          assert.match(listed, new RegExp(`\\b${name}\\s+${type}\\b`), `${name} is a ${type}`);
        }
        // The claims' namespace, with a claim's owner (src/activities/temporal-claims.ts).
        const claims = execFileSync(
          cli,
          [
            'operator',
            'search-attribute',
            'list',
            '--address',
            env.address,
            '--namespace',
            'compose-job-claims',
          ],
          { encoding: 'utf8' },
        );
        assert.match(claims, /\bCustomerId\s+Keyword\b/, 'the claims namespace has CustomerId');
      } finally {
        rmSync(bin, { recursive: true, force: true });
        await env.teardown();
      }
    });

    test('runs the compiled entry points (npm run build), each from a source file that exists', () => {
      const { services } = load([composeFile, sandboxFile]).project!;
      assert.ok(services.sandbox?.build, 'the sandbox is among them');
      for (const [name, service] of Object.entries(services).filter(([, s]) => s.build)) {
        const [node, entry] = service.command ?? [];
        assert.equal(node, 'node', name);
        // The service's dist/ or a workspace package's (packages/trusthub-sandbox/dist/).
        assert.match(entry ?? '', /^(packages\/[^/]+\/)?dist\/.+\.js$/, `${name} runs compiled JavaScript`);
        const source = fileURLToPath(
          new URL(
            `../../${entry!.replace(/(^|\/)dist\//, '$1src/').replace(/\.js$/, '.ts')}`,
            import.meta.url,
          ),
        );
        assert.ok(existsSync(source), `${name}: ${entry} is compiled from ${source}`);
      }
    });

    test("registers every one of the onboarding's search attributes with its type", () => {
      const command = readFileSync(
        serviceScript(load(composeFile).project!.services['temporal-search-attributes']!),
        'utf8',
      );
      for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES)) {
        assert.ok(command.includes(`${name}=${type}`), `${name}=${type} is registered by docker-compose`);
      }
    });

    test('runs the sandbox only in sandbox mode, and only then points the worker at it, with its account', () => {
      // Production: no sandbox, and nothing of the worker's points at one.
      const production = load(composeFile).project!.services;
      assert.equal(production.sandbox, undefined, 'the sandbox does not run by default');
      assert.ok(!JSON.stringify(production.worker).includes('sandbox'), JSON.stringify(production.worker));
      assert.equal(production.worker?.environment?.TWILIO_BASE_URL, '', 'empty: Twilio itself');
      // The profile alone runs the sandbox, idle: the worker still calls Twilio.
      const idle = load(composeFile, { env: { COMPOSE_PROFILES: 'sandbox' } }).project!.services;
      assert.ok(idle.sandbox, 'the sandbox profile runs it');
      assert.deepEqual(idle.worker, production.worker);

      // Sandbox mode: the worker calls the sandbox on loopback (its network namespace) with the
      // sandbox's seeded account, whatever Twilio credentials the shell holds.
      const exported = {
        TWILIO_AUTH_TOKEN: 'real-auth-token-do-not-leak',
        TWILIO_API_SECRET: 'real-secret-x',
      };
      const { services } = load([composeFile, sandboxFile], { env: exported }).project!;
      const worker = services.worker!;
      const sandbox = services.sandbox?.environment ?? {};
      assert.equal(worker.network_mode, 'service:sandbox');
      assert.equal(worker.environment?.TWILIO_BASE_URL, `http://127.0.0.1:${sandbox.SANDBOX_PORT}`);
      assert.equal(worker.environment?.TWILIO_ACCOUNT_SID, sandbox.SANDBOX_ACCOUNT_SID);
      assert.equal(worker.environment?.TWILIO_AUTH_TOKEN, sandbox.SANDBOX_AUTH_TOKEN);
      assert.equal(
        worker.environment?.TWILIO_PRIMARY_CUSTOMER_PROFILE_SID,
        sandbox.SANDBOX_PRIMARY_CUSTOMER_PROFILE_SID,
      );
      // The API checks the sandbox's callbacks with the sandbox's token.
      assert.equal(services.api?.environment?.TWILIO_AUTH_TOKEN, sandbox.SANDBOX_AUTH_TOKEN);
      for (const secret of Object.values(exported)) {
        for (const name of ['worker', 'api', 'sandbox']) {
          assert.ok(!JSON.stringify(services[name]).includes(secret), `${secret} reaches the ${name}`);
        }
      }
    });

    test('waits on real health: in sandbox mode the worker starts once the sandbox answers, and reports its own state', () => {
      const { services } = load([composeFile, sandboxFile]).project!;
      const worker = services.worker!;
      assert.equal(worker.depends_on?.sandbox?.condition, 'service_healthy');
      assert.ok(services.sandbox?.healthcheck?.test, 'the sandbox has a healthcheck');
      const port = worker.environment?.WORKER_HEALTH_PORT;
      assert.ok(port, 'the worker serves its health endpoint');
      assert.match(JSON.stringify(worker.healthcheck?.test), new RegExp(`127\\.0\\.0\\.1:${port}/healthz`));
    });

    test('has no default secret: each one compose needs is required, and none has a value the caller did not give', () => {
      for (const name of Object.keys(REQUIRED_SECRETS)) {
        const missing = load(composeFile, { without: [name] });
        assert.equal(missing.ok, false, `${name} has a default`);
        assert.match(missing.error, new RegExp(`${name}.*set ${name}`));
      }
      // Everything named like a secret is what the caller exported, or empty: nothing of the file's own.
      const given = new Set(['', ...Object.values(REQUIRED_SECRETS)]);
      const secretLike = /TOKEN|SECRET|PASSWORD|PWD|_KEYS?$/;
      const defaults: string[] = [];
      for (const [name, service] of Object.entries(load(composeFile).project!.services)) {
        for (const [variable, value] of Object.entries(service.environment ?? {})) {
          if (secretLike.test(variable) && !given.has(value ?? ''))
            defaults.push(`${name}: ${variable}=${value}`);
        }
      }
      assert.deepEqual(defaults, []);
    });

    test("publishes every port on the host's loopback only, in production and in sandbox mode", () => {
      for (const files of [composeFile, [composeFile, sandboxFile]]) {
        const published = Object.entries(load(files).project!.services).flatMap(([name, service]) =>
          (service.ports ?? []).map((port) => ({
            name,
            port: port.published,
            host: port.host_ip ?? '(all)',
          })),
        );
        assert.ok(published.length >= 4, JSON.stringify(published));
        assert.deepEqual(
          published.filter((p) => p.host !== '127.0.0.1'),
          [],
        );
      }
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
      const sandbox = load([composeFile, sandboxFile]).project!.services.sandbox!;
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

    test('gives the API the caller’s token, and the address Twilio reaches it at, since it listens beyond loopback', () => {
      const env =
        load(composeFile, { env: { PUBLIC_BASE_URL: 'https://onboarding.example.com' } }).project!.services
          .api?.environment ?? {};
      assert.equal(env.HOST, '0.0.0.0');
      assert.equal(env.API_TOKEN, REQUIRED_SECRETS.API_TOKEN);
      assert.equal(env.PUBLIC_BASE_URL, 'https://onboarding.example.com');
      const sandboxMode = load([composeFile, sandboxFile]).project!.services.api!;
      assert.equal(
        sandboxMode.environment?.PUBLIC_BASE_URL,
        'http://127.0.0.1:3000',
        'where the sandbox calls back',
      );
      assert.equal(sandboxMode.network_mode, 'service:sandbox', "on the sandbox's loopback");
    });

    test('the API and the worker load what compose gives them, in production and in sandbox mode', () => {
      // What src/config.ts refuses (http off loopback, a public API without API_TOKEN) must not be
      // what compose hands over: sandbox mode keeps every callback on the sandbox's loopback.
      const production = load(composeFile, {
        env: {
          PUBLIC_BASE_URL: 'https://onboarding.example.com',
          TEMPORAL_UI_URL: 'https://temporal.example.com',
          TWILIO_ACCOUNT_SID: `AC${'1'.repeat(32)}`,
          TWILIO_AUTH_TOKEN: 'compose-test-auth-token',
          TWILIO_PRIMARY_CUSTOMER_PROFILE_SID: `BU${'2'.repeat(32)}`,
        },
      }).project!.services;
      const sandboxMode = load([composeFile, sandboxFile]).project!.services;
      for (const services of [production, sandboxMode]) {
        const env = (name: string) => services[name]!.environment as NodeJS.ProcessEnv;
        assert.doesNotThrow(() => loadApiConfig(env('api')));
        assert.doesNotThrow(() => loadWorkerConfig(env('worker')));
      }
    });

    test('the Web UI runs with its write actions off', () => {
      for (const files of [composeFile, [composeFile, sandboxFile]]) {
        const ui = load(files).project!.services['temporal-ui']!;
        assert.equal(ui.environment?.TEMPORAL_DISABLE_WRITE_ACTIONS, 'true');
      }
    });
  },
);

describe("npm run start:cluster's Web UI, compose's temporalio/ui on this machine", () => {
  test('runs with its write actions off, and decodes through the codec endpoint', () => {
    const config = parseYaml(
      uiServerConfig({
        temporalAddress: '127.0.0.1:7233',
        port: 8233,
        namespace: 'default',
        codecEndpoint: 'http://127.0.0.1:3000/v1/codec',
      }),
    ) as { disableWriteActions?: unknown; codec?: { endpoint?: string } };
    assert.equal(config.disableWriteActions, true);
    assert.equal(config.codec?.endpoint, 'http://127.0.0.1:3000/v1/codec');
  });
});
