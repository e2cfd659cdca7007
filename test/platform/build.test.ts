/**
 * `npm run build`, as the image runs it (Dockerfile): the compiled trees (the service's dist/ and the
 * sandbox package's packages/trusthub-sandbox/dist/) hold every entry point the Dockerfile and
 * docker-compose.yml start with `node …dist/…`, the workflow bundle is written next to the service's,
 * the compiled worker picks that bundle up instead of bundling at start, and the compiled sandbox
 * serves. Docker does not run
 * where this project is built, so this is how a broken image is caught before it is built.
 *
 * The build goes to a directory of its own (under node_modules/.cache, so that the compiled code finds
 * the installed packages), never over a dist/ someone may be running.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { PREBUILT_BUNDLE_FILE, prebuiltWorkflowBundlePath } from '../../src/temporal/workflow-bundle.js';
import type * as WorkflowBundleModule from '../../src/temporal/workflow-bundle.js';
import { replayOn } from '../support/histories.js';
import { installTestRuntime } from '../support/temporal.js';
import { importSpecifiers } from '../support/imports.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');

/** The sandbox package's compiled tree, as the image holds it (Dockerfile). */
const SANDBOX_DIST = 'packages/trusthub-sandbox/dist/';

/** Every `dist/….js` the image is told to run: the Dockerfile's CMD and the compose services' commands. */
function entryPoints(): string[] {
  const cmd = read('Dockerfile')
    .split('\n')
    .find((line) => line.startsWith('CMD '));
  assert.ok(cmd, 'the Dockerfile has a CMD');
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, { build?: unknown; command?: string[] }>;
  };
  const commands = [
    JSON.parse(cmd.slice('CMD '.length)) as string[],
    ...Object.values(compose.services)
      .filter((service) => service.build)
      .map((service) => service.command ?? []),
  ];
  return commands.map((command) => {
    assert.equal(command[0], 'node', `${JSON.stringify(command)} runs node`);
    assert.match(
      command[1] ?? '',
      /^(packages\/trusthub-sandbox\/)?dist\/.+\.js$/,
      `${JSON.stringify(command)} runs compiled code`,
    );
    return command[1]!;
  });
}

describe('npm run build', () => {
  let outDir: string;
  // The service's dist/… at the top of outDir, the sandbox's under outDir/packages/trusthub-sandbox/dist.
  const built = (distPath: string) => join(outDir, distPath.replace(/^dist\//, ''));

  before(() => {
    const cache = join(repoRoot, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    outDir = mkdtempSync(join(cache, 'build-test-'));
    // Under node_modules, Node looks no further up for the package's "type": say it here.
    writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  test('is tsc with tsconfig.build.json into dist/, then the workflow bundle from the compiled code, then the sandbox', () => {
    const script = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.build;
    assert.equal(
      script,
      'rm -rf dist && tsc -p tsconfig.build.json && node dist/build-workflow-bundle.js && npm run build -w trusthub-sandbox',
    );
    const sandboxScript = (
      JSON.parse(read('packages/trusthub-sandbox/package.json')) as { scripts: Record<string, string> }
    ).scripts.build;
    assert.equal(sandboxScript, 'rm -rf dist && tsc -p tsconfig.build.json');
    assert.match(
      read('Dockerfile'),
      /^COPY --from=build \/app\/packages\/trusthub-sandbox\/dist \.\/packages\/trusthub-sandbox\/dist$/m,
    );
    const config = JSON.parse(read('tsconfig.build.json')) as {
      compilerOptions: { outDir: string; rootDir: string; noEmit: boolean };
      include: string[];
    };
    assert.deepEqual(config.compilerOptions, { noEmit: false, outDir: 'dist', rootDir: 'src' });
    assert.deepEqual(config.include, ['src']);
    assert.match(read('Dockerfile'), /^RUN npm run build$/m);
    assert.match(read('Dockerfile'), /^COPY --from=build \/app\/dist \.\/dist$/m);
  });

  test(
    'compiles every entry point the image runs, and writes the workflow bundle',
    { timeout: 300_000 },
    () => {
      const tsc = spawnSync(
        process.execPath,
        [
          join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
          '-p',
          'tsconfig.build.json',
          '--outDir',
          outDir,
        ],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
      const bundle = spawnSync(process.execPath, [built('dist/build-workflow-bundle.js')], {
        cwd: repoRoot,
        encoding: 'utf8',
      });
      assert.equal(bundle.status, 0, bundle.stdout + bundle.stderr);
      const sandboxTsc = spawnSync(
        process.execPath,
        [
          join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
          '-p',
          'packages/trusthub-sandbox/tsconfig.build.json',
          '--outDir',
          join(outDir, SANDBOX_DIST),
        ],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      assert.equal(sandboxTsc.status, 0, sandboxTsc.stdout + sandboxTsc.stderr);

      const entries = entryPoints();
      for (const entry of ['dist/api/server.js', 'dist/worker.js', `${SANDBOX_DIST}server.js`]) {
        assert.ok(entries.includes(entry), `${entry} is started by the image`);
      }
      for (const entry of entries) assert.ok(existsSync(built(entry)), `${entry} is built`);
      // The CLI's bin runs the compiled dist/cli/main.js wherever the sources are absent (the image).
      assert.match(read('bin/trusthub-onboarding.js'), /dist\/cli\/main\.js/);
      assert.match(read('Dockerfile'), /^COPY bin \.\/bin$/m);
      assert.ok(existsSync(built('dist/cli/main.js')), 'the CLI is built');
      // The failure converter goes into the bundle from its compiled path (src/temporal/codec.ts).
      assert.match(readFileSync(built('dist/workflow-bundle.js'), 'utf8'), /temporal\/failure-converter\.js/);
    },
  );

  test('imports only production dependencies (the sandbox: its own): the image installs no others', () => {
    const dependenciesOf = (manifest: string) =>
      (JSON.parse(read(manifest)) as { dependencies: Record<string, string> }).dependencies;
    const root = dependenciesOf('package.json');
    const sandbox = dependenciesOf('packages/trusthub-sandbox/package.json');
    const files = (readdirSync(outDir, { recursive: true }) as string[]).filter(
      (file) => file.endsWith('.js') && file !== PREBUILT_BUNDLE_FILE,
    );
    const missing = new Set<string>();
    for (const file of files) {
      const dependencies = file.startsWith(SANDBOX_DIST) ? sandbox : root;
      const code = readFileSync(join(outDir, file), 'utf8');
      for (const specifier of importSpecifiers(code)) {
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        const parts = specifier.split('/');
        const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
        if (!builtinModules.includes(name) && !(name in dependencies)) missing.add(`${name} (${file})`);
      }
    }
    assert.ok(files.length > 10, 'the compiled tree was read');
    assert.deepEqual([...missing], [], 'every package imported at run time is in "dependencies"');
  });

  test('the compiled sandbox serves, as the image starts it', { timeout: 60_000 }, async () => {
    const server = built(`${SANDBOX_DIST}server.js`);
    assert.ok(existsSync(server), 'the compile test built it');
    const child = spawn(process.execPath, [server], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, SANDBOX_PORT: '0', LOG_LEVEL: 'silent', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}): ${out}`)));
      });
      const response = await fetch(`${baseUrl}/__sandbox/info`);
      assert.equal(response.status, 200);
      assert.match(((await response.json()) as { accountSid: string }).accountSid, /^AC[0-9a-f]{32}$/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test(
    'the compiled worker loads the prebuilt bundle and does not bundle',
    { timeout: 120_000 },
    async () => {
      const bundlePath = built('dist/workflow-bundle.js');
      assert.ok(existsSync(bundlePath), 'the previous test built it');
      const compiled = (await import(
        pathToFileURL(built('dist/temporal/workflow-bundle.js')).href
      )) as typeof WorkflowBundleModule;
      assert.equal(compiled.prebuiltWorkflowBundlePath(), bundlePath);

      const messages: string[] = [];
      const record = (message: string) => void messages.push(message);
      const logger = { log: record, trace: record, debug: record, info: record, warn: record, error: record };
      const started = Date.now();
      const option = await compiled.workerWorkflowBundle(logger, join(outDir, 'no-cache-here'));
      assert.deepEqual(option, { codePath: bundlePath });
      assert.ok(Date.now() - started < 1_000, 'no bundling: a path is returned at once');
      assert.deepEqual(messages, ['Using the prebuilt workflow bundle']);
      assert.equal(existsSync(join(outDir, 'no-cache-here')), false, 'nothing was bundled into the cache');

      // And the bundle works: a recorded history replays on it, failure converter included.
      installTestRuntime();
      const result = await replayOn(option, 'prebuilt-bundle');
      assert.equal(result, 'replayed');
    },
  );

  test('run from the sources, the worker ignores any prebuilt bundle: the sources may be newer', () => {
    assert.equal(prebuiltWorkflowBundlePath(), undefined);
    assert.equal(prebuiltWorkflowBundlePath(join(outDir, 'nowhere')), undefined);
    assert.equal(prebuiltWorkflowBundlePath(outDir), join(outDir, 'workflow-bundle.js'));
  });
});
