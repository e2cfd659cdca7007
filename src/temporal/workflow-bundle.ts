/**
 * The onboarding workflows as one bundle for the worker and the replayer. The failure converter goes
 * into the bundle because workflow code, isolated from the worker's modules, encodes its own failures
 * (src/temporal/codec.ts).
 *
 * Bundling takes seconds of CPU and a few hundred MB at every worker start, which is what a restarted
 * worker spends before it takes work again. So the worker does not bundle when it can avoid it:
 *
 *   - a deployed worker runs from dist/, where `npm run build` has already written the bundle of that
 *     very code (dist/workflow-bundle.js, by src/build-workflow-bundle.ts): it loads that file, and the
 *     image needs neither the bundler's CPU nor a writable directory at start. The build empties dist/
 *     first, so the bundle and the compiled code always come from the same sources. One well-known
 *     file rather than a setting: there is nothing to configure, and nothing to get wrong;
 *   - a worker run from the sources (tsx) keeps the bundle on disk, named by a hash of every source
 *     file and the lock file, so any change to the code builds a new one and an unchanged start
 *     reuses it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  type Logger,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { failureConverterPath } from './codec.js';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(srcDir, '..');

/** .ts when run from the sources under tsx, .js when run from dist/. */
const moduleExtension = extname(fileURLToPath(import.meta.url));

export const workflowsPath = join(srcDir, 'workflows', `index${moduleExtension}`);

/** Where `npm run build` writes the bundle: next to the compiled worker, dist/workflow-bundle.js. */
export const PREBUILT_BUNDLE_FILE = 'workflow-bundle.js';

/**
 * The prebuilt bundle next to the compiled code, when running compiled and the build wrote it. Under
 * tsx there is none to use: the sources may have changed since any build.
 */
export function prebuiltWorkflowBundlePath(
  compiledDir: string | undefined = moduleExtension === '.js' ? srcDir : undefined,
): string | undefined {
  if (!compiledDir) return undefined;
  const built = join(compiledDir, PREBUILT_BUNDLE_FILE);
  return existsSync(built) ? built : undefined;
}

export function bundleOnboardingWorkflows(logger?: Logger): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, failureConverterPath, ...(logger ? { logger } : {}) });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** The hash the cached bundle is named by: every file under src/, and the installed dependencies. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles(srcDir), join(repoRoot, 'package-lock.json')]) {
    if (!existsSync(file)) continue;
    hash.update(file.slice(repoRoot.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The bundle for the worker: the prebuilt one when there is one (above); otherwise from the on-disk
 * cache when the sources are unchanged, built otherwise.
 */
export async function workerWorkflowBundle(
  logger?: Logger,
  cacheDir = join(repoRoot, 'node_modules', '.cache', 'trusthub-onboarding'),
  prebuilt = prebuiltWorkflowBundlePath(),
): Promise<WorkflowBundleOption> {
  if (prebuilt) {
    logger?.info('Using the prebuilt workflow bundle', { codePath: prebuilt });
    return { codePath: prebuilt };
  }
  if (moduleExtension === '.js') {
    logger?.warn(
      'No prebuilt workflow bundle next to the compiled worker: bundling now (run `npm run build`)',
    );
  }
  const codePath = join(cacheDir, `workflow-bundle-${sourceHash()}.js`);
  if (existsSync(codePath)) return { codePath };
  const bundle = await bundleOnboardingWorkflows(logger);
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed: a worker starting meanwhile never reads half a bundle.
    const partial = `${codePath}.${process.pid}.tmp`;
    writeFileSync(partial, bundle.code);
    renameSync(partial, codePath);
  } catch {
    // A read-only install still runs, bundling at each start.
  }
  return bundle;
}
