/**
 * scripts/preflight.ts: what `npm test` decides, with fake probes, about a machine that lacks some of
 * the programs the suites need or runs an older Node; that its packages are the ones `.ci/run`
 * installs, and its Node the one `.ci/node` installs and `engines` and the image name; and, on this
 * machine with a PATH that hides them, that `npm test` stops at once with the command, before typecheck.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import {
  explain,
  NODE_FIX,
  NODE_MAJOR,
  NODE_RELEASE,
  preflight,
  REQUIREMENTS,
  type Probes,
} from '../../scripts/preflight.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A machine on which exactly `files` are executable, running Node `node`. */
function machine(files: string[], { root = false, env = {}, node = NODE_RELEASE } = {}): Probes {
  const present = new Set(files);
  return {
    nodeVersion: node,
    executable: (path) => present.has(path),
    path: ['/usr/local/bin', '/usr/bin'],
    env,
    root,
  };
}

const EVERYTHING = [
  '/usr/bin/apt-get',
  '/usr/local/bin/go',
  '/usr/bin/java',
  '/usr/bin/mvn',
  '/usr/lib/postgresql/15/bin/initdb',
  '/usr/lib/postgresql/15/bin/postgres',
  '/usr/bin/chromium',
  '/usr/bin/curl',
  '/usr/bin/jq',
];
const without = (...gone: string[]) => EVERYTHING.filter((f) => !gone.includes(f));

describe('preflight', () => {
  test('a machine with everything: nothing to fix', () => {
    assert.deepEqual(preflight(machine(EVERYTHING)), { oldNode: undefined, missing: [], fix: undefined });
  });

  test('Node 20 with everything else: the Node .ci/node installs, and only that', () => {
    const verdict = preflight(machine(EVERYTHING, { node: '20.20.2' }));
    assert.equal(verdict.oldNode, '20.20.2');
    assert.deepEqual(verdict.missing, []);
    assert.equal(verdict.fix, 'export PATH="$(.ci/node):$PATH"');
    const text = explain(verdict);
    assert.match(text, new RegExp(`\\n {2}- Node ${NODE_MAJOR} or later: this is Node 20\\.20\\.2 `));
    assert.match(text, /\n {2}export PATH="\$\(\.ci\/node\):\$PATH"\n/);
  });

  test(`any Node ${NODE_MAJOR} or later will do`, () => {
    for (const node of [`${NODE_MAJOR}.0.0`, NODE_RELEASE, `${NODE_MAJOR + 2}.1.0`])
      assert.equal(preflight(machine(EVERYTHING, { node })).fix, undefined, node);
  });

  test('an old Node and missing packages: the Node first, then the packages, a command a line', () => {
    const verdict = preflight(machine(without('/usr/bin/jq'), { node: '22.12.0', root: true }));
    assert.equal(verdict.fix, `${NODE_FIX}\napt-get update && apt-get install -y jq`);
    assert.match(explain(verdict), /\n {2}export PATH=.*\n {2}apt-get update && apt-get install -y jq\n/);
  });

  test('a fresh Debian machine: one command installs every package, after apt-get update', () => {
    const verdict = preflight(machine(['/usr/bin/apt-get']));
    assert.equal(verdict.missing.length, REQUIREMENTS.length);
    assert.equal(
      verdict.fix,
      'sudo apt-get update && sudo apt-get install -y golang-go openjdk-17-jre-headless maven postgresql-15 chromium curl jq',
    );
  });

  test('as root, no sudo', () => {
    assert.equal(
      preflight(machine(without('/usr/bin/jq'), { root: true })).fix,
      'apt-get update && apt-get install -y jq',
    );
  });

  test("PostgreSQL 15's server programs missing: only postgresql-15, and the message says test/cluster needs them", () => {
    const verdict = preflight(machine(without('/usr/lib/postgresql/15/bin/initdb')));
    assert.deepEqual(
      verdict.missing.map((r) => r.aptPackage),
      ['postgresql-15'],
    );
    assert.equal(verdict.fix, 'sudo apt-get update && sudo apt-get install -y postgresql-15');
    const text = explain(verdict);
    assert.match(text, /PostgreSQL 15's server programs: test\/cluster runs initdb/);
    assert.match(text, /\n {2}sudo apt-get update && sudo apt-get install -y postgresql-15\n/);
  });

  test('postgres from a source build in /usr/local/bin counts', () => {
    const files = without('/usr/lib/postgresql/15/bin/initdb', '/usr/lib/postgresql/15/bin/postgres');
    assert.equal(
      preflight(machine([...files, '/usr/local/bin/initdb', '/usr/local/bin/postgres'])).fix,
      undefined,
    );
  });

  test('JAVA_HOME and CHROMIUM_PATH count as the tests count them; chromium-browser is Chromium', () => {
    const files = [
      ...without('/usr/bin/java', '/usr/bin/chromium'),
      '/opt/jdk/bin/java',
      '/opt/chrome/chrome',
    ];
    assert.equal(
      preflight(machine(files, { env: { JAVA_HOME: '/opt/jdk', CHROMIUM_PATH: '/opt/chrome/chrome' } })).fix,
      undefined,
    );
    assert.deepEqual(
      preflight(machine(files)).missing.map((r) => r.name),
      ['Java 17+', 'Chromium'],
    );
    assert.equal(
      preflight(machine([...without('/usr/bin/chromium'), '/usr/bin/chromium-browser'])).fix,
      undefined,
    );
  });

  test('no apt-get: names what to install, with the Debian package names', () => {
    const verdict = preflight(machine(without('/usr/bin/apt-get', '/usr/bin/mvn', '/usr/bin/chromium')));
    assert.equal(
      verdict.fix,
      "install Maven, Chromium with this system's package manager (Debian: maven chromium)",
    );
  });

  test(".ci/run installs exactly the preflight's packages", () => {
    const ciRun = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8');
    const installed = [...ciRun.matchAll(/\|\| apt_install ([\w.+-]+)/g)].map((m) => m[1]!);
    assert.deepEqual(installed.sort(), REQUIREMENTS.map((r) => r.aptPackage).sort());
  });
});

describe('.ci/node', () => {
  const release = NODE_RELEASE;
  /** Runs .ci/node on a PATH of `tools` (from /usr/bin or /bin) and a `node` that says it is `major`. */
  function ciNode(major: number, tools: string[], cache: string) {
    const bin = mkdtempSync(join(tmpdir(), 'ci-node-path-'));
    try {
      writeFileSync(join(bin, 'node'), `#!/bin/sh\necho ${major}\n`);
      chmodSync(join(bin, 'node'), 0o755);
      for (const tool of tools) {
        const found = ['/usr/bin', '/bin'].map((dir) => join(dir, tool)).find((path) => existsSync(path));
        if (found) symlinkSync(found, join(bin, tool));
      }
      return spawnSync(join(repoRoot, '.ci', 'node'), [], {
        env: { HOME: tmpdir(), TRUSTHUB_CACHE_DIR: cache, PATH: bin },
        encoding: 'utf8',
      });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  }
  const basics = ['bash', 'tr', 'uname', 'dirname'];

  test(`.nvmrc names one exact Node ${NODE_MAJOR} release, and engines and the image name its major`, () => {
    assert.match(release, /^\d+\.\d+\.\d+$/);
    for (const manifest of ['package.json', 'packages/trusthub-sandbox/package.json']) {
      const { engines } = JSON.parse(readFileSync(join(repoRoot, manifest), 'utf8')) as {
        engines: { node: string };
      };
      assert.equal(engines.node, `>=${NODE_MAJOR}`, manifest);
    }
    const images = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8').match(/^FROM node:\S+/gm) ?? [];
    assert.equal(images.length, 2);
    for (const image of images) assert.match(image, new RegExp(`^FROM node:${NODE_MAJOR}-`));
  });

  test('a machine on an older Node gets the cached release first on PATH', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ci-node-cache-'));
    try {
      const cached = join(cache, `node-v${release}`, 'bin');
      mkdirSync(cached, { recursive: true });
      writeFileSync(join(cached, 'node'), '#!/bin/sh\n');
      chmodSync(join(cached, 'node'), 0o755);
      const run = ciNode(NODE_MAJOR - 4, basics, cache);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `${cached}\n`);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test(`a machine on Node ${NODE_MAJOR} or later keeps its own: nothing printed, nothing installed`, () => {
    const cache = mkdtempSync(join(tmpdir(), 'ci-node-cache-'));
    try {
      for (const major of [NODE_MAJOR, NODE_MAJOR + 2]) {
        const run = ciNode(major, basics, cache);
        assert.equal(run.status, 0, run.stderr);
        assert.equal(run.stdout, '');
      }
      assert.deepEqual(readdirSync(cache), []);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test('an older Node and no npm to fetch the release with: stops and says what to install', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ci-node-cache-'));
    try {
      const run = ciNode(NODE_MAJOR - 4, basics, cache);
      assert.notEqual(run.status, 0);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, new RegExp(`install Node ${NODE_MAJOR}\\+`));
      assert.deepEqual(readdirSync(cache), []);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test('.ci/run puts what .ci/node prints first on PATH before npm ci', () => {
    const ciRun = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8');
    const install = ciRun.indexOf('node_bin="$(.ci/node)"');
    assert.ok(install > 0, '.ci/run runs .ci/node');
    assert.ok(ciRun.indexOf('export PATH="$node_bin:$PATH"', install) > install);
    assert.ok(ciRun.indexOf('npm ci', install) > install);
  });
});

/** The npm beside this Node, or the first on PATH (a Node from .ci/node has none beside it). */
function npmCli(): string {
  const dirs = [dirname(process.execPath), ...(process.env.PATH ?? '').split(':').filter(Boolean)];
  const found = dirs.map((dir) => join(dir, 'npm')).find((path) => existsSync(path));
  assert.ok(found, 'npm is on PATH');
  return found;
}

test('npm test on a PATH without the programs stops at once with the command, before typecheck', () => {
  // A PATH with node, npm and sh alone: go, java, mvn, chromium, curl and jq are hidden.
  const bin = mkdtempSync(join(tmpdir(), 'preflight-path-'));
  try {
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync(npmCli(), join(bin, 'npm'));
    symlinkSync('/bin/sh', join(bin, 'sh')); // npm runs scripts with sh
    // apt-get stays, where there is one, so that the command is apt-get's.
    const aptGet = existsSync('/usr/bin/apt-get');
    if (aptGet) symlinkSync('/usr/bin/apt-get', join(bin, 'apt-get'));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !['JAVA_HOME', 'CHROMIUM_PATH'].includes(key) && !key.startsWith('npm_'),
      ),
    );
    const run = spawnSync(join(bin, 'npm'), ['test'], {
      cwd: repoRoot,
      env: { ...env, PATH: bin },
      encoding: 'utf8',
    });
    assert.notEqual(run.status, 0);
    const output = run.stdout + run.stderr;
    assert.match(output, /npm test needs programs this machine does not have/);
    for (const name of ['Go', 'Java 17\\+', 'Maven', 'Chromium', 'curl', 'jq'])
      assert.match(output, new RegExp(`\\n {2}- ${name}: `));
    assert.match(
      output,
      aptGet
        ? /apt-get update && (sudo )?apt-get install -y golang-go openjdk-17-jre-headless maven (postgresql-15 )?chromium curl jq\n/
        : /install Go, Java 17\+, Maven, (PostgreSQL 15's server programs, )?Chromium, curl, jq with/,
    );
    // This Node, where older than .nvmrc's major, is named too, with the command that gets that one.
    const oldNode = Number(process.versions.node.split('.')[0]) < NODE_MAJOR;
    assert.equal(/\n {2}- Node \d+ or later: /.test(output), oldNode);
    assert.equal(output.includes(`\n  ${NODE_FIX}\n`), oldNode);
    assert.doesNotMatch(output, /> trusthub-onboarding@[\d.]+ typecheck/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
