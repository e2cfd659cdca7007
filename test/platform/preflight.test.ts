/**
 * scripts/preflight.ts: what `npm test` decides, with fake probes, about a machine that lacks some of
 * the programs the suites need; that its packages are the ones `.ci/run` installs; and, on this
 * machine with a PATH that hides them, that `npm test` stops at once with the command, before typecheck.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { explain, preflight, REQUIREMENTS, type Probes } from '../../scripts/preflight.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A machine on which exactly `files` are executable. */
function machine(files: string[], { root = false, env = {} } = {}): Probes {
  const present = new Set(files);
  return { executable: (path) => present.has(path), path: ['/usr/local/bin', '/usr/bin'], env, root };
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
    assert.deepEqual(preflight(machine(EVERYTHING)), { missing: [], fix: undefined });
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

test('npm test on a PATH without the programs stops at once with the command, before typecheck', () => {
  // A PATH with node, npm and sh alone: go, java, mvn, chromium, curl and jq are hidden.
  const bin = mkdtempSync(join(tmpdir(), 'preflight-path-'));
  try {
    symlinkSync(process.execPath, join(bin, 'node'));
    const npmCli = join(dirname(process.execPath), 'npm');
    symlinkSync(npmCli, join(bin, 'npm'));
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
    assert.doesNotMatch(output, /> trusthub-onboarding@[\d.]+ typecheck/);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
