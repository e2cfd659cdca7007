/**
 * Provisions the real Temporal servers this project runs on, into a per-user cache outside the repo:
 *
 * - the Temporal CLI (its `server start-dev` is the dev server behind `npm start` and the end-to-end tests);
 * - Temporal's Java time-skipping test server (behind the workflow tests' `createTimeSkipping`);
 * - the Temporal server and temporal-sql-tool at docker-compose.yml's release, built with Go, behind
 *   `npm run start:cluster` and test/cluster (the production topology on PostgreSQL).
 *
 * Nothing here runs at test time unless something is missing; a warm cache answers in milliseconds.
 * Run it directly to provision and print the paths: `npm run toolchain`.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The newest CLI that builds from the Go module proxy. Every later tag (1.6.0 to 1.9.1) has
 * `replace github.com/temporalio/cli/cliext => ./cliext` in its go.mod: `go install pkg@version` refuses
 * any replace, and built as the main module it needs ./cliext, a nested module that the module zip
 * leaves out and the proxy does not serve under its own name. So the dev server (`server start-dev`,
 * with server 1.29.1 and UI 2.42.1 inside) stays at this release, while the cluster, compose and
 * test/cluster run docker-compose.yml's release, built from go.temporal.io/server itself.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
/** Kept in step with scripts/toolchain/pom.xml. */
export const TEST_SERVER_VERSION = '1.38.0';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The server honours task priorities (PRIORITIES in src/contract/vocabulary.ts) only with its
 * priority-aware matcher, which server 1.29 leaves off (`matching.useNewMatcher`, default false in
 * go.temporal.io/server common/dynamicconfig/constants.go). The cluster and compose read it from
 * deploy/temporal/dynamicconfig.yaml; the dev server gets it as flags (`devServerPriorityArgs`).
 * TEMPORAL_PRIORITIES=off starts either without it (bench/priority.ts compares the two).
 */
export const PRIORITY_DYNAMIC_CONFIG = { 'matching.useNewMatcher': true } as const;
export const PRIORITY_DYNAMIC_CONFIG_FILE = join(repoRoot, 'deploy', 'temporal', 'dynamicconfig.yaml');

export function prioritiesEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TEMPORAL_PRIORITIES !== 'off';
}

/** The CLI dev server's flags that turn the priority-aware matcher on (none with TEMPORAL_PRIORITIES=off). */
export function devServerPriorityArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  if (!prioritiesEnabled(env)) return [];
  return Object.entries(PRIORITY_DYNAMIC_CONFIG).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}

export class ToolchainError extends Error {
  override name = 'ToolchainError';
}

export function cacheDir(): string {
  const base =
    process.env.TRUSTHUB_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'trusthub-onboarding');
  mkdirSync(base, { recursive: true });
  return base;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function log(quiet: boolean, message: string): void {
  if (!quiet) process.stderr.write(`[toolchain] ${message}\n`);
}

/**
 * Finds the `temporal` CLI: $TEMPORAL_CLI_PATH, then $PATH, then the cache; builds it into the cache
 * with Go when there is none.
 */
export function ensureTemporalCli({ quiet = false } = {}): string {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new ToolchainError(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file.`);
    }
    return fromEnv;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;

  const binDir = join(cacheDir(), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
  const cached = join(binDir, 'temporal');
  if (isExecutable(cached)) return cached;

  const go = onPath('go');
  if (!go) {
    throw new ToolchainError(
      [
        'The Temporal CLI was not found and Go is not installed to build it.',
        'Install the CLI one of these ways, then run the command again:',
        '  - macOS/Linux with Homebrew:  brew install temporal',
        '  - any platform: download a release from https://github.com/temporalio/cli/releases',
        '    and put `temporal` on your PATH (or set TEMPORAL_CLI_PATH to its full path)',
        `  - with Go >= 1.25:  go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`,
      ].join('\n'),
    );
  }
  log(quiet, `building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go into ${binDir} (first run only)…`);
  const started = Date.now();
  const result = spawnSync(
    go,
    ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`],
    {
      env: { ...process.env, GOBIN: binDir, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
      stdio: quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit',
      encoding: 'utf8',
    },
  );
  if (result.status !== 0 || !isExecutable(cached)) {
    throw new ToolchainError(
      `go install of the Temporal CLI failed (exit ${result.status}).\n${result.stderr ?? ''}`.trim(),
    );
  }
  log(quiet, `built ${cached} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return cached;
}

/** The `v`-prefixed tag of `image` (`temporalio/server`) in docker-compose.yml, which pins it once. */
function composeImageVersion(image: string): string {
  const compose = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
  const tag = new RegExp(`image:\\s*${image.replace('/', '\\/')}:(\\d+\\.\\d+\\.\\d+)\\s`).exec(compose)?.[1];
  if (!tag) throw new ToolchainError(`docker-compose.yml names no ${image}:<x.y.z> image.`);
  return `v${tag}`;
}

/**
 * The Temporal server release docker-compose.yml runs: the cluster command and its test build the same
 * release from Go modules, so the compose file is the one place it is set.
 */
export const temporalServerVersion = () => composeImageVersion('temporalio/server');
/** The Temporal Web UI release docker-compose.yml runs, likewise. */
export const temporalUiVersion = () => composeImageVersion('temporalio/ui');

/**
 * The release upgrades are tested from: the server the cluster ran before docker-compose.yml's, whose
 * database test/cluster/schema-upgrade.test.ts brings up to the current release with the schema job.
 */
export const TEMPORAL_UPGRADE_FROM_VERSION = 'v1.29.1';

/**
 * `go install`s one Go command at `version` into the cache, once, under the name given (`go install`
 * names it after its directory: `server`, `sql`), and returns its path. `envVar` names an executable
 * to use instead, for machines that have one already (undefined: always the cached build).
 */
function ensureGoCommand(
  envVar: string | undefined,
  dirName: string,
  pkg: string,
  version: string,
  binaryName: string,
  quiet: boolean,
): string {
  const fromEnv = envVar && process.env[envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new ToolchainError(`${envVar}=${fromEnv} is not an executable file.`);
    return fromEnv;
  }
  const binDir = join(cacheDir(), `${dirName}-${version}`);
  const cached = join(binDir, binaryName);
  if (isExecutable(cached)) return cached;
  const go = onPath('go');
  if (!go) {
    throw new ToolchainError(
      `${binaryName} ${version} was not found and Go (>= 1.24) is not installed to build it: install Go${envVar ? `, or set ${envVar} to the binary's path` : ''}.`,
    );
  }
  log(quiet, `building ${pkg}@${version} with Go into ${binDir} (first run only)…`);
  const started = Date.now();
  const result = spawnSync(go, ['install', `${pkg}@${version}`], {
    env: { ...process.env, GOBIN: binDir, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    stdio: quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit',
    encoding: 'utf8',
  });
  const built = join(binDir, pkg.split('/').at(-1)!);
  if (result.status !== 0 || !isExecutable(built)) {
    throw new ToolchainError(
      `go install ${pkg}@${version} failed (exit ${result.status}).\n${result.stderr ?? ''}`.trim(),
    );
  }
  if (built !== cached) renameSync(built, cached);
  log(quiet, `built ${cached} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return cached;
}

/**
 * The Temporal server (`temporal-server start`), as temporalio/server runs it: docker-compose.yml's
 * release unless `version` names another (TEMPORAL_SERVER_PATH stands in for the current release only).
 */
export function ensureTemporalServer({
  quiet = false,
  version,
}: { quiet?: boolean; version?: string } = {}): string {
  const current = temporalServerVersion();
  return ensureGoCommand(
    !version || version === current ? 'TEMPORAL_SERVER_PATH' : undefined,
    'temporal-server',
    'go.temporal.io/server/cmd/server',
    version ?? current,
    'server',
    quiet,
  );
}

/** temporal-sql-tool, the schema job's tool in temporalio/admin-tools, at the same release as the server. */
export function ensureTemporalSqlTool({
  quiet = false,
  version,
}: { quiet?: boolean; version?: string } = {}): string {
  const current = temporalServerVersion();
  return ensureGoCommand(
    !version || version === current ? 'TEMPORAL_SQL_TOOL_PATH' : undefined,
    'temporal-sql-tool',
    'go.temporal.io/server/cmd/tools/sql',
    version ?? current,
    'temporal-sql-tool',
    quiet,
  );
}

/**
 * The Temporal Web UI server (temporalio/ui's, with the UI's assets embedded), for start:cluster. It
 * builds from the Go module proxy in about 16 s with a warm Go build cache.
 */
export function ensureTemporalUiServer({ quiet = false } = {}): string {
  return ensureGoCommand(
    'TEMPORAL_UI_SERVER_PATH',
    'temporal-ui-server',
    'github.com/temporalio/ui-server/v2/cmd/server',
    temporalUiVersion(),
    'temporal-ui-server',
    quiet,
  );
}

/**
 * The server module's schema directory (`…/schema`, holding postgresql/v12/{temporal,visibility}) in the
 * Go module cache, downloaded when missing: admin-tools ships the same tree at /etc/temporal/schema.
 * docker-compose.yml's release unless `version` names another.
 */
export function temporalSchemaDir({
  quiet = false,
  version = temporalServerVersion(),
}: { quiet?: boolean; version?: string } = {}): string {
  const go = onPath('go');
  if (!go) throw new ToolchainError("Go is needed to fetch the Temporal server's schema files.");
  log(quiet, `locating go.temporal.io/server@${version} in the Go module cache…`);
  const result = spawnSync(go, ['mod', 'download', '-json', `go.temporal.io/server@${version}`], {
    encoding: 'utf8',
    cwd: cacheDir(),
  });
  if (result.status !== 0) {
    throw new ToolchainError(
      `go mod download go.temporal.io/server@${version} failed:\n${result.stdout}${result.stderr}`,
    );
  }
  const { Dir } = JSON.parse(result.stdout) as { Dir?: string };
  if (!Dir || !existsSync(join(Dir, 'schema', 'postgresql', 'v12'))) {
    throw new ToolchainError(
      `go.temporal.io/server@${version} has no schema/postgresql/v12 in the module cache.`,
    );
  }
  return join(Dir, 'schema');
}

function javaBinary(): string {
  const fromHome = process.env.JAVA_HOME && join(process.env.JAVA_HOME, 'bin', 'java');
  if (fromHome && isExecutable(fromHome)) return fromHome;
  const java = onPath('java');
  if (!java) {
    throw new ToolchainError(
      'Java (17 or later) is needed for the time-skipping test server: install a JDK (e.g. `apt-get install openjdk-17-jdk-headless`, `brew install openjdk@17`) or set JAVA_HOME.',
    );
  }
  return java;
}

/** JVM flags that bring the test server's start well under the ~5 s the SDK allows on a 2-core machine. */
const FAST_START_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss512k', '-Xshare:auto'];

/**
 * Fetches the Java test server with Maven into the cache, writes an executable wrapper that `exec`s java
 * (the SDK runs `<wrapper> <port>` and kills only its direct child), and records a class-data-sharing
 * archive so later starts skip most class loading. Returns the wrapper's path.
 */
export async function ensureTestServer({ quiet = false } = {}): Promise<string> {
  const home = join(cacheDir(), `temporal-test-server-${TEST_SERVER_VERSION}`);
  const lib = join(home, 'lib');
  const wrapper = join(home, 'temporal-test-server');
  const archive = join(home, 'classes.jsa');
  if (isExecutable(wrapper) && existsSync(archive)) return wrapper;

  const java = javaBinary();
  if (!existsSync(lib) || !readdirSync(lib).some((f) => f.startsWith('temporal-test-server-'))) {
    const mvn = onPath('mvn');
    if (!mvn) {
      throw new ToolchainError(
        'Maven is needed once to fetch the Temporal test server from Maven Central: install it (e.g. `apt-get install maven`, `brew install maven`) and run the command again.',
      );
    }
    log(quiet, `fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} with Maven…`);
    rmSync(lib, { recursive: true, force: true });
    const result = spawnSync(
      mvn,
      [
        '-B',
        '-q',
        '-f',
        join(repoRoot, 'scripts', 'toolchain', 'pom.xml'),
        `-Dtemporal.test-server.version=${TEST_SERVER_VERSION}`,
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${lib}`,
      ],
      { stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', encoding: 'utf8' },
    );
    if (result.status !== 0) {
      throw new ToolchainError(
        `Maven could not fetch the test server (exit ${result.status}).\n${result.stdout ?? ''}${result.stderr ?? ''}`,
      );
    }
  }

  const classpath = `${lib}/*`;
  const command = (sharing: string[]) => [
    ...FAST_START_FLAGS,
    ...sharing,
    '-cp',
    classpath,
    'io.temporal.testserver.TestServer',
  ];
  // A dynamic CDS archive is written when the JVM exits: start the server once, let it load its
  // classes, then stop it.
  log(quiet, 'recording a class-data-sharing archive for the test server…');
  rmSync(archive, { force: true });
  const port = await freePort();
  const recorder = spawn(java, [...command([`-XX:ArchiveClassesAtExit=${archive}`]), String(port)], {
    stdio: 'ignore',
  });
  try {
    await waitForPort(port, 60_000);
  } finally {
    recorder.kill('SIGTERM');
    await new Promise((done) => recorder.once('exit', done));
  }

  const sharing = existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : [];
  const quoted = command(sharing).map((arg) => `'${arg}'`);
  writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      '# Written by scripts/toolchain.ts. The Temporal SDK runs `<this file> <port>`; exec so that the',
      '# JVM is the process it stops.',
      `exec '${java}' ${quoted.join(' ')} "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return wrapper;
}

/**
 * Builds scripts/toolchain/compose-check (compose-go, the Compose Specification's reference loader) into the
 * cache, so docker-compose.yml is validated on machines without Docker. Returns undefined without Go.
 */
export function ensureComposeCheck({ quiet = false } = {}): string | undefined {
  const go = onPath('go');
  if (!go) return undefined;
  const source = join(repoRoot, 'scripts', 'toolchain', 'compose-check');
  const binary = join(cacheDir(), 'compose-check', 'compose-check');
  const stamp = join(cacheDir(), 'compose-check', 'go.sum');
  const goSum = readFileSync(join(source, 'go.sum'), 'utf8') + readFileSync(join(source, 'main.go'), 'utf8');
  if (isExecutable(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8') === goSum) return binary;
  log(quiet, 'building scripts/toolchain/compose-check with Go…');
  const result = spawnSync(go, ['build', '-o', binary, '.'], {
    cwd: source,
    env: { ...process.env, CGO_ENABLED: '0' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new ToolchainError(`building compose-check failed:\n${result.stderr}`);
  writeFileSync(stamp, goSum);
  return binary;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((answer) => {
      const socket = createConnection({ port, host });
      socket.once('connect', () => {
        socket.destroy();
        answer(true);
      });
      socket.once('error', () => answer(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new ToolchainError(`nothing answered on ${host}:${port} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the first 2xx answer from `url`, polling until `timeoutMs` has passed. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(url).catch(() => undefined);
    if (response?.ok) return response;
    if (Date.now() > deadline) throw new ToolchainError(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function temporalCliVersion(cli: string): string {
  return execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
}

async function main(): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  try {
    const cli = ensureTemporalCli({ quiet });
    const testServer = await ensureTestServer({ quiet });
    // test/cluster's: built here so that a fresh machine's build shows up as the toolchain's time.
    const server = ensureTemporalServer({ quiet });
    const sqlTool = ensureTemporalSqlTool({ quiet });
    // test/cluster/schema-upgrade.test.ts's: the release upgrades are tested from.
    const version = TEMPORAL_UPGRADE_FROM_VERSION;
    const oldServer = ensureTemporalServer({ quiet, version });
    const oldSqlTool = ensureTemporalSqlTool({ quiet, version });
    if (!quiet) {
      process.stdout.write(`temporal CLI:         ${cli} (${temporalCliVersion(cli)})\n`);
      process.stdout.write(`time-skipping server: ${testServer}\n`);
      process.stdout.write(`temporal server:      ${server} (${temporalServerVersion()})\n`);
      process.stdout.write(`temporal-sql-tool:    ${sqlTool}\n`);
      process.stdout.write(`old release server:   ${oldServer} (${version})\n`);
      process.stdout.write(`old release sql-tool: ${oldSqlTool}\n`);
    }
  } catch (error) {
    if (error instanceof ToolchainError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
