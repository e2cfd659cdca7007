/**
 * The Trust Hub sandbox is its own npm package (packages/trusthub-sandbox), ready to publish: these
 * checks keep it so. Its manifest has one public entry point and a bin; the root depends on it as a
 * workspace and the lock file says so (`npm ci` on a fresh clone); the service (src/) imports nothing
 * from it and it imports nothing from the service, only its own dependencies — so the copy it keeps of
 * the guide's allowed values must stay equal to the service's.
 */
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as service from '../../src/contract/vocabulary.js';
// The one test that reads a module of the package directly: the lists are not part of its public API.
// eslint-disable-next-line no-restricted-imports
import * as sandbox from '../../packages/trusthub-sandbox/src/catalogue-values.js';
import { importSpecifiers } from '../support/imports.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const packageDir = join(repoRoot, 'packages', 'trusthub-sandbox');
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const manifest = json(join(packageDir, 'package.json')) as {
  name: string;
  version: string;
  license: string;
  private?: boolean;
  engines: Record<string, string>;
  bin: Record<string, string>;
  exports: Record<string, unknown>;
  files: string[];
  dependencies: Record<string, string>;
};

const sources = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
const specifiers = (file: string) => importSpecifiers(readFileSync(file, 'utf8'));

test('the package is publishable: a name, a version, a licence, an engine, a bin and one entry point', () => {
  assert.equal(manifest.name, 'trusthub-sandbox');
  assert.equal(manifest.version, '0.1.0');
  assert.equal(manifest.license, 'MIT');
  assert.notEqual(manifest.private, true);
  assert.equal(manifest.engines.node, '>=24');
  assert.deepEqual(Object.keys(manifest.bin), ['trusthub-sandbox']);
  assert.ok(existsSync(join(packageDir, manifest.bin['trusthub-sandbox']!)), 'the bin exists');
  assert.deepEqual(Object.keys(manifest.exports), ['.'], 'one public entry point');
  for (const entry of ['bin', 'dist', 'README.md']) assert.ok(manifest.files.includes(entry), entry);
  assert.ok(existsSync(join(packageDir, 'README.md')));
});

test('the root depends on it as a workspace, and the lock file is in step', () => {
  const root = json(join(repoRoot, 'package.json')) as {
    workspaces: string[];
    dependencies: Record<string, string>;
  };
  assert.deepEqual(root.workspaces, ['packages/*']);
  assert.equal(root.dependencies['trusthub-sandbox'], manifest.version);
  const lock = json(join(repoRoot, 'package-lock.json')) as {
    packages: Record<string, { version?: string; link?: boolean; resolved?: string; dependencies?: unknown }>;
  };
  assert.equal(lock.packages['node_modules/trusthub-sandbox']?.link, true);
  assert.equal(lock.packages['node_modules/trusthub-sandbox']?.resolved, 'packages/trusthub-sandbox');
  assert.equal(lock.packages['packages/trusthub-sandbox']?.version, manifest.version);
  assert.deepEqual(lock.packages['packages/trusthub-sandbox']?.dependencies, manifest.dependencies);
});

test('the service imports nothing from the sandbox', () => {
  const offending = sources(join(repoRoot, 'src')).flatMap((file) =>
    specifiers(file)
      .filter((s) => s.startsWith('trusthub-sandbox') || s.includes('packages/') || /\/sandbox(\/|$)/.test(s))
      .map((s) => `${file}: ${s}`),
  );
  assert.deepEqual(offending, []);
});

test('the sandbox imports only its own modules, Node and its own dependencies', () => {
  const src = join(packageDir, 'src');
  const offending = sources(src).flatMap((file) =>
    specifiers(file)
      .filter((s) => {
        if (s.startsWith('.')) return !resolve(file, '..', s).startsWith(src);
        if (s.startsWith('node:') || builtinModules.includes(s)) return false;
        const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
        return !(name in manifest.dependencies);
      })
      .map((s) => `${file}: ${s}`),
  );
  assert.deepEqual(offending, []);
});

test("the sandbox's copy of the guide's allowed values is the service's", () => {
  assert.deepEqual(sandbox.BUSINESS_IDENTITIES, service.BUSINESS_IDENTITIES);
  assert.deepEqual(sandbox.BUSINESS_TYPES, service.BUSINESS_TYPES);
  assert.deepEqual(sandbox.BUSINESS_INDUSTRIES, service.BUSINESS_INDUSTRIES);
  assert.deepEqual(sandbox.REGIONS_OF_OPERATION, service.REGIONS_OF_OPERATION);
  assert.deepEqual(sandbox.JOB_POSITIONS, service.JOB_POSITIONS);
  assert.deepEqual(sandbox.VOICE_INTEGRITY_USE_CASES, service.VOICE_INTEGRITY_USE_CASES);
});
